"""Which board columns fit a width, and how wide each is.

Columns are chosen by priority and shown in a fixed order, so a narrow terminal loses the least
useful columns first and never the essential ones: the status, the name, when a row went red, the
notes indicator and the metrics that are red or amber somewhere on the board. A column with
nothing to say is left out: TEAM when no feed or roster gives teams, ID when no agent has a name
other than its id (the name column shows the id then)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from floorwatch.config.types import MetricConfig

GUTTER = 1  # the selection marker before each row
STATUS_WIDTH = 7  # '▲ AMBER'
SINCE_WIDTH = 6  # 'hh:mm', or '<hh:mm' for a red older than the board
NOTES_WIDTH = 4
NAME_MIN, NAME_MAX = 8, 40  # the name takes spare room on a wide terminal, up to its longest
NAME_COMFORT = 16  # the name grows to this before team and id get room
TEAM_MIN, TEAM_MAX = 4, 16
ID_MIN, ID_MAX = 4, 10
METRIC_MIN = 5  # widest usual value: '12:34', '93.5%'
MARK = 2  # ' ■' after a metric value (or ' ~' when stale)
STATE_WIDTH = 18  # 'After Call 12:34 ■', a reason after it when there is room
STATE_WIDE = 26


@dataclass(frozen=True)
class Column:
    key: str  # 'status', 'name', 'agent', 'team', 'notes', 'since' or 'metric:<key>'
    title: str
    width: int
    right: bool = False
    metric: MetricConfig | None = None


def metric_width(metric: MetricConfig) -> int:
    return max(len(metric.label), METRIC_MIN) + MARK


def choose_columns(
    width: int,
    metrics: Sequence[MetricConfig],
    *,
    longest_name: int,
    longest_team: int,
    longest_id: int,
    trouble: Mapping[str, tuple[int, int]],
    notes: bool = True,
    named: bool = True,
    states: bool = False,
) -> list[Column]:
    """The columns to show in `width` cells, in display order.

    `trouble` gives per metric key (red count, amber count) over the board: a metric with reds
    outranks one with only ambers, which outranks one with neither. `notes` False leaves the
    notes indicator out (no notes yet, or wall mode); `named` False (no agent has a name other
    than its id) leaves the ID column out; `longest_team` 0 (no teams) leaves TEAM out. `states`
    adds the STATE column (a states feed), essential: what an agent is doing now matters as much
    as a red metric."""
    name = Column("name", "AGENT", _clamp(longest_name, NAME_MIN, NAME_MAX))
    team = Column("team", "TEAM", _clamp(longest_team, TEAM_MIN, TEAM_MAX))
    agent = Column("agent", "ID", _clamp(longest_id, ID_MIN, ID_MAX))
    status = Column("status", "STATUS", STATUS_WIDTH)
    since = Column("since", "SINCE", SINCE_WIDTH)
    notes_column = Column("notes", "NOTE", NOTES_WIDTH)
    metric_columns = {
        m.key: Column(f"metric:{m.key}", m.label, metric_width(m), right=True, metric=m)
        for m in metrics
    }
    ranked = sorted(
        metrics,
        key=lambda m: (-trouble.get(m.key, (0, 0))[0], -trouble.get(m.key, (0, 0))[1]),
    )  # stable: config order among equals
    troubled = [metric_columns[m.key] for m in ranked if any(trouble.get(m.key, (0, 0)))]
    quiet = [metric_columns[m.key] for m in ranked if not any(trouble.get(m.key, (0, 0)))]
    state = Column("state", "STATE", STATE_WIDTH)
    # The notes indicator is the supervisor's own work: it outranks a troubled metric.
    notes_first = [notes_column] if notes else []
    essential = [status, name, *([state] if states else []), since, *notes_first, *troubled]
    optional = [*([team] if longest_team else []), *([agent] if named else []), *quiet]

    # The name starts at its minimum so that it never pushes out a red metric; it then grows
    # (to be readable) before the optional columns are added, and takes what is left at the end.
    available = width - GUTTER
    chosen: dict[str, Column] = {}
    used = _add(chosen, essential, available, 0)
    name_width = chosen["name"].width
    grown = min(name.width, NAME_COMFORT, name_width + max(0, available - used))
    chosen["name"] = _with_width(name, grown)
    used += grown - name_width
    used = _add(chosen, optional, available, used)
    spare = max(0, available - used)
    if "state" in chosen and spare:  # room for the reason after the timer
        wider = min(STATE_WIDE, STATE_WIDTH + spare)
        spare -= wider - STATE_WIDTH
        chosen["state"] = _with_width(state, wider)
    chosen["name"] = _with_width(name, min(name.width, grown + spare))
    order = ["status", "name", "state", "agent", "team", *(c.key for c in metric_columns.values())]
    return [chosen[key] for key in [*order, "notes", "since"] if key in chosen]


def _add(chosen: dict[str, Column], columns: list[Column], available: int, used: int) -> int:
    """Add each column that still fits (status and name always); the width used after."""
    for column in columns:
        start = NAME_MIN if column.key == "name" else column.width
        cost = start + (1 if chosen else 0)
        if used + cost > available and column.key not in ("status", "name"):
            continue
        chosen[column.key] = _with_width(column, start)
        used += cost
    return used


def _with_width(column: Column, width: int) -> Column:
    return Column(column.key, column.title, width, column.right, column.metric)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
