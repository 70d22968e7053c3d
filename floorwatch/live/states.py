"""What each agent is doing now: the state, its reason, how long, and whether that is too long.

Pure: rows in, and for any `now` (the caller's clock) each agent's state and its status against
the state's limits. A limit counts from the moment it is reached: with `amber: 15m` an agent on
Break for exactly 15:00 is amber (the time shown and the colour agree to the second).

Rows are state changes (`state` from `ts` on). For each agent the latest change wins; a row older
than the agent's current state (a late file, a replay) is ignored. The book knows when the next
status edge of each agent falls, so a tick costs only the agents whose colour turns, never a
pass over the floor.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from floorwatch.config.types import OTHER_CATEGORY, StateConfig
from floorwatch.live.rows import AGENT, TS
from floorwatch.live.thresholds import Status

STATE = "state"
REASON = "reason"

CATEGORY_WORDS = {
    "available": "available",
    "on_contact": "on contact",
    "after_contact_work": "after-contact work",
    "away": "away",
    "offline": "offline",
    OTHER_CATEGORY: "other",
}


@dataclass(frozen=True)
class AgentState:
    """An agent's current state: `name` as the feed wrote it, from `since` (epoch seconds)."""

    name: str
    category: str
    since: float
    reason: str | None = None
    amber: float | None = None  # seconds in the state at which it turns amber
    red: float | None = None

    def seconds(self, now: float) -> float:
        """Time in state at `now` (never negative: a row from a clock ahead of ours)."""
        return max(0.0, now - self.since)

    def status(self, now: float) -> Status:
        """RED once `red` is reached, AMBER once `amber` is; GREEN inside a limit, NONE for a
        state without limits."""
        elapsed = math.floor(self.seconds(now))
        if self.red is not None and elapsed >= self.red:
            return Status.RED
        if self.amber is not None and elapsed >= self.amber:
            return Status.AMBER
        return Status.NONE if self.amber is None and self.red is None else Status.GREEN

    def next_edge(self, now: float) -> float | None:
        """The next moment after `now` at which the status changes, or None."""
        for limit in (self.amber, self.red):
            if limit is not None and self.since + limit > now:
                return self.since + limit
        return None

    def label(self, now: float, mark: str = "") -> str:
        """'Break 22:14', then `mark` and the reason when given: 'Break 22:14 ■ Coffee' (the
        timer before the reason, so a narrow column cuts the reason, not the time)."""
        text = f"{self.name} {clock_text(self.seconds(now))}{mark}"
        return f"{text} {self.reason}" if self.reason and self.reason != self.name else text


def clock_text(seconds: float) -> str:
    """Whole seconds as m:ss, or h:mm:ss from an hour."""
    whole = math.floor(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class StateBook:
    """Every agent's current state, and the moments their colours turn."""

    def __init__(self, states: Iterable[StateConfig], offline_hides: float = 900.0) -> None:
        self.configs = {state.name: state for state in states}
        self.offline_hides = offline_hides
        self.current: dict[str, AgentState] = {}
        self.unknown: dict[str, float] = {}  # raw states the config does not list: first seen
        self.newest: float | None = None
        self._edges: list[tuple[float, str]] = []  # (when, agent): min-heap of status edges
        self._changed: set[str] = set()

    def ingest(self, batch: pd.DataFrame) -> set[str]:
        """Take state-change rows (ts, agent, state, reason); returns the agents whose state
        changed."""
        if not len(batch):
            return set()
        ordered = batch.sort_values(TS, kind="stable")
        reasons = ordered.get(REASON)
        changed: set[str] = set()
        for index, (ts, agent, name) in enumerate(
            zip(ordered[TS].tolist(), ordered[AGENT].tolist(), ordered[STATE].tolist(), strict=True)
        ):
            reason = reasons.iat[index] if reasons is not None else None
            old = self.current.get(agent)
            if old is not None and ts < old.since:
                continue  # older than what we know
            if old is not None and old.name == name and old.reason == (reason or None):
                continue  # the same state again: time in state goes on
            self.current[agent] = self._state(name, reason, ts)
            changed.add(agent)
            self.newest = ts if self.newest is None else max(self.newest, ts)
        for agent in changed:
            self._push(agent, self.current[agent], self.current[agent].since)
        self._changed |= changed
        return changed

    def _state(self, name: str, reason: object, ts: float) -> AgentState:
        config = self.configs.get(name)
        if config is None:
            self.unknown.setdefault(name, ts)
            category, amber, red = OTHER_CATEGORY, None, None
        else:
            category, amber, red = config.category, config.amber, config.red
        text = reason if isinstance(reason, str) and reason else None
        return AgentState(name, category, float(ts), text, amber, red)

    def _push(self, agent: str, state: AgentState, now: float) -> None:
        edge = state.next_edge(now)
        if edge is not None:
            heapq.heappush(self._edges, (edge, agent))
        if state.category == "offline" and state.since + self.offline_hides > now:
            heapq.heappush(self._edges, (state.since + self.offline_hides, agent))

    def advance(self, now: float) -> set[str]:
        """The agents whose state or status changed since the last call (state changes taken
        in, limits reached, offline long enough to leave the board)."""
        touched, self._changed = self._changed, set()
        while self._edges and self._edges[0][0] <= now:
            _, agent = heapq.heappop(self._edges)
            state = self.current.get(agent)
            if state is None:
                continue
            touched.add(agent)
            self._push(agent, state, now)
        return touched

    def get(self, agent: str) -> AgentState | None:
        return self.current.get(agent)

    def hidden(self, agent: str, now: float) -> bool:
        """Offline for `offline_hides` or more: the agent leaves the board."""
        state = self.current.get(agent)
        return (
            state is not None
            and state.category == "offline"
            and state.seconds(now) >= self.offline_hides
        )

    def counts(self, agents: Iterable[str] | None = None) -> dict[str, int]:
        """Agents per category (every category present, `other` too)."""
        counts = dict.fromkeys(CATEGORY_WORDS, 0)
        states = self.current if agents is None else {a: self.current.get(a) for a in agents}
        for state in states.values():
            if state is not None:
                counts[state.category] += 1
        return counts
