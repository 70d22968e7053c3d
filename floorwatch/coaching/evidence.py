"""Evidence: what the board showed when the note was written, and the Behavior prefill."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from floorwatch.coaching.notes import Evidence
from floorwatch.config.types import Better, MetricFormat
from floorwatch.live.thresholds import Status, resolve_threshold
from floorwatch.text.values import format_value, rule_text

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
    `formatter` defaults to the board's own (floorwatch.text.values.format_value)."""
    show_value = formatter or format_value
    fmt = evidence_format(item)
    window = item.window if item.window == "today" else f"over last {item.window}"
    levels = rule_text(
        _better(item.better), item.green, item.red, lambda value: show_value(value, fmt),
        wording="target",
    )  # fmt: skip
    levels = f" ({levels})" if levels else ""
    return f"{item.label} {show_value(item.value, fmt)} {window}{levels}"


def evidence_format(item: Evidence) -> MetricFormat:
    """The format the item's metric had; a hand-made or future record's reads as a number."""
    try:
        return MetricFormat(item.format)
    except ValueError:
        return MetricFormat.NUMBER


def _better(text: str) -> Better:
    """A record's direction; anything but band or lower (a future one) reads as higher."""
    if text == Better.BAND.value:
        return Better.BAND
    return Better.LOWER if text == Better.LOWER.value else Better.HIGHER
