"""Issue 18.3: a corrected export ends with the new file's rows on the board, none twice, however
it is written: renamed over the file, rewritten in place (same inode, already longer than what
was read by the next poll), or with a column added to its header."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from tests.test_feeds_support import CALL_HEADER, append, call_line, status_of
from tests.test_harden_half_rows import HANDLE_LAST, age, fresh_values, live
from tests.test_harden_ingest import aht_board
from tests.test_harden_rotation import board_values, cold

FIRST = CALL_HEADER + call_line(0, "A1", 100) + call_line(1, "A2", 200) + call_line(2, "A3", 300)
# A2's call corrected, A4's added: longer than the first version, so the file only grew.
CORRECTED = (
    CALL_HEADER
    + call_line(0, "A1", 100)
    + call_line(1, "A2", 250)
    + call_line(2, "A3", 300)
    + call_line(3, "A4", 400)
)


def started(tmp_path: Path) -> tuple[FloorFeeds, Board, Path]:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(FIRST)
    cold(feeds, board)
    return feeds, board, calls


def assert_board_is_the_new_file(tmp_path: Path, feeds: FloorFeeds, board: Board) -> None:
    assert board_values(board) == fresh_values(tmp_path)
    assert board.engine.value("A2", "aht") == (250.0, 1)  # the corrected row, once
    assert all(board.engine.value(a, "aht")[1] == 1 for a in ("A1", "A2", "A3", "A4"))
    assert status_of(feeds, "calls.csv").rows == 4


def test_a_corrected_export_renamed_over_the_file_is_reconciled(tmp_path: Path) -> None:
    feeds, board, calls = started(tmp_path)
    temporary = tmp_path / "feeds" / ".calls.csv.tmp"  # hidden: the glob does not match it
    temporary.write_text(CORRECTED)
    os.replace(temporary, calls)
    live(feeds, board)
    assert_board_is_the_new_file(tmp_path, feeds, board)


def test_a_corrected_export_rewritten_in_place_is_reconciled(tmp_path: Path) -> None:
    feeds, board, calls = started(tmp_path)
    inode = calls.stat().st_ino
    with calls.open("w") as file:  # truncated and written again, more bytes than before
        file.write(CORRECTED)
    assert calls.stat().st_ino == inode and calls.stat().st_size > len(FIRST)
    live(feeds, board)
    assert_board_is_the_new_file(tmp_path, feeds, board)
    append(calls, call_line(4, "A5", 500))  # and it is followed on from there
    live(feeds, board)
    assert board.engine.value("A5", "aht") == (500.0, 1)
    assert board.engine.value("A2", "aht") == (250.0, 1)


def test_a_corrected_export_rewritten_in_place_twice_is_reconciled_each_time(
    tmp_path: Path,
) -> None:
    feeds, board, calls = started(tmp_path)
    calls.write_text(CORRECTED)
    live(feeds, board)
    calls.write_text(CORRECTED.replace(",250,", ",260,") + call_line(5, "A6", 100))
    live(feeds, board)
    assert board_values(board) == fresh_values(tmp_path)
    assert board.engine.value("A2", "aht") == (260.0, 1)
    assert status_of(feeds, "calls.csv").rows == 5


def test_a_replace_with_a_column_added_to_the_header_is_reconciled(tmp_path: Path) -> None:
    feeds, board, calls = started(tmp_path)
    header = CALL_HEADER.rstrip("\n") + ",queue\n"
    rows = CORRECTED.splitlines(keepends=True)[1:]
    widened = header + "".join(row.rstrip("\n") + ",sales\n" for row in rows)
    temporary = tmp_path / "feeds" / ".calls.csv.tmp"
    temporary.write_text(widened)
    os.replace(temporary, calls)
    live(feeds, board)
    assert_board_is_the_new_file(tmp_path, feeds, board)
    assert status_of(feeds, "calls.csv").rejected == 0


def test_a_column_added_in_place_is_reconciled(tmp_path: Path) -> None:
    feeds, board, calls = started(tmp_path)
    header = CALL_HEADER.rstrip("\n") + ",queue\n"
    rows = CORRECTED.splitlines(keepends=True)[1:]
    calls.write_text(header + "".join(row.rstrip("\n") + ",sales\n" for row in rows))
    live(feeds, board)
    assert_board_is_the_new_file(tmp_path, feeds, board)


def test_appending_to_a_file_never_reads_it_again(tmp_path: Path) -> None:
    feeds, board, calls = started(tmp_path)
    for n in range(3, 40):
        append(calls, call_line(n % 60, f"B{n}", 100 + n))
        live(feeds, board)
    assert status_of(feeds, "calls.csv").rows == 3 + 37
    assert all(board.engine.value(f"B{n}", "aht")[1] == 1 for n in range(3, 40))


def test_a_file_too_big_to_take_back_says_so_when_rewritten_in_place(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("floorwatch.feeds.tailer.RETAIN_ROWS", 2)
    feeds, board, calls = started(tmp_path)
    calls.write_text(CORRECTED)
    live(feeds, board)
    errors = status_of(feeds, "calls.csv").errors
    assert any("was rewritten in place after more than 2 rows" in e for e in errors), errors


def test_copytruncate_that_grew_past_the_old_offset_still_counts_each_row_once(
    tmp_path: Path,
) -> None:
    # Read as a rewrite in place (same header, more bytes, other bytes): its rows are taken
    # back, and the copy the glob matches brings them back, read whole.
    feeds, board, calls = started(tmp_path)
    append(calls, call_line(3, "A4", 400))  # written just before the rotation
    shutil.copyfile(calls, tmp_path / "feeds" / "calls-1.csv")
    with calls.open("r+") as file:
        file.truncate(0)
    append(calls, CALL_HEADER + "".join(call_line(10 + n, f"B{n}", 100) for n in range(5)))
    assert calls.stat().st_size > len(FIRST)
    live(feeds, board)
    agents = ["A1", "A2", "A3", "A4", *(f"B{n}" for n in range(5))]
    assert sorted(board.engine.agents()) == agents
    assert all(board.engine.value(a, "aht")[1] == 1 for a in agents)


def test_a_row_taken_back_before_a_rewrite_is_not_taken_back_twice(tmp_path: Path) -> None:
    feeds, board = aht_board(tmp_path)
    calls = tmp_path / "feeds" / "calls.csv"
    calls.write_text(HANDLE_LAST + "2024-03-01T09:00:00,A1,Agent A1,north,Y,100\n")
    cold(feeds, board)
    append(calls, "2024-03-01T09:01:00,A2,Agent A2,north,Y,25")  # counted without its newline
    age(calls, 60)
    live(feeds, board)
    append(calls, "0\n")  # ... then taken back: it was 250
    live(feeds, board)
    calls.write_text(  # the corrected export, in place
        HANDLE_LAST
        + "2024-03-01T09:00:00,A1,Agent A1,north,Y,110\n"
        + "2024-03-01T09:01:00,A2,Agent A2,north,Y,250\n"
        + "2024-03-01T09:02:00,A3,Agent A3,north,Y,300\n"
    )
    live(feeds, board)
    assert board_values(board) == fresh_values(tmp_path)
    assert board.engine.value("A1", "aht") == (110.0, 1)
    assert board.engine.value("A2", "aht") == (250.0, 1)
    assert status_of(feeds, "calls.csv").rows == 3


def test_a_rewrite_takes_back_only_its_own_rows_of_a_poll_shared_with_another_file(
    tmp_path: Path,
) -> None:
    # One poll builds the rows of every file of a feed at once (feeds/pool.py): the rewritten
    # file takes back its own rows of that build, not its neighbour's.
    feeds, board, calls = started(tmp_path)
    other = tmp_path / "feeds" / "calls-2.csv"
    other.write_text(CALL_HEADER + call_line(5, "B1", 100))
    live(feeds, board)
    append(calls, call_line(6, "A5", 500))
    append(other, call_line(7, "B2", 200))
    live(feeds, board)  # one build for both files
    calls.write_text(CORRECTED + call_line(6, "A5", 550))
    live(feeds, board)
    assert board_values(board) == fresh_values(tmp_path)
    assert board.engine.value("A5", "aht") == (550.0, 1)
    assert board.engine.value("B2", "aht") == (200.0, 1)
    assert status_of(feeds, "calls.csv").rows == 5
