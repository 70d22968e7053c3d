"""The period report, goals list and case library with hostile names, teams, authors and topics:
Markdown, HTML, CSV and JSON all inert (the table of tests/test_text_hostile.py), HTML escaped,
no CSV cell a spreadsheet would run, JSON holding the data whole."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorwatch.cli import main
from floorwatch.coaching import NoteDraft
from floorwatch.coaching.templates import STAR_AR, make_sections
from floorwatch.commands.report import build, render
from floorwatch.config import load_config
from floorwatch.reports.period import period_ending
from floorwatch.store import NoteStore
from floorwatch.text.safe import clean_text
from tests.report_support import CONFIG, FIRST, evidence
from tests.test_text_hostile import CASES, IDS, inert, safe_cell

TAG = "<script>alert(1)</script>"


def hostile_floor(folder: Path, raw: str) -> Path:
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["ended_at", "agent_id", "agent_name", "team", "handle_s", "csat"])
    for day in range(FIRST.day, FIRST.day + 14):
        at = datetime(FIRST.year, FIRST.month, day, 10, tzinfo=UTC).isoformat()
        writer.writerow([at, "A1", raw + TAG, raw, 300, 90])
    (folder / "calls.csv").write_text(rows.getvalue())
    config = folder / "floor.yaml"
    config.write_text(CONFIG.replace("North", json.dumps(raw)))
    return config


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_report_outputs_are_inert(tmp_path: Path, label: str, raw: str) -> None:
    config = load_config(hostile_floor(tmp_path, raw))
    store = NoteStore(tmp_path / "notes.sqlite3")
    at = datetime(2026, 11, 8, 10, tzinfo=UTC)
    store.add(NoteDraft(agent="A1", agent_name=raw, behavior=raw, suggestion=raw,
                        timeframe="2026-11-10 12:00", evidence=evidence(400.0), tags=("aht",)),
              raw, at)  # fmt: skip
    store.add(NoteDraft(agent="A1", template=STAR_AR, example="good", topic=raw, tags=("aht",),
                        sections=make_sections(STAR_AR, {"situation": raw, "action": raw,
                                                         "result": raw})), raw, at)  # fmt: skip
    review = build(config, store, period_ending("week", FIRST.replace(day=14)), None, UTC)
    store.close()
    for fmt in ("md", "html", "json"):
        inert(render(review, fmt))
    html = render(review, "html")
    assert TAG not in html and "&lt;script&gt;" in html
    document = json.loads(render(review, "json"))
    # feeds are cleaned at ingest; the store's text is kept whole for programs
    assert document["agents"][0]["name"] == clean_text(raw + TAG)
    assert document["coaching"]["authors"][0]["author"] == raw
    for row in csv.reader(io.StringIO(render(review, "csv"))):
        for cell in row:
            safe_cell(cell)


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_goals_list_and_case_library_are_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, raw: str
) -> None:
    config = str(hostile_floor(tmp_path, raw))
    store = ["--config", config, "--store", str(tmp_path / "notes.sqlite3")]
    assert main(["goals", "add", *store, "--metric", "aht", f"--agent={raw}", "--from", "7:00",
                 "--to", "5:00", "--due", "2030-01-31", f"--objective={raw}"]) == 0  # fmt: skip
    assert main(["notes", "add", *store, "--agent", "A1", "--template", "star-ar",
                 f"--situation={raw}", f"--action={raw}", f"--result={raw}",
                 "--example", "bad", f"--topic={raw}", "--tags", "aht"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["goals", "list", *store]) == 0
    assert main(["notes", "list", *store, "--cases"]) == 0
    inert(capsys.readouterr().out)
    assert main(["goals", "list", *store, "--format", "json"]) == 0
    out = capsys.readouterr().out
    inert(out)
    assert json.loads(out)[-1]["who"] == raw
