"""The floor's coaching report: praise ratio per supervisor, touchpoints due, follow-ups overdue."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from floorwatch.cli import run_handler
from floorwatch.coaching import NoteDraft
from floorwatch.coaching.floor_report import floor_coaching
from floorwatch.commands import notes as notes_command
from floorwatch.store import NoteStore

NOW = datetime.now(UTC).replace(microsecond=0)
HOSTILE = "[bold]Eve[/]\x1b[2J"


def note(store: NoteStore, agent: str, author: str, days_ago: float, kind: str = "improvement",
         name: str = "") -> None:  # fmt: skip
    draft = NoteDraft(
        agent=agent, agent_name=name or f"Agent {agent}", behavior="10:02 call: long hold",
        effect="the caller waited", suggestion="say what you are doing", timeframe="+1d",
        kind=kind,
    )  # fmt: skip
    store.add(draft, author, NOW - timedelta(days=days_ago))


@pytest.fixture()
def store(tmp_path: Path) -> NoteStore:
    store = NoteStore(tmp_path / "notes.sqlite3")
    note(store, "A1", "li.wei", 2)  # follow-up due 1 day ago ...
    note(store, "A1", "li.wei", 0.1, kind="praise")  # ... checked in by this later note
    note(store, "A2", "li.wei", 0.2, kind="praise")
    note(store, "A2", "li.wei", 0.3, kind="praise")
    note(store, "A3", "grace", 40, name=HOSTILE)  # 40 days ago: touchpoint and follow-up overdue
    note(store, "A1", "grace", 3, kind="praise")
    yield store
    store.close()


def test_praise_ratio_per_author_and_for_the_floor(store: NoteStore) -> None:
    report = floor_coaching(store.notes(), {}, {}, NOW, UTC, days=30)
    li, grace = report.authors
    assert (li.author, li.notes, li.agents) == ("li.wei", 4, 2)
    assert (li.ratio.praise, li.ratio.improvement, li.ratio.on_target) == (3, 1, True)
    assert (grace.author, grace.notes, grace.ratio.praise) == ("grace", 1, 1)  # A3's is too old
    assert (report.floor.praise, report.floor.improvement) == (4, 1)


def test_touchpoints_due_and_follow_ups_overdue(store: NoteStore) -> None:
    hired = {"A9": (NOW - timedelta(days=10)).date(), "A1": date(2020, 1, 1)}
    report = floor_coaching(store.notes(), hired, {"A9": "New Hire"}, NOW, UTC)
    due = {item.agent: item for item in report.due}
    assert set(due) == {"A9", "A3"}  # A1 and A2 were coached days ago
    assert due["A9"].rule == "first coaching" and due["A9"].overdue  # hired 10 days ago, no note
    assert due["A3"].rule == "monthly touchpoint" and due["A3"].overdue
    assert [n.agent for n in report.overdue_follow_ups] == ["A3"]  # A1's was checked in
    assert report.names["A9"] == "New Hire" and report.names["A3"] == HOSTILE


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="floorwatch")
    notes_command.register(parser.add_subparsers(dest="command"))
    return run_handler(parser.parse_args(["notes", *argv]))


def test_notes_report_prints_it_plainly_and_as_json(
    store: NoteStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./floorwatch.yaml
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FLOORWATCH_CONFIG", raising=False)
    assert run("report", "--store", str(store.path)) == 0
    text = capsys.readouterr().out
    assert "  floor: praise 4 : improvement 1 (4.0:1, on target)" in text
    assert "  li.wei: 4 notes on 2 agents, praise 3 : improvement 1 (3.0:1, on target)" in text
    assert "  grace: 1 note on 1 agent, praise 1 : improvement 0" in text
    assert (
        "Touchpoints due: 1" in text and "A3 [bold]Eve[/][2J: monthly touchpoint, overdue" in text
    )
    assert "\x1b" not in text  # the name's escape never reaches the terminal
    assert "Follow-ups overdue: 1" in text and "A3 [bold]Eve[/][2J: due " in text
    assert run("report", "--store", str(store.path), "--format", "json", "--days", "7") == 0
    record = json.loads(capsys.readouterr().out)
    assert record["floor"] == {"praise": 4, "improvement": 1, "ratio": 4.0, "on_target": True}
    assert [d["agent"] for d in record["touchpoints_due"]] == ["A3"]
    assert run("report", "--store", str(store.path), "--days", "0") == 2
    assert run("report", "--store", str(tmp_path / "empty.sqlite3")) == 0
    assert "  floor: no notes" in capsys.readouterr().out
    assert not (tmp_path / "empty.sqlite3").exists()  # a report never creates a store


def test_reds_with_and_without_feedback_within_24_hours(
    store: NoteStore, capsys: pytest.CaptureFixture[str]
) -> None:
    reds = [
        ("A1", "aht", NOW - timedelta(days=2.5)),  # li.wei's note came half a day later: given
        ("A2", "csat", NOW - timedelta(days=2)),  # praise for A2 only 1.8 days later: missed
        ("A3", "fcr", NOW - timedelta(days=5)),  # nothing on A3 since: missed
        ("A1", "aht", NOW - timedelta(hours=1)),  # less than 24 h ago: pending
        ("A2", "aht", NOW - timedelta(days=60)),  # before the period
    ]
    store.record_reds(reds)
    store.record_reds(reds[:1])  # a second board saw the same red: kept once
    assert len(store.reds(NOW - timedelta(days=90))) == 5
    kept = store.reds(NOW - timedelta(days=30))
    report = floor_coaching(store.notes(), {}, {}, NOW, UTC, 30, kept)
    assert [(r.agent, r.state) for r in report.reds] == [
        ("A3", "missed"), ("A1", "given"), ("A2", "missed"), ("A1", "pending"),
    ]  # fmt: skip
    assert run("report", "--store", str(store.path)) == 0
    text = capsys.readouterr().out
    assert "Feedback within 24 h of a red: given 1 of 3 (33%), missed 2, pending 1" in text
    assert "  missed: A2 Agent A2 csat red at " in text
