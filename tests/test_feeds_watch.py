"""The watch loop on a real watchfiles backend, and staleness on an injected clock."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorwatch.feeds import FeedUpdate, FloorFeeds
from floorwatch.feeds import watch as watch_module
from floorwatch.feeds.watch import PollPacer, watch_groups, watch_root
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    call_line,
    feed_config,
    floor_config,
    rows_of,
)

TIMEOUT = 15.0  # generous: the machine is shared; nothing here asserts speed


async def next_rows(updates: AsyncIterator[list[FeedUpdate]]) -> list[FeedUpdate]:
    async for batch in updates:
        if len(rows_of(batch)):
            return batch
    raise AssertionError("the watch ended")


@pytest.mark.parametrize("poll", [False, True])
async def test_watch_sees_an_append_and_a_new_file(tmp_path: Path, poll: bool) -> None:
    calls = tmp_path / "feeds" / "calls.csv"
    calls.parent.mkdir()
    calls.write_text(CALL_HEADER + call_line(0))
    feed = feed_config(tmp_path, poll=poll, poll_interval=0.1)
    feeds = FloorFeeds(floor_config(tmp_path, feed))
    await asyncio.to_thread(feeds.load_all)
    stop = asyncio.Event()
    updates = feeds.watch(stop)
    waiting = asyncio.ensure_future(next_rows(updates))
    await asyncio.sleep(0.2)  # let the watcher start (if it has not, the reconcile still sees it)
    append(calls, call_line(1, "A2"))
    batch = await asyncio.wait_for(waiting, TIMEOUT)
    assert rows_of(batch)["agent"].tolist() == ["A2"]

    (tmp_path / "feeds" / "calls-south.csv").write_text(CALL_HEADER + call_line(2, "S1"))
    batch = await asyncio.wait_for(next_rows(updates), TIMEOUT)
    assert [(u.path.name, u.rows["agent"].tolist()) for u in batch] == [("calls-south.csv", ["S1"])]

    stop.set()
    rest = [batch async for batch in updates]  # the loop ends once stop is set
    assert all(not len(rows_of(batch)) for batch in rest)


async def test_watch_ends_when_stopped_while_idle(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    feeds = FloorFeeds(floor_config(tmp_path))
    stop = asyncio.Event()

    async def consume() -> int:
        return len([batch async for batch in feeds.watch(stop)])

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.3)
    stop.set()
    assert await asyncio.wait_for(task, TIMEOUT) == 0


async def test_a_feed_folder_created_later_is_followed(tmp_path: Path) -> None:
    feeds = FloorFeeds(floor_config(tmp_path))  # feeds/ does not exist yet
    stop = asyncio.Event()
    updates = feeds.watch(stop)
    waiting = asyncio.ensure_future(next_rows(updates))
    await asyncio.sleep(0.2)
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "calls.csv").write_text(CALL_HEADER + call_line(0, "N1"))
    batch = await asyncio.wait_for(waiting, TIMEOUT)
    assert rows_of(batch)["agent"].tolist() == ["N1"]
    stop.set()
    await updates.aclose()


async def test_the_periodic_reconcile_catches_what_events_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, ...]] = []

    def deaf(*paths: str, stop_event: threading.Event, **options: object):  # type: ignore[no-untyped-def]
        started.append(paths)  # a watcher whose events are all lost (inotify overflow)
        stop_event.wait()
        yield from ()

    monkeypatch.setattr(watch_module, "watch", deaf)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.parent.mkdir()
    calls.write_text(CALL_HEADER + call_line(0))
    feeds = FloorFeeds(floor_config(tmp_path))
    feeds.load_all()
    stop = asyncio.Event()
    updates = feeds.watch(stop)
    waiting = asyncio.ensure_future(next_rows(updates))
    append(calls, call_line(1, "A2"))
    batch = await asyncio.wait_for(waiting, TIMEOUT)
    assert rows_of(batch)["agent"].tolist() == ["A2"]
    assert started == [(str(tmp_path / "feeds"),)]  # the directory was watched, not the file
    stop.set()
    await updates.aclose()


def test_the_watch_is_on_directories(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    assert watch_root(str(tmp_path / "feeds" / "*.csv")) == (str(tmp_path / "feeds"), False)
    assert watch_root(str(tmp_path / "feeds" / "calls.csv")) == (str(tmp_path / "feeds"), False)
    assert watch_root(str(tmp_path / "feeds" / "*" / "x.csv")) == (str(tmp_path / "feeds"), True)
    # a folder that is not there yet: its nearest existing parent, recursively
    assert watch_root(str(tmp_path / "later" / "*.csv")) == (str(tmp_path), True)
    polled = feed_config(tmp_path, "feeds/*.jsonl", name="status", poll=True, poll_interval=2.5)
    groups = watch_groups((feed_config(tmp_path), polled))
    assert {(g.polling, g.poll_delay_ms) for g in groups} == {(False, 300), (True, 2500)}


def test_staleness_follows_new_rows_on_the_injected_clock(tmp_path: Path) -> None:
    now = [1000.0]
    calls = tmp_path / "feeds" / "calls.csv"
    calls.parent.mkdir()
    calls.write_text(CALL_HEADER + call_line(0))
    quiet = feed_config(tmp_path, "feeds/none-*.csv", name="quiet", stale_after=30.0)
    busy = feed_config(tmp_path, stale_after=120.0)
    feeds = FloorFeeds(floor_config(tmp_path, busy, quiet), clock=lambda: now[0])
    assert feeds.stale_feeds(now[0]) == set()
    feeds.load_all()
    assert feeds.stale_feeds(1029.0) == set()
    assert feeds.stale_feeds(1030.0) == {"quiet"}  # no rows at all, since the start
    assert feeds.stale_feeds(1120.0) == {"quiet", "calls"}
    now[0] = 1100.0
    append(calls, call_line(1, "A2"))
    feeds.poll()
    assert feeds.stale_feeds(1120.0) == {"quiet"}
    assert feeds.stale_feeds(1219.0) == {"quiet"}
    assert feeds.stale_feeds(1220.0) == {"quiet", "calls"}
    (status,) = [s for s in feeds.statuses() if s.feed == "calls"]
    assert status.last_row_at == 1100.0
    assert status.newest_ts == datetime(2024, 3, 1, 9, 1, tzinfo=UTC).timestamp()


def test_memory_is_given_back_without_failing() -> None:
    """Best effort on any platform: it returns, whatever the allocator."""
    from floorwatch.feeds.memory import release_unused_memory

    release_unused_memory()
    release_unused_memory()


def test_the_pacer_reads_a_row_after_a_quiet_spell_at_once() -> None:
    pacer = PollPacer(spacing=0.2)
    assert pacer.delay(now=10.0) == 0.0
    pacer.polled(10.0)
    assert pacer.delay(now=10.3) == 0.0  # a lone row after the spacing: no wait
    pacer.polled(10.3)
    assert pacer.delay(now=10.35) == pytest.approx(0.15)  # a stream: one poll a frame


def test_a_stream_is_read_once_a_frame_whatever_wakes_the_poll() -> None:
    pacer = PollPacer(spacing=0.2)
    starts, now = [], 10.0
    for _ in range(20):
        now += pacer.delay(now)  # the loop waits out the rest of the frame, then polls
        pacer.polled(now)
        starts.append(now)
        now += 0.06  # woken again by watchfiles' next batch (its debounce, under a stream)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps == pytest.approx([0.2] * 19)


class _CountedEvent(asyncio.Event):
    def __init__(self) -> None:
        super().__init__()
        self.sets = 0

    def set(self) -> None:
        self.sets += 1
        super().set()


async def test_a_stream_wakes_the_loop_about_once_a_poll(tmp_path: Path) -> None:
    """watchfiles reports a file written every 10 ms every other step (~16 times a second);
    the loop is woken only when no wake is pending since the last poll began, and the watcher
    takes its next report only after that poll began."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    calls = feeds / "calls.csv"
    calls.write_text(CALL_HEADER)
    config = floor_config(tmp_path)
    wake = _CountedEvent()
    watchers = watch_module._Watchers(watch_module._Matcher(config.feeds), wake)
    reports = 0
    report = watchers._changed

    def counted(news: bool) -> None:
        nonlocal reports
        reports += 1
        report(news)

    watchers._changed = counted  # type: ignore[method-assign]
    await watchers.sync(watch_groups(config.feeds))
    await asyncio.sleep(0.2)  # the watcher thread starts
    stop = threading.Event()

    def write() -> None:
        for index in range(150):
            if stop.is_set():
                return
            append(calls, call_line(index, f"A{index}"))
            stop.wait(0.01)

    writer = asyncio.ensure_future(asyncio.to_thread(write))
    polls = 0
    try:
        while not writer.done():
            await asyncio.sleep(0.2)  # a frame: the loop "polls" once
            watchers.armed()
            wake.clear()
            polls += 1
    finally:
        stop.set()
        await writer
        await watchers.close()
    assert reports > 0
    assert wake.sets <= polls + 1, (wake.sets, polls, reports)
    # A watcher with a wake pending waits for the poll: it reports once a poll, not ~16 a second.
    assert reports <= polls + 2, (reports, polls)
