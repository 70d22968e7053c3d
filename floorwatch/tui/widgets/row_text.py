"""One board line as text: the column titles, or an agent's row, cut to the chosen columns.

Pure functions of their arguments (no widget state), so each cell's look is easy to test. Every
string from a feed goes through `clean_text` into a plain `Text`: never markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text

from floorwatch.config.types import MetricConfig
from floorwatch.live.board import AgentRow
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value, metric_value
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.columns import Column
from floorwatch.tui.widgets.live_text import state_cell

CURSOR_MARK = "▶"  # before the selected row: the selection reads without colour too
REVERSE = Style(reverse=True)


def title_text(columns: Sequence[Column], palette: Palette, sort_key: str) -> Text:
    """The titles line; the column the board is sorted by is shown reversed."""
    text = Text(" ", end="")
    for index, column in enumerate(columns):
        if index:
            text.append(" ")
        title = Text(column.title, style=palette.title)
        if sort_name(column) == sort_key:
            title.stylize(REVERSE)
        title.truncate(column.width, overflow="ellipsis", pad=True)
        if column.right:
            title = Text(" " * (column.width - title.cell_len)) + title
            title.truncate(column.width)
        text.append_text(title)
    return text


def row_text(
    row: AgentRow,
    columns: Sequence[Column],
    *,
    palette: Palette,
    zone: ZoneInfo | None,
    note: str = "",
    flashing: Mapping[str, float] | None = None,
    selected: bool = False,
    now: float = 0.0,
) -> Text:
    """An agent's line: `flashing` holds the metrics highlighted as just turned red; `now` is
    the floor's time (the STATE cell's timer)."""
    text = Text(CURSOR_MARK if selected else " ", end="")
    for index, column in enumerate(columns):
        if index:
            text.append(" ")
        text.append_text(cell_text(column, row, palette, zone, note, flashing or {}, now))
    if selected:
        text.stylize(palette.cursor)
    return text


def cell_text(
    column: Column,
    row: AgentRow,
    palette: Palette,
    zone: ZoneInfo | None,
    note: str,
    flashing: Mapping[str, float],
    now: float = 0.0,
) -> Text:
    key = column.key
    if column.metric is not None:
        return metric_text(column, column.metric, row, palette, column.metric.key in flashing)
    if key == "status":
        style = palette.for_status(row.status)
        if row.cells and all(cell.stale for cell in row.cells.values()):
            style += palette.stale
        return fit(row.status.label, column.width, style)
    if key == "name":
        return fit(clean_text(row.name), column.width)
    if key == "agent":  # blank where the name column already shows the id
        return fit("" if row.name == row.agent else clean_text(row.agent), column.width)
    if key == "team":
        return fit(clean_text(row.team or ""), column.width)
    if key == "state":
        label, status = state_cell(row.state, now)
        return fit(label, column.width, palette.for_status(status))
    if key == "notes":
        return fit(clean_text(note), column.width)
    if key == "since":
        since = ""
        if row.status is Status.RED:  # '<10:42': red before the board started at 10:42
            since = ("<" if row.red_at_start else "") + hhmm(row.red_since, zone)
        return fit(since, column.width, palette.for_status(Status.RED))
    return fit("", column.width)


def metric_text(
    column: Column, metric: MetricConfig, row: AgentRow, palette: Palette, flash: bool
) -> Text:
    """'5:12 ■' in the status's colour; dim when stale (the shape stays: the header and the feed
    line say STALE, so the cell never trades its status for it); reversed when just red."""
    cell = row.cells.get(metric.key)
    if cell is None:
        return fit("", column.width)
    value = metric_value(cell.value, metric, cell.bound)  # '2.04%' beside red > 2%
    mark = cell.status.shape if cell.status in (Status.RED, Status.AMBER) else " "
    style = palette.for_status(cell.status)
    if cell.stale:
        style += palette.stale
    if flash:
        style += palette.flash
    return fit(
        _value_and_mark(value, cell.value, metric, mark, column.width - 2), column.width, style
    )


def _value_and_mark(
    value: str, raw: float | None, metric: MetricConfig, mark: str, room: int
) -> str:
    """'5:12 ■' in `room` + 2 cells. The deciding digits of a value that reads as its bound may
    take the space before the mark ('3:30.4▲'); longer still, the cell shows the plain value
    (the events panel and the agent screen keep the digits) rather than a cut one ('3:30.')."""
    if len(value) > room + 1:
        value = format_value(raw, metric.format, metric.decimals)
    if len(value) == room + 1:
        return f"{value}{mark}"
    return f"{value.rjust(room)[:room]} {mark}"


def hhmm(at: float | None, zone: ZoneInfo | None) -> str:
    if at is None:
        return ""
    return datetime.fromtimestamp(at, zone).strftime("%H:%M")


def sort_name(column: Column) -> str:
    return column.metric.key if column.metric is not None else column.key


def fit(text: str, width: int, style: Style | str = "") -> Text:
    """`text` cut (with an ellipsis) or padded to exactly `width` cells, as plain text."""
    cell = Text(text, style=style, end="", no_wrap=True)
    cell.truncate(width, overflow="ellipsis", pad=True)
    return cell
