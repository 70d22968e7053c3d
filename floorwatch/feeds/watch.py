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
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchfiles import Change, watch

from floorwatch.feeds.discover import watch_root

if TYPE_CHECKING:
    from floorwatch.config.types import FeedConfig
    from floorwatch.feeds.floor_feeds import FeedUpdate, FloorFeeds

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 1.0  # a full poll (globs, stat of every file) at least this often
# watchfiles reports a batch once the directory has been quiet for STEP_MS, or after
# DEBOUNCE_MS at most while a writer keeps writing: a row after a quiet spell wakes the poll
# STEP_MS after its write, and a steady stream never holds the wake back more than DEBOUNCE_MS
# (each batch is a thread hop: more often than half a POLL_SPACING buys nothing).
STEP_MS = 30
DEBOUNCE_MS = 100
# While rows keep coming, polls start at least POLL_SPACING apart: the feeds' frame. A poll
# costs a fixed few ms (a read per changed file, one build per feed, one ingest, one repaint),
# so this pace is what a stream costs; a row after a quiet spell is read at once. Measured
# (bench: 50 rows/s over 4 files, 2,000 agents, 2 cores): 0.5/0.75 s spacing gave append->
# screen p95 ~420 ms; 0.2 s gives ~195 ms, polls one build per feed and skip the globs.
POLL_SPACING = 0.2
RUST_TIMEOUT_MS = 1000  # how long a stopping watcher thread can take to notice
STOP_SECONDS = 3.0
PENDING_CHECK_SECONDS = 0.5  # a watcher waiting for the poll looks at its halt this often


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
    """The running watchfiles watchers, one thread per group, restarted when the set of
    directories changes.

    Each watcher runs watchfiles' blocking `watch` on its own thread. A file written every few
    ms makes watchfiles report every other step (it returns once a step adds no *new* path), and
    `awatch` paid a task group and a thread hop for each report: ~35 loop wake-ups a second on a
    busy floor for ~5 polls. Here a report wakes the loop only when no wake is pending since the
    last poll began (`armed()`), and a watcher with a wake pending waits for that poll before it
    takes the next report: the loop wakes, and the watchers report, about once per poll.
    """

    def __init__(self, matcher: _Matcher, wake: asyncio.Event) -> None:
        self.matcher = matcher
        self.wake = wake
        self.loop = asyncio.get_running_loop()
        self._news = True  # a file came, went or was replaced: the globs must be matched again
        self._pending = False  # a wake is on its way to the loop (written by watcher threads)
        self._rearmed = threading.Event()  # set when a poll begins: the watchers go on
        self._lock = threading.Lock()
        self.groups: tuple[WatchGroup, ...] = ()
        self.running: list[tuple[threading.Thread, threading.Event]] = []

    async def sync(self, groups: tuple[WatchGroup, ...]) -> None:
        if groups == self.groups and all(thread.is_alive() for thread, _ in self.running):
            return
        await self.close()
        self.groups = groups
        for group in groups:
            halt = threading.Event()
            thread = threading.Thread(
                target=self._watch, args=(group, halt), name="floorwatch-feeds-watch", daemon=True
            )
            thread.start()
            self.running.append((thread, halt))

    def _watch(self, group: WatchGroup, halt: threading.Event) -> None:
        """The watcher thread: report each batch of changes until `halt`."""
        try:
            for changes in watch(
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
                raise_interrupt=False,
            ):
                self._changed(any(change is not Change.modified for change, _ in changes))
                # Nothing to add until the loop polls: wait for it rather than take each
                # further report (watchfiles keeps collecting meanwhile; the next call
                # returns them at once).
                while self._pending and not halt.is_set():
                    self._rearmed.wait(PENDING_CHECK_SECONDS)
        except Exception as error:  # the periodic reconcile still follows the files
            log.warning("watching %s failed: %s", ", ".join(group.paths), error)

    def _changed(self, news: bool) -> None:
        """(A watcher thread.) Files changed: wake the loop unless a wake is already pending."""
        if news:
            self._news = True
        with self._lock:  # pending <=> not rearmed, whatever the threads interleave
            if self._pending:
                return
            self._pending = True
            self._rearmed.clear()
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to wake
            self.loop.call_soon_threadsafe(self.wake.set)

    def armed(self) -> None:
        """A poll begins: the next change wakes the loop again."""
        with self._lock:
            self._pending = False
            self._rearmed.set()

    def take_news(self) -> bool:
        """Whether a file was added, deleted or replaced since the last call (or a watcher
        restarted, and may have missed it)."""
        news, self._news = self._news, False
        return news

    async def close(self) -> None:
        self._news = True
        for _, halt in self.running:
            halt.set()
        threads = [thread for thread, _ in self.running]
        self.running = []
        for thread in threads:  # each notices its halt within a step (or a poll delay)
            await asyncio.to_thread(thread.join, STOP_SECONDS)
            if thread.is_alive():
                log.warning("a feed watcher did not stop within %.0f s", STOP_SECONDS)


class PollPacer:
    """When a woken poll may start: at once after a quiet spell, else POLL_SPACING after the
    previous poll began (the rows written meanwhile are all read by that one poll)."""

    def __init__(self, spacing: float = POLL_SPACING) -> None:
        self.spacing = spacing
        self.last = -math.inf  # when the last poll began

    def delay(self, now: float) -> float:
        """Seconds to wait before polling, woken at `now`."""
        return max(0.0, self.last + self.spacing - now)

    def polled(self, began: float) -> None:
        self.last = began


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
    discovered = -math.inf  # when the globs were last matched
    forward = asyncio.create_task(_set_when(stop, wake))  # a stop wakes the loop to end it
    try:
        while not stop.is_set():
            if discovered == -math.inf or loop.time() - discovered >= RECONCILE_SECONDS:
                await watchers.sync(watch_groups(config_feeds))  # folders may have come
            await _wake_or_timeout(wake, RECONCILE_SECONDS)
            too_soon = pacer.delay(loop.time())
            if too_soon > 0 and not stop.is_set():
                await asyncio.sleep(too_soon)  # let more rows gather: this frame's poll reads them
            if stop.is_set():
                break
            watchers.armed()
            wake.clear()
            began = loop.time()
            # Only appends seen since the last full poll: read the files followed, no globbing.
            discover = watchers.take_news() or began - discovered >= RECONCILE_SECONDS
            if discover:
                discovered = began
            updates = await asyncio.to_thread(feeds.poll, discover=discover)
            pacer.polled(began)
            if updates:
                yield updates
    finally:
        forward.cancel()
        await watchers.close()


async def _set_when(done: asyncio.Event, wake: asyncio.Event) -> None:
    await done.wait()
    wake.set()


async def _wake_or_timeout(wake: asyncio.Event, timeout: float) -> None:
    """Until `wake` is set or `timeout` seconds pass (a timer, not two tasks per wait: a busy
    floor waits here ten times a second)."""
    timer = asyncio.get_running_loop().call_later(timeout, wake.set)
    try:
        await wake.wait()
    finally:
        timer.cancel()
