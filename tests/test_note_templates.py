"""GROW and STAR-AR beside BEST: the same notes (validation, drafts, revisions, evidence, exports,
CLI), their sections kept, and the case library of good and bad STAR-AR examples."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from floorwatch.cli import main
from floorwatch.coaching import NoteDraft, draft_fields, draft_from_fields, validate_draft
from floorwatch.coaching.templates import GROW, STAR_AR, best_fields, make_sections, next_template
from floorwatch.store import InvalidNote, NoteStore
from tests.report_support import evidence

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
GROW_SECTIONS = make_sections(
    GROW,
    {
        "goal": "AHT 9:00 -> 7:00 within a month",
        "reality": "billing lookups take 3 min",
        "options": "macro; FAQ; shadow Li",
        "will": "30 min product study every morning",
    },
)
CASE = make_sections(
    STAR_AR,
    {
        "situation": "locked out three days, very upset",
        "task": "solve within 30 minutes",
        "action": "reset the token, stayed on the line",
        "result": "restored in 20 min, 5 stars",
        "analysis": "announce the expected fix time",
        "reinforcement": "lockout script for all",
    },
)


def grow(**changes: object) -> NoteDraft:
    base = NoteDraft(
        agent="A1",
        template=GROW,
        sections=GROW_SECTIONS,
        timeframe="+1w",
        tags=("aht",),
        evidence=evidence(540.0),
    )
    return NoteDraft(**{**base.__dict__, **changes})


def test_grow_needs_goal_reality_will_and_a_timeframe() -> None:
    assert validate_draft(grow(), NOW, UTC) == {}
    empty = grow(sections=make_sections(GROW, {"options": "a; b"}), timeframe="")
    assert set(validate_draft(empty, NOW, UTC)) == {"goal", "reality", "will", "timeframe"}


def test_star_ar_needs_situation_action_result_not_a_timeframe() -> None:
    case = NoteDraft(agent="A2", template=STAR_AR, sections=CASE, example="good", kind="praise")
    assert validate_draft(case, NOW, UTC) == {}
    bare = NoteDraft(agent="A2", template=STAR_AR, sections=make_sections(STAR_AR, {}))
    assert set(validate_draft(bare, NOW, UTC)) == {"situation", "action", "result"}
    assert "example" in validate_draft(grow(example="good"), NOW, UTC)


def test_sections_give_the_note_its_behavior_and_suggestion() -> None:
    behavior, effect, suggestion = best_fields(grow())
    assert behavior.splitlines()[0] == "Goal: AHT 9:00 -> 7:00 within a month"
    assert "Options: macro; FAQ; shadow Li" in behavior and effect == ""
    assert suggestion == "30 min product study every morning"
    assert next_template("best") == "grow" and next_template("grow") == "star-ar"
    assert next_template("star-ar") == "best"


def test_store_keeps_sections_through_drafts_and_revisions(tmp_path: Path) -> None:
    store = NoteStore(tmp_path / "notes.sqlite3")
    store.save_draft("A1", "li", draft_fields(grow()), NOW)
    fields, _ = store.load_draft("A1", "li")  # type: ignore[misc]
    restored = draft_from_fields("A1", fields)
    assert (restored.template, restored.sections) == (GROW, GROW_SECTIONS)
    note = store.add(restored, "li", NOW)
    assert (note.template, note.sections, note.evidence[0].value) == (GROW, GROW_SECTIONS, 540.0)
    assert note.follow_up_due is not None and note.follow_up_due > NOW + timedelta(days=6)
    sections = dict(GROW_SECTIONS) | {"will": "macro from tomorrow"}
    revised = store.revise(note.id, {"sections": make_sections(GROW, sections)}, "li", NOW)
    assert revised.revision == 2 and dict(revised.sections)["will"] == "macro from tomorrow"
    assert revised.suggestion == "macro from tomorrow"
    assert dict(store.revisions(note.id)[0].sections)["will"] == GROW_SECTIONS[3][1]
    with pytest.raises(InvalidNote) as invalid:
        store.add(grow(sections=make_sections(GROW, {})), "li", NOW)
    assert "goal" in invalid.value.problems
    case = store.add(
        NoteDraft(
            agent="A2",
            template=STAR_AR,
            sections=CASE,
            example="bad",
            topic="access",
            kind="improvement",
        ),
        "li",
        NOW,
    )
    assert case.follow_up_due is None and case.example == "bad"
    store.close()


def test_cli_add_list_export_and_case_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "notes.sqlite3")]
    assert (
        main(
            [
                "notes",
                "add",
                *store,
                "--agent",
                "A1",
                "--template",
                "grow",
                "--goal",
                "AHT 9:00 -> 7:00",
                "--reality",
                "lookups",
                "--options",
                "macro",
                "--will",
                "study daily",
                "--timeframe",
                "+1w",
                "--tags",
                "aht",
            ]
        )
        == 0
    )
    for example, topic, tag in (
        ("good", "access", "fcr"),
        ("bad", "billing", "aht"),
        ("good", "billing", "aht"),
    ):
        assert (
            main(
                [
                    "notes",
                    "add",
                    *store,
                    "--agent",
                    "A2",
                    "--template",
                    "star-ar",
                    "--situation",
                    f"{topic} case",
                    "--action",
                    "steps",
                    "--result",
                    "done",
                    "--example",
                    example,
                    "--topic",
                    topic,
                    "--tags",
                    tag,
                ]
            )
            == 0
        )
    assert (
        main(
            [
                "notes",
                "add",
                *store,
                "--agent",
                "A2",
                "--template",
                "star-ar",
                "--behavior",
                "x",
                "--situation",
                "s",
            ]
        )
        == 2
    )
    capsys.readouterr()
    assert main(["notes", "list", *store]) == 0
    text = capsys.readouterr().out
    assert "GROW" in text and "  Will:       study daily" in text
    assert main(["notes", "list", *store, "--cases"]) == 0
    library = capsys.readouterr().out
    headings = [line for line in library.splitlines() if line.startswith("== ")]
    assert headings == ["== aht / billing", "== fcr / access"]
    assert library.count("good example") == 2 and library.count("bad example") == 1
    assert main(["notes", "list", *store, "--cases", "--example", "bad", "--format", "json"]) == 0
    (bad,) = json.loads(capsys.readouterr().out)
    assert (bad["template"], bad["example"], bad["topic"]) == ("star-ar", "bad", "billing")
    assert bad["sections"]["situation"] == "billing case"
    assert main(["notes", "export", *store, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert json.loads(rows[0]["sections"])["will"] == "study daily"
    assert rows[0]["template"] == "grow"
