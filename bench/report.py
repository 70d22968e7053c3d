"""Figures and their table: plain text for the terminal, Markdown for the README."""

from __future__ import annotations

import math
import os
import platform
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass
class Figure:
    """One measured figure, its target and the naive board's value for the same thing."""

    name: str
    unit: str
    median: float
    spread: str  # "p95 212" or "IQR 3-5": how the samples scatter
    value: float  # what the target is judged on (see `basis`)
    basis: str  # p95 | mean | max | median ...
    target: float | None = None  # the value must be at most this
    baseline: float | None = None  # the naive board's `value`, measured in the same run
    note: str = ""
    ran: bool = True  # False: floorwatch could not be run at all (only the baseline was)

    @property
    def ratio(self) -> float | None:
        """floorwatch / naive (below 1: floorwatch does better)."""
        if self.baseline is None or math.isnan(self.value) or math.isnan(self.baseline):
            return None
        if self.baseline == 0:
            return 0.0 if self.value == 0 else math.inf
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        if self.target is None or not self.ran:
            return None
        return not math.isnan(self.value) and self.value <= self.target


def percentile(samples: list[float], share: float) -> float:
    """The `share` quantile (0..1) with linear interpolation; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    place = share * (len(ordered) - 1)
    low = math.floor(place)
    high = min(low + 1, len(ordered) - 1)
    if ordered[low] == ordered[high]:  # also two infinities (timeouts): inf - inf is NaN
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)


def summarise(
    name: str,
    unit: str,
    samples: list[float],
    basis: str,
    target: float | None = None,
    value: float | None = None,
    note: str = "",
) -> Figure:
    """A Figure from samples: median, p95 spread, and the judged value (`basis` of the samples,
    unless `value` is given, e.g. a mean over the whole period)."""
    stats = {
        "median": percentile(samples, 0.5),
        "p95": percentile(samples, 0.95),
        "max": max(samples) if samples else math.nan,
        "mean": statistics.fmean(samples) if samples else math.nan,
        "last": samples[-1] if samples else math.nan,
    }
    if value is None:
        value = stats[basis]
    return Figure(
        name=name,
        unit=unit,
        median=stats["median"],
        spread=f"p95 {_number(stats['p95'])}",
        value=value,
        basis=basis,
        target=target,
        note=note,
    )


def _number(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


HEADER = ("figure", "median", "spread", "judged", "target", "naive", "ratio", "pass", "how")


def _cells(figure: Figure) -> tuple[str, ...]:
    unit = f" {figure.unit}" if figure.unit else ""
    ratio = figure.ratio
    verdict = {True: "pass", False: "FAIL", None: "-"}[figure.passed]
    return (
        figure.name,
        f"{_number(figure.median)}{unit}",
        figure.spread,
        f"{figure.basis} {_number(figure.value)}",
        f"<= {_number(figure.target)}{unit}" if figure.target is not None else "-",
        _number(figure.baseline),
        f"x{_number(ratio)}" if ratio is not None else "-",
        verdict,
        figure.note,
    )


def text_table(figures: list[Figure]) -> str:
    rows = [HEADER, *(_cells(f) for f in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(figures: list[Figure], machine: str) -> str:
    lines = [
        machine,
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(" --- " for _ in HEADER) + "|",
    ]
    for figure in figures:
        cells = [cell.replace("|", "\\|") for cell in _cells(figure)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """When and where: date, cores, CPU model, Python."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{datetime.now():%Y-%m-%d %H:%M}, {len(os.sched_getaffinity(0))} cores ({model}), "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}"
    )
