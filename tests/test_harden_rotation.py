"""Issue 18.3: rotations count each row exactly once: a corrected export renamed over the file
is reconciled, copytruncate into a file the glob also matches counts each row once (the rows
written just before the truncation too), and a writer that does not write the header again
after truncating keeps the known one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from tests.test_feeds_support import CALL_HEADER, append, call_line, rows_of, status_of
from tests.test_harden_half_rows import NOON, fresh_values, live
from tests.test_harden_ingest import aht_board


def board_values(board: Board) -> dict[str, tuple[float | None, int]]:
    board.tick(now=NOON)
    return {agent: board.engine.value(agent, "aht") for agent in board.engine.agents()}


def cold(feeds: FloorFeeds, board: Board) -> None:
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)


def test_a_corrected_export_renamed_over_the_file_is_reconciled(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1", 100) + call_line(1, "A2", 200))
    cold(feeds, board)
    corrected = tmp_path / "feeds" / ".calls.csv.tmp"  # hidden: the glob does not match it
    corrected.write_text(
        CALL_HEADER + call_line(0, "A1", 100) + call_line(1, "A2", 250) + call_line(2, "A3", 300)
    )
    os.replace(corrected, calls)  # the exporter's atomic replace
    live(feeds, board)
    assert board_values(board) == fresh_values(tmp_path)
    assert board.engine.value("A2", "aht") == (250.0, 1)
    assert status_of(feeds, "calls.csv").rows == 3


def test_copytruncate_into_a_file_the_glob_matches_counts_each_row_once(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1", 100))
    cold(feeds, board)
    append(calls, call_line(1, "A2", 200))  # written just before the rotation, not read yet
    shutil.copyfile(calls, tmp_path / "feeds" / "calls-1.csv")  # logrotate's copytruncate
    with calls.open("r+") as file:
        file.truncate(0)
    append(calls, call_line(2, "A3", 300))  # the writer goes on, without a header
    live(feeds, board)
    assert sorted(board.engine.agents()) == ["A1", "A2", "A3"]
    assert all(board.engine.value(a, "aht")[1] == 1 for a in ("A1", "A2", "A3"))
    assert all(s.rejected == 0 and not s.errors for s in feeds.statuses())


def test_copytruncate_seen_before_the_truncation_counts_each_row_once(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1", 100))
    cold(feeds, board)
    append(calls, call_line(1, "A2", 200))
    shutil.copyfile(calls, tmp_path / "feeds" / "calls-1.csv")
    live(feeds, board)  # the copy is seen before the truncation
    with calls.open("r+") as file:
        file.truncate(0)
    append(calls, CALL_HEADER + call_line(2, "A3", 300))  # this writer writes its header again
    live(feeds, board)
    assert sorted(board.engine.agents()) == ["A1", "A2", "A3"]
    assert all(board.engine.value(a, "aht")[1] == 1 for a in ("A1", "A2", "A3"))
    assert all(s.rejected == 0 and not s.errors for s in feeds.statuses())


def test_a_truncated_csv_without_a_new_header_keeps_the_known_one(tmp_path: Path) -> None:
    feeds, _ = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(CALL_HEADER + call_line(0, "A1"))
    feeds.load_all()
    with calls.open("r+") as file:
        file.truncate(0)
    append(calls, call_line(1, "A2") + call_line(2, "A3"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A2", "A3"]
    assert status_of(feeds, "calls.csv").rejected == 0
