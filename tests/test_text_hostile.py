"""One table of hostile strings, run through every output path: the board, header, events panel,
toasts, agent screen, notes timeline, errors and follow-ups screens, the wall, `board --once`
(text, JSON, CSV), `notes list` and every notes export and report (text, JSON, CSV). Each output
must be inert: no forbidden character (this test's own list) but its own line breaks, no CSV
cell a spreadsheet would run, and JSON that still holds the data whole.

(The period report's Markdown, HTML, CSV and JSON, the goals list and the case library:
tests/test_report_hostile.py, with this table.)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from floorwatch.cli import run_handler
from floorwatch.coaching import NoteDraft
from floorwatch.commands import notes as notes_command
from floorwatch.config.types import NotesConfig
from floorwatch.live.board import Board
from floorwatch.live.thresholds import Status
from floorwatch.reports.board import format_transition, render_csv, render_json, render_text
from floorwatch.store import NoteStore
from floorwatch.text.safe import clean_text, csv_cell
from tests.app_support import (
    AGENTS,
    NOW,
    FakeFloor,
    FileStatus,
    build_board,
    load_fixture_config,
)
from tests.app_text import screen_text

HOSTILE = {
    "CSI clear and colour": "\x1b[2J\x1b[31mEve",
    "OSC title with BEL": "\x1b]0;pwned\x07Bob",
    "8-bit CSI": "\x9b31mCee",
    "bidi override": "evil\u202egnp.exe",
    "isolates and marks": "\u2066iso\u2069late\u200f\u200e\u061c",
    "zero-width": "Zer\u200bo\ufeffWidth",
    "line breaks": "Lee\r\nAnn\u2028Bo\x85Dee",
    "carriage return overwrite": "safe\rEVIL",
    "NUL, backspace, DEL": "Nu\x00ll\x08Del\x7f",
    "formula =": "=cmd|' /C calc'!A0",
    "formula +": "+1+1",
    "formula -": "-2+3",
    "formula @": "@SUM(A1:A9)",
    "formula after a tab": "\t=1+1",
    "markup": "[bold red]Mark[/]",
    "action": "[@click=app.quit]Act",
}
CASES = list(HOSTILE.items())
IDS = list(HOSTILE)
# Undecodable bytes: feeds and the store never hold one (files are read with errors="replace",
# SQLite refuses it), but a string made in Python can; the text functions take it out too.
SURROGATE = "bad\udcffbyte"


# The test's own list (not the module's), so that a narrowed set in floorwatch.text fails here.
FORBIDDEN = frozenset(
    [chr(c) for c in range(0x00, 0x20) if c != 0x0A]  # C0 controls, ESC, BEL, CR, tab...
    + [chr(c) for c in range(0x7F, 0xA0)]  # DEL, C1 (the 8-bit CSI)
    + list("\u061c\u200b\u200e\u200f\u2028\u2029\u2060\ufeff")
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x2070))]  # bidi, invisible
    + [chr(c) for c in range(0xD800, 0xE000)]  # lone surrogates
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> None:
    """No forbidden character in `text` but its own line breaks."""
    found = sorted({f"U+{ord(ch):04X}" for ch in text if ch in FORBIDDEN})
    assert not found, f"{found} in {text!r}"


def shown(raw: str) -> str:
    """What a person reads of `raw`: the text itself, minus the unsafe characters."""
    return clean_text(raw)


def safe_cell(cell: str) -> None:
    """A cell as a spreadsheet reads it: inert, and no formula (a plain number is data)."""
    inert(cell)
    if cell.startswith(FORMULA_STARTS):
        float(cell)  # raises for anything but a number such as -5


@pytest.mark.parametrize(("label", "raw"), [*CASES, ("lone surrogate", SURROGATE)],
                         ids=[*IDS, "lone surrogate"])  # fmt: skip
def test_the_text_functions(label: str, raw: str) -> None:
    from floorwatch.text.safe import clean_lines, json_text

    inert(clean_text(raw))
    assert "\n" not in clean_text(raw)
    inert(clean_lines(raw))
    safe_cell(csv_cell(raw))
    text = json_text({"name": raw})
    inert(text)
    assert json.loads(text) == {"name": raw}
    text.encode("utf-8")  # writable: a surrogate is escaped, not left for the terminal to choke on


# -- board --once and the events line -------------------------------------------------------------


def hostile_board(raw: str) -> Board:
    """The fixture floor with agent A007 named `raw`, in team `raw`, with id `raw`-ish."""
    agents = [replace(agent, name=raw, team=raw) if agent.agent == "A007" else agent
              for agent in AGENTS]  # fmt: skip
    board, _ = build_board(agents=agents)
    return board


def statuses(raw: str) -> list[FileStatus]:
    return [FileStatus(raw, f"feeds/{raw}.csv", 3, 1, (f"feeds/x.csv:2: bad value {raw}",))]


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_board_once_text(label: str, raw: str) -> None:
    board = hostile_board(raw)
    text = render_text(board, board.config, statuses(raw), NOW)
    inert(text)
    if "\n" not in shown(raw):
        assert shown(raw) in text


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_board_once_json(label: str, raw: str) -> None:
    board = hostile_board(raw)
    text = render_json(board, board.config, statuses(raw), NOW)
    inert(text)
    document = json.loads(text)
    agent = next(item for item in document["agents"] if item["agent"] == "A007")
    assert agent["name"] == raw and agent["team"] == raw  # data kept whole, only escaped


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_board_once_csv(label: str, raw: str) -> None:
    agents = [replace(a, agent=raw, name=raw, team=raw) if a.agent == "A007" else a
              for a in AGENTS]  # fmt: skip
    board, _ = build_board(agents=agents)
    rows = list(csv.reader(io.StringIO(render_csv(board, board.config, [], NOW))))
    for row in rows:
        for cell in row:
            safe_cell(cell)
    hostile = next(row for row in rows[1:] if row[1] not in {a.agent for a in AGENTS})
    assert hostile[1] == hostile[2] == hostile[3] == csv_cell(raw)  # id, name, team alike


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_the_events_line(label: str, raw: str) -> None:
    board = hostile_board(raw)
    floor = FakeFloor(board, board.tick(now=NOW))
    floor.push_calls([replace(AGENTS[2], name=raw, aht=900.0)], calls=30)
    delta = floor.tick()
    (red,) = [t for t in delta.transitions if t.new is Status.RED]
    line = format_transition(red, board)
    inert(line)
    assert "\n" not in line and shown(raw) in line


# -- notes: list, exports, report --------------------------------------------------------------


def hostile_store(tmp_path: Path, raw: str) -> Path:
    path = tmp_path / "notes.sqlite3"
    store = NoteStore(path, tz=UTC)
    when = datetime.now(UTC) - timedelta(days=3)  # the follow-up is overdue: in the report too
    draft = NoteDraft(
        agent=raw, agent_name=raw, behavior=f"{raw}\nsecond line {raw}", effect=raw,
        suggestion=raw, timeframe="+1d", tags=(raw,),
    )  # fmt: skip
    note = store.add(draft, raw, when)
    store.retract(note.id, raw, when + timedelta(minutes=1), raw)
    store.add(replace(draft, agent="A2"), raw, when)
    store.record_reds([(raw, raw, when)])
    store.close()
    return path


def notes_output(store: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    parser = argparse.ArgumentParser(prog="floorwatch")
    notes_command.register(parser.add_subparsers(dest="command"))
    assert run_handler(parser.parse_args(["notes", argv[0], "--store", str(store), *argv[1:]]))\
        == 0  # fmt: skip
    return capsys.readouterr().out


NOTES_TEXT = [("list", "--all"), ("report",)]
NOTES_JSON = [("list", "--all", "--format", "json"), ("export",), ("export", "--revisions"),
              ("report", "--format", "json")]  # fmt: skip
NOTES_CSV = [("list", "--all", "--format", "csv"), ("export", "--format", "csv"),
             ("export", "--format", "csv", "--revisions")]  # fmt: skip


@pytest.mark.parametrize("argv", [*NOTES_TEXT, *NOTES_JSON, *NOTES_CSV], ids=" ".join)
@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_notes_list_export_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, raw: str, argv: tuple[str, ...]
) -> None:
    text = notes_output(hostile_store(tmp_path, raw), capsys, *argv)
    inert(text)
    if argv in NOTES_CSV:
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 3
        for row in rows:
            for cell in row:
                safe_cell(cell)
        effect = rows[0].index("effect")
        assert {row[effect] for row in rows[1:]} == {csv_cell(raw)}
    elif argv in NOTES_JSON:
        document = json.loads(text)
        if argv[0] != "report":
            assert raw in {note["effect"] for note in document}  # the data kept whole
    elif argv[0] == "list" and raw.splitlines() == [raw]:  # multi-line fields stay multi-line
        assert f"Effect:     {shown(raw)}".rstrip() in text


# -- the screens ---------------------------------------------------------------------------------


def hostile_app(tmp_path: Path, **options: Any) -> Any:
    """The board app with one agent per hostile string (as name, team and a note's text), and
    feed errors quoting them."""
    from floorwatch.tui.app import FloorwatchApp

    config = load_fixture_config()
    config = replace(config, notes=NotesConfig(path=tmp_path / "notes.sqlite3", author="alice"))
    agents = [
        replace(AGENTS[2], agent=f"H{index:02d}", name=raw, team=raw[:12])  # green: news later
        for index, raw in enumerate(HOSTILE.values())
    ]
    board, first = build_board(config, agents=[*AGENTS[:6], *agents])
    statuses = tuple(FileStatus("calls", "feeds/calls.csv", 9, 1, (f"x.csv:{i}: {raw}",))
                     for i, raw in enumerate(HOSTILE.values()))  # fmt: skip
    floor = FakeFloor(board, first, statuses=statuses)
    store = NoteStore(tmp_path / "notes.sqlite3", tz=UTC)
    when = datetime.fromtimestamp(NOW, UTC) - timedelta(days=2)
    for index, raw in enumerate(HOSTILE.values()):
        draft = NoteDraft(agent=f"H{index:02d}", agent_name=raw, behavior=raw, effect=raw,
                          suggestion=raw, timeframe="+1d")  # fmt: skip
        store.add(draft, "alice", when)
    store.close()
    app = FloorwatchApp(config, floor, clock=lambda: floor.now, **options)
    app.REPAINT_INTERVAL = 0.0
    return app


async def test_every_screen_shows_hostile_text_inert(tmp_path: Path) -> None:
    from floorwatch.tui.messages import OpenAgent, ShowErrors, ShowFollowUps
    from floorwatch.tui.screens.agent import AgentScreen
    from floorwatch.tui.screens.errors import ErrorsScreen
    from floorwatch.tui.screens.followups import FollowUpsScreen
    from floorwatch.tui.widgets.notes_timeline import NotesTimeline
    from tests.notes_support import wait_for

    app = hostile_app(tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        inert(screen_text(app))  # the board and its header (teams)
        reds = [replace(AGENTS[2], agent=f"H{i:02d}", name=raw, aht=900.0)
                for i, raw in enumerate(HOSTILE.values())]  # fmt: skip
        app.floor.push_calls(reds, calls=30)
        app.floor.tick()
        await pilot.pause()
        inert(screen_text(app))  # the events panel and the toasts
        events = app.main_screen.events.lines_added
        assert len(events) >= len(HOSTILE) and all("\n" not in line for line in events)
        for line in events:
            inert(line)
        for note in app._notifications:
            inert(str(note.message))

        for index in range(len(HOSTILE)):
            app.post_message(OpenAgent(f"H{index:02d}"))
            await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen))
            timeline = app.screen.query_one(NotesTimeline)
            await wait_for(pilot, lambda t=timeline: t.loaded)  # type: ignore[misc]
            await pilot.pause()
            inert(screen_text(app))  # the agent screen and its notes timeline
            inert(timeline.text)
            app.pop_screen()
            await pilot.pause()

        app.post_message(ShowErrors())
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorsScreen))
        inert(screen_text(app))
        app.pop_screen()
        app.post_message(ShowFollowUps())
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpsScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.loaded and len(screen.lines) == len(HOSTILE))
        await pilot.pause()
        inert(screen_text(app))
        for line in screen.lines:
            inert(f"{line.who} {line.behavior}")
        assert app.is_running


async def test_the_wall_shows_hostile_text_inert(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, wall=True, page_seconds=0.2)
    async with app.run_test(size=(160, 40)) as pilot:
        seen = ""
        for _ in range(4):  # every page of agents
            await pilot.pause(0.25)
            inert(screen_text(app))
            seen += screen_text(app)
        for raw in ("[bold red]Mark[/]", "[@click=app.quit]Act", "evil\u202egnp.exe"):
            assert shown(raw) in seen  # shown as typed, less what was stripped
        assert app.is_running
