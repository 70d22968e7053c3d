"""Every feed of a floor: discovery by glob, one tailer per file, rotation decided across paths.

`FloorFeeds.poll()` is the whole algorithm; `watch()` only decides when to run it (on a file
event, or at least every second to catch events the OS dropped).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from floorwatch.config.types import Config, FeedConfig
from floorwatch.feeds.convert import floor_zone
from floorwatch.feeds.discover import Identity, feed_files
from floorwatch.feeds.formats.registry import ParseContext
from floorwatch.feeds.pool import BuildPool
from floorwatch.feeds.tailer import FeedTailer, FileStatus
from floorwatch.live.rows import empty_batch

MAX_LOAD_THREADS = 4  # files read at once when several are found together (the cold start)


@dataclass
class FeedUpdate:
    """New rows from one file (rows in the floorwatch.live.rows schema; may be empty when only the
    file's status changed: rows rejected, the file went missing)."""

    feed: FeedConfig
    path: Path  # the file's real path (rows of several files read in one poll: the first's)
    rows: pd.DataFrame
    # Rows of an earlier update that no longer stand (take them back before adding `rows`).
    retracted: pd.DataFrame | None = None


class FloorFeeds:
    """Tails every file of every feed of a config. Thread-safe: `load_all` and `poll` may run in
    a worker thread (they serialise on a lock); `statuses` and `stale_feeds` never block."""

    def __init__(self, config: Config, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.context = ParseContext(
            zone=floor_zone(config.floor.timezone),
            clock=clock,
            future_tolerance=config.floor.future_tolerance,
        )
        self._tailers: dict[str, list[FeedTailer]] = {feed.name: [] for feed in config.feeds}
        self._statuses: dict[str, list[FileStatus]] = {feed.name: [] for feed in config.feeds}
        self._folders = tuple(f.glob for f in config.feeds)  # links may lead between these
        self._started = clock()
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------------

    def load_all(self) -> list[FeedUpdate]:
        """Find every file and read it whole (the cold start). One update per file, even empty."""
        return self._reconcile(every_file=True)

    def poll(self, *, discover: bool = True) -> list[FeedUpdate]:
        """Reconcile every feed with the disk: new files, rotations, truncations, appended bytes.
        Returns an update per file whose rows or status changed (rows several files gained
        come as one update). `discover=False` reads only the files already followed (the
        watcher saw only appends): the globs are matched again on the next full poll."""
        return self._reconcile(every_file=False, discover=discover)

    async def watch(self, stop: asyncio.Event | None = None) -> AsyncIterator[list[FeedUpdate]]:
        """Yield each non-empty batch of updates as files change, until `stop` is set."""
        from floorwatch.feeds.watch import watch_feeds

        async for updates in watch_feeds(self, stop):
            yield updates

    def _reconcile(self, *, every_file: bool, discover: bool = True) -> list[FeedUpdate]:
        updates: list[FeedUpdate] = []
        with self._lock:
            for feed in self.config.feeds:
                pooled = self._drain_open(feed)
                tailers = self._reconcile_feed(feed) if discover else self._tailers[feed.name]
                if pooled is not None:
                    updates.append(FeedUpdate(feed, Path(pooled[0]), pooled[1]))
                for tailer in tailers:
                    rows, changed = tailer.take()
                    retracted = tailer.take_back()
                    if rows is not None or changed or every_file or retracted is not None:
                        fields = [spec.name for spec in feed.fields]
                        batch = rows if rows is not None else empty_batch(fields)
                        updates.append(FeedUpdate(feed, Path(tailer.path), batch, retracted))
                self._statuses[feed.name] = [t.status(Path(t.display)) for t in tailers]
        return updates

    def _drain_open(self, feed: FeedConfig) -> tuple[str, pd.DataFrame] | None:
        """Read every file the feed follows to its end (first: the rows written just before a
        rotation count), building their new rows at once: (the first file with rows, the rows)
        or None."""
        tailers = self._tailers[feed.name]
        pool = BuildPool(feed, self.context)
        try:
            for tailer in tailers:
                tailer.pool = pool
                tailer.drain()
        finally:
            for tailer in tailers:
                tailer.pool = None
        first = next((t.path for t in tailers if pool.has(t)), None)
        rows = pool.build()
        return (first, rows) if rows is not None and first is not None else None

    def _reconcile_feed(self, feed: FeedConfig) -> list[FeedTailer]:
        tailers = self._tailers[feed.name]
        found = feed_files(feed.glob, self._folders, follow_symlinks=feed.follow_symlinks)
        where = {identity: path for path, identity in found.items()}
        claimed: dict[str, FeedTailer] = {}
        for tailer in tailers:  # files still in the feed, maybe renamed (rotated into the glob)
            if tailer.identity is not None and tailer.identity in where:
                self._move(tailer, where[tailer.identity])
                tailer.found()
                claimed[tailer.path] = tailer
        arrived: list[FeedTailer] = []
        for path in found:  # paths holding a file no tailer follows
            if path not in claimed:
                claimed[path] = self._take_over(feed, tailers, path, where)
                arrived.append(claimed[path])
        for tailer in list(tailers):  # files gone from the feed, with nothing in their place
            if tailer in claimed.values():
                continue
            tailer.lose()
            if tailer.path in claimed:  # a rotated-away file whose name another file has now
                tailer.close()
                tailers.remove(tailer)
        _drain_all(arrived)
        return tailers

    def _take_over(
        self, feed: FeedConfig, tailers: list[FeedTailer], path: str, where: dict[Identity, str]
    ) -> FeedTailer:
        """The file now at `path` continues the path's tailer if that one's file left the feed
        (rotation, delete and recreate, atomic replace); else it is a new file of the feed."""
        for tailer in tailers:
            if tailer.path == path and (tailer.identity is None or tailer.identity not in where):
                tailer.drain()
                tailer.follow()
                return tailer
        # Opened when first drained: a cold start of thousands of files holds a few at a time.
        tailer = FeedTailer(feed, path, self._display(path), self.context, clock=self.clock)
        if tailers:
            self._continue_copy(tailer, tailers)
        tailers.append(tailer)
        return tailer

    @staticmethod
    def _continue_copy(tailer: FeedTailer, tailers: list[FeedTailer]) -> None:
        """A new file that starts with every byte another file of the feed had when it was last
        read is its copy (copytruncate copies `calls.csv` to `calls-1.csv`, then truncates it):
        read the copy on from there, so each row counts once and none written just before the
        truncation is lost."""
        candidates = [t.generation() for t in tailers if t.offset]
        candidates += [t.previous for t in tailers if t.previous is not None]
        if not candidates or not tailer.open():
            return
        found = tailer.copy_of(candidates)
        if found is not None:
            tailer.continue_from(found)

    def _move(self, tailer: FeedTailer, path: str) -> None:
        if tailer.path != path:
            tailer.path, tailer.display = path, self._display(path)

    def _display(self, path: str) -> str:
        """The path relative to the config's folder when the file is under it."""
        try:
            return str(Path(path).relative_to(self.config.base_dir))
        except ValueError:
            return path

    # -- what the UI shows -----------------------------------------------------------------------

    def statuses(self) -> list[FileStatus]:
        """Every file seen, feed by feed, as of the last load or poll."""
        return [status for feed in self.config.feeds for status in self._statuses[feed.name]]

    def stale_feeds(self, now: float) -> set[str]:
        """Names of the feeds with no new rows for their `stale_after` (since the start, for a
        feed that has had none)."""
        stale: set[str] = set()
        for feed in self.config.feeds:
            times = [s.last_row_at for s in self._statuses[feed.name] if s.last_row_at is not None]
            latest = max(times, default=self._started)
            if now - latest >= feed.stale_after:
                stale.add(feed.name)
        return stale

    def close(self) -> None:
        """Close every open file (the tailers keep their counts)."""
        with self._lock:
            for tailers in self._tailers.values():
                for tailer in tailers:
                    tailer.close()


def _drain_all(tailers: list[FeedTailer]) -> None:
    """Read newly found files; several at once in threads (a cold start's day of files: the
    parsing runs in pyarrow and numpy, which let go of the GIL)."""
    if len(tailers) < 2:
        for tailer in tailers:
            tailer.drain()
        return
    workers = min(len(tailers), os.cpu_count() or 1, MAX_LOAD_THREADS)
    with ThreadPoolExecutor(workers, thread_name_prefix="floorwatch-load") as pool:
        for future in [pool.submit(tailer.drain) for tailer in tailers]:
            future.result()
