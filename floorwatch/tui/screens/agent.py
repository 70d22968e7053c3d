"""The agent screen: one agent's metrics against their thresholds and windows, the team beside
them, trends over months and, in the `#agent-notes` container, the coaching notes timeline.

The screen composes all of it itself; the App sets `show_row` as the board moves, and hears
`f`/`p` as a `WriteNote` message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from floorwatch.coaching.analysis import AgentAnalysis, MetricComparison
from floorwatch.coaching.goals import Goal, goals_for
from floorwatch.coaching.trend import Trend
from floorwatch.config.types import Config, MetricConfig, Threshold
from floorwatch.live.board import AgentRow
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value, rule_text, shower
from floorwatch.tui.messages import WriteNote
from floorwatch.tui.notes_service import NotesService
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.goals import GoalsLine, GoalsOf, Values, goal_statuses
from floorwatch.tui.widgets.notes_timeline import NotesTimeline, RowOf

ThresholdOf = Callable[[str, str], Threshold]
AnalysisOf = Callable[[str], AgentAnalysis | None]
TrendsOf = Callable[[str], list[tuple[MetricConfig, list[Trend]]]]  # blocking: a thread worker
NO_HISTORY = (
    "Trend over months: no daily figures kept yet (`run` and `serve` keep each closed day's; "
    "`floorwatch history build` backfills)"
)


def trends_view(trends: list[tuple[MetricConfig, list[Trend]]]) -> Text:
    if not trends:
        return Text(NO_HISTORY, style="dim")
    text = Text(end="")
    text.append("Trend over months", style="bold")
    for metric, spans in trends:
        text.append(f"\n  {metric.label}: ")
        text.append("; ".join(span.text() for span in spans))
    return text


def metrics_table(
    row: AgentRow, metrics: tuple[MetricConfig, ...], threshold_of: ThresholdOf, palette: Palette
) -> Table:
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for title, right in (("metric", False), ("value", True), ("status", False),
                         ("thresholds", False), ("window", False), ("rows", True)):  # fmt: skip
        table.add_column(title, justify="right" if right else "left", no_wrap=True)
    for metric in metrics:
        cell = row.cells.get(metric.key)
        if cell is None:
            continue
        style = palette.for_status(cell.status)
        value = format_value(cell.value, metric.format) + (" ~stale" if cell.stale else "")
        window = f"{metric.agg.value} over {metric.window_text}"
        rows = f"{cell.count}" + (f" (min {metric.min_count})" if metric.min_count > 1 else "")
        table.add_row(
            Text(metric.label),
            Text(value, style=style),
            Text(cell.status.label, style=style),
            Text(_rule(metric, threshold_of(row.agent, metric.key))),
            Text(window),
            Text(rows),
        )
    return table


def _rule(metric: MetricConfig, threshold: Threshold) -> str:
    """'green <= 3:30, red > 5:00' in the metric's own terms."""
    return rule_text(metric.better, threshold.green, threshold.red, shower(metric.format))


def analysis_view(analysis: AgentAnalysis, palette: Palette) -> Group:
    """The agent beside the team (average, best, rank, gap to green), then what to praise, what
    to work on and where to start. Names are feed text: Text objects, never markup."""
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for title, right in (("vs team", False), ("agent", True), ("team avg", True),
                         ("team best", True), ("", False), ("rank", True),
                         ("to green", True)):  # fmt: skip
        table.add_column(title, justify="right" if right else "left", no_wrap=True)
    for item in analysis.comparisons:
        table.add_row(*_comparison_cells(item, palette))
    lines = [table, Text("")]
    for label, metrics in (("Strengths", analysis.strengths), ("Work on", analysis.weaknesses)):
        names = ", ".join(metric.label for metric in metrics) or "-"
        lines.append(Text.assemble((f"{label}: ", "bold"), names))
    if analysis.focus:
        lines.append(Text.assemble(("Focus: ", "bold"), analysis.focus))
    return Group(*lines)


def _comparison_cells(item: MetricComparison, palette: Palette) -> list[Text]:
    fmt = item.metric.format
    rank = f"{item.rank} of {item.ranked}" if item.rank is not None else "-"
    gap = format_value(item.gap, fmt) if item.gap else ("-" if item.rank is None else "ok")
    return [
        Text(item.metric.label),
        Text(format_value(item.value, fmt), style=palette.for_status(item.status)),
        Text(format_value(item.team_mean, fmt)),
        Text(format_value(item.best, fmt)),
        Text(item.best_name or "", style="dim"),
        Text(rank),
        Text(gap),
    ]


class AgentScreen(Screen[None]):
    DEFAULT_CSS = """
    AgentScreen #agent-title { height: auto; padding: 0 1; background: $panel; }
    AgentScreen #agent-metrics { height: auto; padding: 1 1; }
    AgentScreen #agent-analysis { height: auto; padding: 0 1 1 1; }
    AgentScreen #agent-trends { height: auto; padding: 0 1 1 1; }
    AgentScreen #agent-notes { height: 1fr; border-top: solid $primary-darken-2; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,backspace", "back", "back"),
        Binding("f", "feedback('coaching')", "note"),
        Binding("p", "feedback('praise')", "praise"),
    ]

    def __init__(
        self,
        agent: str,
        config: Config,
        *,
        row: AgentRow | None,
        threshold_of: ThresholdOf,
        palette: Palette,
        analysis_of: AnalysisOf | None = None,
        trends_of: TrendsOf | None = None,
        notes: NotesService | None = None,
        row_of: RowOf | None = None,
        goals_of: GoalsOf | None = None,
        goal_values: Callable[[], Values] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(id="agent-screen")
        self.agent = agent
        self.config = config
        self.row = row
        self.threshold_of = threshold_of
        self.analysis_of = analysis_of
        self.trends_of = trends_of
        self.notes = notes  # None: no notes store (the timeline says so)
        # The agent's row now, for the timeline's 'now' values (default: the last one shown).
        self.row_of: RowOf = row_of or (lambda: self.row)
        self.goals_of = goals_of
        self.goal_values = goal_values
        self.today = today or date.today()
        self.goals: list[Goal] = []
        self.palette = palette
        self.zone = ZoneInfo(config.floor.timezone) if config.floor.timezone else None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="agent-title")
            yield GoalsLine(self.config.metrics, self.palette, id="agent-goals")
            yield Static(id="agent-metrics")
            yield Static(id="agent-analysis")
            yield Static(id="agent-trends")
            with Vertical(id="agent-notes"):
                if self.notes is not None:
                    yield NotesTimeline(self.notes, self.agent, self.row_of)
                else:
                    yield Static(Text("Coaching notes: no notes store here", style="dim"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_row(self.row)
        if self.trends_of is not None:
            trends_of, agent = self.trends_of, self.agent
            self.run_worker(lambda: trends_of(agent), thread=True, group="agent-trends")
        if self.goals_of is not None:
            self.run_worker(self.goals_of, thread=True, group="agent-goals")

    def show_goals(self) -> None:
        """The agent's goals (each beside its team goal) and the floor's, lit by the board now."""
        team = self.row.team if self.row is not None else None
        mine = goals_for(self.goals, agent=self.agent, team=team)
        values = self.goal_values() if self.goal_values is not None else {}
        self.query_one("#agent-goals", GoalsLine).show(goal_statuses(mine, values, self.today))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "agent-goals":
            if event.state is WorkerState.SUCCESS:
                self.goals = list(event.worker.result or [])
                self.show_goals()
            elif event.state is WorkerState.ERROR:
                message = f"Goals cannot be read: {event.worker.error}"
                self.query_one("#agent-goals", GoalsLine).update(Text(message, style="bold red"))
            return
        if event.worker.group != "agent-trends":
            return
        trends = self.query_one("#agent-trends", Static)
        if event.state is WorkerState.SUCCESS:
            trends.update(trends_view(event.worker.result or []))
        elif event.state is WorkerState.ERROR:
            trends.update(Text(f"Trends cannot be read: {event.worker.error}", style="bold red"))

    def show_row(self, row: AgentRow | None) -> None:
        """Show `row` (None: the agent has no rows in any window now)."""
        self.row = row
        title = Text(end="")
        if row is None:
            title.append(clean_text(self.agent), style="bold")
            title.append("  no rows in any window now", style="dim")
            self.query_one("#agent-title", Static).update(title)
            self.query_one("#agent-metrics", Static).update(Text(""))
            self.query_one("#agent-analysis", Static).update(Text(""))
            return
        title.append(clean_text(row.name), style="bold")
        title.append(f"  {clean_text(row.agent)}")
        if row.team:
            title.append(f"  team {clean_text(row.team)}")
        title.append("  ")
        title.append(row.status.label, style=self.palette.for_status(row.status))
        if row.status is Status.RED and row.red_since is not None:
            since = datetime.fromtimestamp(row.red_since, self.zone).strftime("%H:%M")
            if row.red_at_start:
                title.append(f" since at least {since}")
            else:
                title.append(f" since {since}")
        self.query_one("#agent-title", Static).update(title)
        table = metrics_table(row, self.config.metrics, self.threshold_of, self.palette)
        self.query_one("#agent-metrics", Static).update(table)
        analysis = self.analysis_of(self.agent) if self.analysis_of else None
        shown = analysis_view(analysis, self.palette) if analysis else Text("")
        self.query_one("#agent-analysis", Static).update(shown)
        if self.goals:
            self.show_goals()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_feedback(self, kind: str) -> None:
        self.post_message(WriteNote(kind, self.agent))
