"""NotesService: other supervisors' notes reach an open board within two polls (a second at
most each), indicators per agent, store errors said once; and the agent's notes timeline."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from floorwatch.coaching import NoteDraft, evidence_for
from floorwatch.config.types import Config
from floorwatch.store import NoteStore
from floorwatch.tui.notes_service import NotesChanged, NotesService, NotesSnapshot
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.themes import palette_for
from floorwatch.tui.widgets.notes_timeline import NotesTimeline, timeline_text
from tests.app_support import FakeFloor, build_board
from tests.app_text import screen_text
from tests.notes_support import (
    AUTHOR,
    NOW_UTC,
    Clock,
    board_rows,
    make_service,
    notes_config,
    wait_for,
)

REPO = Path(__file__).resolve().parents[1]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=UTC)


def draft(config: Config, agent: str, timeframe: str = "+1w", **fields: str) -> NoteDraft:
    row = board_rows(config)[agent]
    evidence = tuple(evidence_for(row, config))
    return NoteDraft(
        agent=agent,
        agent_name=row.name,
        behavior=fields.get("behavior", "10:02 call: long silence"),
        effect=fields.get("effect", ""),
        suggestion=fields.get("suggestion", "say what you are checking"),
        timeframe=timeframe,
        tags=tuple(item.metric for item in evidence),
        evidence=evidence,
    )


def store_for(config: Config) -> NoteStore:
    assert config.notes.path is not None
    return NoteStore(config.notes.path, tz=UTC)


class WatchingApp(App[None]):
    """A board stand-in: starts the service's watcher and keeps every NotesChanged."""

    def __init__(self, service: NotesService) -> None:
        super().__init__()
        self.service = service
        self.changes: list[NotesSnapshot] = []

    def on_mount(self) -> None:
        self.service.start(self)

    def on_unmount(self) -> None:
        self.service.stop()

    def on_notes_changed(self, message: NotesChanged) -> None:
        self.changes.append(message.snapshot)


def first_with(app: WatchingApp, agent: str) -> NotesSnapshot | None:
    return next((s for s in app.changes if agent in s.indicators), None)


async def test_a_note_from_another_process_arrives_by_the_next_poll(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    store_for(config).add(draft(config, "A002"), "bob", NOW_UTC)  # the store exists already
    app = WatchingApp(make_service(config))
    child = textwrap.dedent(
        """
        import sys
        from datetime import UTC, datetime
        from floorwatch.coaching import NoteDraft
        from floorwatch.store import NoteStore
        store = NoteStore(sys.argv[1], tz=UTC)
        note = NoteDraft(agent="A004", behavior="b", suggestion="s", timeframe="end of shift")
        print(store.add(note, "carol", datetime.fromtimestamp(float(sys.argv[2]), UTC)).id)
        """
    )
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.changes)  # the first poll reads the store
        assert app.service.POLL_INTERVAL <= 1.0
        written = subprocess.run(
            [sys.executable, "-c", child, str(config.notes.path), str(NOW_UTC.timestamp())],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
            text=True, timeout=60, check=True,
        )  # fmt: skip
        polls_when_committed = app.service.polls
        await wait_for(pilot, lambda: first_with(app, "A004"))
    assert written.stdout.strip() == "2"
    arrived = first_with(app, "A004")
    assert arrived is not None
    # The poll under way at the commit may have missed it; the next one cannot.
    assert arrived.poll <= polls_when_committed + 1
    assert arrived.indicators["A004"].noted_today and arrived.indicators["A004"].due == 1


async def test_a_second_store_in_this_process_is_seen_too_and_own_saves_at_once(
    tmp_path: Path,
) -> None:
    config = notes_config(tmp_path)
    service = make_service(config)
    app = WatchingApp(service)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.changes)
        other = store_for(config)
        other.add(draft(config, "A005"), "bob", NOW_UTC)
        polls_when_committed = service.polls
        await wait_for(pilot, lambda: first_with(app, "A005"))
        arrived = first_with(app, "A005")
        assert arrived is not None and arrived.poll <= polls_when_committed + 1
        other.close()

        await pilot.pause()
        service.add(draft(config, "A001"))  # ours, through the service: poked, not waited for
        await wait_for(pilot, lambda: first_with(app, "A001"))
        assert app.changes[-1].indicator_texts() == {"A005": "✎", "A001": "✎"}


def test_indicators_say_noted_today_due_today_and_overdue(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    store = store_for(config)
    store.add(draft(config, "A001", "+1d"), AUTHOR, at(13, 9))  # due Sat 17:00: overdue
    store.add(draft(config, "A004", "end of shift"), AUTHOR, at(16, 9))  # today, due today
    store.add(draft(config, "A002", "+2w"), AUTHOR, at(16, 8))  # today, not due
    store.add(draft(config, "A005", "+4w"), AUTHOR, at(15, 8))  # yesterday: nothing to show
    service = make_service(config, Clock())

    snapshot = service.snapshot()

    assert snapshot.indicator_texts() == {"A001": "!", "A004": "◷✎", "A002": "✎"}
    assert snapshot.indicator_texts(ascii_only=True) == {"A001": "!", "A004": "dn", "A002": "n"}
    assert [f.note.agent for f in snapshot.follow_ups] == ["A001", "A004"]


async def test_time_alone_turns_a_due_follow_up_overdue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NotesService, "RECOUNT_INTERVAL", 0.0)
    config = notes_config(tmp_path)
    store_for(config).add(draft(config, "A004", "end of shift"), AUTHOR, at(16, 9))
    clock = Clock()
    app = WatchingApp(make_service(config, clock))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: first_with(app, "A004"))
        assert app.changes[-1].indicators["A004"].due == 1
        clock.now = at(16, 17, 30).timestamp()
        await wait_for(pilot, lambda: app.changes[-1].indicators["A004"].overdue == 1)


async def test_an_unreadable_store_is_reported_once(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    assert config.notes.path is not None
    config.notes.path.parent.mkdir(parents=True)
    config.notes.path.write_bytes(b"not a database at all" * 64)
    service = make_service(config)
    app = WatchingApp(service)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: service.polls >= 3)
        await pilot.pause()
        (failed,) = app.changes
        assert failed.error is not None and "not a floorwatch notes store" in failed.error
        assert str(config.notes.path) in failed.error
        assert failed.indicators == {}


async def test_stop_ends_the_watcher(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    service = make_service(config)
    app = WatchingApp(service)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.changes)
        watcher = service._watcher
        assert watcher is not None and watcher.is_alive()
        service.stop()
        assert not watcher.is_alive()


async def test_the_watcher_holds_no_thread_of_the_default_executor(tmp_path: Path) -> None:
    """Under `floorwatch serve` every session has a watcher; none may pin an executor thread
    (there are 6 on 2 cores: the seventh session once starved logins and feed polls)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(1))
    config = notes_config(tmp_path)
    services = [make_service(config) for _ in range(3)]
    apps = [WatchingApp(service) for service in services]
    async with apps[0].run_test() as pilot:
        for service in services[1:]:
            service.start(apps[0])
        await wait_for(pilot, lambda: all(service.polls for service in services))
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "free"), 10) == "free"
        for service in services[1:]:
            service.stop()


async def test_watching_creates_no_store_until_the_first_note(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    assert config.notes.path is not None
    service = make_service(config)
    app = WatchingApp(service)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: service.polls >= 2)
        assert not config.notes.path.exists()
        assert app.changes and app.changes[0].indicators == {} and app.changes[0].error is None
        store_for(config).add(draft(config, "A003"), "bob", NOW_UTC)
        await wait_for(pilot, lambda: first_with(app, "A003"))


def test_the_author_comes_from_the_config_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOORWATCH_AUTHOR", "from-env")
    assert make_service(notes_config(tmp_path)).author == AUTHOR
    assert make_service(notes_config(tmp_path, author=None)).author == "from-env"


# --- the agent's notes timeline ------------------------------------------------------------


def seeded_timeline(tmp_path: Path) -> tuple[Config, dict[str, int]]:
    config = notes_config(tmp_path)
    store = store_for(config)
    first = draft(config, "A001", "+1d")
    first = replace(first, evidence=tuple(replace(e, value=400.0) for e in first.evidence))
    ids = {
        "old": store.add(first, AUTHOR, at(14, 10)).id,
        "edited": store.add(draft(config, "A001", "+2w"), AUTHOR, at(15, 9)).id,
        "retracted": store.add(draft(config, "A001", "+2w"), AUTHOR, at(15, 11)).id,
        "hostile": store.add(
            draft(config, "A001", "+4w", behavior="[bold red]X[/] said [/oops]"), AUTHOR,
            at(16, 9),
        ).id,
        "closed": store.add(draft(config, "A001", "+1d"), AUTHOR, at(12, 9)).id,
    }  # fmt: skip
    store.revise(ids["edited"], {"effect": "two repeat calls"}, "bob", at(15, 10), "added effect")
    store.retract(ids["retracted"], AUTHOR, at(15, 12), "wrong agent")
    store.close_follow_up(ids["closed"], AUTHOR, at(13, 17), "same")
    store.close()
    return config, ids


def test_the_timeline_is_newest_first_with_revisions_retractions_and_outcomes(
    tmp_path: Path,
) -> None:
    config, _ = seeded_timeline(tmp_path)
    notes = store_for(config).notes(agent="A001", include_retracted=True)
    row = board_rows(config)["A001"]

    text = timeline_text(notes, row, NOW_UTC, UTC).plain

    assert text.splitlines()[:2] == [
        # Red on the board now, since its first call of the fixture's 50 minutes (09:52).
        "Red since Mon 09:52: no feedback yet; give it by Tue 09:52",
        "Praise : improvement, last 30 days: 0 : 4 (aim for 3 : 1)",
    ]
    assert "\n\nCoaching notes (4, 1 retracted)  ↑↓ a note · enter the whole note" in text
    heads = [line for line in text.splitlines() if line[:3] in ("Mon", "Sun", "Sat", "Thu")]
    assert [line[:16] for line in heads] == [
        "Mon 16 Jun 09:00", "Sun 15 Jun 11:00", "Sun 15 Jun 09:00", "Sat 14 Jun 10:00",
        "Thu 12 Jun 09:00",
    ]  # fmt: skip
    assert "[bold red]X[/] said [/oops]" in text  # literally
    assert "edited (revision 2 by bob)" in heads[2]
    assert "E  two repeat calls" in text
    assert "RETRACTED: wrong agent" in heads[1]
    assert "T  +1d: due Sun 15 Jun 17:00 (already passed) OVERDUE · AHT then 6:40, now 5:30: " \
        "improved" in text  # fmt: skip
    assert "T  +1d: closed Fri 13 Jun 17:00 as same" in text


def test_an_agent_without_notes_says_so() -> None:
    text = timeline_text([], None, NOW_UTC, UTC).plain
    assert text.endswith("No coaching notes for this agent yet. f: coaching note · p: praise")


def test_the_loop_says_feedback_given_praise_on_target_and_the_new_hire_touchpoint(
    tmp_path: Path,
) -> None:
    config = notes_config(tmp_path)
    store = store_for(config)
    praise = replace(draft(config, "A001", "+1w"), kind="praise", suggestion="")
    for hour in (8, 9, 10):
        store.add(praise, AUTHOR, at(16, hour))
    store.add(draft(config, "A001", "+1d"), AUTHOR, at(16, 10, 30))
    notes = store.notes(agent="A001")
    red_at = at(16, 9, 45).timestamp()  # the coaching note at 10:30 answered it
    row = replace(board_rows(config)["A001"], red_since=red_at, hire_date="2025-06-02")

    lines = timeline_text(notes, row, NOW_UTC, UTC).plain.splitlines()

    assert lines[0].startswith("Red since Mon 09:45: feedback given (note ")
    assert lines[1] == "Praise : improvement, last 30 days: 3 : 1 on target"
    assert lines[2] == "Next touchpoint (weekly (new hire)): due Mon 23 Jun 10:30 (in 7 days)"
    late = timeline_text(notes, replace(row, red_since=at(14, 9).timestamp()), NOW_UTC, UTC)
    assert late.plain.startswith("Red since Sat 09:00: no feedback within 24 h")


class AgentApp(WatchingApp):
    """The real agent screen, which composes its own notes timeline."""

    def __init__(self, service: NotesService, config: Config) -> None:
        super().__init__(service)
        self.board, _ = build_board(config)
        self.config = config

    def on_mount(self) -> None:
        super().on_mount()
        agent = "A001"
        screen = AgentScreen(
            agent, self.config, row=self.board.rows.get(agent),
            threshold_of=self.board.threshold, palette=palette_for("dark"), notes=self.service,
        )  # fmt: skip
        self.push_screen(screen)


async def test_the_agent_screen_shows_the_timeline_and_others_notes_arrive(
    tmp_path: Path,
) -> None:
    config, _ = seeded_timeline(tmp_path)
    app = AgentApp(make_service(config), config)
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_for(pilot, lambda: app.screen.query(NotesTimeline))
        timeline = app.screen.query_one(NotesTimeline)
        await wait_for(pilot, lambda: timeline.loaded)
        assert "Coaching notes (4, 1 retracted)" in timeline.text
        assert "Coaching notes: loading" not in timeline.text

        other = store_for(config)
        other.add(draft(config, "A001", "+3d", behavior="from another supervisor"), "bob",
                  NOW_UTC)  # fmt: skip
        other.close()
        await wait_for(pilot, lambda: "from another supervisor" in timeline.text)
        assert "Coaching notes (5, 1 retracted)" in timeline.text


# --- wired into the board app ---------------------------------------------------------------


def wired_app(tmp_path: Path, **kwargs: Any) -> Any:
    from floorwatch.tui.app import FloorwatchApp

    config = notes_config(tmp_path)
    board, first = build_board(config)
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now, **kwargs)
    app.REPAINT_INTERVAL = 0.0
    return app


async def test_the_board_writes_a_note_and_shows_its_indicator(tmp_path: Path) -> None:
    from floorwatch.tui.screens.feedback import FeedbackPanel
    from floorwatch.tui.screens.followups import FollowUpsScreen

    app = wired_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        agent = app.selected_agent
        assert agent is not None and agent not in app.notes_indicators
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackPanel) and app.screen.agent == agent
        await pilot.press("tab", "tab", *"one hold per call", "tab", *"end of shift", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FeedbackPanel))
        await wait_for(pilot, lambda: app.notes_indicators.get(agent) == "◷✎")
        await wait_for(  # the board's NOTE column
            pilot,
            lambda: any(agent in line and "◷✎" in line for line in screen_text(app).splitlines()),
        )

        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        await wait_for(pilot, lambda: screen.loaded)
        assert [line.agent for line in screen.lines] == [agent]
        await pilot.press("enter")  # the agent screen, with its notes
        await wait_for(pilot, lambda: app.screen.query(NotesTimeline))
        timeline = app.screen.query_one(NotesTimeline)
        await wait_for(pilot, lambda: "one hold per call" in timeline.text)
        await pilot.press("p")  # praise from the agent screen
        await pilot.pause()
        assert isinstance(app.screen, FeedbackPanel) and app.screen.agent == agent
        await wait_for(pilot, lambda: "Praise for" in screen_text(app))


async def test_the_wall_has_no_notes(tmp_path: Path) -> None:
    app = wired_app(tmp_path, role="wall")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.action_feedback("coaching", "A001")
        app.action_follow_ups()
        await pilot.pause()
        assert app.notes is None and app.screen is app.main_screen
    assert not (tmp_path / "notes").exists()
