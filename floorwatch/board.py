"""The board model: agents x metrics x status, and what changed since the last tick.

INTERFACE STUB: the public types and method signatures below are the contract the UI, the CLI
(`board --once`) and the SSH server build on. The implementation fills the bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from floorwatch.config_types import Config, FeedConfig
from floorwatch.thresholds import Status


@dataclass(frozen=True)
class MetricCell:
    """One agent's value for one metric, as of the last tick."""

    key: str  # metric key
    value: float | None  # base units; None when no rows in the window
    count: int  # rows in the window that carried the field
    status: Status  # NONE when value is None or count < min_count
    excess: float  # how far past the green bound, normalised by the green-red gap (0 when green)
    stale: bool = False  # the feeds behind it have gone stale


@dataclass(frozen=True)
class AgentRow:
    """One line of the board."""

    agent: str
    name: str  # display name (roster, then feed, then the id)
    team: str | None
    status: Status  # the worst of the cells
    cells: Mapping[str, MetricCell]
    red_since: float | None = None  # epoch seconds when the overall status last turned red
    hire_date: str | None = None  # from the roster, ISO date


@dataclass(frozen=True)
class Transition:
    """A metric cell changed status (the UI alerts on transitions to red)."""

    at: float  # epoch seconds (board time)
    agent: str
    name: str
    metric: str
    old: Status
    new: Status
    value: float | None


@dataclass(frozen=True)
class BoardDelta:
    """What changed in one tick; the UI redraws only these."""

    changed: frozenset[str] = frozenset()  # agent ids whose row (any cell or status) changed
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    transitions: tuple[Transition, ...] = ()
    now: float = 0.0

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


@dataclass
class Board:
    """Holds the per-agent state; `ingest` rows as they arrive, `tick` to advance time."""

    config: Config
    rows: dict[str, AgentRow] = field(default_factory=dict)

    def ingest(self, feed: FeedConfig, batch: pd.DataFrame) -> None:
        """Add parsed rows (schema in floorwatch.rows) from `feed`; cheap per row."""
        raise NotImplementedError

    def tick(self, now: float | None = None) -> BoardDelta:
        """Re-evaluate what rows or the passing of time changed; `now` defaults per floor.clock."""
        raise NotImplementedError

    def sorted_ids(
        self,
        sort: str = "status",
        team: str | None = None,
        only: Iterable[Status] | None = None,
    ) -> list[str]:
        """Agent ids in display order: sort is 'status' (worst first), 'name' or a metric key."""
        raise NotImplementedError
