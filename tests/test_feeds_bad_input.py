"""Bad input never crashes and never hides good data: each bad row is rejected alone, counted,
and explained as path:line: reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorwatch.feeds import FloorFeeds
from floorwatch.feeds.formats.registry import MAX_LINE_BYTES
from floorwatch.feeds.tailer import MAX_ERRORS
from tests.test_feeds_support import (
    CALL_HEADER,
    append,
    call_line,
    calls_floor,
    feed_config,
    floor_config,
    rows_of,
    status_of,
)


def load(tmp_path: Path, content: bytes, **options: object) -> tuple[FloorFeeds, list[str]]:
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    feeds = calls_floor(tmp_path, **options)
    rows = rows_of(feeds.load_all())
    return feeds, rows["agent"].tolist()


GOOD_BEFORE = call_line(0, "G1")
GOOD_AFTER = call_line(9, "G2")


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (call_line(1, "B1", handle="abc"), "handle_time 'abc' is not a number of seconds"),
        (call_line(1, "B1", resolved="maybe"), "resolved 'maybe' is not a yes/no value"),
        ("2024-03-01T09:01:00,B1,Agent B1\n", "missing column 'team' (the row has 3 of 6 fields)"),
        ("2024-03-01T09:01:00,B1,Agent B1,north,100,Y,extra\n", "has 7 fields, the header has 6"),
        ("not a time,B1,Agent B1,north,100,Y\n", "ended_at 'not a time' is not a time"),
        (",B1,Agent B1,north,100,Y\n", "ended_at has no time (empty)"),
        ("2024-03-01T09:01:00,,Agent B1,north,100,Y\n", "agent_id is empty"),
        ("2024-03-01T09:01:00,\x1b\u202e\x07,Agent,north,1,Y\n", "agent_id is empty"),
    ],
)
def test_a_bad_row_is_rejected_alone(tmp_path: Path, bad_line: str, reason: str) -> None:
    content = (CALL_HEADER + GOOD_BEFORE + bad_line + GOOD_AFTER).encode()
    feeds, agents = load(tmp_path, content)
    assert agents == ["G1", "G2"]
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 1
    assert len(status.errors) == 1
    assert status.errors[0].startswith(f"feeds/calls.csv:3: {reason}")


def test_an_empty_line_is_skipped_silently(tmp_path: Path) -> None:
    content = (CALL_HEADER + GOOD_BEFORE + "\n\r\n" + GOOD_AFTER + "\n").encode()
    feeds, agents = load(tmp_path, content)
    assert agents == ["G1", "G2"]
    assert status_of(feeds, "calls.csv").rejected == 0


def test_an_empty_cell_is_a_missing_value_not_an_error(tmp_path: Path) -> None:
    content = (CALL_HEADER + call_line(1, "E1", handle="", resolved="")).encode()
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_bytes(content)
    feeds = calls_floor(tmp_path)
    rows = rows_of(feeds.load_all())
    assert rows["handle_time"].isna().all() and rows["resolved"].isna().all()
    assert status_of(feeds, "calls.csv").rejected == 0


def test_invalid_utf8(tmp_path: Path) -> None:
    bad = call_line(1, "B1").replace("Agent B1", "Agent \udcff").encode("utf-8", "surrogateescape")
    content = CALL_HEADER.encode() + GOOD_BEFORE.encode() + bad + GOOD_AFTER.encode()
    feeds, agents = load(tmp_path, content)
    assert agents == ["G1", "G2"]
    assert status_of(feeds, "calls.csv").errors == ["feeds/calls.csv:3: is not valid UTF-8 text"]


def test_a_10_mb_line_in_one_piece(tmp_path: Path) -> None:
    huge = "2024-03-01T09:01:00,B1," + "x" * (10 << 20) + ",north,1,Y\n"
    feeds, agents = load(tmp_path, (CALL_HEADER + GOOD_BEFORE + huge + GOOD_AFTER).encode())
    assert agents == ["G1", "G2"]
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 1
    assert status.errors[0].startswith("feeds/calls.csv:3: line is longer than")


def tailing_calls(tmp_path: Path) -> tuple[Path, FloorFeeds]:
    """feeds/calls.csv with a header and a good row, read once: ready for appends."""
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_text(CALL_HEADER + GOOD_BEFORE)
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    return path, feeds


def test_a_10_mb_line_written_in_pieces_is_never_held_whole(tmp_path: Path) -> None:
    path, feeds = tailing_calls(tmp_path)
    tailer = feeds._tailers["calls"][0]
    append(path, "2024-03-01T09:01:00,B1,")
    for _ in range(10):
        append(path, "y" * (1 << 20))  # a runaway writer, a megabyte at a time
        assert rows_of(feeds.poll()).empty
        assert len(tailer.pending) <= MAX_LINE_BYTES
    append(path, ",north,1,Y\n" + GOOD_AFTER)
    assert rows_of(feeds.poll())["agent"].tolist() == ["G2"]
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 1
    assert status.errors == [f"feeds/calls.csv:3: line is longer than {MAX_LINE_BYTES:,} bytes"]


def test_a_header_without_a_configured_column(tmp_path: Path) -> None:
    content = (
        "ended_at,agent_id,agent_name,team,handle_seconds,resolved\n" + GOOD_BEFORE + GOOD_AFTER
    ).encode()
    feeds, agents = load(tmp_path, content)
    assert agents == []
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 2
    assert status.errors == [
        "feeds/calls.csv:1: the header has no column 'handle_s' (it has: ended_at, agent_id, "
        "agent_name, team, handle_seconds, resolved)"
    ]


def test_a_lone_carriage_return_inside_a_field_keeps_the_rows_apart(tmp_path: Path) -> None:
    sneaky = "2024-03-01T09:01:00,B1,Bob\rEvil,north,1,Y\n"
    feeds, agents = load(tmp_path, (CALL_HEADER + GOOD_BEFORE + sneaky + GOOD_AFTER).encode())
    assert agents == ["G1", "B1", "G2"]
    assert status_of(feeds, "calls.csv").rejected == 0


def test_names_are_cleaned_of_escapes_and_bidi_controls(tmp_path: Path) -> None:
    line = "2024-03-01T09:01:00,\x1b[31mA1\x1b[0m,\x1b]0;pwned\x07Bob\u202e,\u2066north\u2069,1,Y\n"
    path = tmp_path / "feeds" / "calls.csv"
    path.parent.mkdir()
    path.write_text(CALL_HEADER + line)
    frame = rows_of(calls_floor(tmp_path).load_all())
    assert frame["agent"].tolist() == ["[31mA1[0m"]
    assert frame["name"].tolist() == ["]0;pwnedBob"]
    assert frame["team"].tolist() == ["north"]
    for text in (*frame["agent"], *frame["name"], *frame["team"]):
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text)
        assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in text)


def test_reasons_quote_the_value_cleaned_and_short(tmp_path: Path) -> None:
    value = "\x1b[31m" + "9" * 30 + "x" * 30
    feeds, _ = load(tmp_path, (CALL_HEADER + call_line(1, "B1", handle=value)).encode())
    (error,) = status_of(feeds, "calls.csv").errors
    assert "\x1b" not in error and "…" in error and len(error) < 160


def test_only_the_first_reasons_are_kept_but_every_rejection_counts(tmp_path: Path) -> None:
    bad = "".join(call_line(i % 60, f"B{i}", handle="zz") for i in range(500))
    feeds, agents = load(tmp_path, (CALL_HEADER + bad + GOOD_AFTER).encode())
    assert agents == ["G2"]
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 500
    assert len(status.errors) == MAX_ERRORS
    assert status.errors[0].startswith("feeds/calls.csv:2: ")
    assert status.errors[-1].startswith(f"feeds/calls.csv:{MAX_ERRORS + 1}: ")


def test_where_and_exclude_agents_drop_rows_without_rejecting_them(tmp_path: Path) -> None:
    header = "ended_at,agent_id,agent_name,team,handle_s,resolved,outcome\n"
    lines = [
        "2024-03-01T09:00:00,A1,Ann,north,100,Y,AGENT\n",
        "2024-03-01T09:01:00,A2,Bob,north,abc,Y,HANG\n",  # filtered out: never checked
        "2024-03-01T09:02:00,NO_SERVER,,north,5,Y,AGENT\n",
        "2024-03-01T09:03:00,A3,Cy,north,7,N,AGENT\n",
    ]
    feeds, agents = load(
        tmp_path,
        (header + "".join(lines)).encode(),
        where=(("outcome", ("AGENT",)),),
        exclude_agents=("NO_SERVER",),
    )
    assert agents == ["A1", "A3"]
    assert status_of(feeds, "calls.csv").rejected == 0


def test_an_unknown_format_is_said_once(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "calls.log"
    path.parent.mkdir()
    path.write_text("whatever\n")
    config = floor_config(tmp_path, feed_config(tmp_path, "feeds/*.log", fmt="no_such_format"))
    feeds = FloorFeeds(config)
    feeds.load_all()
    feeds.poll()
    (status,) = feeds.statuses()
    assert len(status.errors) == 1 and "no parser for format 'no_such_format'" in status.errors[0]


def test_a_quote_that_never_closes_costs_one_line(tmp_path: Path) -> None:
    stray = '2024-03-01T09:01:00,B1,"Bob,north,1,Y\n'  # the quote opens a field, never closes
    after = "".join(call_line(10 + i % 40, f"G{i + 3}") for i in range(60))
    content = CALL_HEADER + GOOD_BEFORE + stray + after + GOOD_AFTER
    feeds, agents = load(tmp_path, content.encode())
    assert agents == ["G1", *(f"G{i + 3}" for i in range(60)), "G2"]
    status = status_of(feeds, "calls.csv")
    assert status.rejected == 1
    assert status.errors == ["feeds/calls.csv:3: has a quote that is never closed"]


def test_a_quote_that_never_closes_while_tailing(tmp_path: Path) -> None:
    path, feeds = tailing_calls(tmp_path)
    append(path, '2024-03-01T09:01:00,B1,"Bob,north,1,Y\n')
    seen: list[str] = []
    for i in range(40):  # rows keep coming, one write at a time
        append(path, call_line(10 + i % 40, f"L{i}"))
        seen += rows_of(feeds.poll()).get("agent", []).tolist()
    assert seen == [f"L{i}" for i in range(40)]  # late (after 32 lines) but none lost
    assert status_of(feeds, "calls.csv").rejected == 1
