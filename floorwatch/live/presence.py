"""The floor as it is now, beside the metrics: agents' states and the queues, for the board.

`Presence` takes the rows of `kind: states` and `kind: queue` feeds, says on each tick which
agents' states changed or crossed a limit, and keeps the queues' figures as of the last tick.
The board asks it how a state weighs on an agent's row (floor.state_counts) and whether an
agent has been offline long enough to leave the board (floor.offline_hides).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from floorwatch.config.types import Config
from floorwatch.live.queues import QueueBook, QueueFigures
from floorwatch.live.rows import AGENT, NAME, TEAM
from floorwatch.live.states import AgentState, StateBook
from floorwatch.live.thresholds import Status


@dataclass(frozen=True)
class StateRed:
    """An agent's state reached its red limit (Break for 20 minutes): news for the UI."""

    at: float  # board time
    agent: str
    name: str
    state: AgentState


class Presence:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.states = StateBook(config.states, config.floor.offline_hides)
        self.queues = QueueBook(config.queues)
        self.queue_figures: tuple[QueueFigures, ...] = ()
        self.names: dict[str, str] = {}  # from the states feeds, for agents with no contacts yet
        self.teams: dict[str, str] = {}
        self._said_red: set[tuple[str, float]] = set()  # (agent, since) already announced

    @property
    def newest(self) -> float | None:
        times = [t for t in (self.states.newest, self.queues.newest) if t is not None]
        return max(times) if times else None

    def ingest_states(self, batch: pd.DataFrame) -> set[str]:
        """State rows in; the agents whose state or labels changed."""
        changed = self.states.ingest(batch)
        for column, labels in ((NAME, self.names), (TEAM, self.teams)):
            if column not in batch:
                continue
            for agent, text in zip(batch[AGENT].tolist(), batch[column].tolist(), strict=True):
                if text and labels.get(agent) != text:
                    labels[agent] = text
                    changed.add(agent)
        return changed

    def ingest_queue(self, batch: pd.DataFrame) -> None:
        self.queues.ingest(batch)

    def advance(self, now: float) -> tuple[set[str], bool]:
        """The agents to re-read at `now`, and whether the queues' figures changed."""
        touched = self.states.advance(now)
        figures = tuple(self.queues.figures(now))
        queues_changed = figures != self.queue_figures
        self.queue_figures = figures
        return touched, queues_changed

    def state(self, agent: str) -> AgentState | None:
        return self.states.get(agent)

    def state_status(self, state: AgentState | None, now: float) -> Status:
        """How the state weighs on the agent's overall status (NONE unless state_counts)."""
        if state is None or not self.config.floor.state_counts:
            return Status.NONE
        return state.status(now)

    def reds(
        self, rows: Iterable[tuple[str, str, AgentState | None]], now: float
    ) -> list[StateRed]:
        """Of these (agent, name, state), the states that have just reached red: each once."""
        found = []
        for agent, name, state in rows:
            if state is None or state.status(now) is not Status.RED:
                continue
            key = (agent, state.since)
            if key not in self._said_red:
                self._said_red.add(key)
                found.append(StateRed(now, agent, name, state))
        return found

    def hidden(self, agent: str, now: float) -> bool:
        return self.states.hidden(agent, now)

    def unknown_states(self) -> list[str]:
        """Raw states the config's `states:` does not list (shown as they are, category other)."""
        return sorted(self.states.unknown)
