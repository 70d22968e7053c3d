"""Issue 12.1: a half-written row is never lost, never counted twice, and the live board agrees
with a fresh read of the same files, whatever the writer's pauses."""

from __future__ import annotations

import os
import time
from pathlib import Path

from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from tests.test_feeds_support import CALL_HEADER, append, call_line, rows_of, status_of
from tests.test_harden_ingest import aht_board

NOON = 1709294400.0  # 2024-03-01T12:00Z, the day of call_line's rows
HANDLE_LAST = "ended_at,agent_id,agent_name,team,resolved,handle_s\n"


def age(path: Path, seconds: float) -> None:
    """As if the writer last wrote `seconds` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def live(feeds: FloorFeeds, board: Board) -> None:
    for update in feeds.poll():
        if update.retracted is not None:
            board.retract(update.feed, update.retracted)
        if len(update.rows):
            board.ingest(update.feed, update.rows)


def fresh_values(tmp_path: Path) -> dict[str, tuple[float | None, int]]:
    feeds, board = aht_board(tmp_path)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick(now=NOON)
    return {agent: board.engine.value(agent, "aht") for agent in board.engine.agents()}


def test_half_a_row_waits_for_its_newline_however_long_the_pause(tmp_path: Path) -> None:
    feeds, _board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1"))
    feeds.load_all()
    line = call_line(1, "A2", handle=250)
    append(calls, line[:30])  # half a row, then the writer stalls (a slow share)
    for pause in (5, 20, 29):
        age(calls, pause)
        assert not len(rows_of(feeds.poll()))
        assert status_of(feeds, "calls.csv").rejected == 0
    append(calls, line[30:])
    assert rows_of(feeds.poll())["agent"].tolist() == ["A2"]
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.rejected, status.errors) == (2, 0, [])


def test_a_row_counted_without_newline_and_then_continued_counts_once(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(HANDLE_LAST + "2024-03-01T09:00:00,A1,Agent A1,north,Y,100\n")
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    append(calls, "2024-03-01T09:01:00,A2,Agent A2,north,Y,25")  # whole, it seems: no newline
    age(calls, 60)
    live(feeds, board)
    board.tick(now=NOON)
    assert board.engine.value("A2", "aht") == (25.0, 1)
    append(calls, "0\n")  # ... it was 250, and the writer had only paused
    live(feeds, board)
    board.tick(now=NOON)
    assert board.engine.value("A2", "aht") == (250.0, 1)
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.rejected, status.errors) == (2, 0, [])
    assert {a: board.engine.value(a, "aht") for a in board.engine.agents()} == fresh_values(
        tmp_path
    )


def test_a_half_row_rejected_once_the_file_was_quiet_is_taken_back_when_finished(
    tmp_path: Path,
) -> None:
    feeds, _board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1"))
    feeds.load_all()
    line = call_line(1, "A2")
    append(calls, line[:25])
    age(calls, 120)  # quiet for two minutes: a finished file with a broken last line
    feeds.poll()
    assert status_of(feeds, "calls.csv").rejected == 1
    append(calls, line[25:])
    assert rows_of(feeds.poll())["agent"].tolist() == ["A2"]
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.rejected, status.errors) == (2, 0, [])
