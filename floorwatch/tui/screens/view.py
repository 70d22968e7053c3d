"""One viewer's way of looking at the shared board: sort, filters, pause.

The board model belongs to the floor and may be shared by many viewers (SSH sessions); a viewer
never changes it. `BoardView` turns the model's deltas into table updates for this viewer's sort
and filters, and holds them back while the viewer is paused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from floorwatch.config.types import Config, Threshold
from floorwatch.live.board import AgentRow, BoardDelta, Summary
from floorwatch.live.clock import FloorClock
from floorwatch.live.states import CATEGORY_WORDS
from floorwatch.live.thresholds import Status
from floorwatch.text.plural import plural
from floorwatch.tui.widgets.board_table import BoardTable


class BoardModel(Protocol):
    """What a view reads of `floorwatch.live.board.Board`."""

    rows: dict[str, AgentRow]

    def sorted_ids(
        self,
        sort: str = "status",
        team: str | None = None,
        only: Iterable[Status] | None = None,
        *,
        teams: Iterable[str] | None = None,
        category: str | None = None,
    ) -> list[str]: ...

    def teams(self) -> list[str]: ...

    def counts(
        self, team: str | None = None, *, teams: Iterable[str] | None = None
    ) -> dict[Status, int]: ...

    def state_counts(
        self, team: str | None = None, *, teams: Iterable[str] | None = None
    ) -> dict[str, int]: ...

    def team_summary(self) -> dict[str, Summary]: ...

    def floor_summary(self) -> Summary: ...

    def threshold(self, agent: str, metric_key: str) -> Threshold: ...

    def team_day(self, now: float | None = None) -> dict[str, list[int]]: ...


def screen_floor_clock(config: Config, board: object, wall: Callable[[], float]) -> FloorClock:
    """The board's own floor clock on this viewer's wall clock, or (a board model without one)
    a floor clock that follows the board's `now`."""
    own = getattr(board, "floor_clock", None)
    if isinstance(own, FloorClock):
        return own.with_wall(wall)
    clock = FloorClock(config.floor, wall=wall)
    clock.follow(lambda: getattr(board, "now", None))
    return clock


class BoardView:
    """Sort, team filter, colour filter, state filter, the supervisor's scope and pause for one
    table."""

    def __init__(
        self,
        board: BoardModel,
        table: BoardTable,
        sorts: Iterable[str],
        *,
        states: bool = False,
        scope: Iterable[str] = (),
    ) -> None:
        self.board = board
        self.table = table
        self.sorts = ("status", "name", *(("state",) if states else ()), *sorts)
        self.sort = "status"
        self.team: str | None = None
        self.only: Status | None = None
        self.category: str | None = None  # only agents in this state category
        self.scope = frozenset(scope)  # the supervisor's own teams (none: the whole floor)
        self.whole_floor = not self.scope
        self.paused = False
        self._frozen: dict[str, AgentRow] = {}  # the board as it was when paused

    # -- the view's state ------------------------------------------------------------------------

    def cycle_sort(self) -> str:
        self.sort = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
        self.table.set_sort_key(self.sort)
        self.reload()
        return self.sort

    def set_sort(self, sort: str) -> str:
        self.sort = sort if sort in self.sorts else self.sort
        self.table.set_sort_key(self.sort)
        self.reload()
        return self.sort

    def cycle_category(self) -> str | None:
        """All, then each state category in turn."""
        categories: list[str | None] = [None, *CATEGORY_WORDS]
        index = categories.index(self.category) if self.category in categories else 0
        self.category = categories[(index + 1) % len(categories)]
        self.reload()
        return self.category

    def toggle_whole_floor(self) -> bool:
        """The whole floor, or back to the supervisor's own teams. True: the whole floor."""
        self.whole_floor = not self.whole_floor or not self.scope
        if self.team is not None and not self.whole_floor and self.team not in self.scope:
            self.team = None
        self.reload()
        return self.whole_floor

    @property
    def teams_shown(self) -> frozenset[str] | None:
        """The scope in force (None: the whole floor)."""
        return None if self.whole_floor else self.scope

    @property
    def sort_label(self) -> str:
        """The sort as the board's titles say it: 'status', 'name', or the metric's label."""
        labels = {metric.key: metric.label for metric in self.table.metrics}
        return labels.get(self.sort, self.sort)

    def cycle_team(self) -> str | None:
        scope = self.teams_shown
        teams: list[str | None] = [
            None, *(t for t in self._rows_teams() if scope is None or t in scope)
        ]  # fmt: skip
        index = teams.index(self.team) if self.team in teams else 0
        self.team = teams[(index + 1) % len(teams)]
        self.reload()
        return self.team

    def toggle_only(self, status: Status) -> Status | None:
        self.only = None if self.only is status else status
        self.reload()
        return self.only

    def pause(self) -> None:
        self.paused = True
        self._frozen = dict(self.board.rows)  # rows are immutable: a shallow copy freezes them

    def resume(self, pending: BoardDelta | None) -> None:
        """Show the board as it is now: everything that happened while paused at once."""
        self.paused = False
        self._frozen = {}
        if pending is not None:
            self.apply(pending)
        else:
            self.reload()

    def describe(self) -> str:
        parts = [f"sort {self.sort_label}"]
        if self.teams_shown is not None:
            parts.append("your teams (" + ", ".join(sorted(self.scope)) + ")")
        elif self.scope:
            parts.append("whole floor")
        parts.append(f"team {self.team or 'all'}")
        parts.append(f"only {self.only.word}" if self.only is not None else "all colours")
        if self.category is not None:
            parts.append(f"state {CATEGORY_WORDS[self.category]}")
        parts.append(f"{len(self.table.order)} of {plural(len(self.rows), 'agent')}")
        return " · ".join(parts)

    @property
    def rows(self) -> Mapping[str, AgentRow]:
        return self._frozen if self.paused else self.board.rows

    # -- table updates -------------------------------------------------------------------------

    def order(self) -> list[str]:
        only = (self.only,) if self.only is not None else None
        scope = self.teams_shown
        if not self.paused:
            return self.board.sorted_ids(
                self.sort, self.team, only, teams=scope, category=self.category
            )
        # Paused: the frozen rows, filtered, in the order the board gives them now (close to
        # their order when paused; rows never change under a paused viewer).
        rank = {agent: i for i, agent in enumerate(self.board.sorted_ids(self.sort))}
        kept = [
            row
            for row in self._frozen.values()
            if (self.team is None or row.team == self.team)
            and (self.only is None or row.status is self.only)
            and (scope is None or row.team in scope)
            and (self.category is None or (row.state and row.state.category) == self.category)
        ]
        kept.sort(key=lambda row: rank.get(row.agent, len(rank)))
        return [row.agent for row in kept]

    def reload(self) -> None:
        """Show the rows for the current sort and filters, from scratch."""
        order = self.order()
        rows = self.rows
        self.table.set_rows({agent: rows[agent] for agent in order}, order)

    def apply(self, delta: BoardDelta) -> None:
        """Bring the table up to date after `delta`, touching only rows that changed."""
        rows = self.board.rows
        order = self.order()
        if self._keeps_members(delta):  # the busy floor's usual delta: values, not who is shown
            shown_rows = self.table.rows
            changed = {agent: rows[agent] for agent in delta.changed if agent in shown_rows}
            self.table.update(changed, (), order)
            return
        shown = set(order)
        changed = {
            agent: rows[agent]
            for agent in delta.changed | delta.added
            if agent in shown and agent in rows
        }
        for agent in shown.difference(self.table.rows):  # newly matching the filters
            changed[agent] = rows[agent]
        removed = [agent for agent in self.table.rows if agent not in shown]
        self.table.update(changed, removed, order)

    def _keeps_members(self, delta: BoardDelta) -> bool:
        """Whether the agents shown stay the same ones: no agent came or went, and no filter
        could let a changed row in or out."""
        return (
            not delta.added
            and not delta.removed
            and not self.paused
            and self.team is None
            and self.only is None
            and self.category is None
            and self.teams_shown is None
            and len(self.table.rows) == len(self.board.rows)
        )

    def _rows_teams(self) -> list[str]:
        if not self.paused:
            return self.board.teams()
        return sorted({row.team for row in self._frozen.values() if row.team is not None})


class Throttle:
    """At most once per `interval` seconds: a request inside it is kept (`due`) for the next
    tick. The header's counts and averages scan every agent, so they follow this pace."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.due = False
        self._at = -math.inf

    def ready(self) -> bool:
        """Whether to run now; if not, the run is due at the next tick."""
        if time.monotonic() - self._at >= self.interval:
            return True
        self.due = True
        return False

    def ran(self) -> None:
        self.due = False
        self._at = time.monotonic()
