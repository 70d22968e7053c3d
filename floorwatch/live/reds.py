"""Transitions to red, kept once per floor for the coaching report's feedback-within-24-hours.

Every `Floor` has a `FloorReds`: the floor hands it each tick's delta (not a board on a screen),
and while anyone needs the reds kept (`keep`, given back with `release`), a `RedKeeper` thread
writes them to the notes store. So every red is written once however many boards (SSH
sessions) view the floor, and whether or not any is open: `floorwatch serve` keeps them for as
long as it runs, `floorwatch run` while its board is open. Only on the wall clock: a replay's or
the demo's board time cannot be set beside the notes' real times.

The store is reached through `open_sink` (floorwatch.store.NoteStore fits), so this module stays
below the store and the UI.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Protocol

from floorwatch.live.board import BoardDelta
from floorwatch.live.thresholds import Status

log = logging.getLogger(__name__)

Red = tuple[str, str, datetime]  # agent id, metric key, when it turned red (UTC)


class RedSink(Protocol):
    """Where reds are kept (floorwatch.store.NoteStore)."""

    def record_reds(self, reds: Iterable[Red]) -> None: ...

    def close(self) -> None: ...


ErrorCallback = Callable[[str], None]


def reds_of(delta: BoardDelta) -> list[Red]:
    """The transitions to red in a tick's delta; none for a board's first tick (the board
    appearing, not news)."""
    if delta.first:
        return []
    return [
        (t.agent, t.metric, datetime.fromtimestamp(t.at, UTC))
        for t in delta.transitions
        if t.new is Status.RED
    ]


class RedKeeper:
    """One floor's reds, written to a sink by one thread of its own."""

    def __init__(self, open_sink: Callable[[], RedSink]) -> None:
        self._open_sink = open_sink
        self._queue: queue.Queue[list[Red] | None] = queue.Queue()
        self._error_callbacks: list[ErrorCallback] = []
        self._thread = threading.Thread(target=self._run, name="floor-reds", daemon=True)
        self._thread.start()

    def on_error(self, callback: ErrorCallback) -> Callable[[], None]:
        """Call `callback(message)` (from the keeper's thread) when reds cannot be written."""
        self._error_callbacks.append(callback)
        return lambda: self._error_callbacks.remove(callback)

    def add(self, delta: BoardDelta) -> None:
        """Queue the delta's reds for writing (never blocks: the floor's loop calls it)."""
        reds = reds_of(delta)
        if reds:
            self._queue.put(reds)

    def _run(self) -> None:
        sink: RedSink | None = None
        try:
            while (reds := self._queue.get()) is not None:
                try:
                    sink = sink or self._open_sink()
                    sink.record_reds(reds)
                except Exception as error:  # keep going: the next red may be written
                    log.exception("reds cannot be kept")
                    self._failed(f"reds cannot be kept for the coaching report: {error}")
                finally:
                    self._queue.task_done()
            self._queue.task_done()
        finally:
            if sink is not None:
                sink.close()

    def _failed(self, message: str) -> None:
        for callback in list(self._error_callbacks):
            try:
                callback(message)
            except Exception:
                log.exception("a reds error callback failed")

    def drain(self) -> None:
        """Block until every red handed over so far is written (or has failed)."""
        self._queue.join()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Write what is queued, close the sink, end the thread (blocks until then)."""
        self._queue.put(None)
        self._thread.join()


class FloorReds:
    """A floor's reds: the floor calls `ticked` after every tick; they are written while at
    least one user holds `keep`."""

    def __init__(self, clock: str) -> None:
        self.clock = clock  # floor.clock: 'wall' or 'data'
        self.keeper: RedKeeper | None = None
        self.users = 0
        self._lock = threading.Lock()

    def ticked(self, delta: BoardDelta) -> None:
        keeper = self.keeper
        if keeper is not None:
            keeper.add(delta)

    def keep(self, open_sink: Callable[[], RedSink]) -> RedKeeper | None:
        """Keep the floor's reds (starting the keeper on first use; later users share it, and
        their `open_sink` is not used); None on a data clock. Give it back with `release`."""
        if self.clock != "wall":
            return None
        with self._lock:
            if self.keeper is None:
                self.keeper = RedKeeper(open_sink)
            self.users += 1
            return self.keeper

    def release(self) -> None:
        """One user less; the last one stops the keeper, after it wrote what was queued
        (blocks: call it from a thread when a loop is running)."""
        with self._lock:
            if self.keeper is None:
                return
            self.users -= 1
            if self.users > 0:
                return
            keeper, self.keeper = self.keeper, None
        keeper.stop()
