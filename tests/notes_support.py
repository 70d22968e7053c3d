"""Shared by the notes UI tests: the app fixture's config with a notes store in a temp folder, a
frozen clock, a minimal app that opens one notes screen, and a wait-until helper for Pilot."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from floorwatch.config.types import Config, NotesConfig
from floorwatch.live.board import AgentRow
from floorwatch.tui.notes_service import NotesChanged, NotesService
from tests.app_support import NOW, build_board, load_fixture_config

AUTHOR = "alice"
NOW_UTC = datetime.fromtimestamp(NOW, UTC)  # Monday 2025-06-16 10:42 UTC (the fixture floor's zone)


class Clock:
    """A frozen epoch clock that a test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def notes_config(tmp_path: Path, author: str | None = AUTHOR) -> Config:
    store = tmp_path / "notes" / "notes.sqlite3"
    return replace(load_fixture_config(), notes=NotesConfig(path=store, author=author))


def board_rows(config: Config) -> dict[str, AgentRow]:
    board, _ = build_board(config)
    return dict(board.rows)


def make_service(config: Config, clock: Callable[[], float] | None = None) -> NotesService:
    return NotesService(config, clock=clock or Clock())


class NotesTestApp(App[None]):
    """Opens `make_screen()` on mount; keeps what it dismissed with and every NotesChanged."""

    def __init__(self, service: NotesService, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.service = service
        self.make_screen = make_screen
        self.results: list[Any] = []
        self.changes: list[NotesChanged] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)

    def on_notes_changed(self, message: NotesChanged) -> None:
        self.changes.append(message)

    def on_unmount(self) -> None:
        self.service.stop()


async def wait_for(pilot: Any, condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Pause the pilot until `condition()` holds; fail after `timeout` seconds (a generous bound
    for a loaded machine, not a timing assertion)."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"still waiting after {timeout} s for {condition}")
        await pilot.pause(0.05)


async def shows(pilot: Any, app: App[Any], text: str, timeout: float = 15.0) -> None:
    """Wait until `text` is on the screen (a repaint can trail the state it shows)."""
    from tests.app_text import screen_text

    await wait_for(pilot, lambda: text in screen_text(app), timeout)


def export_notes(config_path: Path | str) -> list[dict[str, Any]]:
    """`floorwatch notes export --format json --role manager` for that config, as the CLI
    prints it."""
    import json
    import subprocess
    import sys

    exported = subprocess.run(
        [sys.executable, "-m", "floorwatch", "notes", "export", "--format", "json",
         "--role", "manager",  # every supervisor's notes, private ones too
         "--config", str(config_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return list(json.loads(exported.stdout))
