"""The BEST feedback panel by keyboard alone: prefill, Tab order, validation at the fields, saving
in a thread (and only then "Saved"), praise, esc that asks, drafts that survive a crash, a store
that cannot be written, untrusted names."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from floorwatch.coaching import Note
from floorwatch.store import NoteStore, StoreError
from floorwatch.tui.screens.feedback import ConfirmDiscard, FeedbackPanel
from tests.app_text import screen_text
from tests.notes_support import (
    AUTHOR,
    NOW_UTC,
    NotesTestApp,
    board_rows,
    make_service,
    notes_config,
    shows,
    wait_for,
)

REPO = Path(__file__).resolve().parents[1]
EVIDENCE_LINE = "AHT 5:30 over last 60m (target <= 3:30, red > 5:00)"
TAB_ORDER = ["behavior", "effect", "suggestion", "timeframe", "timeframe-pick", "kind", "tags",
             "visibility"]  # fmt: skip


def panel_app(tmp_path: Path, agent: str = "A001", kind: str = "coaching") -> NotesTestApp:
    config = notes_config(tmp_path)
    row = board_rows(config)[agent]
    service = make_service(config)
    return NotesTestApp(service, lambda: FeedbackPanel(row, config, service, kind))


def panel_of(app: NotesTestApp) -> FeedbackPanel:
    screen = app.screen
    assert isinstance(screen, FeedbackPanel), screen
    return screen


def store_of(tmp_path: Path) -> NoteStore:
    return NoteStore(notes_config(tmp_path).notes.path or "")


async def test_keys_typed_in_one_burst_land_in_their_fields(tmp_path: Path) -> None:
    """A paste, or a fast typist over a laggy link: every key arrives before any is handled."""
    from textual import events

    app = panel_app(tmp_path)
    burst = [*"abc", "tab", *"def", "tab", *"+1d", "tab"]
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab")  # to Effect
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_for(pilot, lambda: app.focused and app.focused.id == "timeframe-pick")
        await pilot.pause()
        draft = panel.current_draft()
        assert (draft.effect, draft.suggestion) == ("abc", "def")
        assert panel.query_one("#timeframe", Input).value == "+1d"


async def test_the_whole_keyboard_flow_with_validation_then_save(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        behavior = panel.query_one("#behavior", TextArea)
        assert app.focused is behavior
        assert behavior.text == f"10:42 {EVIDENCE_LINE}"  # the time on the floor, then evidence
        await shows(pilot, app, "Coaching note for Li Wei  A001  team north")

        await pilot.press("ctrl+u", "ctrl+s")  # clear the prefill: nothing but required fields
        await pilot.pause()
        assert set(panel._shown_problems) == {"behavior", "suggestion", "timeframe"}
        assert panel.field_error("behavior").startswith("Behavior is required")
        assert panel.field_error("suggestion").startswith("Suggestion is required")
        assert panel.field_error("timeframe").startswith("Timeframe is required")
        await shows(pilot, app, "Behavior is required")
        await shows(pilot, app, "Not saved: 3 fields need attention")
        assert app.focused is behavior  # the first problem has the focus

        await pilot.press(*"10:02 call: 15 s of silence")
        assert panel.field_error("behavior") == ""  # fixed: its message goes at once
        focus_order = [app.focused.id if app.focused else None]
        for _ in TAB_ORDER[1:]:
            await pilot.press("tab")
            focus_order.append(app.focused.id if app.focused else None)
        assert focus_order == TAB_ORDER
        await pilot.press("tab")  # round again: nothing but the fields in the chain
        assert app.focused is behavior
        for _ in TAB_ORDER:
            await pilot.press("shift+tab")
        assert app.focused is behavior

        await pilot.press("tab", *"the customer repeated the question")
        await pilot.press("tab", *"say: let me check that, one moment")
        await pilot.press("tab", *"+1d")
        await pilot.pause()
        await shows(pilot, app, "Due: Tue 17 Jun 17:00 (tomorrow)")
        assert panel.field_error("suggestion") == panel.field_error("timeframe") == ""

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.results)
        (note,) = app.results
        assert isinstance(note, Note)
        assert not isinstance(app.screen, FeedbackPanel)

    (stored,) = store_of(tmp_path).notes()
    assert stored == note
    assert stored.agent == "A001" and stored.agent_name == "Li Wei" and stored.author == AUTHOR
    assert stored.behavior == "10:02 call: 15 s of silence"
    assert stored.effect == "the customer repeated the question"
    assert stored.suggestion == "say: let me check that, one moment"
    assert stored.follow_up_due == datetime(2025, 6, 17, 17, 0, tzinfo=UTC)
    assert stored.observed_at == stored.created_at == NOW_UTC
    assert stored.kind == "improvement" and stored.visibility == "private"
    assert stored.tags == ("aht",)
    (evidence,) = stored.evidence
    assert (evidence.metric, evidence.value, evidence.status) == ("aht", 330.0, "red")
    assert (evidence.green, evidence.red, evidence.window) == (210.0, 300.0, "60m")
    assert store_of(tmp_path).load_draft("A001", AUTHOR) is None  # saving cleared the draft


async def test_saved_shows_only_once_the_commit_has_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, entered = threading.Event(), threading.Event()
    real_add = NoteStore.add

    def slow_add(self: NoteStore, *args: Any, **kwargs: Any) -> Note:
        entered.set()
        assert release.wait(30)
        return real_add(self, *args, **kwargs)

    monkeypatch.setattr(NoteStore, "add", slow_add)
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab", "tab", *"try a hold script", "tab", *"tomorrow", "ctrl+s")
        await wait_for(pilot, entered.is_set)
        await pilot.pause()
        assert panel.saving and panel.status_text == "Saving…"
        assert "Saved" not in screen_text(app) and app.screen is panel and not app.results

        release.set()
        await wait_for(pilot, lambda: app.results)
        assert panel.status_text.startswith("Saved (note 1)")
        assert isinstance(app.results[0], Note)


async def test_praise_by_keyboard_needs_no_suggestion(tmp_path: Path) -> None:
    app = panel_app(tmp_path, agent="A006", kind="praise")
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await shows(pilot, app, "Praise for Mei Chen")
        assert panel.query_one("#kind", Select).value == "praise"
        await pilot.press(*"calm, clear close on the 10:30 call", "tab", "tab", "tab")
        await pilot.press(*"end of shift", "ctrl+s")
        await wait_for(pilot, lambda: app.results)

    (note,) = store_of(tmp_path).notes()
    assert note.kind == "praise" and note.suggestion == ""
    assert note.behavior.endswith("calm, clear close on the 10:30 call")
    assert note.follow_up_due == datetime(2025, 6, 16, 17, 0, tzinfo=UTC)
    # Praise is built from strengths: every metric is green, so every one is evidence.
    assert note.evidence and {item.status for item in note.evidence} == {"green"}
    assert note.tags == tuple(item.metric for item in note.evidence)


def test_praise_is_built_from_strengths_not_the_red() -> None:
    from floorwatch.coaching import praise_for
    from floorwatch.coaching.analysis import analyse_agent
    from floorwatch.live.board import Board
    from tests.app_support import build_board

    board: Board = build_board()[0]
    row = board.rows["A001"]  # red on AHT, green elsewhere
    analysis = analyse_agent("A001", board.rows, board.config.metrics, board.threshold)
    evidence, remarks = praise_for(row, board.config, analysis, improved={"aht"})
    keys = [item.metric for item in evidence]
    assert "aht" in keys  # red, but better over the months: that is worth praising
    assert all(row.cells[key].status.json_name == "green" for key in keys if key != "aht")
    assert remarks["aht"] == "improving"
    firsts = [c.metric.key for c in analysis.comparisons if c.rank == 1 and c.ranked > 1]
    assert firsts and all("best in the team" in remarks[key] for key in firsts)
    plain, _ = praise_for(row, board.config, analysis)
    assert "aht" not in [item.metric for item in plain]  # red and not improving: not praise


async def test_praise_prefill_and_the_saved_evidence_follow_the_tags_kept(tmp_path: Path) -> None:
    app = panel_app(tmp_path, agent="A001", kind="praise")
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await shows(pilot, app, "Praise for Li Wei")
        behavior = panel.query_one("#behavior", TextArea).text
        assert EVIDENCE_LINE not in behavior and "AHT" not in behavior  # the red is not praise
        tags = panel.query_one("#tags", Input)
        kept = [t.strip() for t in tags.value.split(",") if t.strip()]
        assert len(kept) >= 2 and "aht" not in kept
        tags.value = ", ".join(kept[1:])  # the supervisor takes one metric out
        await pilot.press("tab")
        panel.query_one("#timeframe", Input).value = "end of shift"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.results)
    (note,) = store_of(tmp_path).notes()
    assert [item.metric for item in note.evidence] == kept[1:]  # not the metric taken out


async def test_kind_is_switched_by_keyboard_and_the_rules_follow(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab", "tab", "tab", *"+2w", "ctrl+s")
        await pilot.pause()
        assert panel.field_error("suggestion")
        for _ in range(3):  # suggestion (focused) -> timeframe -> pick -> kind
            await pilot.press("tab")
        assert app.focused is panel.query_one("#kind", Select)
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert panel.query_one("#kind", Select).value == "praise"
        await shows(pilot, app, "Praise for Li Wei")
        assert panel.field_error("suggestion") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.results)
    (note,) = store_of(tmp_path).notes()
    assert note.kind == "praise"


async def test_a_timeframe_quick_pick_fills_the_field(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        for _ in range(4):
            await pilot.press("tab")
        assert app.focused is panel.query_one("#timeframe-pick", Select)
        await pilot.press("enter", "down", "down", "enter")  # the second pick: tomorrow
        await pilot.pause()
        assert panel.current_draft().timeframe == "tomorrow"
        await shows(pilot, app, "Due: Tue 17 Jun 17:00 (tomorrow)")


async def test_an_unreadable_timeframe_is_explained_live_and_at_the_field(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab", "tab", *"x", "tab", *"30/11")
        await pilot.pause()
        await shows(pilot, app, "write dates as year-month-day")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "write dates as year-month-day" in panel.field_error("timeframe")
        assert not store_of(tmp_path).notes()


async def test_esc_with_text_asks_and_keeps_the_text_by_default(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab", *"the customer waited")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        assert app.focused is not None and app.focused.id == "keep"
        await pilot.press("enter")  # the default answer
        await pilot.pause()
        assert app.screen is panel and not app.results
        assert panel.current_draft().effect == "the customer waited"

        await pilot.press("escape")  # a lone Escape (half an arrow key): asked, then Escape
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is panel and panel.current_draft().effect == "the customer waited"

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # to Discard, deliberately
        await wait_for(pilot, lambda: app.results)
        assert app.results == [None]
        await wait_for(pilot, lambda: not app.workers)
    assert store_of(tmp_path).load_draft("A001", AUTHOR) is None


async def test_esc_with_nothing_typed_closes_at_once(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_the_draft_is_autosaved_while_typing_and_restored_after_a_crash(
    tmp_path: Path,
) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab", *"two customers asked twice", "tab", *"use the checklist")

        def drafted() -> bool:
            found = store_of(tmp_path).load_draft("A001", AUTHOR)
            return found is not None and found[0].get("suggestion") == "use the checklist"

        await wait_for(pilot, drafted)  # while the panel is still open: the periodic autosave

    restarted = panel_app(tmp_path)  # a new process, as after kill -9
    async with restarted.run_test(size=(120, 40)) as pilot:
        panel = panel_of(restarted)
        draft = panel.current_draft()
        assert draft.effect == "two customers asked twice"
        assert draft.suggestion == "use the checklist"
        assert draft.behavior == f"10:42 {EVIDENCE_LINE}"
        assert panel.restored_at is not None
        await shows(pilot, restarted, "Restored your unsaved draft from Mon 10:42")
        await pilot.press("tab", "tab", "tab", *"+1w", "ctrl+s")
        await wait_for(pilot, lambda: restarted.results)
    assert store_of(tmp_path).load_draft("A001", AUTHOR) is None


async def test_closing_the_app_keeps_the_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dropped SSH session ends the app: what was typed since the last autosave is kept."""
    monkeypatch.setattr(FeedbackPanel, "AUTOSAVE_INTERVAL", 3600)  # only the unmount can save
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab", *"typed just before the link dropped")
        await pilot.pause()
    found = store_of(tmp_path).load_draft("A001", AUTHOR)
    assert found is not None and found[0]["effect"] == "typed just before the link dropped"


async def test_a_store_that_cannot_be_written_keeps_the_text_and_retry_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise StoreError("/x/notes.sqlite3: cannot save to the notes store: the file is read-only")

    monkeypatch.setattr(NoteStore, "add", refuse)
    monkeypatch.setattr(NoteStore, "save_draft", refuse)
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("tab", "tab", *"read the script", "tab", *"+3d")
        typed = panel.current_draft()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not panel.saving)
        await pilot.pause()
        assert app.screen is panel and not app.results
        assert "Not saved:" in panel.status_text and "read-only" in panel.status_text
        await shows(pilot, app, "ctrl+s to retry")
        assert panel.current_draft() == typed

        monkeypatch.undo()  # the supervisor fixed the permissions
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.results)
    (note,) = store_of(tmp_path).notes()
    assert note.suggestion == "read the script"


async def test_a_real_unwritable_store_is_reported_in_the_panel(tmp_path: Path) -> None:
    """Not a mock: the notes file is not a database (root ignores read-only modes)."""
    config = notes_config(tmp_path)
    assert config.notes.path is not None
    config.notes.path.parent.mkdir(parents=True)
    config.notes.path.write_bytes(b"this is not sqlite" * 100)
    row = board_rows(config)["A001"]
    service = make_service(config)
    app = NotesTestApp(service, lambda: FeedbackPanel(row, config, service))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        assert "not a floorwatch notes store" in panel.status_text  # the draft could not be read
        await pilot.press("tab", "tab", *"x", "tab", *"+1d", "ctrl+s")
        await wait_for(pilot, lambda: "Not saved" in panel.status_text)
        assert "not a floorwatch notes store" in panel.status_text
        assert app.screen is panel and panel.current_draft().suggestion == "x"


@pytest.mark.parametrize("agent", ["A007", "A008", "A009"])
async def test_untrusted_agent_names_are_shown_literally(tmp_path: Path, agent: str) -> None:
    app = panel_app(tmp_path, agent=agent)
    config = notes_config(tmp_path)
    name = board_rows(config)[agent].name
    async with app.run_test(size=(120, 40)) as pilot:
        await shows(pilot, app, f"Coaching note for {name}  {agent}")
        await pilot.press("tab", *"x", "escape")
        await pilot.pause()
        await shows(pilot, app, f"Discard the unsaved note for {name}?")


def test_the_wall_cannot_open_the_panel(tmp_path: Path) -> None:
    config = notes_config(tmp_path)
    row = board_rows(config)["A001"]
    with pytest.raises(PermissionError):
        FeedbackPanel(row, config, make_service(config), role="wall")


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from tests.notes_support import board_rows, make_service, notes_config, NotesTestApp
    from floorwatch.tui.screens.feedback import FeedbackPanel

    async def main() -> None:
        config = notes_config(Path(sys.argv[1]))
        row = board_rows(config)["A001"]
        service = make_service(config)
        app = NotesTestApp(service, lambda: FeedbackPanel(row, config, service))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("tab", *"typed before kill -9")
            print("TYPED", flush=True)
            while True:  # until killed
                await pilot.pause(0.1)

    asyncio.run(main())
    """
)


async def test_a_killed_process_loses_no_typed_word(tmp_path: Path) -> None:
    """A child runs the panel, types, is SIGKILLed (no unmount, no cleanup); reopening the panel
    restores the draft."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline().strip() == "TYPED", child.stderr.read()
        give_up = time.monotonic() + 30.0
        while True:
            found = store_of(tmp_path).load_draft("A001", AUTHOR)
            if found is not None and found[0]["effect"] == "typed before kill -9":
                break
            assert time.monotonic() < give_up, "the child never autosaved its draft"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        assert panel.current_draft().effect == "typed before kill -9"
        await shows(pilot, app, "Restored your unsaved draft")
