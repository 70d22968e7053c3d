"""The one wording of metric values and thresholds: '5:12', '85%', 'green <= 3:30, red > 5:00'.

The board, the events panel, the agent screen, the BEST panel's evidence, `board --once`, the
notes exports and the config's error messages all word a value or a level through here, so they
cannot disagree. Pure: no pandas, no Textual (coaching/ and config/ import it freely). It reads
`MetricFormat` and `Better` by their values ("duration", "band"...; both are str enums) rather
than importing floorwatch.config at run time, which imports this module for its own messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from floorwatch.config.types import Better, Bound, MetricConfig, MetricFormat

Show = Callable[[float], str]  # one level (a number in base units) as text
RANGE = "-"  # between the low and the high level of a band: '3:00-5:00'


def format_value(value: float | None, fmt: MetricFormat, decimals: int | None = None) -> str:
    """A metric value for people: durations as m:ss (h:mm:ss past an hour), percents with %,
    numbers with at most one decimal (CSAT 91.4, not 91.43 beside a level of 90); with
    `decimals` (a metric's `decimals:`) exactly that many, so a column reads evenly. '-' when
    there is no value."""
    if value is None or not math.isfinite(value):
        return "-"
    if fmt == "duration":
        return _duration(value) if not decimals else _precise_duration(value, decimals)
    if fmt == "percent":
        if decimals is not None:
            return f"{value * 100:.{decimals}f}%"
        return f"{_trim(f'{value * 100:.1f}')}%"
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    return _trim(f"{value:,.1f}")


def metric_value(value: float | None, metric: MetricConfig, bound: float | None = None) -> str:
    """`value` in `metric`'s format and decimals; when it is past `bound` (the level an amber
    or red cell crossed) but would read the same ('2%' beside 'red > 2%'), with the digits
    that tell ('2.04%'), on the board's cells as in the events panel."""
    text = format_value(value, metric.format, metric.decimals)
    if value is None or bound is None or value == bound:
        return text
    if text != format_value(bound, metric.format, metric.decimals):
        return text
    start = metric.decimals or 0
    for digits in range(start + 1, start + 5):
        finer = format_value(value, metric.format, digits)
        if finer != format_value(bound, metric.format, digits):
            return finer
    return format_precise(value, metric.format)


def _precise_duration(seconds: float, decimals: int) -> str:
    """m:ss.d (h:mm:ss.d): a duration with `decimals` digits of seconds."""
    sign = "-" if seconds < 0 else ""
    whole, fraction = divmod(abs(seconds), 1)
    hours, rest = divmod(int(whole), 3600)
    minutes, secs = divmod(rest, 60)
    tail = f"{secs + fraction:0{3 + decimals}.{decimals}f}"
    if tail.startswith("60"):  # rounded up to the next minute: say it plainly
        return _duration(seconds)
    return f"{sign}{hours}:{minutes:02d}:{tail}" if hours else f"{sign}{minutes}:{tail}"


def format_precise(value: float | None, fmt: MetricFormat) -> str:
    """`format_value` with one more digit (tenths of seconds, of percents), for a value that
    would otherwise read the same as the bound it crossed."""
    if value is None or not math.isfinite(value):
        return "-"
    if fmt == "duration":
        minutes, seconds = divmod(abs(value), 60)
        return f"{'-' if value < 0 else ''}{int(minutes)}:{seconds:04.1f}"
    if fmt == "percent":
        return f"{value * 100:.2f}%"
    return f"{value:,.3f}"


def _duration(seconds: float) -> str:
    whole = round(abs(seconds))
    sign = "-" if seconds < 0 and whole else ""
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def _trim(number: str) -> str:
    """'4.50' -> '4.5', '12.00' -> '12'."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def shower(fmt: MetricFormat) -> Show:
    """`format_value` for one format, as a one-argument function."""
    return lambda value: format_value(value, fmt)


def level_text(bound: Bound | None, show: Show) -> str:
    """One level: '5:00', or a band's '3:00-5:00'; '-' when there is none."""
    if bound is None:
        return "-"
    if isinstance(bound, tuple):
        return f"{show(bound[0])}{RANGE}{show(bound[1])}"
    return show(bound)


def comparison(better: Better, green: bool) -> str:
    """How a value stands to the level it is judged by: green '<=' and red '>' for lower is
    better, '>=' and '<' for higher, 'in' and 'outside' for a band."""
    if better == "band":
        return "in" if green else "outside"
    if better == "higher":
        return ">=" if green else "<"
    return "<=" if green else ">"


def condition_text(better: Better, bound: Bound, show: Show, *, green: bool) -> str:
    """A value's side of one level: '<= 3:30', '> 5:00', 'in 3:00-5:00', 'outside 85%-95%'."""
    return f"{comparison(better, green)} {level_text(bound, show)}"


def rule_text(
    better: Better,
    green: Bound | None,
    red: Bound | None,
    show: Show,
    *,
    wording: Literal["rule", "target"] = "rule",
) -> str:
    """Both levels in a metric's own terms.

    'rule' (the agent screen): 'green <= 3:30, red > 5:00', a missing level as '-'.
    'target' (a note's evidence): 'target <= 3:30, red > 5:00', a missing level left out, and a
    band's target as its range alone ('target 20-60, red outside 10-80').
    """
    if wording == "rule":
        parts = [
            f"{word} {comparison(better, word == 'green')} {level_text(bound, show)}"
            for word, bound in (("green", green), ("red", red))
        ]
        return ", ".join(parts)
    parts = []
    if green is not None and isinstance(green, tuple) == (better == "band"):
        target = level_text(green, show) if better == "band" else None
        parts.append(f"target {target or condition_text(better, green, show, green=True)}")
    if red is not None and isinstance(red, tuple) == (better == "band"):
        parts.append(f"red {condition_text(better, red, show, green=False)}")
    return ", ".join(parts)
