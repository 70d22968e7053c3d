"""How the app starts and stops its floor, the run command, NO_COLOR, the agent screen live."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from typing import Any

import pytest

from floorwatch.tui.app import FloorwatchApp
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.feedback import FeedbackPanel
from tests.app_support import AGENTS, FakeFloor, build_board, load_fixture_config, make_app
from tests.app_text import screen_text


class OwnFloor(FakeFloor):
    """Stands in for floorwatch.live.floor.Floor(config, clock=...) when the app makes its own."""

    made: list[OwnFloor] = []

    def __init__(self, config: Any, clock: Any = None) -> None:
        board, first = build_board(config)
        super().__init__(board, first)
        self.last_update = None  # a new floor has published nothing yet
        self.clock = clock
        OwnFloor.made.append(self)


@pytest.fixture
def own_floor(monkeypatch: pytest.MonkeyPatch) -> type[OwnFloor]:
    module = types.ModuleType("floorwatch.live.floor")
    module.Floor = OwnFloor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "floorwatch.live.floor", module)
    OwnFloor.made = []
    return OwnFloor


async def test_without_a_floor_the_app_makes_one_starts_it_and_stops_it(
    own_floor: type[OwnFloor],
) -> None:
    app = FloorwatchApp(load_fixture_config(), clock=lambda: 0.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        [floor] = own_floor.made
        assert app.floor is floor and app.owns_floor
        assert floor.started and floor.clock is not None
        assert len(floor.subscribers) == 1
        assert "loading feeds" in screen_text(app)  # nothing published yet
        floor.tick()
        await pilot.pause()
        assert "3 files" in screen_text(app)
    assert floor.stopped
    assert floor.subscribers == []


async def test_with_a_shared_floor_the_app_only_subscribes() -> None:
    app = make_app()
    floor = app.floor
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.owns_floor and len(floor.subscribers) == 1
    assert not floor.started and not floor.stopped  # the server runs the shared floor
    assert floor.subscribers == []


async def test_no_color_keeps_every_status_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for label in ("■ RED", "▲ AMBER", "● GREEN"):
            assert label in text
        assert "5:30 ■" in text  # a red cell carries its shape too


async def test_the_agent_screen_follows_its_agent_live() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"priya", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgentScreen)
        assert "● GREEN" in screen_text(app)
        priya = next(a for a in AGENTS if a.agent == "A011")
        app.floor.push_calls([replace(priya, aht=900)], calls=30)
        app.floor.tick()
        await pilot.pause()
        text = screen_text(app)
        assert "■ RED since 10:42" in text
        await pilot.press("f")
        await pilot.pause()
        panel = app.screen  # the BEST panel, its Behavior holding the new red as evidence
        assert isinstance(panel, FeedbackPanel) and panel.agent == "A011"
        assert "AHT 9:24 over last 60m (target <= 3:30, red > 5:00)" in panel.fresh.behavior


def test_run_command_builds_the_app_from_its_flags(
    monkeypatch: pytest.MonkeyPatch, own_floor: type[OwnFloor]
) -> None:
    from floorwatch.cli import main

    built: list[FloorwatchApp] = []
    monkeypatch.setattr(FloorwatchApp, "run", lambda self, **_: built.append(self))
    config = str(load_fixture_config().source)
    argv = ["run", "--config", config, "--wall", "--page-seconds", "4", "--author", "ana"]
    assert main([*argv, "--theme", "light"]) == 0
    [app] = built
    assert app.wall and app.page_seconds == 4 and app.author == "ana"
    assert app.palette.name == "light" and app.config.floor.theme == "light"
    assert own_floor.made == [app.floor] and app.owns_floor


def test_run_command_refuses_a_bad_page_time(capsys: pytest.CaptureFixture[str]) -> None:
    from floorwatch.cli import main

    config = str(load_fixture_config().source)
    assert main(["run", "--config", config, "--page-seconds", "0"]) == 2
    assert "--page-seconds must be a positive" in capsys.readouterr().err
