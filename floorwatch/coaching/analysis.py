"""Before a coaching conversation: how an agent compares, where the gaps are, what to praise.

Three of the method's four analyses (COACHING.md), from the live board:

- comparison: the agent's value beside the team's average and the team's best performer, and
  the agent's rank in the team;
- gap: how far the value is from the required (green) level, in the metric's own units;
- strengths and weaknesses: metrics to praise (green and at least as good as the team average)
  and metrics to work on (red, then amber, worst first), with a focus when they point one way:
  fast but with poor quality scores is coached on communication, not speed.

The fourth, the trend over three and six months, is `floorwatch.coaching.trend` (from the daily
figures kept in the notes store). Pure: rows and thresholds in, an `AgentAnalysis` out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from floorwatch.config.types import Better, Bound, MetricConfig, MetricFormat, Threshold
from floorwatch.live.thresholds import Status

if TYPE_CHECKING:  # the board's row type only: coaching never loads pandas
    from floorwatch.live.board import AgentRow

ThresholdOf = Callable[[str, str], Threshold]  # (agent, metric key) -> the threshold that applies


@dataclass(frozen=True)
class MetricComparison:
    """One metric of one agent, beside the agent's team."""

    metric: MetricConfig
    value: float | None
    status: Status
    team_mean: float | None  # the mean of the team's values (the floor's, without a team)
    best: float | None  # the best value in the team
    best_name: str | None  # who has it (the agent's own name when it is theirs)
    rank: int | None  # 1 = the best in the team (ties share it); None without a status
    ranked: int  # team members with a value
    gap: float  # distance to the green level in base units; 0 when green or without a value


@dataclass(frozen=True)
class AgentAnalysis:
    comparisons: tuple[MetricComparison, ...]
    strengths: tuple[MetricConfig, ...]  # green, and no worse than the team's average
    weaknesses: tuple[MetricConfig, ...]  # red, then amber; the furthest past green first
    focus: str | None  # what the conversation should be about, when the figures say it


def analyse_agent(
    agent: str,
    rows: Mapping[str, AgentRow],
    metrics: Iterable[MetricConfig],
    threshold_of: ThresholdOf,
) -> AgentAnalysis | None:
    """The analysis of `agent` among `rows` (the board's); None when the agent has no row."""
    row = rows.get(agent)
    if row is None:
        return None
    team = [other for other in rows.values() if other.team == row.team]
    comparisons = tuple(
        _compare(row, team, metric, threshold_of(agent, metric.key))
        for metric in metrics
        if metric.key in row.cells
    )
    strengths = tuple(c.metric for c in comparisons if c.status is Status.GREEN and _no_worse(c))
    weak = [c for c in comparisons if c.status in (Status.RED, Status.AMBER)]
    weak.sort(key=lambda c: (c.status is not Status.RED, -row.cells[c.metric.key].excess))
    weaknesses = tuple(c.metric for c in weak)
    return AgentAnalysis(comparisons, strengths, weaknesses, _focus(strengths, weaknesses))


def _compare(
    row: AgentRow, team: list[AgentRow], metric: MetricConfig, threshold: Threshold
) -> MetricComparison:
    cell = row.cells[metric.key]
    valued = [(other, other.cells[metric.key]) for other in team if _rated(other, metric.key)]
    values = [cell.value for _, cell in valued if cell.value is not None]
    ordered = sorted(valued, key=lambda pair: _badness(pair[1].value, metric, threshold))
    best_row, best_cell = ordered[0] if ordered else (None, None)
    rank = None
    if _rated(row, metric.key):  # ties share a rank: 1 + those strictly better
        own = _badness(cell.value, metric, threshold)
        rank = 1 + sum(_badness(c.value, metric, threshold) < own for _, c in ordered)
    return MetricComparison(
        metric=metric,
        value=cell.value,
        status=cell.status,
        team_mean=sum(values) / len(values) if values else None,
        best=best_cell.value if best_cell else None,
        best_name=best_row.name if best_row else None,
        rank=rank,
        ranked=len(ordered),
        gap=_gap(cell.value, threshold.green, metric.better) if _rated(row, metric.key) else 0.0,
    )


def _rated(row: AgentRow, key: str) -> bool:
    """The cell has a status: enough rows in its window (one long call is no comparison)."""
    cell = row.cells.get(key)
    return cell is not None and cell.value is not None and cell.status is not Status.NONE


def _badness(value: float | None, metric: MetricConfig, threshold: Threshold) -> float:
    """Smaller is better: the value itself for lower, its negative for higher, and for a band
    the distance from the middle of the green band."""
    assert value is not None
    if metric.better is Better.HIGHER:
        return -value
    if metric.better is Better.BAND and isinstance(threshold.green, tuple):
        low, high = threshold.green
        return abs(value - (low + high) / 2)
    return value


def _gap(value: float | None, green: Bound | None, better: Better) -> float:
    if value is None or green is None:
        return 0.0
    if isinstance(green, tuple):
        low, high = green
        return max(low - value, value - high, 0.0)
    if better is Better.HIGHER:
        return max(green - value, 0.0)
    return max(value - green, 0.0)


def _no_worse(comparison: MetricComparison) -> bool:
    value, mean = comparison.value, comparison.team_mean
    if value is None or mean is None:
        return False
    if comparison.metric.better is Better.HIGHER:
        return value >= mean
    if comparison.metric.better is Better.LOWER:
        return value <= mean
    return True  # green in a band is the point


def _focus(strengths: tuple[MetricConfig, ...], weaknesses: tuple[MetricConfig, ...]) -> str | None:
    """A speed that is fine beside a quality score that is not: coach how, not how fast."""

    def speed(metric: MetricConfig) -> bool:
        return metric.better is Better.LOWER and metric.format is MetricFormat.DURATION

    fast = [m for m in strengths if speed(m)]
    quality = [m for m in weaknesses if m.better is Better.HIGHER]
    if fast and quality and not any(speed(m) for m in weaknesses):
        return (
            f"{_labels(fast)} fine but {_labels(quality)} behind: "
            "coach on communication and quality, not speed"
        )
    if weaknesses:
        first = weaknesses[0]
        praise = f"; praise {_labels(strengths)}" if strengths else ""
        return f"start with {first.label}{praise}"
    if strengths:
        return f"praise {_labels(strengths)}"
    return None


def _labels(metrics: Iterable[MetricConfig]) -> str:
    return ", ".join(metric.label for metric in metrics)
