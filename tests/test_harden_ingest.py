"""Issue 18.1: one hostile row never stops the ingest. Each value that would break a sum, a date
conversion or a JSON reader is rejected alone as path:line: reason; the floor's tasks restart
after an unexpected failure and say so."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from floorwatch.config.types import FieldSpec, FieldType, MetricConfig
from floorwatch.feeds import FloorFeeds, batch, convert, small_batch
from floorwatch.feeds.formats.jsonl import MAX_DEPTH
from floorwatch.live.board import Board
from floorwatch.live.floor import Floor
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    calls_floor,
    feed_config,
    floor_config,
    rows_of,
    status_of,
)


def now_text(offset: float = 0.0) -> str:
    return datetime.fromtimestamp(time.time() + offset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def call(agent: str, handle: str, when: str | None = None) -> str:
    return f"{when or now_text(-60)},{agent},Agent {agent},north,{handle},Y\n"


def load(tmp_path: Path, text: str) -> FloorFeeds:
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    feeds = calls_floor(tmp_path)
    feeds.rows = rows_of(feeds.load_all())  # type: ignore[attr-defined]
    return feeds


def aht_board(tmp_path: Path) -> tuple[FloorFeeds, Board]:
    from floorwatch.config.types import Agg, Better, MetricFormat, Threshold

    metric = MetricConfig(
        key="aht",
        label="AHT",
        field="handle_time",
        agg=Agg.MEAN,
        window=None,
        window_text="today",
        better=Better.LOWER,
        threshold=Threshold(green=300.0, red=400.0),
        format=MetricFormat.DURATION,
    )
    config = floor_config(tmp_path, feed_config(tmp_path))
    config = type(config)(**{**config.__dict__, "metrics": (metric,)})
    (tmp_path / "feeds").mkdir(exist_ok=True)
    return FloorFeeds(config), Board(config)


def test_values_that_overflow_a_sum_are_rejected_alone(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    text = CALL_HEADER + call("A1", "1e308") + call("A1", "1e308") + call("A2", "100")
    (tmp_path / "feeds" / "calls.csv").write_text(text)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick()  # two 1e308 in one mean: an OverflowError here stopped the floor
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.rejected) == (1, 2)
    assert (
        status.errors[0]
        == "feeds/calls.csv:2: handle_time '1e308' is out of range (over 1e12) (column 'handle_s')"
    )
    assert status.errors[1].startswith("feeds/calls.csv:3: ")


def test_a_far_future_naive_time_among_zoned_times_is_rejected_alone(tmp_path: Path) -> None:
    text = CALL_HEADER + call("A1", "100") + call("A2", "100", "9999-12-31T23:00:00")
    text += call("A3", "100")
    feeds = load(tmp_path, text)
    assert feeds.rows["agent"].tolist() == ["A1", "A3"]  # type: ignore[attr-defined]
    status = status_of(feeds, "calls.csv")
    assert status.errors == [
        "feeds/calls.csv:3: ended_at '9999-12-31T23:00:00' is more than 5m ahead of now"
    ]


def test_far_dates_read_in_any_unit_without_overflow() -> None:
    from floorwatch.config.types import TimeSpec

    text = pa.array(["9999-12-31T23:00:00", "2024-03-01T09:00:00"])
    spec = TimeSpec(("t",), format="%Y-%m-%dT%H:%M:%S")
    values = convert.to_epoch(text, spec, convert.floor_zone("Europe/Paris")).values
    assert values[1] == datetime(2024, 3, 1, 8, tzinfo=UTC).timestamp()
    assert values[0] == pytest.approx(datetime(9999, 12, 31, 22, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("tolerance", [300.0, 3600.0])
def test_times_ahead_of_now_are_rejected_past_the_tolerance(
    tmp_path: Path, tolerance: float
) -> None:
    text = CALL_HEADER + call("A1", "100", now_text(120)) + call("A2", "100", now_text(1800))
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_text(text)
    base = floor_config(tmp_path, feed_config(tmp_path))
    floor = type(base.floor)(**{**base.floor.__dict__, "future_tolerance": tolerance})
    for clock in ("wall", "data"):
        floor = type(floor)(**{**floor.__dict__, "clock": clock})
        config = type(base)(**{**base.__dict__, "floor": floor})
        feeds = FloorFeeds(config)
        agents = rows_of(feeds.load_all())["agent"].tolist()
        if tolerance == 300.0:
            assert agents == ["A1"]
            assert status_of(feeds, "calls.csv").errors[0].endswith("is more than 5m ahead of now")
        else:
            assert agents == ["A1", "A2"]


def test_future_tolerance_is_read_from_the_config(tmp_path: Path) -> None:
    from floorwatch.config.loader import load_config

    (tmp_path / "floorwatch.yaml").write_text(
        "floor: {future_tolerance: 2h}\n"
        "feeds: [{name: calls, path: '*.csv', agent: a, time: {column: t},"
        " fields: {h: {column: h, type: seconds}}}]\n"
        "metrics: {aht: {field: h, agg: mean, better: lower, green: 1, red: 2}}\n"
    )
    assert load_config(tmp_path / "floorwatch.yaml").floor.future_tolerance == 7200.0


def jsonl_feeds(tmp_path: Path, lines: list[str]) -> FloorFeeds:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "calls.jsonl").write_text("".join(line + "\n" for line in lines))
    feed = feed_config(
        tmp_path,
        "feeds/*.jsonl",
        fmt="jsonl",
        fields=(FieldSpec("handle_time", "handle_s", FieldType.SECONDS),),
        name_column=None,
        team_column=None,
    )
    return FloorFeeds(floor_config(tmp_path, feed))


def row(agent: str, **extra: object) -> str:
    return json.dumps({"ended_at": now_text(-60), "agent_id": agent, "handle_s": 100, **extra})


def test_a_deeply_nested_json_line_is_rejected_without_crashing(tmp_path: Path) -> None:
    deep = row("B1")[:-1] + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    bracket_text = row("A2", note="[" * (MAX_DEPTH + 10))  # brackets in a string are text
    script = (
        "import sys; from pathlib import Path; from tests.test_harden_ingest import *\n"
        "deep = (Path(sys.argv[1]) / 'arg').read_text()\n"
        "feeds = jsonl_feeds(Path(sys.argv[1]), [row('A1'), deep, sys.argv[2]])\n"
        "print(rows_of(feeds.load_all())['agent'].tolist())\n"
        "print(status_of(feeds, 'calls.jsonl').errors)\n"
    )
    (tmp_path / "arg").write_text(deep)
    # In a child process: on the code this fixes, pyarrow's reader overflowed the C stack.
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), bracket_text],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "['A1', 'A2']",
        f"['feeds/calls.jsonl:2: is nested more than {MAX_DEPTH} levels deep']",
    ]


@pytest.mark.parametrize("build", ["vectorised", "small"])
def test_a_row_that_breaks_the_parser_is_rejected_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build: str
) -> None:
    real = convert.CONVERTERS[FieldType.SECONDS]
    real_cell = small_batch._CELL_READERS[FieldType.SECONDS]

    def fragile(text: pa.Array) -> convert.Converted:
        if "666" in text.to_pylist():
            raise RuntimeError("a value nothing foresaw")
        return real(text)

    def fragile_cell(cell: str) -> float:
        if cell == "666":
            raise RuntimeError("a value nothing foresaw")
        return real_cell(cell)

    # A few clean rows take the small build: the fault is planted in the build that runs.
    if build == "vectorised":
        monkeypatch.setattr(batch, "build_small", lambda *args, **kwargs: None)
        monkeypatch.setitem(convert.CONVERTERS, FieldType.SECONDS, fragile)
    else:
        monkeypatch.setitem(small_batch._CELL_READERS, FieldType.SECONDS, fragile_cell)
    feeds = load(tmp_path, CALL_HEADER + call("A1", "1") + call("B1", "666") + call("A2", "2"))
    assert feeds.rows["agent"].tolist() == ["A1", "A2"]  # type: ignore[attr-defined]
    status = status_of(feeds, "calls.csv")
    assert status.errors == ["feeds/calls.csv:3: cannot be read (RuntimeError)"]
    append(tmp_path / "feeds" / "calls.csv", call("A3", "3") + call("B2", "666"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A3"]
    assert (
        status_of(feeds, "calls.csv").errors[-1]
        == "feeds/calls.csv:6: cannot be read (RuntimeError)"
    )


async def wait_until(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("task", ["feeds", "clock"])
async def test_a_failing_floor_task_is_reported_and_restarted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str
) -> None:
    feeds, board = aht_board(tmp_path)
    path = tmp_path / "feeds" / "calls.csv"
    path.write_text(CALL_HEADER + call("A1", "100"))
    floor = Floor(feeds.config, feeds=feeds, board=board)
    updates: list = []
    floor.subscribe(updates.append)
    await floor.start()
    try:
        failures = [1]
        if task == "feeds":
            real_poll = feeds.poll

            def poll(**options):  # type: ignore[no-untyped-def]
                if failures:
                    failures.pop()
                    raise OSError("the share went away")
                return real_poll(**options)

            monkeypatch.setattr(feeds, "poll", poll)
        else:
            real_stale = feeds.stale_feeds

            def stale_feeds(now: float) -> set[str]:
                if failures:
                    failures.pop()
                    raise ValueError("a clock gone wrong")
                return real_stale(now)

            monkeypatch.setattr(feeds, "stale_feeds", stale_feeds)
        await wait_until(lambda: floor.restarts.get(task, 0) == 1)
        failed = next(u for u in updates if u.errors)
        assert failed.errors[0].startswith(f"the floor's {task} task failed and was restarted")
        assert failed.faults == (f"{task} failing",)
        # ... and it goes on: a new row reaches the board after the restart.
        append(path, call("A2", "200"))
        await wait_until(lambda: "A2" in board.rows)
        assert all(t.get_name().startswith("floor-") and not t.done() for t in floor._tasks)
    finally:
        await floor.stop()
    assert np.isfinite(board.tick().now)
