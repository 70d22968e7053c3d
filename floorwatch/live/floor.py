"""One ingest for any number of viewers: feeds -> board model -> published updates.

A `Floor` owns the feed tailers and the board model. It runs in an asyncio loop (the Textual app's
for `floorwatch run`, the SSH server's for `floorwatch serve`), parses in a worker thread, and hands
each subscriber a `FloorUpdate` with only what changed. Viewers (one per terminal or SSH session)
keep their own sort, filter and pause state; they never mutate the model.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pandas as pd

from floorwatch.config.types import Config, FeedConfig
from floorwatch.feeds import FeedUpdate, FileStatus, FloorFeeds
from floorwatch.feeds.memory import release_unused_memory, share_malloc_arenas
from floorwatch.live.board import Board, BoardDelta
from floorwatch.live.reds import FloorReds
from floorwatch.live.rows import TS

SMALL_BATCH_ROWS = 5_000  # live appends: one frame per feed; a cold load's files stay apart

log = logging.getLogger(__name__)

Subscriber = Callable[["FloorUpdate"], None]

# Rows leave rolling windows as time passes: re-evaluate at least this often with no new rows.
# While rows keep coming, every poll's tick already does it: the clock ticks only in between.
TIME_TICK_SECONDS = 1.0
# A floor task that fails unexpectedly is restarted after this pause (doubling while it keeps
# failing, up to RESTART_MAX_SECONDS), and shown as failing for FAULT_SHOWN_SECONDS after.
RESTART_SECONDS = 0.5
RESTART_MAX_SECONDS = 30.0
FAULT_SHOWN_SECONDS = 60.0


@dataclass(frozen=True)
class FloorUpdate:
    """What a viewer needs after a tick."""

    delta: BoardDelta
    statuses: tuple[FileStatus, ...]
    stale: frozenset[str] = frozenset()  # feed names with no new rows for stale_after
    loaded: bool = True  # False until the cold start has read every file
    errors: tuple[str, ...] = field(default_factory=tuple)  # ingest failures to show the user
    faults: tuple[str, ...] = ()  # floor tasks that failed lately (the header says so)


class Floor:
    """Feeds and board model shared by every viewer of one floor."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], float] = time.time,
        feeds: FloorFeeds | None = None,
        board: Board | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.feeds = feeds or FloorFeeds(config, clock=clock)
        self.board = board or Board(config, clock=clock)
        self.board.defer_red_starts = True  # the first board at once, the reds' starts next
        self.reds = FloorReds(config.floor.clock)  # kept while someone needs them
        self.loaded = False
        self.earliest: float | None = None  # the oldest row time ingested (epoch seconds)
        self.newest: float | None = None  # the newest
        self.last_update: FloorUpdate | None = None
        self._subscribers: list[Subscriber] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        self._stale: frozenset[str] = frozenset()
        self._ticked_at = -float("inf")  # time.monotonic() of the board's last tick
        self._faults: dict[str, float] = {}  # task name -> time.monotonic() of its last failure
        self.restarts: dict[str, int] = {}  # task name -> times it was restarted
        self._unknown_said: set[str] = set()  # raw states not in `states:`, said once each

    # -- viewers -------------------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` (in the loop's thread) after every tick; returns an unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _publish(self, delta: BoardDelta, errors: tuple[str, ...] = ()) -> None:
        update = FloorUpdate(
            delta=delta,
            statuses=tuple(self.feeds.statuses()),
            stale=self._stale,
            loaded=self.loaded,
            errors=errors,
            faults=self._current_faults(),
        )
        self.last_update = update
        self.reds.ticked(delta)
        for callback in list(self._subscribers):
            try:
                callback(update)
            except Exception:  # one broken viewer must not stop the floor
                log.exception("floor subscriber failed")

    # -- running -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Cold-load every file (in a thread), publish the first board, then follow the feeds."""
        await self._cold_load()
        self._tasks = [
            asyncio.create_task(self._supervise("feeds", self._follow_feeds), name="floor-feeds"),
            asyncio.create_task(self._supervise("clock", self._follow_clock), name="floor-clock"),
        ]

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def _cold_load(self) -> None:
        def load() -> BoardDelta:
            share_malloc_arenas()
            self._ingest(self.feeds.load_all())
            self._refresh_stale()
            delta = self._tick()
            release_unused_memory()  # the day's parse buffers: gone, and given back
            return delta

        # Roster problems are found when the board is built; say them once, with the first board.
        errors: tuple[str, ...] = tuple(str(problem) for problem in self.board.problems)
        try:
            delta = await asyncio.to_thread(load)
        except Exception as error:  # keep the viewers alive and say what broke
            log.exception("cold load failed")
            errors = (*errors, f"loading feeds failed: {error}")
            delta = self.board.tick()
        self.loaded = True
        self._publish(delta, (*errors, *self._unknown_states()))
        try:  # when the reds found at start began, read from the rows (SINCE then says it)
            settled = await asyncio.to_thread(self.board.settle_red_starts)
        except Exception:
            log.exception("reading when the first reds began failed")
        else:
            if not settled.empty:
                self._publish(settled)

    async def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        """Run a floor task until the floor stops; an unexpected failure is logged with its
        traceback, published (errors panel and header) and the task started again: the state
        it works on (tailers, board) is kept, so nothing is read twice."""
        pause = RESTART_SECONDS
        while not self._stop.is_set():
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.exception("floor %s task failed; restarting it", name)
                self._faults[name] = time.monotonic()
                self.restarts[name] = self.restarts.get(name, 0) + 1
                message = f"the floor's {name} task failed and was restarted: {error!r}"
                last = self.last_update
                self._publish(BoardDelta(now=last.delta.now if last else 0.0), (message,))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), pause)
            pause = min(pause * 2, RESTART_MAX_SECONDS)

    def _current_faults(self) -> tuple[str, ...]:
        now = time.monotonic()
        return tuple(
            f"{name} failing"
            for name, when in sorted(self._faults.items())
            if now - when < FAULT_SHOWN_SECONDS
        )

    async def _follow_feeds(self) -> None:
        async for updates in self.feeds.watch(self._stop):
            errors: tuple[str, ...] = ()
            try:
                self._ingest(updates)
            except Exception as error:
                log.exception("ingest failed")
                errors = (f"ingest failed: {error}",)
            self._refresh_stale()
            self._publish(self._tick(), (*errors, *self._unknown_states()))

    async def _follow_clock(self) -> None:
        while not self._stop.is_set():
            due = self._ticked_at + TIME_TICK_SECONDS - time.monotonic()
            if due > 0:
                await asyncio.sleep(due)
                continue
            stale_changed = self._refresh_stale()
            delta = self._tick()
            if not delta.empty or delta.transitions or stale_changed or delta.queues:
                self._publish(delta)

    def _unknown_states(self) -> list[str]:
        """Raw states the config does not list, each said once (shown as they are, `other`)."""
        new = [s for s in self.board.presence.unknown_states() if s not in self._unknown_said]
        self._unknown_said.update(new)
        return [
            f"state {name!r} is not in the config's `states:` (shown as it is, category other)"
            for name in new
        ]

    def _tick(self) -> BoardDelta:
        self._ticked_at = time.monotonic()
        return self.board.tick()

    def _refresh_stale(self) -> bool:
        """Mark the board's cells from feeds gone quiet; True when the stale set changed."""
        stale = frozenset(self.feeds.stale_feeds(self.clock()))
        changed = stale != self._stale
        self._stale = stale
        self.board.set_stale(stale)
        return changed

    def _ingest(self, updates: list[FeedUpdate]) -> None:
        # One ingest per feed, not per file: each costs a fixed ~1 ms however few its rows.
        by_feed: dict[str, tuple[FeedConfig, list[pd.DataFrame]]] = {}
        for update in updates:
            if update.retracted is not None and len(update.retracted):
                self.board.retract(update.feed, update.retracted)
        for update in updates:
            if len(update.rows):
                by_feed.setdefault(update.feed.name, (update.feed, []))[1].append(update.rows)
        for feed, frames in by_feed.values():
            times = [rows[TS].to_numpy() for rows in frames]
            oldest = min(float(ts.min()) for ts in times)
            newest = max(float(ts.max()) for ts in times)
            self.earliest = oldest if self.earliest is None else min(self.earliest, oldest)
            self.newest = newest if self.newest is None else max(self.newest, newest)
            if len(frames) > 1 and sum(map(len, frames)) <= SMALL_BATCH_ROWS:
                frames = [pd.concat(frames, ignore_index=True)]
            for rows in frames:
                self.board.ingest(feed, rows)
