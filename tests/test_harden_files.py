"""Issue 18.2-18.4: each file is counted once, whatever links lead to it; a glob never loops or
leaves the feed folders; odd files (archives, FIFOs, devices, folders) never block or reject."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from floorwatch.feeds import FloorFeeds
from floorwatch.feeds.discover import feed_files, searches_from_root
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    call_line,
    calls_floor,
    rows_of,
)

ROWS = CALL_HEADER + call_line(0, "A1") + call_line(1, "A2")


def agents(feeds: FloorFeeds, *, cold: bool = True) -> list[str]:
    updates = feeds.load_all() if cold else feeds.poll()
    return sorted(rows_of(updates)["agent"].tolist())


def test_a_symlink_and_a_hard_link_to_a_feed_file_count_it_once(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "calls.csv").write_text(ROWS)
    (folder / "latest.csv").symlink_to("calls.csv")
    os.link(folder / "calls.csv", folder / "copy.csv")
    feeds = calls_floor(tmp_path)
    assert agents(feeds) == ["A1", "A2"]
    append(folder / "calls.csv", call_line(2, "A3"))
    assert agents(feeds, cold=False) == ["A3"]
    assert [Path(s.path).name for s in feeds.statuses()] == ["calls.csv"]


def test_a_double_star_glob_through_directory_loops_ends_and_counts_once(tmp_path: Path) -> None:
    folder = tmp_path / "feeds" / "site"
    folder.mkdir(parents=True)
    (folder / "calls.csv").write_text(ROWS)
    (folder / "loop").symlink_to("..")  # feeds/site/loop -> feeds
    (folder / "again").symlink_to("../site")
    (tmp_path / "feeds" / "up").symlink_to(".")
    began = time.monotonic()
    feeds = calls_floor(tmp_path, path="feeds/**/*.csv")
    assert agents(feeds) == ["A1", "A2"]
    assert agents(feeds, cold=False) == []
    assert time.monotonic() - began < 5  # Python's glob takes minutes (exponential in loops)


def test_links_out_of_the_feed_folders_are_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "calls.csv").write_text(ROWS)
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "calls.csv").symlink_to(outside / "calls.csv")
    (tmp_path / "feeds" / "sub").symlink_to(outside)
    assert agents(calls_floor(tmp_path, path="feeds/**/*.csv")) == []
    followed = calls_floor(tmp_path, path="feeds/**/*.csv", follow_symlinks=True)
    assert agents(followed) == ["A1", "A2"]  # two links, one file: once


@pytest.mark.skipif(not os.path.exists("/etc/passwd"), reason="needs a system file")
def test_no_feed_error_shows_a_line_of_a_file_that_is_not_a_feed(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "calls.csv").symlink_to("/etc/passwd")
    first_line = Path("/etc/passwd").read_text().splitlines()[0]
    for follow in (False, True):
        feeds = calls_floor(tmp_path, follow_symlinks=follow)
        feeds.load_all()
        shown = "\n".join(e for s in feeds.statuses() for e in s.errors)
        assert first_line not in shown
        assert first_line.split(":")[0] not in shown.replace("calls.csv", "")
        if follow:
            assert "is not a file of this feed" in shown


def test_the_check_command_never_prints_a_non_feed_file(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:$6$very-secret-hash:19000:0:99999:7:::\nsecond line\n")
    (tmp_path / "feeds" / "calls.csv").symlink_to(secret)
    (tmp_path / "feeds" / "other.csv").write_text("password,token\nhunter2,abc\n")
    (tmp_path / "floorwatch.yaml").write_text(
        "feeds:\n  - {name: calls, path: 'feeds/*.csv', agent: agent_id,"
        " time: {column: ended_at}, fields: {h: {column: handle_s, type: seconds}},"
        " follow_symlinks: true}\n"
        "metrics: {aht: {field: h, agg: mean, better: lower, green: 1, red: 2}}\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "floorwatch",
            "check",
            "--config",
            str(tmp_path / "floorwatch.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert "feeds/calls.csv" in output
    for secret_text in ("very-secret-hash", "root:", "hunter2", "password"):
        assert secret_text not in output


def test_compressed_archives_matched_by_the_glob_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "calls.csv").write_text(ROWS)
    with gzip.open(folder / "calls-1.csv.gz", "wt") as archive:
        archive.write(CALL_HEADER + call_line(5, "OLD"))
    feeds = calls_floor(tmp_path, path="feeds/calls*")
    assert agents(feeds) == ["A1", "A2"]
    assert all(s.rejected == 0 and not s.errors for s in feeds.statuses())


def test_a_glob_from_the_root_is_refused_with_a_hint(tmp_path: Path) -> None:
    from floorwatch.config.loader import ConfigError, load_config

    assert searches_from_root("/**/*.csv")
    assert searches_from_root("/*/calls.csv")
    assert not searches_from_root("/var/log/dialer/**/*.csv")
    (tmp_path / "floorwatch.yaml").write_text(
        "feeds: [{name: calls, path: '/**/*.csv', agent: a, time: {column: t},"
        " fields: {h: {column: h, type: seconds}}}]\n"
        "metrics: {aht: {field: h, agg: mean, better: lower, green: 1, red: 2}}\n"
    )
    began = time.monotonic()
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "floorwatch.yaml")
    assert "would search every folder of the disk" in str(raised.value)
    assert "start it at the feeds' folder" in str(raised.value)
    assert time.monotonic() - began < 5


def test_feed_files_prefers_the_plain_path_of_a_linked_file(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("x")
    (tmp_path / "a.csv").symlink_to("b.csv")
    assert list(feed_files(str(tmp_path / "*.csv"))) == [str(tmp_path / "b.csv")]
