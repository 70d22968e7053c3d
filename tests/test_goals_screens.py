"""Goals light up on the agent screen (the agent's, beside the team's, and the floor's) and
under the board's header (the teams' and the floor's), from the config and the store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from floorwatch.coaching.goals import Goal
from floorwatch.store import NoteStore, store_path
from floorwatch.store.goals import GoalBook
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.themes import DARK
from floorwatch.tui.widgets.goals import GoalsLine
from tests.app_support import FakeFloor, build_board
from tests.notes_support import wait_for

START, DUE = date(2025, 6, 1), date(2025, 8, 31)
GOALS = (
    Goal("config:1", "agent", "A001", "aht", 400.0, 300.0, START, DUE, source="config"),
    Goal("config:2", "team", "north", "aht", 300.0, 200.0, START, DUE, source="config"),
    Goal("config:3", "floor", "", "csat", 80.0, 95.0, START, DUE, source="config"),
)


def goals_app() -> object:
    from floorwatch.tui.app import FloorwatchApp

    board, first = build_board()
    config = replace(board.config, goals=GOALS)
    with NoteStore(store_path(config)) as store:  # a goal kept by `floorwatch goals add`
        GoalBook(store).add(
            Goal("", "team", "south", "aht", 300.0, 200.0, START, DUE), "li", datetime.now(UTC)
        )
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now)  # type: ignore[arg-type]
    app.REPAINT_INTERVAL = 0.0
    app.HEADER_INTERVAL = 0.0
    return app


async def test_agent_screen_shows_goals_with_their_light() -> None:
    app = goals_app()
    async with app.run_test(size=(140, 45)) as pilot:  # type: ignore[attr-defined]
        await pilot.press("slash", *"li wei", "enter")
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen  # type: ignore[attr-defined]
        assert isinstance(screen, AgentScreen)
        line = screen.query_one("#agent-goals", GoalsLine)
        await wait_for(pilot, lambda: len(line.statuses) == 3)
        text = line.plain()
        # Li Wei's AHT is 5:30 now: 70% of the way from 6:40 to 5:00, exactly: amber
        assert "agent A001 AHT 5:30 of 6:40 -> 5:00 by 2025-08-31  70% ▲ amber" in text
        lines = text.splitlines()
        assert "agent A001" in lines[0] and "team north" in lines[1] and "floor" in lines[2]
        assert "team south" not in text  # another team's goal is not Li Wei's


async def test_board_header_shows_team_and_floor_goals() -> None:
    app = goals_app()
    async with app.run_test(size=(140, 45)) as pilot:  # type: ignore[attr-defined]
        line = app.screen.query_one("#board-goals", GoalsLine)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: len(line.statuses) == 3)
        assert line.display
        text = line.plain()
        assert "team north AHT" in text and "team south AHT" in text and "floor CSAT" in text
        assert "agent A001" not in text  # personal goals live on the agent screen
        lines = text.splitlines()
        assert "floor CSAT" in lines[0] and "team north" in lines[1] and "team south" in lines[2]
        board = app.screen  # type: ignore[attr-defined]
        for _ in range(6):  # t cycles the teams: stop at north
            await pilot.press("t")
            if board.view.team == "north":
                break
        assert board.view.team == "north"  # one team: its goals and the floor's
        await wait_for(pilot, lambda: "team south" not in line.plain())
        assert "team north" in line.plain() and "floor CSAT" in line.plain()


def test_board_goals_are_capped_with_a_count() -> None:
    from floorwatch.coaching.goals import goal_status
    from floorwatch.tui.widgets.goals import goals_text
    from tests.app_support import load_fixture_config

    config = load_fixture_config()
    statuses = [goal_status(GOALS[2], 90.0, START)] * 5
    text = goals_text(statuses, config.metrics, DARK, limit=3).plain
    assert text.count("floor CSAT") == 2 and text.splitlines()[-1].strip().startswith("+3 more")
