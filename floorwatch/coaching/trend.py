"""The first of the four analyses: each metric's trend over the last three and six months.

From the daily figures in the notes store (`floorwatch.live.daily_figures`): the months of the
span, each the mean of its days (weighted by rows, so a busy day counts for more), then in words:
better, worse or steady from the first month to the last, or swinging when it went up and down; and
where it turned, when its worst (or best) month lies inside the span. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from floorwatch.config.types import Better, MetricConfig
from floorwatch.text.values import format_value

SPANS = (3, 6)  # months
DAYS_PER_MONTH = 30.44
MIN_DAYS = 10  # fewer days with figures in a span: no trend
GAP_SHARE = 0.1  # a change smaller than this share of the green-to-red gap is no change
MOVE = 0.05  # ... or, for a metric without both levels, of the first month's figure

Figure = tuple[str, str, float, int]  # (ISO day, metric key, value, rows)


@dataclass(frozen=True)
class Trend:
    metric: MetricConfig
    months: int  # the span
    direction: str  # better | worse | steady | swinging | no history
    first: float | None  # the span's first month (mean of its days)
    last: float | None  # its last month
    turned: str | None  # 'turned for the better in Feb 2021': see `_turned`, never contradicting
    # the direction ('steady ... turned for the better' would)
    days: int  # days with figures in the span

    def text(self) -> str:
        if self.direction == "no history":
            days = "1 day" if self.days == 1 else f"{self.days} days"
            return f"{self.months} months: not enough history ({days})"
        fmt = self.metric.format
        moved = f" ({format_value(self.first, fmt)} -> {format_value(self.last, fmt)})"
        turned = f", {self.turned}" if self.turned else ""
        return f"{self.months} months: {self.direction}{moved}{turned}"


def metric_trends(
    figures: Iterable[Figure], metrics: Iterable[MetricConfig], today: date
) -> list[tuple[MetricConfig, list[Trend]]]:
    """Per metric with figures, its trend over each of SPANS, from the agent's daily figures."""
    by_metric: dict[str, list[tuple[date, float, int]]] = {}
    for day, key, value, count in figures:
        by_metric.setdefault(key, []).append((date.fromisoformat(day), value, count))
    return [
        (metric, [trend(metric, by_metric[metric.key], today, months) for months in SPANS])
        for metric in metrics
        if metric.key in by_metric
    ]


def span_start(today: date, months: int = max(SPANS)) -> date:
    """The first day of a span of `months` ending `today` (the figures a trend reads)."""
    return today - timedelta(days=round(months * DAYS_PER_MONTH))


def trend(
    metric: MetricConfig, days: Sequence[tuple[date, float, int]], today: date, months: int
) -> Trend:
    since = span_start(today, months)
    kept = [(day, value, count) for day, value, count in days if since <= day <= today]
    monthly = _months(kept)
    if len(kept) < MIN_DAYS or len(monthly) < 2:
        return Trend(metric, months, "no history", None, None, None, len(kept))
    values = [value for _, value in monthly]
    first, last = values[0], values[-1]
    scale = _scale(metric, first)
    direction = _direction(metric, values, scale)
    return Trend(
        metric, months, direction, first, last, _turned(metric, monthly, scale, direction),
        len(kept),
    )  # fmt: skip


def _months(days: Sequence[tuple[date, float, int]]) -> list[tuple[date, float]]:
    """(first day of the month, the rows-weighted mean of its days), oldest first."""
    sums: dict[date, tuple[float, int]] = {}
    for day, value, count in days:
        month = day.replace(day=1)
        total, rows = sums.get(month, (0.0, 0))
        sums[month] = (total + value * max(count, 1), rows + max(count, 1))
    return [(month, total / rows) for month, (total, rows) in sorted(sums.items())]


def _scale(metric: MetricConfig, first: float) -> float:
    """The smallest change that counts: a tenth of the green-to-red gap (a CSAT point when green
    is 90 and red 80), else MOVE of the first month's figure."""
    green, red = metric.threshold.green, metric.threshold.red
    if isinstance(green, tuple) and isinstance(red, tuple):
        return GAP_SHARE * abs((green[1] - green[0]) - (red[1] - red[0])) / 2 or MOVE
    if isinstance(green, int | float) and isinstance(red, int | float) and green != red:
        return GAP_SHARE * abs(green - red)
    return max(abs(first), 1e-9) * MOVE


def _goodness(metric: MetricConfig, value: float) -> float:
    """Bigger is better, whatever the metric's direction (a band: nearer its middle)."""
    if metric.better is Better.HIGHER:
        return value
    if metric.better is Better.BAND and isinstance(metric.threshold.green, tuple):
        low, high = metric.threshold.green
        return -abs(value - (low + high) / 2)
    return -value


def _direction(metric: MetricConfig, values: list[float], scale: float) -> str:
    moves = [b - a for a, b in pairwise(values) if abs(b - a) > scale]
    turns = sum(1 for a, b in pairwise(moves) if (a > 0) != (b > 0))
    if turns >= 2:
        return "swinging"
    change = _goodness(metric, values[-1]) - _goodness(metric, values[0])
    if abs(change) <= scale:
        return "steady"
    return "better" if change > 0 else "worse"


def _turned(
    metric: MetricConfig, monthly: list[tuple[date, float]], scale: float, direction: str
) -> str | None:
    """Where it turned, worded to agree with the direction: a worst month inside the span that
    it came back from is a turn for the better only when the span is better overall ('steady
    ... turned for the better' would contradict itself); likewise a best month."""
    if len(monthly) < 3:
        return None
    scores = [_goodness(metric, value) for _, value in monthly]
    worst = min(range(len(scores)), key=scores.__getitem__)
    best = max(range(len(scores)), key=scores.__getitem__)
    last = len(scores) - 1
    if 0 < worst < last and scores[last] - scores[worst] > scale:
        month = f"{monthly[worst][0]:%b %Y}"
        if direction == "better":
            return f"turned for the better in {month}"
        if direction == "worse":
            return f"recovering since its worst month, {month}"
        return f"back from its worst month, {month}"
    if 0 < best < last and scores[best] - scores[last] > scale:
        month = f"{monthly[best][0]:%b %Y}"
        if direction == "worse":
            return f"turned for the worse in {month}"
        if direction == "better":
            return f"slipping since its best month, {month}"
        return f"back from its best month, {month}"
    return None
