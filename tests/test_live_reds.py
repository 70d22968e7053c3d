"""Reds are kept once per floor, by the floor's own keeper: with no board open, with several
boards (SSH sessions) on one floor, and never for a replay's data clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from floorwatch.live.reds import FloorReds, Red
from floorwatch.store import NoteStore
from tests.app_support import AGENTS, FakeFloor, build_board, make_app

A011 = next(agent for agent in AGENTS if agent.agent == "A011")


class Sink:
    """A RedSink that remembers every write (and can fail the first)."""

    def __init__(self, fail_first: bool = False) -> None:
        self.writes: list[list[Red]] = []
        self.fail_first = fail_first
        self.closed = False

    def record_reds(self, reds: Iterable[Red]) -> None:
        if self.fail_first:
            self.fail_first = False
            raise OSError("disk full")
        self.writes.append(list(reds))

    def close(self) -> None:
        self.closed = True


def red_floor() -> FakeFloor:
    board, first = build_board()
    return FakeFloor(board, first)


def turn_red(floor: FakeFloor) -> None:
    floor.push_calls([replace(A011, aht=900.0)], calls=30)
    floor.tick()


def test_a_floor_with_no_board_open_keeps_its_reds_in_the_store(tmp_path: Path) -> None:
    floor = red_floor()
    store_file = tmp_path / "notes.sqlite3"
    keeper = floor.reds.keep(lambda: NoteStore(store_file))
    assert keeper is not None and not floor.subscribers  # no viewer at all
    turn_red(floor)
    keeper.drain()
    at = datetime.fromtimestamp(floor.now, UTC)
    assert NoteStore(store_file).reds(datetime(2000, 1, 1, tzinfo=UTC)) == [("A011", "aht", at)]
    floor.reds.release()


def test_every_user_of_a_floor_shares_one_keeper_and_each_red_is_written_once() -> None:
    floor, sink = red_floor(), Sink()
    first = floor.reds.keep(lambda: sink)
    second = floor.reds.keep(Sink)  # a second session: the same keeper, its sink unused
    assert first is second and first is not None and floor.reds.users == 2
    turn_red(floor)
    first.drain()
    assert [[(agent, metric) for agent, metric, _ in write] for write in sink.writes] == [
        [("A011", "aht")]
    ]
    floor.reds.release()  # one session leaves: the keeper goes on
    turn_red(floor)  # A011 is still red: no transition, nothing written
    floor.push_calls([replace(agent, aht=900.0) for agent in AGENTS[:2]], calls=30)
    floor.tick()
    second.drain()
    assert len(sink.writes) == 2 and not sink.closed and second.running
    floor.reds.release()  # the last one out stops it and closes the store
    assert sink.closed and not second.running and floor.reds.keeper is None
    turn_red(floor)  # nobody keeps them now: nothing is queued anywhere
    assert len(sink.writes) == 2


def test_a_data_clock_keeps_no_reds_and_the_first_tick_is_no_news() -> None:
    floor, sink = red_floor(), Sink()
    data = FloorReds("data")
    assert data.keep(lambda: sink) is None and data.keeper is None
    keeper = floor.reds.keep(lambda: sink)
    assert keeper is not None
    assert floor.last_update is not None
    floor.publish(floor.last_update.delta)  # the board appearing: reds already there
    keeper.drain()
    assert sink.writes == []
    floor.reds.release()


def test_a_failed_write_is_reported_and_the_next_red_is_still_kept() -> None:
    floor, sink = red_floor(), Sink(fail_first=True)
    keeper = floor.reds.keep(lambda: sink)
    assert keeper is not None
    said: list[str] = []
    keeper.on_error(said.append)
    turn_red(floor)
    keeper.drain()
    assert said == ["reds cannot be kept for the coaching report: disk full"]
    floor.push_calls([replace(AGENTS[2], aht=900.0)], calls=30)  # A003, green till now
    floor.tick()
    keeper.drain()
    assert [agent for write in sink.writes for agent, _, _ in write] == ["A003"]
    floor.reds.release()


async def test_a_board_shares_its_floors_keeper_and_hears_its_errors() -> None:
    app = make_app()
    floor = app.floor
    async with app.run_test(size=(120, 30)) as pilot:
        keeper = app.red_keeper
        assert keeper is not None and floor.reds.users == 1
        again = floor.reds.keep(Sink)  # as a second session's board would
        assert again is keeper and floor.reds.users == 2
        floor.reds.release()
        keeper._failed("reds cannot be kept for the coaching report: locked")
        await pilot.pause(0.1)
        assert "reds cannot be kept for the coaching report: locked" in app.floor_errors
    assert app.red_keeper is None and floor.reds.keeper is None and not keeper.running


class IdleServer:
    """Stands in for the SSH server: nobody ever connects."""

    sessions: set[object] = set()

    def __init__(self, *_args: object) -> None:
        pass

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


SERVE_CONFIG = """\
feeds:
  - name: calls
    path: calls.csv
    time: {column: ended_at}
    agent: agent_id
    fields: {handle: {column: handle_s, type: seconds}}
metrics:
  aht: {field: handle, agg: mean, window: 60m, better: lower, green: 210, red: 300}
notes: {path: notes.sqlite3}
"""


async def test_serve_keeps_the_floors_reds_with_no_session_open(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import asyncio
    import time

    from floorwatch.config import load_config
    from floorwatch.ssh import serve as serve_module

    feed = tmp_path / "calls.csv"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    feed.write_text(f"ended_at,agent_id,handle_s\n{stamp},A1,200\n")
    (tmp_path / "floorwatch.yaml").write_text(SERVE_CONFIG)
    config = load_config(tmp_path / "floorwatch.yaml")
    store = tmp_path / "notes.sqlite3"

    def kept() -> list[Red]:
        return NoteStore(store).reds(datetime(2000, 1, 1, tzinfo=UTC)) if store.exists() else []

    async def a_red_then_stop() -> None:
        await asyncio.sleep(0.5)  # the floor follows the file
        with feed.open("a") as out:
            out.write(f"{datetime.now(UTC).isoformat(timespec='seconds')},A1,900\n")
        deadline = time.monotonic() + 20
        while not kept() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    monkeypatch.setattr(serve_module, "SshServer", IdleServer)
    monkeypatch.setattr(serve_module, "announce", lambda server: None)
    monkeypatch.setattr(serve_module, "wait_for_stop_signal", a_red_then_stop)
    no_app: Any = lambda config, floor: None  # noqa: E731 - no session ever asks for one
    await serve_module.serve(config, no_app)
    assert [(agent, metric) for agent, metric, _ in kept()] == [("A1", "aht")]
