"""Goals at a glance: one line per goal with its progress light, for the agent screen (the
agent's goals, each beside its team goal, and the floor's) and under the board's header (the
teams' and the floor's). The values are the board's now (each metric over its window); the
weekly check-in (`floorwatch goals checkin`) measures a whole week."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from rich.text import Text
from textual.widgets import Static

from floorwatch.coaching.goals import AMBER, GREEN, RED, Goal, GoalStatus, goal_status
from floorwatch.config.types import MetricConfig, MetricFormat
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value
from floorwatch.tui.themes import DARK, Palette

LIGHT_STATUS = {RED: Status.RED, AMBER: Status.AMBER, GREEN: Status.GREEN}
# (scope, who, metric key) -> the value now
Values = Mapping[tuple[str, str, str], float | None]


def goal_statuses(goals: Iterable[Goal], values: Values, today: date) -> list[GoalStatus]:
    return [goal_status(g, values.get((g.scope, g.who, g.metric)), today) for g in goals]


def goal_line(status: GoalStatus, metrics: Mapping[str, MetricConfig], palette: Palette) -> Text:
    """'agent A1 AHT 4:15 of 5:00 -> 3:30 by 2027-01-31  50% ▲ amber' (untrusted names plain)."""
    goal = status.goal
    metric = metrics.get(goal.metric)
    fmt = metric.format if metric else MetricFormat.NUMBER
    label = metric.label if metric else goal.metric
    who = "floor" if goal.scope == "floor" else f"{goal.scope} {clean_text(goal.who)}"
    text = Text(f"{who} ", style="bold", end="")
    text.append(
        f"{label} {format_value(status.value, fmt)} of {format_value(goal.baseline, fmt)} -> "
        f"{format_value(goal.target, fmt)} by {goal.due.isoformat()}  "
    )
    if status.progress is None:
        text.append("- no figure now", style="dim")
        return text
    level = LIGHT_STATUS[status.light or RED]
    text.append(
        f"{status.progress * 100:.0f}% {level.shape} {status.light}",
        style=palette.for_status(level),
    )
    if status.score is not None:
        text.append(f"  score {status.score:.2f}")
    return text


def goals_text(
    statuses: Sequence[GoalStatus],
    metrics: Sequence[MetricConfig],
    palette: Palette,
    limit: int | None = None,
) -> Text:
    """One goal a line; past `limit` lines, '+N more goals' (the agent screen lists them all)."""
    by_key = {m.key: m for m in metrics}
    hidden = 0
    if limit is not None and len(statuses) > limit:
        statuses, hidden = statuses[: limit - 1], len(statuses) - (limit - 1)
    text = Text("Goals: ", style="bold", end="")
    if not statuses:
        text.append("none set (goals: in the config, or floorwatch goals add)", style="dim")
        return text
    for index, status in enumerate(statuses):
        if index:
            text.append("\n       ")
        text.append_text(goal_line(status, by_key, palette))
    if hidden:
        text.append(f"\n       +{hidden} more goals (t: one team's)", style="dim")
    return text


class GoalsLine(Static):
    """The goals and their lights; the owner sets them with `show`."""

    DEFAULT_CSS = "GoalsLine { height: auto; padding: 0 1; }"

    def __init__(
        self,
        metrics: Sequence[MetricConfig],
        palette: Palette = DARK,
        *,
        limit: int | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.limit = limit
        self.metrics = tuple(metrics)
        self.palette = palette
        self.statuses: tuple[GoalStatus, ...] = ()

    def show(self, statuses: Sequence[GoalStatus]) -> None:
        self.statuses = tuple(statuses)
        self.update(goals_text(self.statuses, self.metrics, self.palette, self.limit))

    def plain(self) -> str:
        return goals_text(self.statuses, self.metrics, self.palette, self.limit).plain


GoalsOf = Callable[[], list[Goal]]  # the config's goals and the store's (blocking: a worker)


def board_values(board: object) -> dict[tuple[str, str, str], float | None]:
    """The board's values now for goals: each agent's cell (with at least min_count rows), each
    team's and the floor's averages (as the header shows them)."""
    values: dict[tuple[str, str, str], float | None] = {}
    metrics = {m.key: m for m in board.config.metrics}  # type: ignore[attr-defined]
    for agent, row in board.rows.items():  # type: ignore[attr-defined]
        for key, cell in row.cells.items():
            enough = key in metrics and cell.count >= metrics[key].min_count
            values[("agent", agent, key)] = cell.value if enough else None
    for team, summary in board.team_summary().items():  # type: ignore[attr-defined]
        for key, (value, _status) in summary.items():
            values[("team", team, key)] = value
    for key, (value, _status) in board.floor_summary().items():  # type: ignore[attr-defined]
        values[("floor", "", key)] = value
    return values
