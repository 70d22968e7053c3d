"""Issue 18.8: bounds. --at far out of range is a clear error; DST in --at and day_starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from floorwatch.cli import UserError
from floorwatch.commands.board import parse_at
from floorwatch.live.clock import DayClock, local_moment
from floorwatch.live.daily_figures import floor_days

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31T23:00", "nan", "-inf", "1e300", "-5"])
def test_an_at_out_of_range_is_a_clear_error(text: str) -> None:
    with pytest.raises(UserError, match="out of range: give a time between 1970 and 2200"):
        parse_at(text, "Europe/Paris")


def test_an_at_the_clocks_skip_is_an_error_and_a_repeated_one_is_its_first_pass() -> None:
    with pytest.raises(UserError, match="does not exist in Europe/Paris: the clocks skip it"):
        parse_at("2026-03-29T02:30", "Europe/Paris")
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp()  # 02:30 CEST
    assert parse_at("2026-10-25T02:30", "Europe/Paris") == first_pass
    assert (
        parse_at("2026-03-29T03:30", "Europe/Paris")
        == datetime(2026, 3, 29, 1, 30, tzinfo=UTC).timestamp()
    )


def test_a_day_start_the_clocks_skip_is_the_moment_of_the_jump() -> None:
    # Paris jumps from 02:00 to 03:00 on 2026-03-29: a 02:30 day start is at 03:00 CEST.
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC).timestamp()
    assert local_moment(date(2026, 3, 29), time(2, 30), PARIS) == jump
    clock = DayClock("Europe/Paris", "02:30")
    assert clock.start(jump + 60) == jump
    assert clock.start(jump - 60) == datetime(2026, 3, 28, 1, 30, tzinfo=UTC).timestamp()
    days = floor_days([jump - 60, jump + 60], clock)  # type: ignore[arg-type]
    assert days.tolist() == ["2026-03-28", "2026-03-29"]


def test_a_day_start_the_clocks_pass_twice_is_its_first_pass() -> None:
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp()  # 02:30 CEST, before 02:30 CET
    assert local_moment(date(2026, 10, 25), time(2, 30), PARIS) == first
    clock = DayClock("Europe/Paris", "02:30")
    assert clock.start(first + 3600) == first  # the second 02:30 does not start another day


def test_feed_ids_and_names_have_length_limits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_feeds_support import CALL_HEADER, calls_floor, rows_of, status_of

    long_id, long_name = "A" * 65, "N" * 150
    text = CALL_HEADER
    text += f"2024-03-01T09:00:00,{long_id},x,north,100,Y\n"
    text += f"2024-03-01T09:01:00,A2,{long_name},{long_name},100,Y\n"
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "calls.csv").write_text(text)
    feeds = calls_floor(tmp_path)
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["A2"]
    assert rows["name"].tolist() == ["N" * 99 + "\u2026"]
    assert len(rows["team"].tolist()[0]) == 100
    (error,) = status_of(feeds, "calls.csv").errors
    assert error.startswith("feeds/calls.csv:2: agent_id 'AAAA")
    assert error.endswith("is longer than 64 characters")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agent", "A" * 65, "The agent id is longer than 64 characters."),
        ("tags", tuple("t" * 33 for _ in range(1)), "each at most 32 characters"),
        ("tags", tuple(f"m{i}" for i in range(21)), "at most 20"),
        ("timeframe", "+1d" + " " * 70, "Timeframe is longer than 64 characters."),
    ],
)
def test_note_ids_tags_and_timeframes_have_length_limits(
    field: str, value: object, message: str
) -> None:
    from floorwatch.coaching import NoteDraft, validate_draft

    fields: dict[str, object] = {
        "agent": "A1", "behavior": "b", "suggestion": "s", "timeframe": "+1d", field: value,
    }  # fmt: skip
    problems = validate_draft(NoteDraft(**fields), datetime(2026, 12, 1, tzinfo=UTC), UTC, None)  # type: ignore[arg-type]
    assert message in problems[field]
