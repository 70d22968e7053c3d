"""Transitions to red, kept once per floor for the coaching report's feedback-within-24-hours.

A `RedKeeper` subscribes to a floor (not to a board on a screen): every red the floor sees is
handed to one thread that writes it to the notes store, whether or not anyone has a board open,
and however many boards (SSH sessions) view the floor, each red is written once. Whoever needs
the floor's reds kept takes the floor's keeper with `keep_reds` and gives it back with
`release`; the last one out stops it. Only on the wall clock: a replay's or the demo's board
time cannot be set beside the notes' real times.

The store is reached through `open_sink` (floorwatch.store.NoteStore fits), so this module stays
below the store and the UI.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from floorwatch.live.board import BoardDelta
from floorwatch.live.thresholds import Status

log = logging.getLogger(__name__)

Red = tuple[str, str, datetime]  # agent id, metric key, when it turned red (UTC)


class RedSink(Protocol):
    """Where reds are kept (floorwatch.store.NoteStore)."""

    def record_reds(self, reds: Iterable[Red]) -> None: ...

    def close(self) -> None: ...


class FloorLike(Protocol):
    """What the keeper reads of a floor (floorwatch.live.floor.Floor, or a test's stand-in)."""

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]: ...


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

    def __init__(self, floor: FloorLike, open_sink: Callable[[], RedSink]) -> None:
        self._open_sink = open_sink
        self._queue: queue.Queue[list[Red] | None] = queue.Queue()
        self._error_callbacks: list[ErrorCallback] = []
        self.users = 0
        self._thread = threading.Thread(target=self._run, name="floor-reds", daemon=True)
        self._thread.start()
        self._unsubscribe = floor.subscribe(self._floor_updated)

    def on_error(self, callback: ErrorCallback) -> Callable[[], None]:
        """Call `callback(message)` (from the keeper's thread) when reds cannot be written."""
        self._error_callbacks.append(callback)
        return lambda: self._error_callbacks.remove(callback)

    def _floor_updated(self, update: Any) -> None:
        reds = reds_of(update.delta)
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

    def stop(self) -> None:
        """Stop listening, write what is queued, close the sink."""
        self._unsubscribe()
        self._queue.put(None)
        self._thread.join()


_KEEPERS: weakref.WeakKeyDictionary[Any, RedKeeper] = weakref.WeakKeyDictionary()
_KEEPERS_LOCK = threading.Lock()


def keep_reds(floor: FloorLike, clock: str, open_sink: Callable[[], RedSink]) -> RedKeeper | None:
    """The floor's keeper, started on first use; None unless `clock` (floor.clock) is 'wall'.
    Give it back with `release` when done."""
    if clock != "wall":
        return None
    with _KEEPERS_LOCK:
        keeper = _KEEPERS.get(floor)
        if keeper is None:
            keeper = _KEEPERS[floor] = RedKeeper(floor, open_sink)
        keeper.users += 1
        return keeper


def release(floor: FloorLike, keeper: RedKeeper) -> None:
    """One user less; the last stops the keeper (after writing what is queued)."""
    with _KEEPERS_LOCK:
        keeper.users -= 1
        if keeper.users > 0:
            return
        if _KEEPERS.get(floor) is keeper:
            del _KEEPERS[floor]
    keeper.stop()
