"""The live floor's sections: `states:` (raw state -> category and time-in-state limits),
`queues:` (KPI thresholds, defaults then per queue) and the columns of `kind: states` and
`kind: queue` feeds. Part of the config loader, split along the seam between contacts (metrics)
and the floor as it is now (states, queues)."""

from __future__ import annotations

from dataclasses import replace

from yaml.nodes import Node

from floorwatch.config.metrics_section import MetricsReader, Scale
from floorwatch.config.types import (
    STATE_CATEGORIES,
    FeedConfig,
    FieldSpec,
    FieldType,
    QueueConfig,
    QueueLimit,
    QueuesConfig,
    StateConfig,
)
from floorwatch.config.yaml_nodes import NULL, Entries, NodeReader

STATE_KEYS = ("category", "amber", "red")
QUEUE_KPIS = ("service_level", "longest_wait", "waiting", "abandon")
# Each KPI's keys, how its levels read, and whether higher is better.
KPI_KEYS: dict[str, tuple[tuple[str, ...], Scale, bool]] = {
    "service_level": (("answer_within", "window", "green", "red"), "fraction", True),
    "longest_wait": (("green", "red"), "duration", False),
    "waiting": (("green", "red"), "number", False),
    "abandon": (("window", "green", "red"), "fraction", False),
}
# The columns each live kind needs besides time, and those it may name.
KIND_COLUMNS = {
    "states": (("state",), ("reason",)),
    "queue": (("queue", "contact", "event"), ("wait",)),
}


class LiveSectionsReader:
    def __init__(self, nodes: NodeReader) -> None:
        self.nodes = nodes
        self.problems = nodes.problems
        self.levels = MetricsReader(nodes)

    # --- states ------------------------------------------------------------------------------

    def states(self, node: Node | None) -> tuple[StateConfig, ...]:
        what = "a mapping of raw state names to {category, amber, red}"
        entries = self.nodes.mapping(node, "states", what=what) if node is not None else None
        found = []
        for name, value in entries or ():
            state = self.state(name, value, f"states.{name}")
            if state is not None:
                found.append(state)
        return tuple(found)

    def state(self, name: str, node: Node, where: str) -> StateConfig | None:
        entries = self.nodes.mapping(node, where, STATE_KEYS, ("category",))
        if entries is None:
            return None
        category = entries.read("category", self.nodes.one_of(*STATE_CATEGORIES))
        amber = entries.read("amber", self.limit)
        red = entries.read("red", self.limit)
        if amber is not None and red is not None and amber >= red:
            node_at = entries.values["red"]
            self.problems.error(node_at, f"{where}.red must be longer than its amber")
        return StateConfig(name, category or "other", amber, red)

    def limit(self, node: Node, where: str) -> float | None:
        return self.levels.level(node, where, "duration") if node.tag != NULL else None

    # --- queues ------------------------------------------------------------------------------

    def queues(self, node: Node | None) -> QueuesConfig:
        what = "a mapping of `defaults` and queue names to KPI thresholds"
        entries = self.nodes.mapping(node, "queues", what=what) if node is not None else None
        if entries is None:
            return QueuesConfig()
        defaults = QueueConfig()
        if "defaults" in entries.values:
            defaults = self.queue(entries.values["defaults"], "queues.defaults", defaults)
        queues = [
            (name, self.queue(value, f"queues.{name}", defaults))
            for name, value in entries
            if name != "defaults"
        ]
        return QueuesConfig(defaults, tuple(queues))

    def queue(self, node: Node, where: str, base: QueueConfig) -> QueueConfig:
        entries = self.nodes.mapping(node, where, QUEUE_KPIS, what="a mapping of KPIs")
        if entries is None or node.tag == NULL:
            return base
        kpis = {kpi: self.kpi(entries, kpi, getattr(base, kpi)) for kpi in QUEUE_KPIS}
        return QueueConfig(**kpis)

    def kpi(self, parent: Entries, kpi: str, base: QueueLimit) -> QueueLimit:
        node = parent.get(kpi)
        if node is None:
            return base
        keys, scale, higher = KPI_KEYS[kpi]
        where = parent.path(kpi)
        entries = self.nodes.mapping(node, where, keys)
        if entries is None:
            return base
        limit = base
        for key in ("green", "red"):
            value = entries.read(key, lambda n, w: self.levels.level(n, w, scale))
            if value is not None:
                limit = replace(limit, **{key: value})
        for key in ("window", "answer_within"):
            value = entries.read(key, self.nodes.duration)
            if value is not None:
                limit = replace(limit, **{key: value})
        if limit.green is not None and limit.red is not None:
            wrong = limit.red > limit.green if higher else limit.red < limit.green
            if wrong:
                side = "below" if higher else "above"
                at = entries.values.get("red") or entries.values.get("green") or node
                self.problems.error(at, f"{where}.red must be {side} its green")
        return limit

    # --- feeds of the live kinds -------------------------------------------------------------

    def columns(
        self, entries: Entries, kind: str, fmt: str | None, where: str, preset: bool = False
    ) -> dict[str, str]:
        """The state/queue columns a feed names (FeedConfig keyword -> column). A queue_log
        feed or a preset needs none: the parser or the preset knows the columns."""
        needed, optional = KIND_COLUMNS.get(kind, ((), ()))
        found: dict[str, str] = {}
        for key in (*needed, *optional):
            column = entries.read(key, self.nodes.text)
            if column is not None:
                found[f"{key}_column"] = column
            elif key in needed and not (preset or fmt == "queue_log") and key not in entries.values:
                self.problems.error(entries.node, f"{where}: kind: {kind} needs `{key}: COLUMN`")
        for key, _ in KIND_COLUMNS.items():
            for column in (c for group in KIND_COLUMNS[key] for c in group):
                if key != kind and column in entries.values and column not in (*needed, *optional):
                    message = f"{where}.{column} applies to kind: {key} feeds only"
                    self.problems.error(entries.keys[column], message)
        return found

    def finish(self, entries: Entries, feed: FeedConfig, where: str) -> FeedConfig:
        """A states or queue feed has no metric fields; a queue feed's wait column is read as
        its one field, `wait` (seconds)."""
        if feed.kind in KIND_COLUMNS and feed.fields:
            message = f"{where}.fields: a kind: {feed.kind} feed has no metric fields"
            self.problems.error(entries.keys["fields"], message)
        if feed.kind == "queue" and feed.wait_column:
            return replace(feed, fields=(FieldSpec("wait", feed.wait_column, FieldType.SECONDS),))
        return feed
