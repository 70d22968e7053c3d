"""Value -> green/amber/red with overrides (floor -> team -> agent). Pure.

Boundaries are exactly as configured:

- ``better: lower``: ``value <= green`` is GREEN, ``value > red`` is RED, anything between is AMBER.
- ``better: higher``: mirrored: ``value >= green`` is GREEN, ``value < red`` is RED.
- ``better: band``: inside the green ``[lo, hi]`` (inclusive) is GREEN, outside the red ``[lo, hi]``
  (strictly) is RED, anything between is AMBER.

A missing red bound means there is no red level (GREEN or AMBER only); a missing green bound means
two levels (the red bound splits GREEN from RED). With neither, no verdict: Status.NONE.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from floorwatch.config.types import Better, Bound, Config, MetricConfig, Threshold


class Status(IntEnum):
    """Ordered so that max() is the worst; NONE means not enough data for a verdict."""

    NONE = 0
    GREEN = 1
    AMBER = 2
    RED = 3

    @property
    def word(self) -> str:
        return {0: "n/a", 1: "GREEN", 2: "AMBER", 3: "RED"}[self.value]

    @property
    def shape(self) -> str:
        return {0: "-", 1: "●", 2: "▲", 3: "■"}[self.value]

    @property
    def label(self) -> str:
        """Shape and word, so the status reads without colour: '■ RED'."""
        return f"{self.shape} {self.word}"

    @property
    def json_name(self) -> str:
        return {0: "none", 1: "green", 2: "amber", 3: "red"}[self.value]


def worst(statuses: Iterable[Status]) -> Status:
    """The worst status of several (NONE when there are none)."""
    return max(statuses, default=Status.NONE)


def resolve_threshold(
    config: Config, metric: MetricConfig, agent: str | None, team: str | None
) -> Threshold:
    """The threshold that applies to `agent` (in `team`) for `metric`; agent None gives the
    team's own (for team averages), and both None the metric's.

    The nearest level wins: agent over team over the metric's own. An override is partial: a
    bound it leaves as None is inherited from the next level out.
    """
    green, red = metric.threshold.green, metric.threshold.red
    levels = (
        config.team_thresholds.get(team, {}) if team is not None else {},
        config.agent_thresholds.get(agent, {}) if agent is not None else {},
    )
    for level in levels:  # outermost first, so the nearest is applied last
        override = level.get(metric.key)
        if override is None:
            continue
        if override.green is not None:
            green = override.green
        if override.red is not None:
            red = override.red
    return Threshold(green=green, red=red)


def evaluate(value: float, threshold: Threshold, better: Better) -> tuple[Status, float]:
    """The status of `value` and its excess: how far past the green bound it is, in units of the
    green-to-red gap (0 when green). Excess orders agents worst first within a colour."""
    green, red = threshold.green, threshold.red
    if green is None and red is None:
        return Status.NONE, 0.0
    if better is Better.BAND:
        return _evaluate_band(value, _pair(green), _pair(red))
    red_bound = None if red is None else _number(red)
    green_bound = _number(green) if green is not None else red_bound
    assert green_bound is not None  # both missing returned above
    if better is Better.HIGHER:
        # Mirror onto lower-is-better so one rule serves both.
        return _evaluate_lower(-value, -green_bound, None if red_bound is None else -red_bound)
    return _evaluate_lower(value, green_bound, red_bound)


def crossed_bound(value: float, status: Status, threshold: Threshold) -> float | None:
    """The level an amber or red value is past (a band's end on the value's side); None when
    green or without a verdict."""
    if status not in (Status.AMBER, Status.RED):
        return None
    level = threshold.red if status is Status.RED else threshold.green
    if level is None:  # two-level metrics: the one level there is
        level = threshold.green if threshold.red is None else threshold.red
    if level is None:
        return None
    if isinstance(level, tuple):
        low, high = min(level), max(level)
        return float(low if value < low else high)
    return float(level)


def _evaluate_lower(value: float, green: float, red: float | None) -> tuple[Status, float]:
    if value <= green:
        return Status.GREEN, 0.0
    excess = (value - green) / _gap(green, red)
    if red is not None and value > red:
        return Status.RED, excess
    return Status.AMBER, excess


def _evaluate_band(
    value: float, green: tuple[float, float] | None, red: tuple[float, float] | None
) -> tuple[Status, float]:
    if green is None:
        green = red
    assert green is not None  # evaluate() returns early when both are missing
    low, high = green
    if low <= value <= high:
        return Status.GREEN, 0.0
    if value < low:
        red_bound = None if red is None else red[0]
        excess = (low - value) / _gap(low, red_bound, width=high - low)
        is_red = red_bound is not None and value < red_bound
    else:
        red_bound = None if red is None else red[1]
        excess = (value - high) / _gap(high, red_bound, width=high - low)
        is_red = red_bound is not None and value > red_bound
    return (Status.RED if is_red else Status.AMBER), excess


def _gap(green: float, red: float | None, width: float = 0.0) -> float:
    """The distance that one unit of excess stands for: the green-red gap, else a fallback that
    still orders values sensibly (the band's width, the bound's size, or 1)."""
    if red is not None and red != green:
        return abs(red - green)
    return width or abs(green) or 1.0


def _number(bound: Bound) -> float:
    if isinstance(bound, tuple):
        raise TypeError(f"a band (low, high) bound {bound!r} needs better: band")
    return float(bound)


def _pair(bound: Bound | None) -> tuple[float, float] | None:
    if bound is None:
        return None
    if not isinstance(bound, tuple):
        raise TypeError(f"better: band needs (low, high) bounds, got {bound!r}")
    low, high = bound
    return (float(min(low, high)), float(max(low, high)))


# The level readers, for the board's look back at when a red began.
level_number = _number
level_pair = _pair
