"""The `metrics:` and `thresholds:` sections: metric defaults, threshold levels in their units,
and the direction checks (green inside red) for the metric's own levels and for each override.
Part of config.py, split along the seam between feeds (where values come from) and metrics (what
they are judged against)."""

from __future__ import annotations

import re
from typing import Literal

from yaml.nodes import Node, ScalarNode, SequenceNode

from floorwatch.config.types import (
    Agg,
    Better,
    Bound,
    FeedConfig,
    FieldType,
    MetricConfig,
    MetricFormat,
    Threshold,
)
from floorwatch.config.yaml_nodes import (
    NULL,
    Entries,
    NodeReader,
    describe,
    did_you_mean,
    parse_duration_text,
)
from floorwatch.text.values import level_text, shower

Scale = Literal["duration", "fraction", "number"]  # how a metric's threshold values are read
SCALE_FORMAT: dict[Scale, MetricFormat] = {  # how a level read on a scale is shown back
    "duration": MetricFormat.DURATION,
    "fraction": MetricFormat.PERCENT,
    "number": MetricFormat.NUMBER,
}
METRIC_KEYS = (
    "label", "field", "agg", "window", "better", "green", "red", "format", "min_count", "decimals",
)  # fmt: skip
MAX_DECIMALS = 4
Overrides = dict[str, dict[str, Threshold]]


def default_format(agg: Agg, field_type: FieldType | None) -> MetricFormat:
    """A count or sum is a number, a rate a percent; otherwise the field's type decides."""
    if agg in (Agg.COUNT, Agg.SUM):
        return MetricFormat.NUMBER
    if agg is Agg.RATE or field_type in (FieldType.PERCENT, FieldType.BOOL):
        return MetricFormat.PERCENT
    if field_type in (FieldType.SECONDS, FieldType.DURATION):
        return MetricFormat.DURATION
    return MetricFormat.NUMBER


def threshold_scale(agg: Agg, field_type: FieldType | None, fmt: MetricFormat) -> Scale:
    """How threshold values are read. A metric whose values are fractions (percent format, a
    rate, or the mean/max/... of a percent or bool field) takes `85%`, `0.85`, and also `85`:
    there a plain number above 1 means percent, as no fraction exceeds 1 (so write a complaint
    rate of half a percent as `0.5%`, never `0.5`). The count or sum of a bool field is a number
    of rows, so 85 stays 85."""
    if fmt is MetricFormat.DURATION:
        return "duration"
    if fmt is MetricFormat.PERCENT or agg is Agg.RATE:
        return "fraction"
    fractional_field = field_type in (FieldType.PERCENT, FieldType.BOOL)
    return "fraction" if fractional_field and agg not in (Agg.COUNT, Agg.SUM) else "number"


def clock_seconds(text: str) -> float | None:
    """'3:30' -> 210.0, '1:02:03' -> 3723.0; None when not m:ss or h:mm:ss."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(re.fullmatch(r"\d+", p) for p in parts[:-1]):
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", parts[-1]) or any(float(p) >= 60 for p in parts[1:]):
        return None
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


LEVELS_KEPT = 4096


class MetricsReader:
    """Reads `metrics:` then `thresholds:`; problems go to the NodeReader's list."""

    def __init__(self, nodes: NodeReader) -> None:
        self.nodes = nodes
        self.problems = nodes.problems
        self.metric_keys: list[str] = []
        self.rules: dict[str, tuple[Better, Scale, Threshold]] = {}  # key -> how to judge
        # Levels read well before, by (tag, text, scale): an overrides file repeats a few values
        # across 200,000 agents, and each read costs several regexes.
        self._levels: dict[tuple[str, str, Scale], float] = {}

    def metrics(self, node: Node | None, feeds: tuple[FeedConfig, ...]) -> tuple[MetricConfig, ...]:
        what = "a mapping of metrics (aht: {...}, csat: {...})"
        entries = self.nodes.mapping(node, "metrics", what=what) if node is not None else None
        if entries is None:
            return ()
        if not entries.values:
            self.problems.error(entries.node, "metrics must define at least one metric")
        field_types: dict[str, FieldType] = {}
        for feed in feeds:
            for spec in feed.fields:
                field_types.setdefault(spec.name, spec.type)
        self.metric_keys = list(entries.values)
        found = (self.metric(key, value, field_types) for key, value in entries)
        return tuple(metric for metric in found if metric is not None)

    def metric(
        self, key: str, node: Node, field_types: dict[str, FieldType]
    ) -> MetricConfig | None:
        where = f"metrics.{key}"
        entries = self.nodes.mapping(node, where, METRIC_KEYS, ("field", "agg", "better", "green"))
        if entries is None:
            return None
        field = self.field(entries, field_types)
        agg = entries.read("agg", self.nodes.enum(Agg)) or Agg.MEAN
        better = entries.read("better", self.nodes.enum(Better))
        field_type = field_types.get(field or "")
        fmt = entries.read("format", self.nodes.enum(MetricFormat))
        fmt = fmt or default_format(agg, field_type)
        scale = threshold_scale(agg, field_type, fmt)
        window = entries.read("window", self.window)
        threshold = Threshold(None, None)
        # Levels can't be read without knowing their shape (better) and their field's type: a
        # metric on an unknown field has that one error, not a misleading one per level too.
        if better is not None and field_type is not None:
            threshold = Threshold(
                *(self.bound(entries, k, better, scale) for k in ("green", "red"))
            )
            self.check_direction(entries.get("red"), where, better, scale, threshold)
            self.rules[key] = (better, scale, threshold)
        return MetricConfig(
            key=key,
            label=entries.read("label", self.nodes.text) or key.upper(),
            field=field or "",
            agg=agg,
            window=window[0] if window else None,
            window_text=window[1] if window else "today",
            better=better or Better.LOWER,
            threshold=threshold,
            format=fmt,
            min_count=entries.read("min_count", self.min_count) or 1,
            decimals=entries.read("decimals", self.decimals),
        )

    def field(self, entries: Entries, field_types: dict[str, FieldType]) -> str | None:
        field = entries.read("field", self.nodes.text)
        if field is not None and field not in field_types:
            known = ", ".join(sorted(field_types)) or "none"
            message = f"{entries.path('field')} {field!r} is not a field of any feed"
            hint = did_you_mean(field, field_types)
            self.problems.error(entries.values["field"], f"{message} (known fields: {known}){hint}")
        return field

    def window(self, node: Node, where: str) -> tuple[float | None, str] | None:
        if isinstance(node, ScalarNode) and node.value.strip() == "today":
            return None, "today"
        seconds = self.nodes.duration(node, where, "like 15m, 60m, 8h or today")
        return (seconds, node.value.strip()) if seconds is not None else None

    def decimals(self, node: Node, where: str) -> int | None:
        value = self.nodes.number_or_none(node)
        if value is None or not value.is_integer() or not 0 <= value <= MAX_DECIMALS:
            got = describe(node)
            message = f"{where} must be a whole number from 0 to {MAX_DECIMALS} (got {got})"
            self.problems.error(node, message)
            return None
        return int(value)

    def min_count(self, node: Node, where: str) -> int | None:
        value = self.nodes.number_or_none(node)
        if value is None or not value.is_integer() or value < 1:
            message = f"{where} must be a whole number, 1 or more (got {describe(node)})"
            self.problems.error(node, message)
            return None
        return int(value)

    def bound(self, entries: Entries, key: str, better: Better, scale: Scale) -> Bound | None:
        """A level: one value for lower/higher, a [low, high] pair for band."""
        node, where = entries.get(key), entries.path(key)
        if node is None:
            return None
        if better is not Better.BAND:
            if isinstance(node, SequenceNode):
                message = f"{where} must be one value for better: {better.value} (got a list)"
                self.problems.error(node, message + "; only band takes [low, high]")
                return None
            return self.level(node, where, scale)
        items = node.value if isinstance(node, SequenceNode) else []
        if len(items) != 2:
            message = f"{where} must be a [low, high] pair for better: band (got {describe(node)})"
            self.problems.error(node, message)
            return None
        low, high = (self.level(item, where, scale) for item in items)
        if low is None or high is None:
            return None
        if low > high:
            self.problems.error(node, f"{where} must be [low, high] with low <= high")
            return None
        return (low, high)

    def level(self, node: Node, where: str, scale: Scale) -> float | None:
        """One threshold value in base units: seconds, or a fraction for percent metrics."""
        known = (node.tag, node.value, scale) if isinstance(node, ScalarNode) else None
        if known is not None and (value := self._levels.get(known)) is not None:
            return value
        value = self._read_level(node, where, scale)
        if known is not None and value is not None and len(self._levels) < LEVELS_KEPT:
            self._levels[known] = value
        return value

    def _read_level(self, node: Node, where: str, scale: Scale) -> float | None:
        number = self.nodes.number_or_none(node)
        text = node.value.strip() if isinstance(node, ScalarNode) and node.tag != NULL else ""
        value: float | None = number
        if scale == "duration":
            what = "a number of seconds or m:ss"
            if value is None:
                value = clock_seconds(text)
            if value is None and re.fullmatch(r"(\d+(\.\d+)?[smhd])+", text):
                value = parse_duration_text(text)  # 3m30s
        elif scale == "fraction":
            what = "a number or a percent like 85%"
            if number is not None and number > 1:
                value = number / 100
            elif number is None and re.fullmatch(r"-?\d+(\.\d+)?\s*%", text):
                value = float(text.rstrip("% ")) / 100
        else:
            what = "a number"
        if value is None:
            self.problems.error(node, f"{where} must be {what} (got {describe(node)})")
        return value

    def check_direction(
        self, node: Node | None, where: str, better: Better, scale: Scale, threshold: Threshold
    ) -> None:
        """Report (at `node`) a green level that isn't on the good side of the red one."""
        green, red = threshold.green, threshold.red
        if node is None or green is None or red is None:
            return
        if better is Better.BAND:
            if not isinstance(green, tuple) or not isinstance(red, tuple):
                return
            wrong = not red[0] <= green[0] <= green[1] <= red[1]
            rule = "green must lie inside red when better is band"
        elif isinstance(green, tuple) or isinstance(red, tuple):
            return
        else:
            lower = better is Better.LOWER
            wrong = green > red if lower else green < red
            rule = f"green must be {'<=' if lower else '>='} red when better is {better.value}"
        if wrong:
            show = shower(SCALE_FORMAT[scale])
            got = f"green {level_text(green, show)}, red {level_text(red, show)}"
            self.problems.error(node, f"{where}: {rule} (got {got})")

    def overrides(self, node: Node | None) -> tuple[Overrides, Overrides]:
        """thresholds: {teams: {team: {metric: {green, red}}}, agents: {id: ...}}. A level left
        out is None: inherited from the metric. Each override is checked combined with the
        metric's own levels; an agent's team is only known from the feeds, so agent and team
        overrides are not checked against each other."""
        entries = self.nodes.mapping(node, "thresholds", ("teams", "agents")) if node else None
        found: tuple[Overrides, Overrides] = ({}, {})
        for level, overrides in zip(("teams", "agents"), found, strict=True):
            who = entries.read(level, self.nodes.mapping) if entries else None
            for name, value in who or ():
                overrides[name] = self.override(value, f"thresholds.{level}.{name}")
        return found

    def override(self, node: Node, where: str) -> dict[str, Threshold]:
        entries = self.nodes.mapping(node, where, what="a mapping of metric: {green, red}")
        found: dict[str, Threshold] = {}
        for key, value in entries or ():
            if key not in self.metric_keys:
                known = ", ".join(self.metric_keys) or "none"
                hint = did_you_mean(key, self.metric_keys)
                message = f"{where}: unknown metric '{key}' (metrics: {known}){hint}"
                self.problems.error(entries.keys[key], message)  # type: ignore[union-attr]
                continue
            bounds = self.nodes.mapping(value, f"{where}.{key}", ("green", "red"))
            if bounds is None or key not in self.rules:
                continue
            better, scale, own = self.rules[key]
            green, red = (self.bound(bounds, k, better, scale) for k in ("green", "red"))
            found[key] = Threshold(green, red)
            combined = Threshold(
                own.green if green is None else green, own.red if red is None else red
            )
            at = bounds.get("red") or bounds.get("green")
            self.check_direction(at, f"{where}.{key} (with metrics.{key})", better, scale, combined)
        return found
