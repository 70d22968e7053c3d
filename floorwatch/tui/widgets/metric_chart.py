"""Each metric's daily figures over months as a chart: bars per day (or per few days on a narrow
terminal), the green and red levels drawn across, and the coaching notes marked on the time axis,
so "did it improve after we talked" is a look, not a reading.

```
 AHT  daily figures, last 3 months (◆ note about AHT, ◇ other note)
 6:10      ▆█▇▅▃
 R 5:00╌╌╌╌████╌╌╌╌┊╌╌╌╌╌╌╌╌╌╌
      ▃▅▆▇██████▇▆▅┊▃▂▂▁
 G 3:30╌╌╌╌╌╌╌╌╌╌╌╌┊╌╌▁▁ ▁▁
 2:50 ██████████████████████
      └────────────◆─────────
       Sep      Oct      Nov
```

Every mark reads without colour too: the bars are shapes, the levels are labelled G and R and
the notes are diamonds. Pure functions of their arguments, then a small widget that draws them
at its width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from floorwatch.coaching import Note
from floorwatch.coaching.trend import DAYS_PER_MONTH
from floorwatch.config.types import Better, Bound, MetricConfig, Threshold
from floorwatch.live.thresholds import Status, evaluate
from floorwatch.text.values import format_value
from floorwatch.tui.themes import DARK, DIM, Palette

BLOCKS = " ▁▂▃▄▅▆▇█"  # eighths of a cell, bottom up
LEVEL = "╌"
NOTE_ON_METRIC, OTHER_NOTE, NOTE_LINE = "◆", "◇", "┊"
PLOT_ROWS = 5
FAR = 1.5  # a level further than this many times the figures' spread is named, not drawn
AXIS_WIDTH = 7  # 'R 12:34'
SPAN_MONTHS = (3, 6)

Figures = Mapping[str, Sequence[tuple[date, float]]]  # metric key -> (day, value), by day
ThresholdFor = Callable[[str], Threshold]  # metric key -> the agent's threshold


@dataclass(frozen=True)
class Level:
    value: float
    letter: str  # 'G' or 'R'
    status: Status


def levels(threshold: Threshold, better: Better) -> list[Level]:
    """The green and red levels to draw (a band metric has two of each)."""
    return [
        Level(value, letter, status)
        for bound, letter, status in (
            (threshold.green, "G", Status.GREEN),
            (threshold.red, "R", Status.RED),
        )
        for value in _values(bound)
    ]


def _values(bound: Bound | None) -> list[float]:
    if bound is None:
        return []
    if isinstance(bound, tuple):
        return [float(v) for v in bound]
    return [float(bound)]


def buckets(
    days: Sequence[tuple[date, float]], start: date, end: date, columns: int
) -> list[float | None]:
    """The span start..end (inclusive) cut into `columns` equal slices (one per day when the
    width allows); each slice the mean of its days' figures, None without any."""
    total = (end - start).days + 1
    columns = max(1, min(columns, total))
    sums = [0.0] * columns
    counts = [0] * columns
    for day, value in days:
        if start <= day <= end and not math.isnan(value):
            index = min(columns - 1, (day - start).days * columns // total)
            sums[index] += value
            counts[index] += 1
    return [s / c if c else None for s, c in zip(sums, counts, strict=True)]


def column_of(day: date, start: date, end: date, columns: int) -> int | None:
    total = (end - start).days + 1
    columns = max(1, min(columns, total))
    if not start <= day <= end:
        return None
    return min(columns - 1, (day - start).days * columns // total)


def chart_text(
    metric: MetricConfig,
    days: Sequence[tuple[date, float]],
    threshold: Threshold,
    notes: Sequence[Note],
    *,
    today: date,
    months: int,
    width: int,
    palette: Palette = DARK,
    zone_day: Mapping[int, date] | None = None,
) -> Text:
    """One metric's chart over the last `months` months in `width` cells (title, plot rows,
    axis, months). `zone_day` gives each note's floor day by note id (default: its UTC date)."""
    start = today - timedelta(days=round(months * DAYS_PER_MONTH))
    plot_width = max(10, width - AXIS_WIDTH - 1)
    values = buckets(days, start, today, plot_width)
    columns = len(values)
    shown = [v for v in values if v is not None]
    title = Text(end="", no_wrap=True, overflow="ellipsis")
    title.append(f"{metric.label}", style="bold")
    title.append(f"  daily, last {months} months")
    if not shown:
        title.append("\n  no daily figures in this span", style="dim")
        return title
    marks, far = _near_levels(levels(threshold, metric.better), shown)
    for level in far:  # a level far from every figure would flatten the bars: said, not drawn
        side = "above" if level.value > max(shown) else "below"
        title.append(
            f"  {level.letter} {format_value(level.value, metric.format)} {side}",
            style=palette.for_status(level.status),
        )
    title.append(f"  {NOTE_ON_METRIC} note on {metric.label}  {OTHER_NOTE} other note", style="dim")
    title.truncate(width, overflow="ellipsis")
    lines = [title]
    low, high = _range(shown, [level.value for level in marks])
    note_columns = _note_columns(notes, metric, start, today, plot_width, zone_day or {})
    level_rows = {_row_of(level.value, low, high): level for level in marks}
    for row in range(PLOT_ROWS - 1, -1, -1):
        lines.append(
            _plot_row(
                row,
                values,
                low,
                high,
                level_rows.get(row),
                note_columns,
                metric,
                threshold,
                palette,
            )
        )
    lines.append(_axis(columns, note_columns))
    lines.append(_months_line(start, today, columns))
    out = Text("\n", end="").join(lines)
    out.no_wrap = True
    return out


def _near_levels(marks: list[Level], values: Sequence[float]) -> tuple[list[Level], list[Level]]:
    """(levels to draw, levels too far from the figures to draw): the level nearest the figures
    is always drawn; another further from them than FAR times their spread is named in the
    title instead (drawn, it would flatten the bars)."""
    if not marks:
        return [], []
    low, high = min(values), max(values)
    reach = FAR * max(high - low, abs(high) * 0.05, 1e-9)

    def distance(level: Level) -> float:
        return max(0.0, low - level.value, level.value - high)

    nearest = min(marks, key=distance)
    near = [level for level in marks if level is nearest or distance(level) <= reach]
    return near, [level for level in marks if level not in near]


def _range(values: Sequence[float], bounds: Sequence[float]) -> tuple[float, float]:
    low, high = min([*values, *bounds]), max([*values, *bounds])
    if high == low:
        high, low = high + 1, low - 1
    # Room below the lowest figure (its bar stays visible), none above: the top label is the
    # highest figure or level itself.
    padded = low - (high - low) * 0.08
    return (max(0.0, padded) if low >= 0 else padded), high  # no negative rates or times


def _row_of(value: float, low: float, high: float) -> int:
    """The plot row (0 at the bottom) a level falls in."""
    share = (value - low) / (high - low)
    return max(0, min(PLOT_ROWS - 1, int(share * PLOT_ROWS)))


def _eighths(value: float, low: float, high: float) -> int:
    """The bar's height in eighths of a cell (at least one: a figure is never invisible)."""
    return max(1, round((value - low) / (high - low) * PLOT_ROWS * 8))


def _note_columns(
    notes: Sequence[Note],
    metric: MetricConfig,
    start: date,
    end: date,
    columns: int,
    zone_day: Mapping[int, date],
) -> dict[int, bool]:
    """Column -> True when a note there is about this metric (tagged with it)."""
    found: dict[int, bool] = {}
    for note in notes:
        if note.retracted:
            continue
        day = zone_day.get(note.id, note.created_at.date())
        column = column_of(day, start, end, columns)
        if column is not None:
            found[column] = found.get(column, False) or metric.key in note.tags
    return found


def _plot_row(
    row: int,
    values: Sequence[float | None],
    low: float,
    high: float,
    level: Level | None,
    notes: Mapping[int, bool],
    metric: MetricConfig,
    threshold: Threshold,
    palette: Palette,
) -> Text:
    label = ""
    if level is not None:
        label = f"{level.letter} {format_value(level.value, metric.format)}"
    elif row == PLOT_ROWS - 1:
        label = format_value(high, metric.format)
    elif row == 0:
        label = format_value(low, metric.format)
    level_style = palette.for_status(level.status) if level is not None else Style()
    text = Text(label.rjust(AXIS_WIDTH)[-AXIS_WIDTH:] + " ", style="dim", end="")
    if level is not None:
        text.stylize(level_style, AXIS_WIDTH - len(label), AXIS_WIDTH - len(label) + 1)
    for column, value in enumerate(values):
        filled = 0 if value is None else _eighths(value, low, high) - row * 8
        if value is not None and filled >= 1:
            status, _ = evaluate(value, threshold, metric.better)
            style = palette.for_status(status)
            if filled <= 8:  # the bar's top: its exact height, in the day's status colour
                text.append(BLOCKS[filled], style=style)
            elif level is not None:  # the level line runs across the bars
                text.append(LEVEL, style=level_style)
            else:
                text.append(BLOCKS[8], style=style + DIM)
        elif level is not None:
            text.append(LEVEL, style=level_style)
        elif notes.get(column):
            text.append(NOTE_LINE, style="dim")
        else:
            text.append(" ")
    return text


def _axis(columns: int, notes: Mapping[int, bool]) -> Text:
    text = Text(" " * AXIS_WIDTH + "└", style="dim", end="")
    for column in range(columns):
        if column in notes:
            text.append(NOTE_ON_METRIC if notes[column] else OTHER_NOTE, style="bold")
        else:
            text.append("─", style="dim")
    return text


def _months_line(start: date, end: date, columns: int) -> Text:
    """Month names under the first column of each month, where they fit."""
    cells = [" "] * columns
    day = date(start.year, start.month, 1)
    taken = -1
    while day <= end:
        if day >= start:
            column = column_of(day, start, end, columns)
            name = day.strftime("%b") if day.month != 1 else day.strftime("%b %y")
            if column is not None and column > taken and column + len(name) <= columns:
                cells[column : column + len(name)] = list(name)
                taken = column + len(name)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return Text(" " * (AXIS_WIDTH + 1) + "".join(cells), style="dim", end="")


class MetricCharts(Widget):
    """Every metric's chart for one agent, drawn at the widget's width; `months` is 3 or 6.

    The screen sets the daily figures (read in a worker) and the notes (from the timeline) as
    they arrive: attributes down."""

    DEFAULT_CSS = "MetricCharts { height: auto; }"

    def __init__(
        self,
        metrics: Sequence[MetricConfig],
        threshold_of: ThresholdFor,
        *,
        palette: Palette = DARK,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.metrics = tuple(metrics)
        self.threshold_of = threshold_of
        self.palette = palette
        self.months = SPAN_MONTHS[0]
        self.figures: Figures | None = None  # None: still loading
        self.today: date | None = None
        self.notes: tuple[Note, ...] = ()
        self.note_days: dict[int, date] = {}
        self.error = ""

    def show_figures(self, figures: Figures, today: date | None) -> None:
        self.figures, self.today = figures, today
        self.refresh(layout=True)

    def show_notes(self, notes: Sequence[Note], tz: tzinfo | None) -> None:
        self.notes = tuple(notes)
        self.note_days = {
            note.id: note.created_at.astimezone(tz).date() if tz else note.created_at.date()
            for note in notes
        }
        self.refresh(layout=True)

    def show_error(self, message: str) -> None:
        self.error = message
        self.refresh(layout=True)

    def toggle_months(self) -> int:
        """3 months -> 6 months -> 3 months; returns the span now shown."""
        index = SPAN_MONTHS.index(self.months) if self.months in SPAN_MONTHS else 0
        self.months = SPAN_MONTHS[(index + 1) % len(SPAN_MONTHS)]
        self.refresh(layout=True)
        return self.months

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return sum(chart.plain.count("\n") + 2 for chart in self.charts(width))

    def render(self) -> Group:
        parts: list[Text] = []
        for chart in self.charts(self.content_region.width):
            parts.extend([chart, Text("")])  # a blank line after each chart
        return Group(*parts)

    def charts(self, width: int) -> list[Text]:
        """What the widget draws at `width`: a chart per metric with figures, or why none."""
        if self.error:
            return [Text(self.error, style="bold red")]
        if self.figures is None:
            return [Text("Charts: loading daily figures…", style="dim")]
        if not any(self.figures.values()) or self.today is None:
            return [
                Text(
                    "Charts over months: no daily figures kept yet (`run` and `serve` keep "
                    "each closed day's; `floorwatch history build` backfills)",
                    style="dim",
                )
            ]
        return [
            chart_text(
                metric,
                self.figures.get(metric.key, ()),
                self.threshold_of(metric.key),
                self.notes,
                today=self.today,
                months=self.months,
                width=width,
                palette=self.palette,
                zone_day=self.note_days,
            )
            for metric in self.metrics
            if self.figures.get(metric.key)
        ]
