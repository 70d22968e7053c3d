"""Evidence: what the board showed when the note was written, and the Behavior prefill."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from floorwatch.coaching.notes import Evidence
from floorwatch.config.types import Better, MetricFormat
from floorwatch.live.thresholds import Status, resolve_threshold

if TYPE_CHECKING:
    from floorwatch.config.types import Config
    from floorwatch.live.board import AgentRow

Formatter = Callable[[float | None, MetricFormat], str]


def evidence_for(row: AgentRow, config: Config) -> list[Evidence]:
    """The red, then amber, metrics of a board row, in config order, with the thresholds that
    applied to this agent (team and agent overrides resolved)."""
    found: list[Evidence] = []
    for wanted in (Status.RED, Status.AMBER):
        for metric in config.metrics:
            cell = row.cells.get(metric.key)
            if cell is None or cell.status is not wanted:
                continue
            threshold = resolve_threshold(config, metric, row.agent, row.team)
            found.append(
                Evidence(
                    metric=metric.key,
                    label=metric.label,
                    value=cell.value,
                    status=cell.status.json_name,
                    green=threshold.green,
                    red=threshold.red,
                    window=metric.window_text,
                    count=cell.count,
                    better=metric.better.value,
                    format=metric.format.value,
                )
            )
    return found


def behavior_prefill(
    observed_at: datetime, evidence: Sequence[Evidence], formatter: Formatter | None = None
) -> str:
    """The Behavior field's starting text: the observation time and the evidence, e.g.
    '10:02 AHT 5:12 over last 60m (target <= 3:30, red > 5:00)'. `observed_at` is shown as
    given, so pass it in the floor's timezone."""
    parts = [evidence_text(item, formatter) for item in evidence]
    return f"{observed_at:%H:%M} " + "; ".join(parts)


def evidence_text(item: Evidence, formatter: Formatter | None = None) -> str:
    """One evidence item for people: 'AHT 5:12 over last 60m (target <= 3:30, red > 5:00)'.
    `formatter` defaults to the board's own (floorwatch.reports.board.format_value)."""
    show_value = formatter or _board_format()
    try:
        fmt = MetricFormat(item.format)
    except ValueError:  # a hand-made or future record: show the plain number
        fmt = MetricFormat.NUMBER
    window = item.window if item.window == "today" else f"over last {item.window}"
    levels = _levels_text(item, lambda value: show_value(value, fmt))
    levels = f" ({levels})" if levels else ""
    return f"{item.label} {show_value(item.value, fmt)} {window}{levels}"


def _board_format() -> Formatter:
    from floorwatch.reports.board import format_value  # imported late: it brings in pandas

    return format_value


def _levels_text(item: Evidence, show: Callable[[float], str]) -> str:
    if item.better == Better.BAND.value:
        parts = []
        if isinstance(item.green, tuple):
            parts.append(f"target {show(item.green[0])}-{show(item.green[1])}")
        if isinstance(item.red, tuple):
            parts.append(f"red outside {show(item.red[0])}-{show(item.red[1])}")
        return ", ".join(parts)
    good, bad = ("<=", ">") if item.better == Better.LOWER.value else (">=", "<")
    parts = []
    if isinstance(item.green, float | int):
        parts.append(f"target {good} {show(item.green)}")
    if isinstance(item.red, float | int):
        parts.append(f"red {bad} {show(item.red)}")
    return ", ".join(parts)
