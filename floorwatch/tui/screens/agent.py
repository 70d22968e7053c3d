"""The agent screen: everything about one agent before the conversation. What the agent is doing
now (the state line, ticking with the floor's clock: `floorwatch.tui.widgets.agent_state`), its
figures (each metric against its thresholds and window, the team beside it; `agent_figures`), the
charts over months (`metric_chart`), the trends in words and the notes timeline, which it composes
itself. The App sets `show_row` as the board moves, and hears `f`/`p` as a `WriteNote` message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.measure import Measurement
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from floorwatch.coaching.analysis import AgentAnalysis
from floorwatch.coaching.goals import Goal, goals_for
from floorwatch.coaching.trend import Trend
from floorwatch.config.types import Config, MetricConfig
from floorwatch.live.board import AgentRow
from floorwatch.live.clock import FloorClock
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.tui.messages import WriteNote
from floorwatch.tui.notes_service import NotesService
from floorwatch.tui.screens.board import has_states
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.agent_figures import (
    ThresholdOf,
    analysis_stacked,
    analysis_view,
    metrics_stacked,
    metrics_table,
    trends_view,
)
from floorwatch.tui.widgets.agent_state import AgentStateLine
from floorwatch.tui.widgets.alert_line import AlertLine
from floorwatch.tui.widgets.goals import GoalsLine, GoalsOf, Values, goal_statuses
from floorwatch.tui.widgets.metric_chart import MetricCharts
from floorwatch.tui.widgets.notes_timeline import NotesTimeline, RowOf

AnalysisOf = Callable[[str], AgentAnalysis | None]
TrendsOf = Callable[[str], list[tuple[MetricConfig, list[Trend]]]]  # blocking: a thread worker

WIDE = 160  # columns: from here the notes get a column of their own beside the figures


class AgentScreen(Screen[None]):
    """Everything about one agent before the conversation. Below 160 columns one column that
    scrolls (figures, charts, trends, then the notes); from 160, figures and charts on the
    left, the notes on the right, each scrolling on its own. Alerts (reds elsewhere on the
    floor) take a line of their own above the footer: a toast would cover what is read here."""

    DEFAULT_CSS = """
    AgentScreen #agent-title { height: auto; padding: 0 1; background: $panel; }
    AgentScreen #agent-body { height: 1fr; }
    AgentScreen #agent-facts { height: auto; overflow-y: hidden; padding: 0 1; }
    AgentScreen #agent-goals { padding: 1 0 0 0; }
    AgentScreen #agent-metrics { height: auto; padding: 1 0; }
    AgentScreen #agent-analysis { height: auto; padding: 0 0 1 0; }
    AgentScreen #agent-charts { height: auto; }
    AgentScreen #agent-trends { height: auto; padding: 0 0 1 0; }
    AgentScreen #agent-notes {
        height: auto; overflow-y: hidden; border-top: solid $primary-darken-2; padding: 0 1;
    }
    AgentScreen.-wide #agent-body { layout: horizontal; overflow-y: hidden; }
    AgentScreen.-wide #agent-facts { width: 1fr; height: 1fr; overflow-y: auto; }
    AgentScreen.-wide #agent-notes {
        width: 1fr; height: 1fr; overflow-y: auto;
        border-top: none; border-left: solid $primary-darken-2;
    }
    """
    AUTO_FOCUS = ""  # on_mount focuses the timeline without scrolling the figures away
    BINDINGS = [
        Binding("escape,backspace", "back", "back"),
        Binding("f", "feedback('coaching')", "note"),
        Binding("p", "feedback('praise')", "praise"),
        Binding("m", "months", "3/6 months"),
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
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(id="agent-screen")
        self.agent = agent
        self.config = config
        self.row = row
        self.threshold_of = threshold_of
        self.analysis_of = analysis_of
        self.trends_of = trends_of
        self.notes = notes  # None: no notes store (no timeline, no charts)
        # The agent's row now, for the timeline's 'now' values (default: the last one shown).
        self.row_of: RowOf = row_of or (lambda: self.row)
        self.goals_of = goals_of
        self.goal_values = goal_values
        self.today = today or date.today()  # the floor's day, for the charts and the goals
        # The floor's time (the board's clock, the data's with floor.clock: data): the state's
        # timer reads it, as the board's STATE cells do.
        self.clock: Callable[[], float] = clock or FloorClock(config.floor).now
        self.goals: list[Goal] = []
        self.palette = palette
        self.zone = ZoneInfo(config.floor.timezone) if config.floor.timezone else None
        self.charts = MetricCharts(
            config.metrics, lambda key: threshold_of(agent, key), palette=palette,
            id="agent-charts",
        )  # fmt: skip

    def compose(self) -> ComposeResult:
        yield Static(id="agent-title")
        state = AgentStateLine(
            self.palette, counts=self.config.floor.state_counts, id="agent-state"
        )
        state.display = has_states(self.config)  # a floor without a states feed: no line
        yield state
        with VerticalScroll(id="agent-body"):
            with VerticalScroll(id="agent-facts"):
                yield GoalsLine(self.config.metrics, self.palette, id="agent-goals")
                yield Static(id="agent-metrics")
                yield Static(id="agent-analysis")
                yield self.charts
                yield Static(id="agent-trends")
            with VerticalScroll(id="agent-notes"):
                if self.notes is not None:
                    yield NotesTimeline(self.notes, self.agent, self.row_of)
                else:
                    yield Static(Text("Coaching notes: no notes store here", style="dim"))
        yield AlertLine(id="agent-alert")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fit(self.size.width)
        self.show_row(self.row)
        if has_states(self.config):
            self.set_interval(1.0, self.tick)
        if self.trends_of is not None:
            trends_of, agent = self.trends_of, self.agent
            self.run_worker(lambda: trends_of(agent), thread=True, group="agent-trends",
                            exit_on_error=False)  # fmt: skip
        if self.goals_of is not None:
            self.run_worker(self.goals_of, thread=True, group="agent-goals", exit_on_error=False)
        if self.notes is not None:
            notes, agent, today = self.notes, self.agent, self.today
            self.run_worker(lambda: notes.agent_figures(agent, today), thread=True,
                            group="agent-figures", exit_on_error=False)  # fmt: skip
        else:
            self.charts.show_figures({}, self.today)
        timelines = self.query(NotesTimeline)
        if timelines:
            timelines.first().focus(scroll_visible=False)  # the figures stay in view

    def on_resize(self, event: events.Resize) -> None:
        if self._fit(event.size.width):
            self.show_row(self.row)

    def _fit(self, width: int) -> bool:
        """Two columns from WIDE on; True when the layout changed."""
        wide = width >= WIDE
        changed = wide != self.has_class("-wide")
        self.set_class(wide, "-wide")
        # Only what scrolls in this layout takes the focus (the notes' timeline always can).
        self.query_one("#agent-body").can_focus = not wide
        self.query_one("#agent-facts").can_focus = wide
        self.query_one("#agent-notes").can_focus = False
        return changed or self._facts_width != self._width_for(width)

    def _width_for(self, width: int) -> int:
        """The room the figures have: half the screen when wide, less padding and scrollbar."""
        return (width // 2 if width >= WIDE else width) - 3

    def show_goals(self) -> None:
        """The agent's goals (each beside its team goal) and the floor's, lit by the board now."""
        team = self.row.team if self.row is not None else None
        mine = goals_for(self.goals, agent=self.agent, team=team)
        values = self.goal_values() if self.goal_values is not None else {}
        self.query_one("#agent-goals", GoalsLine).show(goal_statuses(mine, values, self.today))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        group, state = event.worker.group, event.state
        if group == "agent-goals":
            if state is WorkerState.SUCCESS:
                self.goals = list(event.worker.result or [])
                self.show_goals()
            elif state is WorkerState.ERROR:
                message = f"Goals cannot be read: {event.worker.error}"
                self.query_one("#agent-goals", GoalsLine).update(Text(message, style="bold red"))
        elif group == "agent-trends":
            trends = self.query_one("#agent-trends", Static)
            if state is WorkerState.SUCCESS:
                trends.update(trends_view(event.worker.result or []))
            elif state is WorkerState.ERROR:
                trends.update(Text(f"Trends cannot be read: {event.worker.error}",
                                   style="bold red"))  # fmt: skip
        elif group == "agent-figures":
            if state is WorkerState.SUCCESS:
                self.charts.show_figures(event.worker.result or {}, self.today)
            elif state is WorkerState.ERROR:
                self.charts.show_error(f"Charts cannot be drawn: {event.worker.error}")

    def on_notes_timeline_loaded(self, message: NotesTimeline.Loaded) -> None:
        tz = self.notes.tz if self.notes is not None else None
        self.charts.show_notes(message.notes, tz)

    def on_notes_timeline_open_note(self, message: NotesTimeline.OpenNote) -> None:
        from floorwatch.tui.screens.note import NoteScreen

        notes = self.notes
        if notes is None:
            return
        self.app.push_screen(
            NoteScreen(message.note, row=self.row, now=notes.now(), tz=notes.tz,
                       revisions_of=notes.note_revisions)
        )  # fmt: skip

    _facts_width = 0

    def tick(self) -> None:
        """Once a second: the state's timer and colour move on with the floor's clock, with no
        new row for the agent."""
        self.query_one(AgentStateLine).tick(self.clock())

    def show_row(self, row: AgentRow | None) -> None:
        """Show `row` (None: the agent has no rows in any window now)."""
        self.row = row
        self._facts_width = width = self._width_for(self.size.width)
        self.query_one(AgentStateLine).show(row.state if row is not None else None, self.clock())
        title = Text(end="")
        if row is None:
            title.append(clean_text(self.agent), style="bold")
            title.append("  no rows in any window now", style="dim")
            self.query_one("#agent-title", Static).update(title)
            self.query_one("#agent-metrics", Static).update(Text(""))
            self.query_one("#agent-analysis", Static).update(Text(""))
            return
        title.append(clean_text(row.name), style="bold")
        if row.name != row.agent:
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
        if any(cell.stale for cell in row.cells.values()):
            title.append("  STALE: some figures are not current", style="reverse")
        self.query_one("#agent-title", Static).update(title)
        table = metrics_table(row, self.config.metrics, self.threshold_of, self.palette)
        if self._measure(table) > width:
            shown: Any = metrics_stacked(row, self.config.metrics, self.threshold_of, self.palette)
        else:
            shown = table
        self.query_one("#agent-metrics", Static).update(shown)
        analysis = self.analysis_of(self.agent) if self.analysis_of else None
        view: Any = Text("")
        if analysis:
            view = analysis_view(analysis, self.palette)
            if self._measure(view.renderables[0]) > width:
                view = analysis_stacked(analysis, self.palette)
        self.query_one("#agent-analysis", Static).update(view)
        if self.goals:
            self.show_goals()

    def _measure(self, renderable: Any) -> int:
        """The width `renderable` needs to show whole."""
        console = self.app.console
        return Measurement.get(console, console.options, renderable).maximum

    def alert(self, message: str | Text, *, title: str = "", severity: str = "information") -> None:
        """Show `message` on the alert line (above the footer, covering nothing) for a while."""
        self.query_one(AlertLine).alert(message, title=title, severity=severity)

    # -- keys ------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_feedback(self, kind: str) -> None:
        self.post_message(WriteNote(kind, self.agent))

    def action_months(self) -> None:
        months = self.charts.toggle_months()
        self.alert(f"Charts: the last {months} months")
