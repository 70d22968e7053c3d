"""Following files the way `tail -F` does: appends, partial flushes, rotations, replacements."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from floorwatch.feeds import FloorFeeds
from floorwatch.feeds import tailer as tailer_module
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    call_line,
    calls_floor,
    rows_of,
    status_of,
)


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_text(CALL_HEADER + call_line(0) + call_line(1, "A2"))
    return path


def minutes(feeds_rows) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(ts % 3600 // 60) for ts in feeds_rows["ts"]]


def test_cold_start_reads_every_row(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["A1", "A2"]
    assert rows["name"].tolist() == ["Agent A1", "Agent A2"]
    assert rows["handle_time"].tolist() == [100.0, 100.0]
    assert rows["resolved"].tolist() == [1.0, 1.0]
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.rejected, status.missing) == (2, 0, False)
    assert status.path == Path("feeds/calls.csv")  # relative to the config's folder


def test_appends_are_read_once_and_half_rows_wait(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    assert feeds.poll() == []  # nothing new
    line = call_line(2, "A3")
    append(calls, line[:17])  # the writer flushed half a row
    assert rows_of(feeds.poll()).empty
    append(calls, line[17:-1])  # all but the newline
    assert rows_of(feeds.poll()).empty
    append(calls, "\n" + call_line(3, "A4"))
    rows = rows_of(feeds.poll())
    assert rows["agent"].tolist() == ["A3", "A4"]
    assert feeds.poll() == []
    assert status_of(feeds, "calls.csv").rows == 4


def test_a_poll_reads_only_the_appended_bytes(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    size = calls.stat().st_size
    reads: list[tuple[int, int]] = []  # (offset, bytes)
    real_pread = os.pread

    def counting_pread(fd: int, wanted: int, offset: int) -> bytes:
        data = real_pread(fd, wanted, offset)
        reads.append((offset, len(data)))
        return data

    monkeypatch.setattr(tailer_module.os, "pread", counting_pread)
    line = call_line(5, "A9")
    append(calls, line)
    assert rows_of(feeds.poll())["agent"].tolist() == ["A9"]
    # One pread that returns bytes: the new ones, after the last bytes read before (at most
    # MARK_BYTES), which prove it is the same file; then the empty read at the end.
    assert [n for _, n in reads if n] == [min(size, tailer_module.MARK_BYTES) + len(line)]
    assert all(offset >= size - tailer_module.MARK_BYTES for offset, _ in reads)


def test_crlf_and_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    text = CALL_HEADER + call_line(0) + call_line(1, "A2", resolved="N")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    feeds = calls_floor(tmp_path)
    rows = rows_of(feeds.load_all())
    assert rows["resolved"].tolist() == [1.0, 0.0]  # no '\r' left in the last column
    assert status_of(feeds, "calls.csv").rejected == 0


def test_a_byte_order_mark_written_in_pieces(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_bytes(b"\xef")
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(path, b"\xbb\xbf" + CALL_HEADER.encode() + call_line(0).encode())
    assert rows_of(feeds.poll())["agent"].tolist() == ["A1"]
    assert status_of(feeds, "calls.csv").rejected == 0


def test_quoted_commas_and_newlines_even_flushed_inside_the_quotes(
    tmp_path: Path, calls: Path
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, '2024-03-01T09:05:00,A5,"Lee, Ann\n')  # flushed inside a quoted name
    assert rows_of(feeds.poll()).empty
    append(calls, 'the second line",north,100,Y\n' + call_line(6, "A6"))
    rows = rows_of(feeds.poll())
    assert rows["name"].tolist() == ["Lee, Ann the second line", "Agent A6"]
    # the row after a quoted newline is on physical line 6; a bad value says so
    append(calls, call_line(7, "A7", handle="abc"))
    feeds.poll()
    assert status_of(feeds, "calls.csv").errors == [
        "feeds/calls.csv:7: handle_time 'abc' is not a number of seconds (column 'handle_s')"
    ]


def test_rotation_by_rename_reads_the_old_file_to_its_end(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, call_line(2, "A3"))  # written just before the rotation, not yet read
    calls.rename(calls.with_name("calls.csv.1"))  # logrotate: rename ...
    calls.write_text(CALL_HEADER + call_line(3, "A4"))  # ... and create
    rows = rows_of(feeds.poll())
    assert rows["agent"].tolist() == ["A3", "A4"]
    append(calls, call_line(4, "A5"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A5"]
    assert status_of(feeds, "calls.csv").rows == 5


def test_rotation_to_a_name_the_glob_also_matches(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, call_line(2, "A3"))
    calls.rename(calls.with_name("calls-0301.csv"))  # matched by feeds/*.csv too
    calls.write_text(CALL_HEADER + call_line(3, "A4"))
    rows = rows_of(feeds.poll())
    assert sorted(rows["agent"]) == ["A3", "A4"]  # no row twice, none skipped
    assert {s.path.name: s.rows for s in feeds.statuses()} == {"calls-0301.csv": 3, "calls.csv": 1}


def test_copytruncate_starts_again_from_zero(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    with calls.open("r+b") as file:  # copytruncate: copy elsewhere, then truncate in place
        file.truncate(0)
    append(calls, CALL_HEADER + call_line(9, "A9"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A9"]


def test_truncated_and_regrown_past_the_old_size_is_noticed(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    with calls.open("r+b") as file:
        file.truncate(0)
    # before the next look, the file is rewritten with more (different) rows than before
    append(calls, CALL_HEADER + "".join(call_line(10 + i, f"B{i}") for i in range(4)))
    assert rows_of(feeds.poll())["agent"].tolist() == ["B0", "B1", "B2", "B3"]


def test_delete_then_recreate(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, call_line(2, "A3"))
    calls.unlink()
    calls.write_text(CALL_HEADER + call_line(3, "A4"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A3", "A4"]


def test_atomic_replace_with_new_content(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    temporary = calls.with_name(".calls.csv.tmp")
    temporary.write_text(CALL_HEADER + call_line(20, "C1"))
    os.replace(temporary, calls)
    assert rows_of(feeds.poll())["agent"].tolist() == ["C1"]


def test_atomic_replace_by_an_export_rewritten_whole_reads_only_the_new_rows(
    tmp_path: Path, calls: Path
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    before = calls.read_text()
    temporary = calls.with_name(".calls.csv.tmp")
    temporary.write_text(before + call_line(2, "A3"))  # the same rows, and one more
    os.replace(temporary, calls)
    assert rows_of(feeds.poll())["agent"].tolist() == ["A3"]
    assert status_of(feeds, "calls.csv").rows == 3


def test_header_read_again_after_a_rotation(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    calls.rename(calls.with_name("calls.csv.1"))
    # the new file's columns come in another order, with one more
    calls.write_text(
        "agent_id,resolved,extra,handle_s,team,agent_name,ended_at\n"
        "A7,N,x,42,south,Agent A7,2024-03-01T10:00:00\n"
    )
    rows = rows_of(feeds.poll())
    assert rows[["agent", "handle_time", "resolved", "team"]].values.tolist() == [
        ["A7", 42.0, 0.0, "south"]
    ]


def test_a_file_that_disappears_is_missing_then_comes_back(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    calls.unlink()
    updates = feeds.poll()
    assert [u.path.name for u in updates] == ["calls.csv"]  # the status changed: say it once
    assert status_of(feeds, "calls.csv").missing
    for _ in range(3):
        assert feeds.poll() == []  # no error loop
    assert status_of(feeds, "calls.csv").errors == []
    calls.write_text(CALL_HEADER + call_line(30, "D1"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["D1"]
    status = status_of(feeds, "calls.csv")
    assert not status.missing and status.rows == 3


def test_a_file_missing_at_start_is_read_when_it_appears(tmp_path: Path) -> None:
    feeds = calls_floor(tmp_path)
    assert feeds.load_all() == []
    assert feeds.statuses() == []
    path = tmp_path / "feeds" / "calls.csv"
    path.write_text(CALL_HEADER + call_line(0))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A1"]


def test_the_glob_picks_up_a_new_file(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    other = calls.with_name("calls-south.csv")
    other.write_text(CALL_HEADER + call_line(0, "S1"))
    updates = feeds.poll()
    assert [(u.path, u.rows["agent"].tolist()) for u in updates] == [(other, ["S1"])]
    assert sorted(s.path.name for s in feeds.statuses()) == ["calls-south.csv", "calls.csv"]


def test_a_last_line_without_newline_counts_once_the_file_settles(
    tmp_path: Path, calls: Path
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, call_line(2, "A3").rstrip("\n"))
    assert rows_of(feeds.poll()).empty  # a writer may be mid-row
    old = time.time() - 60
    os.utime(calls, (old, old))  # a minute later, nothing more came: the row is whole
    assert rows_of(feeds.poll())["agent"].tolist() == ["A3"]
    append(calls, "\n" + call_line(3, "A4"))  # a writer that puts newlines first
    assert rows_of(feeds.poll())["agent"].tolist() == ["A4"]
    assert status_of(feeds, "calls.csv").rejected == 0


def test_two_floors_do_not_share_state(tmp_path: Path, calls: Path) -> None:
    first, second = calls_floor(tmp_path), calls_floor(tmp_path)
    first.load_all()
    append(calls, call_line(2, "A3"))
    assert len(rows_of(first.poll())) == 1
    assert len(rows_of(second.load_all())) == 3
    assert isinstance(first, FloorFeeds)


def test_rows_a_writer_adds_after_the_rename_still_count(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    with calls.open("a") as writer:  # a dialer holding its file open
        calls.rename(calls.with_name("calls.csv.1"))  # logrotate renames; no file at the path
        assert rows_of(feeds.poll()).empty
        assert status_of(feeds, "calls.csv").missing
        writer.write(call_line(2, "A3"))  # not told yet: it still writes to the renamed file
        writer.flush()
        assert rows_of(feeds.poll())["agent"].tolist() == ["A3"]
    calls.write_text(CALL_HEADER + call_line(3, "A4"))  # it reopens: a new file at the path
    assert rows_of(feeds.poll())["agent"].tolist() == ["A4"]
    status = status_of(feeds, "calls.csv")
    assert (status.rows, status.missing) == (4, False)


def test_a_file_renamed_away_and_back_is_not_read_twice(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    away = calls.with_name("calls.csv.bak")
    calls.rename(away)
    feeds.poll()
    assert status_of(feeds, "calls.csv").missing
    away.rename(calls)
    append(calls, call_line(2, "A3"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A3"]
    assert not status_of(feeds, "calls.csv").missing


def test_a_settled_file_with_a_quote_that_never_closes(tmp_path: Path, calls: Path) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(calls, '2024-03-01T09:02:00,B1,"Bob,north,1,Y\n' + call_line(3, "A4") + call_line(4))
    assert rows_of(feeds.poll()).empty  # maybe a quoted field with newlines, still being written
    old = time.time() - 60
    os.utime(calls, (old, old))  # nothing more came: the quote never closes
    assert rows_of(feeds.poll())["agent"].tolist() == ["A4", "A1"]
    assert status_of(feeds, "calls.csv").errors == [
        "feeds/calls.csv:4: has a quote that is never closed"
    ]
