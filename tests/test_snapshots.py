"""SVG snapshots of the board and the wall (pytest-textual-snapshot), on fixed data with the
clock frozen. Update them with `pytest tests/test_snapshots.py --snapshot-update` and look at
the report before committing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app_support import AGENTS, make_app
from tests.screens_support import history_app


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()


async def _one_agent_turns_red(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    app.floor.push_calls([replace(AGENTS[10], aht=900)], calls=30)  # Priya Nair
    app.floor.tick()
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def _feeds_go_stale(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    app.floor.tick(stale=frozenset({"status"}))
    await pilot.pause()


def test_board_80x24(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_settle)


def test_board_160x50_with_an_event(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 50), run_before=_one_agent_turns_red)


def test_board_colorblind_theme_100x30(snap_compare: Any) -> None:
    app = make_app()
    app.config = replace(app.config, floor=replace(app.config.floor, theme="colorblind"))
    from floorwatch.tui.themes import palette_for

    app.palette = palette_for("colorblind")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_settle)


def test_wall_120x40(snap_compare: Any) -> None:
    assert snap_compare(make_app(wall=True), terminal_size=(120, 40), run_before=_settle)


def test_wall_stale_80x24(snap_compare: Any) -> None:
    assert snap_compare(make_app(wall=True), terminal_size=(80, 24), run_before=_feeds_go_stale)


def test_live_floor_board_140x40(snap_compare: Any) -> None:
    """STATE timers, the states line and the queue strip (tests/fixtures/app/live.yaml)."""
    from tests.test_app_floor_live import make_live_app

    assert snap_compare(make_live_app(), terminal_size=(140, 40), run_before=_settle)


async def _queue_boxes_shown(pilot: Pilot[Any]) -> None:
    """The wall's queue boxes mount after its first refresh: wait for their figures."""
    header: Any = pilot.app.screen.header
    for _ in range(100):
        boxes = header.queue_boxes
        if boxes and all(str(box.digits.value) != "0" for box in boxes.values()):
            break
        await pilot.pause(0.02)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)  # the digits' colour, set with their value, repaints after it


def test_live_floor_wall_140x40(snap_compare: Any) -> None:
    from tests.test_app_floor_live import make_live_app

    app = make_live_app(wall=True)
    assert snap_compare(app, terminal_size=(140, 40), run_before=_queue_boxes_shown)


# -- the agent screen, the notes history, NO_COLOR (tests/screens_support.py's agent) ----------


async def _agent_screen(pilot: Pilot[Any]) -> None:
    from tests.screens_support import open_agent

    await open_agent(pilot)


async def _oldest_note_in_the_history(pilot: Pilot[Any]) -> None:
    await _agent_screen(pilot)
    await pilot.press("end")
    await pilot.pause()


async def _oldest_note_full_size(pilot: Pilot[Any]) -> None:
    from floorwatch.tui.screens.note import NoteScreen
    from tests.notes_support import wait_for

    await _oldest_note_in_the_history(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
    await wait_for(pilot, lambda: pilot.app.screen.revisions is not None)
    await pilot.pause()


def test_agent_screen_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """With the agent's live state under the title: on Break, amber (tests/screens_support)."""
    app = history_app(tmp_path, states=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_agent_screen)


def test_agent_screen_200x60(snap_compare: Any, tmp_path: Path) -> None:
    app = history_app(tmp_path, states=True)
    assert snap_compare(app, terminal_size=(200, 60), run_before=_agent_screen)


def test_notes_history_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = history_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_oldest_note_in_the_history)


def test_a_note_full_size_with_its_revisions_100x30(snap_compare: Any, tmp_path: Path) -> None:
    app = history_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_oldest_note_full_size)


def test_board_no_color_and_stale_100x30(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(100, 30), run_before=_feeds_go_stale_everywhere)


async def _feeds_go_stale_everywhere(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    app.floor.tick(stale=frozenset({"calls", "status"}))
    await pilot.pause()
    screen = app.main_screen
    screen._show_facts()  # the header's STALE banner without waiting for its once-a-second recount
    await pilot.pause()
