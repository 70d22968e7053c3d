"""One build per feed per poll: rows several files gained arrive as one update, and each file
keeps its own counts, rejections and `path:line` reasons; a failed pooled build loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorwatch.feeds import pool as pool_module
from floorwatch.feeds.formats.registry import Parsed
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    call_line,
    calls_floor,
    rows_of,
    status_of,
)

SITES = ("east", "north", "south", "west")


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    (tmp_path / "feeds").mkdir()
    paths = [tmp_path / "feeds" / f"calls-{site}.csv" for site in SITES]
    for index, path in enumerate(paths):
        path.write_text(CALL_HEADER + call_line(index, f"{site_agent(index)}0"))
    return paths


def site_agent(index: int) -> str:
    return "ENSW"[index]


def test_rows_from_every_file_of_a_feed_come_as_one_update(
    tmp_path: Path, files: list[Path]
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    for index, path in enumerate(files):
        append(path, call_line(10 + index, f"{site_agent(index)}1"))
        append(path, call_line(20 + index, f"{site_agent(index)}2"))
    updates = feeds.poll()
    assert len(updates) == 1  # built once, not once per file
    assert updates[0].path.name == "calls-east.csv"  # the first file with rows
    rows = rows_of(updates)
    assert sorted(rows["agent"]) == ["E1", "E2", "N1", "N2", "S1", "S2", "W1", "W2"]
    for path in files:
        status = status_of(feeds, path.name)
        assert (status.rows, status.rejected) == (3, 0)
        assert status.newest_ts is not None and status.last_row_at is not None
    assert feeds.poll() == []


def test_a_bad_row_is_charged_to_its_own_file_and_line(tmp_path: Path, files: list[Path]) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(files[0], call_line(30, "E3"))
    append(files[2], call_line(31, "S3") + call_line(32, "S4", handle="lots"))
    append(files[3], call_line(33, "W3"))
    rows = rows_of(feeds.poll())
    assert sorted(rows["agent"]) == ["E3", "S3", "W3"]
    south = status_of(feeds, "calls-south.csv")
    assert (south.rows, south.rejected) == (2, 1)
    assert len(south.errors) == 1
    assert south.errors[0].startswith("feeds/calls-south.csv:4: handle_time 'lots'")
    for name in ("calls-east.csv", "calls-north.csv", "calls-west.csv"):
        assert status_of(feeds, name).errors == []
    assert status_of(feeds, "calls-north.csv").rows == 1  # gained nothing


def test_a_pooled_build_that_fails_reads_each_file_record_by_record(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    real = pool_module.build_batch

    def failing_once(*args: object, **kwargs: object) -> Parsed:
        monkeypatch.setattr(pool_module, "build_batch", real)
        raise OverflowError("a value no check foresaw")

    monkeypatch.setattr(pool_module, "build_batch", failing_once)
    append(files[1], call_line(40, "N5"))
    append(files[3], call_line(41, "W5") + call_line(42, "W6"))
    rows = rows_of(feeds.poll())
    assert sorted(rows["agent"]) == ["N5", "W5", "W6"]
    assert status_of(feeds, "calls-north.csv").rows == 2
    assert status_of(feeds, "calls-west.csv").rows == 3
    assert feeds.poll() == []  # nothing read twice


def test_a_poll_without_discovery_reads_appends_and_leaves_new_files_to_the_next(
    tmp_path: Path, files: list[Path]
) -> None:
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(files[0], call_line(50, "E7"))
    (tmp_path / "feeds" / "calls-extra.csv").write_text(CALL_HEADER + call_line(51, "X1"))
    assert rows_of(feeds.poll(discover=False))["agent"].tolist() == ["E7"]
    assert rows_of(feeds.poll())["agent"].tolist() == ["X1"]  # the full poll finds it


def test_cells_split_in_python_are_trimmed_exactly_as_pyarrow_trims_them() -> None:
    import pyarrow as pa

    from floorwatch.feeds.batch import ARROW_WHITESPACE, trimmed

    points = [c for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF]
    cells = [f"{chr(c)}x{chr(c)}" for c in points]
    by_arrow = trimmed(pa.array(cells, pa.string())).to_pylist()
    assert [cell.strip(ARROW_WHITESPACE) for cell in cells] == by_arrow
