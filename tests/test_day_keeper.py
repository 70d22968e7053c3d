"""Daily figures without cron: the keeper `run` and `serve` start keeps the closed days the
store lacks on start, and the day just closed at each day end; today is never kept."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from floorwatch.config import load_config
from floorwatch.live.day_keeper import AFTER_DAY_END, DayKeeper
from floorwatch.store import NoteStore
from tests.report_support import write_floor


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_keeps_missed_days_on_start_then_the_day_just_closed(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))  # rows 2026-11-01 .. 2026-11-14
    store = NoteStore(tmp_path / "notes.sqlite3")
    store.save_daily_figures([("2026-11-03", "A1", "aht", 1.0, 1)])  # kept before: not redone
    now = [at("2026-11-10T15:00:00")]
    keeper = DayKeeper(config, store, clock=lambda: now[0])
    kept = keeper.keep()
    assert kept == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
        "2026-11-07",
        "2026-11-08",
        "2026-11-09",
    ]
    assert "2026-11-10" not in store.figure_days()  # today is still open
    assert store.daily_figures("A1", "2026-11-03")[0] == ("2026-11-03", "aht", 1.0, 1)
    aht = {(d, m): v for d, m, v, _ in store.daily_figures("A1", "2026-11-09")}
    assert aht[("2026-11-09", "aht")] == 250.0
    # the day ends at midnight: the keeper wakes a minute after it
    assert keeper.seconds_to_next_day_end() == 9 * 3600 + AFTER_DAY_END
    now[0] = at("2026-11-11T00:01:00")
    assert keeper.keep() == ["2026-11-10"]
    assert "2026-11-10" in store.figure_days()
    store.close()


def test_runs_in_its_own_thread_and_stops(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    keeper = DayKeeper(config, store, clock=lambda: at("2026-11-05T12:00:00"))
    thread = keeper.start()
    deadline = time.monotonic() + 30
    while keeper.runs == 0 or not keeper.kept_days:
        assert time.monotonic() < deadline, "the keeper never ran"
        time.sleep(0.05)
    keeper.stop()
    assert not thread.is_alive()
    assert keeper.kept_days == ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"]
    store.close()


def test_a_store_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    (tmp_path / "blocker").write_text("a file where the store's folder should be")
    store = NoteStore(tmp_path / "blocker" / "notes.sqlite3")
    keeper = DayKeeper(config, store, clock=lambda: at("2026-11-05T12:00:00"))
    assert keeper.keep() == []
    assert keeper.last_error


class FakeKeeper:
    made: list[FakeKeeper] = []

    def __init__(self, config: object, **board: object) -> None:
        self.started = self.stopped = False
        self.board = board  # earliest and loaded: the board's, so the keeper reads only when due
        FakeKeeper.made.append(self)

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True


def test_run_starts_and_stops_a_keeper(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from floorwatch.commands import run as run_command
    from floorwatch.live import day_keeper
    from floorwatch.tui import app as app_module

    FakeKeeper.made.clear()
    monkeypatch.setattr(day_keeper, "DayKeeper", FakeKeeper)
    seen: list[bool] = []
    monkeypatch.setattr(
        app_module.FloorwatchApp, "run", lambda self: seen.append(FakeKeeper.made[0].started)
    )
    args = argparse.Namespace(
        config=str(write_floor(tmp_path)), wall=False, page_seconds=10.0, author=None, theme=None
    )
    assert run_command.run(args) == 0
    assert seen == [True] and FakeKeeper.made[0].stopped
    assert set(FakeKeeper.made[0].board) == {"earliest", "newest", "loaded"}


async def test_serve_starts_and_stops_a_keeper(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from floorwatch.live import day_keeper
    from floorwatch.ssh import serve as serve_module

    class FakeFloor:
        earliest = newest = None
        loaded = True

        class reds:
            @staticmethod
            def keep(store: object) -> None: ...

            @staticmethod
            def release() -> None: ...

        def __init__(self, config: object) -> None: ...

        async def start(self) -> None: ...

        async def stop(self) -> None: ...

    class FakeServer:
        sessions: list[object] = []

        def __init__(self, *args: object) -> None: ...

        async def start(self) -> None: ...

        async def close(self) -> None: ...

    async def no_wait() -> None:
        assert FakeKeeper.made[0].started

    FakeKeeper.made.clear()
    monkeypatch.setattr(day_keeper, "DayKeeper", FakeKeeper)
    monkeypatch.setattr(serve_module, "Floor", FakeFloor)
    monkeypatch.setattr(serve_module, "SshServer", FakeServer)
    monkeypatch.setattr(serve_module, "announce", lambda server: None)
    monkeypatch.setattr(serve_module, "wait_for_stop_signal", no_wait)
    config = load_config(write_floor(tmp_path))
    await serve_module.serve(config, build_factory=lambda config, floor: None)
    assert FakeKeeper.made[0].stopped


def count_feed_reads(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """A list that gains an item each time the keeper reads the feeds again."""
    from floorwatch.live import day_keeper

    reads: list[int] = []
    real = day_keeper.FloorFeeds

    def counting(config: object) -> object:
        reads.append(1)
        return real(config)

    monkeypatch.setattr(day_keeper, "FloorFeeds", counting)
    return reads


def test_reads_the_feeds_only_when_the_board_holds_a_closed_day(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch
) -> None:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    reads = count_feed_reads(monkeypatch)
    now = at("2026-11-10T15:00:00")
    oldest: list[float | None] = [None]
    keeper = DayKeeper(config, store, clock=lambda: now, earliest=lambda: oldest[0])
    assert keeper.keep() == [] and reads == []  # no rows on the board yet
    oldest[0] = at("2026-11-10T08:00:00")
    assert keeper.keep() == [] and reads == []  # only today's rows: nothing closed to keep
    oldest[0] = at("2026-11-09T08:00:00")
    assert keeper.keep()[-1] == "2026-11-09" and reads == [1]
    store.close()


def test_a_data_clock_floor_is_read_again_only_when_it_holds_a_closed_day(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch
) -> None:
    """A replay's one day (the demo, the benchmark) has no closed day: reading every feed again
    right after the board loaded them cost a second cold load for nothing."""
    from dataclasses import replace

    config = load_config(write_floor(tmp_path))
    config = replace(config, floor=replace(config.floor, clock="data"))
    store = NoteStore(tmp_path / "notes.sqlite3")
    reads = count_feed_reads(monkeypatch)
    span = [at("2026-11-10T08:00:00"), at("2026-11-10T19:00:00")]
    keeper = DayKeeper(
        config, store, clock=time.time, earliest=lambda: span[0], newest=lambda: span[1]
    )
    assert keeper.keep() == [] and reads == []  # one day of data: today's, by its own clock
    span[0] = at("2026-11-09T08:00:00")
    keeper.keep()
    assert reads == [1]  # a day before the newest row's: closed, read and kept
    store.close()


def test_waits_for_the_board_to_load(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    loaded = [False]
    keeper = DayKeeper(
        config, store, clock=lambda: at("2026-11-05T12:00:00"), loaded=lambda: loaded[0]
    )
    keeper.start()
    time.sleep(0.3)
    assert keeper.runs == 0
    loaded[0] = True
    deadline = time.monotonic() + 30
    while not keeper.kept_days:
        assert time.monotonic() < deadline, "the keeper never ran once the board had loaded"
        time.sleep(0.05)
    keeper.stop()
    store.close()
