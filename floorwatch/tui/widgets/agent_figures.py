"""The agent screen's figures as Rich renderables: each metric against its thresholds and window,
the agent beside the team, the trends over months in words. As a table where it fits, stacked
two lines a metric where it does not (nothing is ever cut). Pure functions of their arguments;
names are feed text: plain `Text`, never markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from floorwatch.coaching.analysis import AgentAnalysis, MetricComparison
from floorwatch.coaching.trend import Trend
from floorwatch.config.types import MetricConfig, Threshold
from floorwatch.live.board import AgentRow
from floorwatch.text.plural import plural
from floorwatch.text.values import format_value, rule_text, shower
from floorwatch.tui.themes import Palette

ThresholdOf = Callable[[str, str], Threshold]
NO_HISTORY = (
    "Trend over months: no daily figures kept yet (`run` and `serve` keep each closed day's; "
    "`floorwatch history build` backfills)"
)


def trends_view(trends: list[tuple[MetricConfig, list[Trend]]]) -> Text:
    if not trends:
        return Text(NO_HISTORY, style="dim")
    text = Text(end="")
    text.append("Trend over months", style="bold")
    for metric, spans in trends:
        text.append(f"\n  {metric.label}: ")
        text.append("; ".join(span.text() for span in spans))
    return text


def _rule(metric: MetricConfig, threshold: Threshold) -> str:
    """'green <= 3:30, red > 5:00' in the metric's own terms."""
    return rule_text(metric.better, threshold.green, threshold.red, shower(metric.format))


def metrics_table(
    row: AgentRow, metrics: tuple[MetricConfig, ...], threshold_of: ThresholdOf, palette: Palette
) -> Table:
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for title, right in (("metric", False), ("value", True), ("status", False),
                         ("thresholds", False), ("window", False), ("rows", True)):  # fmt: skip
        table.add_column(title, justify="right" if right else "left", no_wrap=True)
    for metric, cell, style in _shown_cells(row, metrics, palette):
        table.add_row(
            Text(metric.label),
            Text(format_value(cell.value, metric.format), style=style),
            Text(cell.status.label, style=style),
            Text(_rule(metric, threshold_of(row.agent, metric.key))),
            Text(f"{metric.agg.value} over {metric.window_text}"),
            Text(_rows_text(cell.count, metric)),
        )
    return table


def metrics_stacked(
    row: AgentRow, metrics: tuple[MetricConfig, ...], threshold_of: ThresholdOf, palette: Palette
) -> Text:
    """The metrics table for a narrow terminal: two lines a metric, nothing cut.

    AHT     5:30  ■ RED    mean over 60m, 10 rows
            green <= 3:30, red > 5:00
    """
    cells = _shown_cells(row, metrics, palette)
    label_width = max((len(metric.label) for metric, _, _ in cells), default=0) + 2
    values = [format_value(cell.value, metric.format) for metric, cell, _ in cells]
    value_width = max((len(value) for value in values), default=0)
    text = Text(end="")
    for index, ((metric, cell, style), value) in enumerate(zip(cells, values, strict=True)):
        if index:
            text.append("\n")
        text.append(metric.label.ljust(label_width), style="bold")
        text.append(value.rjust(value_width), style=style)
        text.append("  ")
        text.append(cell.status.label.ljust(7), style=style)
        text.append(f"  {metric.agg.value} over {metric.window_text}, ")
        text.append(plural(cell.count, "row"))
        if metric.min_count > 1:
            text.append(f" (min {metric.min_count})")
        text.append("\n" + " " * label_width)
        text.append(_rule(metric, threshold_of(row.agent, metric.key)), style="dim")
    return text


def _shown_cells(
    row: AgentRow, metrics: tuple[MetricConfig, ...], palette: Palette
) -> list[tuple[MetricConfig, Any, Any]]:
    """(metric, cell, style) for each metric the row has. A stale cell keeps its status: the
    title says STALE beside it."""
    return [
        (metric, cell, palette.for_status(cell.status))
        for metric in metrics
        if (cell := row.cells.get(metric.key)) is not None
    ]


def _rows_text(count: int, metric: MetricConfig) -> str:
    return f"{count}" + (f" (min {metric.min_count})" if metric.min_count > 1 else "")


def analysis_view(analysis: AgentAnalysis, palette: Palette) -> Group:
    """The agent beside the team (average, best, rank, gap to green), then what to praise, what
    to work on and where to start. Names are feed text: Text objects, never markup."""
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for title, right in (("vs team", False), ("agent", True), ("team avg", True),
                         ("team best", True), ("", False), ("rank", True),
                         ("to green", True)):  # fmt: skip
        table.add_column(title, justify="right" if right else "left", no_wrap=True)
    for item in analysis.comparisons:
        table.add_row(*_comparison_cells(item, palette))
    lines: list[Table | Text] = [table, Text("")]
    for label, metrics in (("Strengths", analysis.strengths), ("Work on", analysis.weaknesses)):
        names = ", ".join(metric.label for metric in metrics) or "-"
        lines.append(Text.assemble((f"{label}: ", "bold"), names))
    if analysis.focus:
        lines.append(Text.assemble(("Focus: ", "bold"), analysis.focus))
    return Group(*lines)


def analysis_stacked(analysis: AgentAnalysis, palette: Palette) -> Group:
    """The comparison for a narrow terminal: two lines a metric, nothing cut.

    AHT   5:30  team avg 3:47 · best 3:15 Priya Nair
                rank 5 of 5 · to green 2:00
    """
    lines: list[Text] = [Text("vs team", style="bold")]
    width = max((len(item.metric.label) for item in analysis.comparisons), default=0) + 2
    values = [_comparison_cells(item, palette) for item in analysis.comparisons]
    value_width = max((cells[1].cell_len for cells in values), default=0)
    for item, cells in zip(analysis.comparisons, values, strict=True):
        line = Text()
        line.append(item.metric.label.ljust(width), style="bold")
        line.append(" " * (value_width - cells[1].cell_len))
        line.append_text(cells[1])
        line.append(f"  team avg {cells[2].plain} · best {cells[3].plain}")
        if cells[4].plain:
            line.append(" ")
            line.append_text(cells[4])
        line.append("\n" + " " * (width + value_width + 2))
        line.append(f"rank {cells[5].plain} · to green {cells[6].plain}")
        lines.append(line)
    rest = analysis_view(analysis, palette).renderables[1:]  # the blank line and the words
    return Group(*lines, *rest)


def _comparison_cells(item: MetricComparison, palette: Palette) -> list[Text]:
    fmt = item.metric.format
    rank = f"{item.rank} of {item.ranked}" if item.rank is not None else "-"
    gap = format_value(item.gap, fmt) if item.gap else ("-" if item.rank is None else "ok")
    return [
        Text(item.metric.label),
        Text(format_value(item.value, fmt), style=palette.for_status(item.status)),
        Text(format_value(item.team_mean, fmt)),
        Text(format_value(item.best, fmt)),
        Text(item.best_name or "", style="dim"),
        Text(rank),
        Text(gap),
    ]
