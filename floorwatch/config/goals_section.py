"""The `goals:` section: SMART goals and OKR objectives for the floor, a team or an agent.

    goals:
      - id: aht-north               # optional: its key (config:aht-north); else config:N
        metric: aht                 # a goal: one metric from a baseline to a target
        team: North                 # or agent: A001; neither: the floor's
        from: "5:00"                # in the metric's units, as thresholds are written
        to: "3:30"
        start: 2026-12-01
        due: 2027-01-31
      - objective: "Become the team's service benchmark"
        team: North
        start: 2026-12-01
        due: 2027-02-28
        key_results:                # 3 to 5, each {metric, from, to}
          - {metric: csat, from: 88, to: 95}

Every problem is reported at its line and column, with the others (config/loader.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from yaml.nodes import Node

from floorwatch.config.types import Better
from floorwatch.config.yaml_nodes import Entries, NodeReader, did_you_mean

if TYPE_CHECKING:
    from floorwatch.config.metrics_section import MetricsReader

GOAL_KEYS = ("id", "metric", "team", "agent", "from", "to", "start", "due")
OBJECTIVE_KEYS = ("objective", "team", "agent", "start", "due", "key_results")
KEY_RESULT_KEYS = ("id", "metric", "from", "to")
ID_PATTERN = re.compile(r"[A-Za-z0-9._-]+")


class GoalsReader:
    """Reads `goals:` once the metrics are known (a goal's values are in its metric's units)."""

    def __init__(self, nodes: NodeReader, metrics: MetricsReader) -> None:
        self.nodes = nodes
        self.problems = nodes.problems
        self.metrics = metrics
        self.ids: set[str] = set()

    def goals(self, node: Node | None) -> tuple[Any, ...]:
        if node is None:
            return ()
        items = self.nodes.sequence(node, "goals")
        found: list[Any] = []
        for index, item in enumerate(items or []):
            where = f"goals[{index}]"
            keys = self.nodes.mapping(
                item,
                where,
                what="a goal {metric, from, to, start, due} "
                "or an objective {objective, key_results, start, due}",
            )
            if keys is None:
                continue
            if "objective" in keys.values:
                found.extend(self.objective(item, where, len(found)))
            else:
                goal = self.goal(item, where, len(found))
                if goal is not None:
                    found.append(goal)
        return tuple(found)

    def goal(self, node: Node, where: str, number: int) -> Any:
        from floorwatch.coaching.goals import Goal

        entries = self.nodes.mapping(
            node, where, GOAL_KEYS, ("metric", "from", "to", "start", "due")
        )
        if entries is None:
            return None
        scope, who = self.scope(entries, where)
        start, due = self.dates(entries, where)
        levels = self.levels(entries, where, entries.read("metric", self.nodes.text))
        if scope is None or start is None or due is None or levels is None:
            return None
        metric, baseline, target = levels
        return Goal(
            self.key(entries, where, number + 1),
            scope,
            who,
            metric,
            baseline,
            target,
            start,
            due,
            source="config",
        )

    def objective(self, node: Node, where: str, number: int) -> list[Any]:
        from floorwatch.coaching.goals import Goal, key_results_problem

        entries = self.nodes.mapping(
            node, where, OBJECTIVE_KEYS, ("objective", "key_results", "start", "due")
        )
        if entries is None:
            return []
        title = entries.read("objective", self.nodes.text)
        scope, who = self.scope(entries, where)
        start, due = self.dates(entries, where)
        items = entries.read("key_results", self.nodes.sequence)
        if items is not None and key_results_problem(len(items)):
            self.problems.error(
                entries.values["key_results"],
                f"{where}.key_results: {key_results_problem(len(items))}",
            )
        found: list[Goal] = []
        for index, item in enumerate(items or []):
            at = f"{where}.key_results[{index}]"
            kr = self.nodes.mapping(item, at, KEY_RESULT_KEYS, ("metric", "from", "to"))
            levels = self.levels(kr, at, kr.read("metric", self.nodes.text)) if kr else None
            if levels is None or title is None or scope is None or start is None or due is None:
                continue
            metric, baseline, target = levels
            key = self.key(kr, at, number + len(found) + 1)  # type: ignore[arg-type]
            found.append(
                Goal(
                    key,
                    scope,
                    who,
                    metric,
                    baseline,
                    target,
                    start,
                    due,
                    objective=title,
                    source="config",
                )
            )
        return found

    def key(self, entries: Entries, where: str, number: int) -> str:
        """`config:ID` with an `id:`, else `config:N` by position (check-ins are kept under
        it: give an id to keep them attached when goals are reordered)."""
        given = entries.read("id", self.nodes.text)
        if given is None:
            return f"config:{number}"
        if not ID_PATTERN.fullmatch(given) or given.isdigit():
            message = f"{where}.id must be letters, digits, . _ - and not a number (got {given!r})"
            self.problems.error(entries.values["id"], message)
        key = f"config:{given}"
        if key in self.ids:
            self.problems.error(entries.values["id"], f"{where}.id {given!r} is used twice")
        self.ids.add(key)
        return key

    def scope(self, entries: Entries, where: str) -> tuple[str | None, str]:
        team = entries.read("team", self.nodes.text)
        agent = entries.read("agent", self.nodes.text)
        if "team" in entries.values and "agent" in entries.values:
            message = f"{where}: a goal is for a team or for an agent, not both"
            self.problems.error(entries.keys["agent"], message)
            return None, ""
        if agent is not None:
            return "agent", agent
        if team is not None:
            return "team", team
        if "team" in entries.values or "agent" in entries.values:
            return None, ""
        return "floor", ""

    def dates(self, entries: Entries, where: str) -> tuple[date | None, date | None]:
        start, due = (entries.read(key, self.day) for key in ("start", "due"))
        if start is not None and due is not None and due <= start:
            message = f"{where}.due must be after start (got {start} .. {due})"
            self.problems.error(entries.values["due"], message)
            return start, None
        return start, due

    def day(self, node: Node, where: str) -> date | None:
        text = self.nodes.text(node, where)
        if text is None:
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            self.problems.error(node, f"{where} must be a date YYYY-MM-DD (got {text!r})")
            return None

    def levels(
        self, entries: Entries, where: str, metric: str | None
    ) -> tuple[str, float, float] | None:
        if metric is None:
            return None
        rule = self.metrics.rules.get(metric)
        if rule is None:
            if metric not in self.metrics.metric_keys:
                known = ", ".join(self.metrics.metric_keys) or "none"
                hint = did_you_mean(metric, self.metrics.metric_keys)
                message = f"{where}.metric: unknown metric '{metric}' (metrics: {known}){hint}"
                self.problems.error(entries.values["metric"], message)
            return None
        better, scale, _ = rule
        if better is Better.BAND:
            message = f"{where}.metric {metric!r} is judged in a band: a goal needs lower or higher"
            self.problems.error(entries.values["metric"], message)
            return None
        baseline, target = (
            self.metrics.level(entries.values[k], f"{where}.{k}", scale)
            if k in entries.values
            else None
            for k in ("from", "to")
        )
        if baseline is None or target is None:
            return None
        worse = target > baseline if better is Better.LOWER else target < baseline
        if worse or target == baseline:
            way = "below" if better is Better.LOWER else "above"
            message = f"{where}.to must be {way} from (better is {better.value} for {metric})"
            self.problems.error(entries.values["to"], message)
            return None
        return metric, float(baseline), float(target)
