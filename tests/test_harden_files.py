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


def test_a_fifo_swapped_in_under_a_feed_name_never_blocks(tmp_path: Path) -> None:
    import threading

    from floorwatch.feeds.tailer import FeedTailer

    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "calls.csv").write_text(ROWS)
    feeds = calls_floor(tmp_path)
    assert agents(feeds) == ["A1", "A2"]
    (folder / "calls.csv").unlink()
    os.mkfifo(folder / "calls.csv")  # no writer: a blocking open would wait forever
    tailer = FeedTailer(feeds.config.feeds[0], str(folder / "calls.csv"), "x", feeds.context)
    done = threading.Event()

    def read() -> None:
        tailer.open()
        tailer.drain()
        feeds.poll()
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(10), "opening a FIFO blocked"
    assert tailer.errors == ["x: is not a regular file (a FIFO): not read"]


def write_old(path: Path, text: str) -> None:
    path.write_text(text)
    old = time.time() - 3600
    os.utime(path, (old, old))


LIMITED = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[2]), int(sys.argv[2])))
from tests.test_harden_files import calls_floor, rows_of
feeds = calls_floor(Path(sys.argv[1]))
rows = rows_of(feeds.load_all())
print(len(rows), sum(1 for s in feeds.statuses() if s.errors))
print(next((e for s in feeds.statuses() for e in s.errors), ""))
"""


def run_limited(tmp_path: Path, limit: int) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", LIMITED, str(tmp_path), str(limit)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_thousands_of_quiet_files_need_no_descriptor_each(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    for day in range(600):
        write_old(folder / f"calls-{day:04d}.csv", CALL_HEADER + call_line(day % 60, f"A{day}"))
    # 600 files under a limit of 128 descriptors (Python and its libraries hold ~40)
    assert run_limited(tmp_path, 128) == ["600 0", ""]


def test_hitting_the_descriptor_limit_is_a_reported_error(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    for day in range(300):  # all being written now: none is quiet
        (folder / f"calls-{day:04d}.csv").write_text(CALL_HEADER + call_line(day % 60, f"A{day}"))
    rows = run_limited(tmp_path, 128)
    counted, with_errors = map(int, rows[0].split())
    assert counted > 0 and with_errors > 0 and counted + with_errors == 300
    assert rows[1].endswith("cannot be read (Too many open files)")


def test_a_deleted_file_gives_its_descriptor_back_once_read(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "calls.csv").write_text(ROWS)
    feeds = calls_floor(tmp_path)
    assert agents(feeds) == ["A1", "A2"]
    tailer = feeds._tailers["calls"][0]
    with (folder / "calls.csv").open("a") as writer:
        (folder / "calls.csv").unlink()
        writer.write(call_line(3, "LATE"))  # written after the delete: still read
        writer.flush()
        assert agents(feeds, cold=False) == ["LATE"]
    feeds.poll()
    assert tailer.fd is None
