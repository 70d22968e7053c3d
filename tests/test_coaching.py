"""The pure coaching rules: timeframes, validation, evidence, and the loop checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from floorwatch.coaching import (
    IMPROVED,
    IMPROVEMENT,
    PRAISE,
    SAME,
    TIMEFRAME_PICKS,
    WORSE,
    Evidence,
    FollowUp,
    Indicator,
    Note,
    NoteDraft,
    agent_indicators,
    behavior_prefill,
    cadence,
    describe_due,
    draft_fields,
    draft_from_fields,
    due_follow_ups,
    evidence_for,
    evidence_from_json,
    evidence_to_json,
    feedback_within_24h,
    follow_up_outcome,
    note_record,
    open_follow_ups,
    parse_tags,
    parse_timeframe,
    praise_ratio,
    validate_draft,
)
from floorwatch.config import load_config
from floorwatch.live.board import AgentRow, MetricCell
from floorwatch.live.thresholds import Status

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 30 November 2026, 10:02 on the floor.
NOW = datetime(2026, 11, 30, 10, 2, tzinfo=BERLIN)

CONFIG_YAML = """\
floor: {name: Test floor, timezone: Europe/Berlin}
feeds:
  - name: calls
    path: calls.csv
    time: {column: ts}
    agent: agent
    team: team
    fields: {handle_time: {column: aht, type: seconds}, csat: {column: csat, type: percent}}
metrics:
  aht: {label: AHT, field: handle_time, agg: mean, window: 60m, better: lower,
        green: "3:30", red: "5:00", format: duration}
  csat: {label: CSAT, field: csat, agg: mean, window: today, better: higher,
         green: 90%, red: 80%, format: percent}
  asa: {label: ASA, field: handle_time, agg: mean, window: 15m, better: lower, green: 20,
        red: 30}
thresholds:
  teams: {night: {aht: {green: 240}}}
"""


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


# -- timeframes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3h", at(30, 13, 2)),
        ("3 hours", at(30, 13, 2)),
        ("+1d", at(1, 17, month=12)),  # a day-granular timeframe means by the end of the shift
        ("in 2 days", at(2, 17, month=12)),
        ("+2w", at(14, 17, month=12)),
        ("1 week", at(7, 17, month=12)),
        ("tomorrow", at(1, 17, month=12)),
        ("Tomorrow 10:00", at(1, 10, month=12)),
        ("today", at(30, 17)),
        ("end of shift", at(30, 17)),
        ("EOD", at(30, 17)),
        ("next week", at(7, 17, month=12)),
        ("monday", at(7, 17, month=12)),  # today is Monday: the next one
        ("wed", at(2, 17, month=12)),
        ("next friday 9:30", at(4, 9, 30, month=12)),
        ("2026-12-03", at(3, 17, month=12)),
        ("2026-12-03 14:00", at(3, 14, month=12)),
        ("2026-12-03T14:00", at(3, 14, month=12)),
        ("15:30", at(30, 15, 30)),
        ("  +1D  ", at(1, 17, month=12)),
    ],
)
def test_timeframes(text: str, expected: datetime) -> None:
    due = parse_timeframe(text, NOW, BERLIN, None)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


def test_shift_end_is_configurable_and_end_of_shift_rolls_over_once_past() -> None:
    late = at(30, 18)
    assert parse_timeframe("end of shift", late, BERLIN, time(17)) == at(1, 17, month=12)
    assert parse_timeframe("tomorrow", NOW, BERLIN, time(22, 30)) == at(1, 22, 30, month=12)


def test_timeframe_keeps_wall_time_across_a_dst_change() -> None:
    before_dst_end = datetime(2026, 10, 24, 12, tzinfo=BERLIN)  # clocks go back on 25 October
    due = parse_timeframe("+2d", before_dst_end, BERLIN, time(17))
    assert (due.hour, due.day, due.utcoffset()) == (17, 26, timedelta(hours=1))
    assert parse_timeframe("+24h", before_dst_end, BERLIN).hour == 11  # exact hours, not wall


def test_now_in_another_zone_is_read_in_the_floor_zone() -> None:
    utc_now = NOW.astimezone(UTC)
    assert parse_timeframe("end of shift", utc_now, BERLIN) == at(30, 17)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "no timeframe"),
        ("30/11", "year-month-day"),
        ("+1m", "minutes or months"),
        ("+3x", "unknown unit"),
        ("soonish", r"try \+3h"),
        ("2026-13-40", "not a date"),
        ("25:00", "not a time of day"),
        ("+9999d", "three years"),
        ("2026-11-30Tnope", "not a date-time"),
    ],
)
def test_bad_timeframes_say_what_to_type(text: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_timeframe(text, NOW, BERLIN)


def test_every_quick_pick_parses_to_the_future() -> None:
    for text, meaning in TIMEFRAME_PICKS:
        assert parse_timeframe(text, NOW, BERLIN) > NOW, text
        assert meaning


def test_describe_due() -> None:
    assert describe_due(at(2, 17, month=12), NOW, BERLIN) == "Wed 02 Dec 17:00 (in 2 days)"
    assert describe_due(at(1, 9, month=12), NOW, BERLIN).endswith("(tomorrow)")
    assert describe_due(at(30, 9), NOW, BERLIN).endswith("(already passed)")


# -- validation -----------------------------------------------------------------------------------


def draft(**fields: object) -> NoteDraft:
    base: dict[str, object] = {
        "agent": "A017",
        "agent_name": "Dana",
        "behavior": "10:02 call: 15 s of silence after the customer's question",
        "effect": "the customer asked twice whether anyone was there",
        "suggestion": "say: let me check that, one moment please",
        "timeframe": "+1d",
    }
    base.update(fields)
    return NoteDraft(**base)  # type: ignore[arg-type]


def test_a_complete_draft_has_no_problems() -> None:
    assert validate_draft(draft(), NOW, BERLIN) == {}
    assert validate_draft(draft(kind=PRAISE, suggestion=""), NOW, BERLIN) == {}


def test_required_fields_get_a_message_each() -> None:
    problems = validate_draft(draft(behavior="  ", suggestion="", timeframe=""), NOW, BERLIN)
    assert set(problems) == {"behavior", "suggestion", "timeframe"}
    assert "Behavior is required" in problems["behavior"]
    assert "Suggestion is required for an improvement note" in problems["suggestion"]
    assert "Timeframe is required" in problems["timeframe"]
    assert "+1d" in problems["timeframe"]  # says what to type


def test_timeframe_must_parse_and_not_be_past() -> None:
    assert "year-month-day" in validate_draft(draft(timeframe="30/11"), NOW, BERLIN)["timeframe"]
    past = validate_draft(draft(timeframe="09:00"), NOW, BERLIN)["timeframe"]
    assert "already past" in past and "2026-11-30 09:00" in past


def test_kind_visibility_agent_and_size_are_checked() -> None:
    problems = validate_draft(
        draft(kind="scolding", visibility="public", agent="", effect="x" * 20_001), NOW, BERLIN
    )
    assert set(problems) == {"kind", "visibility", "agent", "effect"}
    assert "improvement or praise" in problems["kind"]
    assert "private or shared" in problems["visibility"]


def test_tags_are_trimmed_and_deduplicated() -> None:
    assert parse_tags(" aht, csat,,aht asa ") == ("aht", "csat", "asa")
    assert parse_tags("") == ()


# -- evidence -------------------------------------------------------------------------------------


@pytest.fixture()
def config(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "floorwatch.yaml"
    path.write_text(CONFIG_YAML)
    return load_config(path)


def cell(key: str, value: float | None, status: Status, count: int = 8) -> MetricCell:
    return MetricCell(key=key, value=value, count=count, status=status, excess=0.0)


def row(team: str | None = None) -> AgentRow:
    cells = {
        "aht": cell("aht", 312.0, Status.RED),
        "csat": cell("csat", 0.85, Status.AMBER),
        "asa": cell("asa", 12.0, Status.GREEN),
    }
    return AgentRow("A017", "Dana", team, Status.RED, cells)


def test_evidence_is_the_red_then_amber_metrics_with_their_thresholds(config) -> None:  # type: ignore[no-untyped-def]
    evidence = evidence_for(row(), config)
    assert [(e.metric, e.status) for e in evidence] == [("aht", "red"), ("csat", "amber")]
    aht = evidence[0]
    assert (aht.value, aht.green, aht.red, aht.window, aht.count) == (312.0, 210.0, 300.0, "60m", 8)
    assert (aht.better, aht.format, aht.label) == ("lower", "duration", "AHT")


def test_evidence_uses_the_agents_team_threshold(config) -> None:  # type: ignore[no-untyped-def]
    assert evidence_for(row(team="night"), config)[0].green == 240.0


def test_behavior_prefill_reads_like_the_board(config) -> None:  # type: ignore[no-untyped-def]
    text = behavior_prefill(NOW, evidence_for(row(), config))
    assert text == (
        "10:02 AHT 5:12 over last 60m (target <= 3:30, red > 5:00); "
        "CSAT 85% today (target >= 90%, red < 80%)"
    )
    assert behavior_prefill(NOW, []) == "10:02 "


def test_band_evidence_and_custom_formatter() -> None:
    band = Evidence("volume", "Volume", 5.0, "red", (20.0, 60.0), (10.0, 80.0), "today", 5, "band")
    text = behavior_prefill(NOW, [band], formatter=lambda value, fmt: f"<{value:g}>")
    assert text == "10:02 Volume <5> today (target <20>-<60>, red outside <10>-<80>)"


def test_evidence_json_round_trip() -> None:
    items = (
        Evidence("aht", "AHT", 312.0, "red", 210.0, None, "60m", 8, "lower", "duration"),
        Evidence("volume", "Volume", None, "none", (20.0, 60.0), (10.0, 80.0), "today", 0, "band"),
    )
    assert evidence_from_json(evidence_to_json(items)) == items


def test_draft_fields_round_trip_for_autosave() -> None:
    original = draft(
        tags=("aht", "csat"),
        evidence=(Evidence("aht", "AHT", 312.0, "red", 210.0, 300.0, "60m", 8),),
        observed_at=NOW,
        kind=PRAISE,
        visibility="shared",
    )
    fields = draft_fields(original)
    assert all(isinstance(value, str) for value in fields.values())
    assert draft_from_fields("A017", fields) == original


def test_a_damaged_draft_still_restores_its_text() -> None:
    restored = draft_from_fields(
        "A017", {"behavior": "kept", "evidence": "{not json", "observed_at": "yesterday"}
    )
    assert (restored.behavior, restored.evidence, restored.observed_at) == ("kept", (), None)
    assert restored.kind == IMPROVEMENT


# -- the loop -------------------------------------------------------------------------------------


AHT_EVIDENCE = Evidence("aht", "AHT", 312.0, "red", 210.0, 300.0, "60m", 8)


def note(
    id: int,
    created: datetime,
    agent: str = "A017",
    kind: str = IMPROVEMENT,
    tags: tuple[str, ...] = ("aht",),
    due: datetime | None = None,
    **extra: object,
) -> Note:
    return Note(
        id=id,
        agent=agent,
        agent_name=agent,
        author="li.wei",
        observed_at=created,
        created_at=created,
        behavior="b",
        effect="e",
        suggestion="s",
        timeframe="+1d",
        follow_up_due=due,
        kind=kind,
        tags=tags,
        visibility="private",
        evidence=extra.pop("evidence", (AHT_EVIDENCE,)),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def test_feedback_within_24h() -> None:
    red_at = at(30, 9)
    reds = [
        SimpleNamespace(agent="A017", metric="aht", at=red_at.timestamp()),
        SimpleNamespace(agent="B002", metric="csat", at=red_at),
        SimpleNamespace(agent="C003", metric="aht", at=red_at),
        SimpleNamespace(agent="D004", metric="aht", at=at(30, 9)),
    ]
    notes = [
        note(1, at(29, 9), agent="A017"),  # before the red: does not count
        note(2, at(30, 15), agent="A017"),
        note(3, at(1, 9, 30, month=12), agent="B002"),  # 24.5 h later: too late
        note(4, at(30, 10), agent="D004", retracted=True),  # retracted: does not count
    ]
    found = feedback_within_24h(reds, notes)
    assert [(f.agent, f.state, f.note_id) for f in found] == [
        ("A017", "given", 2),
        ("B002", "missed", None),
        ("C003", "missed", None),
        ("D004", "missed", None),
    ]
    pending = feedback_within_24h(reds[2:3], notes, now=at(30, 20))
    assert pending[0].state == "pending"


def test_praise_ratio() -> None:
    notes = [note(i, at(30, 9), kind=PRAISE) for i in range(1, 7)]
    notes += [note(7, at(30, 9)), note(8, at(30, 9)), note(9, at(30, 9), agent="B002")]
    notes.append(note(10, at(30, 9), kind=PRAISE, retracted=True))
    ratio = praise_ratio(notes)
    assert (ratio.praise, ratio.improvement, ratio.ratio) == (6, 3, 2.0)
    assert not ratio.on_target
    one = praise_ratio(notes, agent="A017")
    assert (one.ratio, one.on_target) == (3.0, True)
    assert praise_ratio(notes, since=at(1, 0, month=12)) == (0, 0, None)
    assert praise_ratio([note(1, NOW, kind=PRAISE)]).on_target


def test_cadence_for_new_hires_and_everyone() -> None:
    hires = {
        "NEW1": date(2026, 11, 20),  # hired 10 days ago, never coached: overdue (day 7)
        "NEW2": date(2026, 11, 28),  # hired 2 days ago: first coaching due by 5 December
        "NEW3": "2026-11-10",  # coached on day 3 and day 12: weekly, next by 29 November
        "OLD1": "2025-01-01",  # last note 40 days ago: monthly touchpoint overdue
        "OLD2": None,  # coached 10 days ago: not due
        "OLD3": None,  # never coached: due now
    }
    notes = [
        note(1, at(13, 9), agent="NEW3"),
        note(2, at(22, 9), agent="NEW3"),
        note(3, NOW - timedelta(days=40), agent="OLD1"),
        note(4, NOW - timedelta(days=10), agent="OLD2"),
        note(5, NOW - timedelta(days=1), agent="OLD2", retracted=True),
    ]
    found = {item.agent: item for item in cadence(hires, notes, NOW, BERLIN, lead=timedelta(0))}
    assert set(found) == {"NEW1", "NEW3", "OLD1", "OLD3"}
    assert (found["NEW1"].rule, found["NEW1"].overdue) == ("first coaching", True)
    assert found["NEW1"].due == at(27, 0)
    assert (found["NEW3"].rule, found["NEW3"].due) == ("weekly (new hire)", at(29, 9))
    assert found["OLD1"].rule == "monthly touchpoint" and found["OLD1"].overdue
    assert (found["OLD3"].due, found["OLD3"].overdue) == (NOW, False)
    with_lead = {item.agent for item in cadence(hires, notes, NOW, BERLIN, lead=timedelta(days=5))}
    assert "NEW2" in with_lead


@pytest.mark.parametrize(
    ("better", "green", "before", "now", "expected"),
    [
        ("lower", 210.0, 312.0, 250.0, IMPROVED),
        ("lower", 210.0, 312.0, 340.0, WORSE),
        ("lower", 210.0, 312.0, 314.0, SAME),  # within 2 %
        ("higher", 0.9, 0.80, 0.88, IMPROVED),
        ("higher", 0.9, 0.80, 0.70, WORSE),
        ("band", (20.0, 60.0), 5.0, 30.0, IMPROVED),
        ("band", (20.0, 60.0), 70.0, 90.0, WORSE),
        ("band", (20.0, 60.0), 30.0, 50.0, SAME),  # both inside the band
    ],
)
def test_follow_up_outcome(
    better: str, green: object, before: float, now: float, expected: str
) -> None:
    item = Evidence("m", "M", before, "red", green, None, "60m", 8, better)  # type: ignore[arg-type]
    assert follow_up_outcome(note(1, NOW, evidence=(item,)), now) == expected


def test_follow_up_outcome_picks_the_metric_and_needs_values() -> None:
    items = (
        Evidence("aht", "AHT", 312.0, "red", 210.0, 300.0, "60m", 8),
        Evidence("csat", "CSAT", 0.8, "red", 0.9, 0.8, "today", 8, "higher"),
    )
    subject = note(1, NOW, evidence=items)
    assert follow_up_outcome(subject, 0.95, metric="csat") == IMPROVED
    assert follow_up_outcome(subject, None) is None
    assert follow_up_outcome(subject, 1.0, metric="asa") is None


def test_open_follow_ups_close_by_check_in_closing_or_retraction() -> None:
    due = at(1, 17, month=12)
    notes = [
        note(1, at(30, 9), due=due),  # checked in by note 4 (same tag, close to the due time)
        note(2, at(30, 9), due=due, tags=("csat",)),  # note 4 is about aht: stays open
        note(3, at(30, 9), due=due, agent="B002", follow_up_closed_at=NOW),  # closed
        note(4, at(1, 10, month=12), due=at(8, 17, month=12)),
        note(5, at(30, 9), due=due, agent="C003", retracted=True),
        note(6, at(30, 9, 30), due=at(14, 17, month=12), agent="D004"),
        note(7, at(30, 10), agent="D004"),  # written too early to count as its check-in
    ]
    assert [n.id for n in open_follow_ups(notes)] == [2, 4, 6]


def test_due_follow_ups_and_indicators() -> None:
    notes = [
        note(1, at(29, 9), due=at(30, 9)),  # overdue this morning
        note(2, at(29, 9), agent="B002", tags=("csat",), due=at(30, 17)),  # due later today
        note(3, at(29, 9), agent="C003", due=at(1, 17, month=12)),  # tomorrow: not yet
        note(4, at(30, 8), agent="D004", kind=PRAISE, tags=("x",)),  # today, no follow-up
    ]
    follow_ups = due_follow_ups(notes, NOW, BERLIN)
    assert [(f.note.id, f.overdue) for f in follow_ups] == [(1, True), (2, False)]
    indicators = agent_indicators(notes, follow_ups, NOW, BERLIN)
    assert indicators == {
        "A017": Indicator(noted_today=False, due=0, overdue=1),
        "B002": Indicator(noted_today=False, due=1, overdue=0),
        "D004": Indicator(noted_today=True, due=0, overdue=0),
    }
    assert indicators["A017"].text() == "!"
    assert Indicator(True, 1, 2).text() == "!◷✎"
    assert Indicator(True, 1, 2).text(ascii_only=True) == "!dn"
    assert Indicator(True, 1, 2).describe() == (
        "2 follow-ups overdue; 1 follow-up due today; note given today"
    )


def test_a_note_given_yesterday_evening_utc_is_today_on_the_floor() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    created = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 08:30 on the 30th in Tokyo
    now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    indicators = agent_indicators(
        [note(1, created)], [FollowUp(note(2, created), now, False)], now, tokyo
    )
    assert indicators["A017"].noted_today


def test_note_record_has_the_issue_keys_in_floor_time() -> None:
    record = note_record(
        note(7, datetime(2026, 11, 30, 9, 2, tzinfo=UTC), due=at(1, 17, 0, 12)), BERLIN
    )
    assert list(record)[:14] == [
        "id", "agent", "agent_name", "author", "observed_at", "created_at", "behavior", "effect",
        "suggestion", "follow_up_due", "kind", "tags", "visibility", "evidence",
    ]  # fmt: skip
    assert record["created_at"] == "2026-11-30T10:02:00+01:00"
    assert record["follow_up_due"] == "2026-12-01T17:00:00+01:00"
    assert record["evidence"][0]["value"] == 312.0
