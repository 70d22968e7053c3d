"""The follow-ups screen on a frozen clock: due and overdue follow-ups of the whole floor, overdue
first, then this week's; the metric then against the board now; enter/f hand the agent to the
app; c closes a follow-up with an outcome. Closed, retracted and later follow-ups stay off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import on
from textual.widgets import DataTable, OptionList

from floorwatch.coaching import NoteDraft, evidence_for
from floorwatch.config.types import Config
from floorwatch.store import NoteStore
from floorwatch.tui.messages import OpenAgent, WriteNote
from floorwatch.tui.notes_service import NotesService
from floorwatch.tui.screens.followups import (
    CloseFollowUp,
    FollowUpsScreen,
    follow_up_line,
    ordered,
)
from tests.app_text import screen_text
from tests.notes_support import (
    AUTHOR,
    NOW_UTC,
    Clock,
    NotesTestApp,
    board_rows,
    make_service,
    notes_config,
    shows,
    wait_for,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=UTC)


def seed(config: Config) -> dict[str, int]:
    """Notes of every follow-up state, written at their own times; returns ids by name."""
    rows = board_rows(config)
    assert config.notes.path is not None
    store = NoteStore(config.notes.path, tz=UTC)

    def add(name: str, agent: str, when: datetime, timeframe: str, evidence: bool = True) -> int:
        found = tuple(evidence_for(rows[agent], config)) if evidence else ()
        if name == "aht_improved":  # AHT was worse when the note was written: 6:40, now 5:30
            found = tuple(replace(item, value=400.0) for item in found)
        draft = NoteDraft(
            agent=agent,
            agent_name=rows[agent].name,
            behavior=f"{name}: observed behaviour\nsecond line",
            suggestion="a concrete change",
            timeframe=timeframe,
            tags=tuple(item.metric for item in found),
            evidence=found,
        )
        return store.add(draft, AUTHOR, when).id

    ids = {
        "oldest_overdue": add("oldest_overdue", "A011", at(11, 9), "+1d", evidence=False),
        "aht_improved": add("aht_improved", "A001", at(14, 10), "+1d"),
        "due_today": add("due_today", "A004", at(16, 9), "end of shift"),
        "not_yet": add("not_yet", "A002", at(16, 8), "+2w"),
        "this_week": add("this_week", "A003", at(16, 8), "+3d"),
        "closed": add("closed", "A005", at(13, 9), "+1d"),
        "retracted": add("retracted", "A012", at(13, 9), "+1d"),
    }
    store.close_follow_up(ids["closed"], AUTHOR, at(14, 12), "improved")
    store.retract(ids["retracted"], AUTHOR, at(13, 10), "wrong agent")
    store.close()
    return ids


class Calls:
    """What the screen asked of the App, by message."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.feedback: list[str] = []


class RecordingApp(NotesTestApp):
    """A bare App that records the screen's OpenAgent and WriteNote messages."""

    def __init__(self, service: NotesService, make_screen: Any, calls: Calls) -> None:
        super().__init__(service, make_screen)
        self.calls = calls

    @on(OpenAgent)
    def _opened(self, message: OpenAgent) -> None:
        self.calls.opened.append(message.agent)

    @on(WriteNote)
    def _write(self, message: WriteNote) -> None:
        assert message.kind == "coaching"
        self.calls.feedback.append(message.agent or "")


def follow_ups_app(tmp_path: Path, calls: Calls) -> tuple[NotesTestApp, dict[str, int]]:
    config = notes_config(tmp_path)
    ids = seed(config)
    rows = board_rows(config)
    service = make_service(config, Clock())
    app = RecordingApp(service, lambda: FollowUpsScreen(service, rows_of=lambda: rows), calls)
    return app, ids


def screen_of(app: NotesTestApp) -> FollowUpsScreen:
    assert isinstance(app.screen, FollowUpsScreen), app.screen
    return app.screen


async def test_due_and_overdue_follow_ups_of_the_floor_overdue_first(tmp_path: Path) -> None:
    calls = Calls()
    app, ids = follow_ups_app(tmp_path, calls)
    async with app.run_test(size=(200, 30)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.loaded)
        await pilot.pause()
        lines = screen.lines
        assert [line.note_id for line in lines] == [
            ids["oldest_overdue"], ids["aht_improved"], ids["due_today"], ids["this_week"]
        ]  # fmt: skip
        oldest, improved, today, upcoming = lines
        assert (upcoming.state, upcoming.due) == ("this week", "Thu 19 Jun 17:00 (in 3 days)")
        assert (oldest.state, oldest.due) == ("OVERDUE", "Thu 12 Jun 17:00 (already passed)")
        assert (oldest.metric, oldest.outcome) == ("", None)  # no evidence: nothing to compare
        assert (improved.state, improved.who) == ("OVERDUE", "Li Wei (A001)")
        assert improved.due == "Sun 15 Jun 17:00 (already passed)"
        assert improved.behavior == "aht_improved: observed behaviour"  # the first line only
        assert (improved.metric, improved.then, improved.now) == ("AHT", "6:40", "5:30")
        assert improved.outcome == "improved"
        assert (today.state, today.due) == ("due", "Mon 16 Jun 17:00 (today)")
        assert (today.metric, today.then, today.now, today.outcome) == ("FCR", "70%", "70%", "same")

        # The table sizes its columns after the rows arrive: wait for the repaint.
        await wait_for(pilot, lambda: "Li Wei (A001)" in screen_text(app))
        text = screen_text(app)
        assert "3 due today or overdue, 2 overdue · 1 more due this week" in text
        row = next(line for line in text.splitlines() if "Li Wei (A001)" in line)
        assert "6:40" in row and "5:30" in row and "improved" in row
        for absent in ("not_yet", "closed", "retracted"):
            assert absent not in text


async def test_enter_opens_the_agent_and_f_writes_the_follow_up_note(tmp_path: Path) -> None:
    calls = Calls()
    app, _ = follow_ups_app(tmp_path, calls)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.loaded)
        assert app.focused is screen.query_one(DataTable)
        await pilot.press("enter")
        await pilot.press("down", "f")
        await pilot.pause()
    assert calls.opened == ["A011"]
    assert calls.feedback == ["A001"]


async def test_c_closes_a_follow_up_with_the_outcome_the_board_suggests(tmp_path: Path) -> None:
    calls = Calls()
    app, ids = follow_ups_app(tmp_path, calls)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.loaded)
        await pilot.press("down", "c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CloseFollowUp)
        await shows(pilot, app, "AHT: then 6:40, now 5:30")
        options = dialog.query_one(OptionList)
        assert options.highlighted is not None
        assert options.get_option_at_index(options.highlighted).id == "improved"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.lines) == 3)  # 2 due, 1 this week
        assert ids["aht_improved"] not in [line.note_id for line in screen.lines]

        await pilot.press("c", "escape")  # cancelled: nothing closed
        await pilot.pause()
        assert len(screen.lines) == 3

    config = notes_config(tmp_path)
    assert config.notes.path is not None
    note = NoteStore(config.notes.path).get(ids["aht_improved"])
    assert note is not None
    assert note.follow_up_outcome == "improved" and note.follow_up_closed_at == NOW_UTC
    assert note.revision == 2  # closing is a revision; the original stays


async def test_escape_goes_back(tmp_path: Path) -> None:
    app, _ = follow_ups_app(tmp_path, Calls())
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: screen_of(app).loaded)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_nothing_due_says_so(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    service = make_service(config)
    app = NotesTestApp(service, lambda: FollowUpsScreen(service))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.loaded)
        await pilot.pause()
        await shows(pilot, app, "0 due today or overdue, 0 overdue · 0 more due this week")
        await shows(pilot, app, "Nothing due today or this week.")


def test_a_line_without_the_agent_on_the_board_still_shows_the_note(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    ids = seed(config)
    assert config.notes.path is not None
    store = NoteStore(config.notes.path, tz=UTC)
    (follow_up,) = [f for f in store.follow_ups(NOW_UTC) if f.note.id == ids["aht_improved"]]
    line = follow_up_line(follow_up, None, NOW_UTC, UTC)
    assert (line.who, line.then, line.now, line.outcome) == ("Li Wei (A001)", "6:40", "-", None)


def test_ordered_puts_overdue_first_then_by_due_time(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    seed(config)
    assert config.notes.path is not None
    follow_ups = NoteStore(config.notes.path, tz=UTC).follow_ups(NOW_UTC)
    flipped = ordered(list(reversed(follow_ups)))
    assert [f.overdue for f in flipped] == [True, True, False]
    assert [f.due for f in flipped] == sorted(f.due for f in flipped)


async def test_at_80_columns_each_follow_up_reads_whole_on_three_lines(tmp_path: Path) -> None:
    app, _ = follow_ups_app(tmp_path, Calls())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.loaded)
        assert screen.compact
        await shows(pilot, app, "Li Wei (A001) · due Sun 15 Jun 17:00 (already passed)")
        text = screen_text(app)
        assert "AHT then 6:40, now 5:30: improved" in text
        assert "aht_improved: observed behaviour" in text
        assert "…" not in text
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        assert not screen.compact
        await shows(pilot, app, "aht_improved: observed behaviour")
