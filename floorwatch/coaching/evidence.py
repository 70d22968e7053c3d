"""Evidence: what the board showed when the note was written, and the Behavior prefill."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from floorwatch.coaching.notes import Evidence
from floorwatch.config.types import Better, MetricFormat
from floorwatch.live.thresholds import Status, resolve_threshold
from floorwatch.text.values import format_value, rule_text

if TYPE_CHECKING:
    from floorwatch.coaching.analysis import AgentAnalysis
    from floorwatch.config.types import Config, MetricConfig
    from floorwatch.live.board import AgentRow

Formatter = Callable[[float | None, MetricFormat], str]


def evidence_for(row: AgentRow, config: Config) -> list[Evidence]:
    """The red, then amber, metrics of a board row, in config order, with the thresholds that
    applied to this agent (team and agent overrides resolved): a coaching note's evidence."""
    found: list[Evidence] = []
    for wanted in (Status.RED, Status.AMBER):
        for metric in config.metrics:
            cell = row.cells.get(metric.key)
            if cell is not None and cell.status is wanted:
                found.append(_evidence(row, config, metric))
    return found


def praise_for(
    row: AgentRow,
    config: Config,
    analysis: AgentAnalysis | None = None,
    improved: Collection[str] = (),
) -> tuple[list[Evidence], dict[str, str]]:
    """A praise note's evidence: what the agent does well, never the red or amber a coaching
    note uses. Green metrics (the strengths, green and no worse than the team, first), a metric
    where the agent ranks first in the team, and a metric whose trend is better (`improved`).
    Returns the evidence and, per metric, why it is there ('best in the team of 8',
    'better over 3 months') for the Behavior prefill."""
    ranks = {c.metric.key: c for c in analysis.comparisons} if analysis is not None else {}
    strengths = [m.key for m in analysis.strengths] if analysis is not None else []
    remarks: dict[str, list[str]] = {}
    for key, comparison in ranks.items():
        if comparison.rank == 1 and comparison.ranked > 1:
            remarks.setdefault(key, []).append(f"best in the team of {comparison.ranked}")
        elif comparison.rank is not None and comparison.rank <= 3 and comparison.ranked >= 5:
            remarks.setdefault(key, []).append(f"#{comparison.rank} of {comparison.ranked}")
    for key in improved:
        remarks.setdefault(key, []).append("improving")
    chosen: list[MetricConfig] = []
    order = sorted(config.metrics, key=lambda m: m.key not in strengths)  # stable: config order
    for metric in order:
        cell = row.cells.get(metric.key)
        if cell is None or cell.value is None:
            continue
        top = ranks.get(metric.key) is not None and ranks[metric.key].rank == 1
        if cell.status is Status.GREEN or top or metric.key in improved:
            chosen.append(metric)
    evidence = [_evidence(row, config, metric) for metric in chosen]
    return evidence, {key: ", ".join(words) for key, words in remarks.items()}


def _evidence(row: AgentRow, config: Config, metric: MetricConfig) -> Evidence:
    cell = row.cells[metric.key]
    threshold = resolve_threshold(config, metric, row.agent, row.team)
    return Evidence(
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


def behavior_prefill(
    observed_at: datetime,
    evidence: Sequence[Evidence],
    formatter: Formatter | None = None,
    remarks: Mapping[str, str] | None = None,
) -> str:
    """The Behavior field's starting text: the observation time and the evidence, e.g.
    '10:02 AHT 5:12 over last 60m (target <= 3:30, red > 5:00)', each item followed by its
    remark when there is one (praise: ': best in the team of 8'). `observed_at` is shown as
    given, so pass it in the floor's timezone."""
    remarks = remarks or {}
    parts = [
        evidence_text(item, formatter) + (f": {remarks[item.metric]}" if item.metric in remarks
                                          else "")
        for item in evidence
    ]  # fmt: skip
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
