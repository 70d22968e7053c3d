"""When to poll: on a watchfiles event in a feed's directory, and at least every second.

The directories are watched, never the files: a watch on a file dies when an editor replaces it
atomically. Events only wake the poll; the poll compares identities and sizes itself, so lost,
merged or reordered events (inotify overflow, a batch that arrives out of order) cannot lose a
row. Feeds with `poll: true` (NFS/SMB mounts, where inotify never fires) get a polling watcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import logging
import math
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchfiles import Change, awatch

from floorwatch.feeds.discover import watch_root

if TYPE_CHECKING:
    from floorwatch.config.types import FeedConfig
    from floorwatch.feeds.floor_feeds import FeedUpdate, FloorFeeds

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 1.0  # a stat() of every file at least this often catches dropped events
# watchfiles reports a batch once the directory has been quiet for STEP_MS, or after
# DEBOUNCE_MS at most while a writer keeps writing. Measured on 2 cores, from a row's write to
# its update (1,000-row file): step 50/debounce 200: median 76 ms, p95 97 ms; step 30/150:
# median 48 ms, p95 62 ms; step 20/100: median 33 ms, p95 45 ms, but up to 50 polls a second
# in a burst. 30/150 keeps a burst to ~30 polls a second.
STEP_MS = 30
DEBOUNCE_MS = 150
# While rows keep coming, polls start at least MIN_POLL_SECONDS apart: each costs a fixed ~2 ms
# per changed file (and a repaint) however few its rows, and a stream otherwise gets a poll after
# every debounce. Once a poll that had to wait found several rows (a stream, not a trickle),
# the next ones are STREAM_POLL_SECONDS apart. A row after a quiet spell is read at once.
# Measured, 50 rows/s over 4 files, 2,000 agents, 2 cores: every debounce 26% CPU, 0.25 s 11%,
# 0.5 s 6-7%, 0.75 s 4.4-4.9% (burst lag p95 0.5 -> 0.8 s, under its 1 s target). A fixed
# 0.75 s delayed single rows too (append->screen p95 390 ms against 124 ms): hence two steps.
MIN_POLL_SECONDS = 0.5
STREAM_POLL_SECONDS = 0.75
RUST_TIMEOUT_MS = 1000  # how long a stopping watcher thread can take to notice
STOP_SECONDS = 3.0


@dataclass(frozen=True)
class WatchGroup:
    """Directories watched the same way."""

    paths: tuple[str, ...]
    recursive: bool
    polling: bool
    poll_delay_ms: int


def watch_groups(feeds: tuple[FeedConfig, ...]) -> tuple[WatchGroup, ...]:
    grouped: dict[tuple[bool, bool, int], set[str]] = {}
    for feed in feeds:
        root, recursive = watch_root(feed.glob)
        delay = max(10, round(feed.poll_interval * 1000)) if feed.poll else 300
        grouped.setdefault((recursive, feed.poll, delay), set()).add(root)
    return tuple(
        WatchGroup(tuple(sorted(paths)), recursive, polling, delay)
        for (recursive, polling, delay), paths in sorted(grouped.items())
    )


class _Matcher:
    """Does a changed path belong to a feed? (The glob as written and through symlinks.)"""

    def __init__(self, feeds: tuple[FeedConfig, ...]) -> None:
        patterns = set()
        for feed in feeds:
            patterns.add(os.path.normpath(feed.glob))
            root, _ = watch_root(feed.glob)
            rest = os.path.relpath(os.path.normpath(feed.glob), root)
            patterns.add(os.path.join(os.path.realpath(root), rest))
        self.patterns = tuple(patterns)

    def __call__(self, change: Change, path: str) -> bool:
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.patterns)


class _Watchers:
    """The running watchfiles tasks, restarted when the set of directories changes."""

    def __init__(self, matcher: _Matcher, wake: asyncio.Event) -> None:
        self.matcher = matcher
        self.wake = wake
        self.groups: tuple[WatchGroup, ...] = ()
        self.running: list[tuple[asyncio.Task[None], asyncio.Event]] = []

    async def sync(self, groups: tuple[WatchGroup, ...]) -> None:
        if groups == self.groups and all(not task.done() for task, _ in self.running):
            return
        await self.close()
        self.groups = groups
        for group in groups:
            halt = asyncio.Event()
            task = asyncio.create_task(self._watch(group, halt), name="floorwatch-feeds-watch")
            self.running.append((task, halt))

    async def _watch(self, group: WatchGroup, halt: asyncio.Event) -> None:
        try:
            async for _ in awatch(
                *group.paths,
                watch_filter=self.matcher,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=halt,
                rust_timeout=RUST_TIMEOUT_MS,
                force_polling=group.polling,
                poll_delay_ms=group.poll_delay_ms,
                recursive=group.recursive,
                ignore_permission_denied=True,
            ):
                self.wake.set()
        except Exception as error:  # the periodic reconcile still follows the files
            log.warning("watching %s failed: %s", ", ".join(group.paths), error)

    async def close(self) -> None:
        for _, halt in self.running:
            halt.set()
        tasks = [task for task, _ in self.running]
        self.running = []
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=STOP_SECONDS)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


class PollPacer:
    """How long a woken poll waits: not at all after a quiet spell, MIN_POLL_SECONDS after a
    poll that found rows, STREAM_POLL_SECONDS while waiting gathers several rows per poll (a
    stream: the poll's fixed cost is shared). Rows that come one per poll, however often, gain
    nothing from a longer wait, and a supervisor watching one agent would feel it."""

    def __init__(
        self, first: float = MIN_POLL_SECONDS, streaming: float = STREAM_POLL_SECONDS
    ) -> None:
        self.first = first
        self.streaming_spacing = streaming
        self.last_rows = -math.inf  # when the last poll that found rows began
        self.streaming = False  # the last poll had to wait, and found several rows
        self._waited = False

    def delay(self, now: float) -> float:
        """Seconds to wait before polling, woken at `now`."""
        spacing = self.streaming_spacing if self.streaming else self.first
        wait = max(0.0, self.last_rows + spacing - now)
        self._waited = wait > 0
        return wait

    def polled(self, began: float, *, rows: int) -> None:
        self.streaming = self._waited and rows > 1
        if rows:
            self.last_rows = began


async def watch_feeds(
    feeds: FloorFeeds, stop: asyncio.Event | None = None
) -> AsyncIterator[list[FeedUpdate]]:
    """Poll `feeds` (in a thread) whenever a watched directory changes, and at least every
    RECONCILE_SECONDS; yield each non-empty batch of updates. Runs until `stop` is set."""
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    config_feeds = feeds.config.feeds
    watchers = _Watchers(_Matcher(config_feeds), wake)
    loop = asyncio.get_running_loop()
    pacer = PollPacer()
    try:
        while not stop.is_set():
            await watchers.sync(watch_groups(config_feeds))
            await _wait_for(wake, stop, RECONCILE_SECONDS)
            too_soon = pacer.delay(loop.time())
            if too_soon > 0:
                await _wait_for(asyncio.Event(), stop, too_soon)  # let more rows gather
            if stop.is_set():
                break
            wake.clear()
            began = loop.time()
            updates = await asyncio.to_thread(feeds.poll)
            pacer.polled(began, rows=sum(len(update.rows) for update in updates))
            if updates:
                yield updates
    finally:
        await watchers.close()


async def _wait_for(wake: asyncio.Event, stop: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.create_task(wake.wait()), asyncio.create_task(stop.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
