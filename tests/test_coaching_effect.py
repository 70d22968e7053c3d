"""The coaching effect on a constructed before/after: then (the evidence) and now (the same
window at the follow-up's due time), improved in N of M per supervisor and floor, and the 7
floor days before and after each note."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorwatch.coaching.effect import tally, window_start
from floorwatch.commands.report import build
from floorwatch.config import load_config
from floorwatch.reports.period import period_ending
from floorwatch.store import NoteStore
from tests.report_support import NOTE_DAY, write_floor, write_notes


@pytest.fixture()
def document(tmp_path: Path) -> dict:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    write_notes(store)
    review = build(config, store, period_ending("week", NOTE_DAY.replace(day=14)), None, UTC)
    store.close()
    return review.document


def test_follow_ups_then_and_now(document: dict) -> None:
    follow_ups = {item["agent"]: item for item in document["coaching"]["follow_ups"]}
    # due 2026-11-10 12:00: the 60m window before it holds the 11:30 call only
    assert follow_ups["A1"]["then"] == 400.0 and follow_ups["A1"]["now"] == 250.0
    assert follow_ups["A1"]["count"] == 1
    assert follow_ups["A1"]["outcome"] == "improved"
    assert follow_ups["A2"]["then"] == 300.0 and follow_ups["A2"]["now"] == 350.0
    assert follow_ups["A2"]["outcome"] == "worse"
    improved = document["coaching"]["improved"]
    assert (improved["improved"], improved["of"]) == (1, 2)
    assert improved["text"] == "coached metrics improved in 1 of 2 follow-ups"
    assert improved["by_author"] == {
        "grace": {"improved": 0, "of": 1},
        "li.wei": {"improved": 1, "of": 1},
    }
    authors = {a["author"]: a for a in document["coaching"]["authors"]}
    assert (authors["li.wei"]["improved"], authors["li.wei"]["follow_ups"]) == (1, 1)


def test_notes_written_in_the_period(document: dict) -> None:
    written = document["coaching"]["written"]
    assert [(n["agent"], n["author"], n["metrics"]) for n in written] == [
        ("A1", "li.wei", ["aht"]),
        ("A2", "grace", ["aht"]),
    ]
    assert document["coaching"]["notes"] == 2 and document["coaching"]["improvement"] == 2


def test_before_and_after_each_note(document: dict) -> None:
    around = {item["agent"]: item for item in document["coaching"]["before_after"]}
    # 7 floor days before 2026-11-08 (01..07) and after it (09..15; the floor has up to 14)
    assert around["A1"]["before"] == 400.0 and around["A1"]["after"] == 250.0
    assert around["A1"]["outcome"] == "improved"
    assert around["A2"]["before"] == 400.0 and around["A2"]["after"] == 350.0
    assert around["A2"]["outcome"] == "improved"


def test_a_follow_up_not_yet_due_is_not_counted(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    write_notes(store)
    review = build(config, store, period_ending("week", NOTE_DAY), None, UTC)  # ends 11-08
    store.close()
    assert review.document["coaching"]["follow_ups"] == []
    assert tally([]).text() == "coached metrics improved in 0 of 0 follow-ups"


def test_windows() -> None:
    end = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    start_of_day = datetime(2026, 11, 10, tzinfo=UTC)
    assert window_start("60m", end, lambda at: start_of_day) == datetime(
        2026, 11, 10, 11, 0, tzinfo=UTC
    )
    assert window_start("today", end, lambda at: start_of_day) == start_of_day
