"""Names, teams and reasons come from feeds: they show exactly as typed, never as markup, links,
actions or terminal escapes: in the board, the header, the events panel, toasts, the agent
screen and the errors panel."""

from __future__ import annotations

from dataclasses import replace

from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.board import BoardScreen
from tests.app_support import AGENTS, HOSTILE_NAMES, make_app
from tests.app_text import screen_text

WIDE = (160, 50)


async def test_hostile_names_and_teams_show_literally_on_the_board_and_header() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for name in HOSTILE_NAMES:
            assert name in text
        assert "Floor 3 - [bold red]Billing[/]" in text  # the floor name, in the header
        assert "[red]west[/red] ▂█ AHT" in text  # a team (its day, then its averages)
        assert app.is_running  # '[@click=app.quit]' did not quit anything


async def test_hostile_names_show_literally_in_events_toasts_and_the_agent_screen() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        clicker = next(a for a in AGENTS if a.name == "[@click=app.quit]Y")
        app.floor.push_calls([replace(clicker, aht=900)], calls=30)
        app.floor.tick()
        await pilot.pause()
        event = app.main_screen.events.lines_added[-1]
        assert event.startswith("10:42 [@click=app.quit]Y AHT ")
        app.main_screen.tick()  # the events panel is drawn on the tick
        await pilot.pause()
        assert event in screen_text(app)
        assert any(str(n.message) == event for n in app._notifications)
        await pilot.click(offset=(5, 5))  # clicking around must not run the 'action'
        assert app.is_running
        await pilot.press("slash", *"A010", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgentScreen)
        assert "[link=https://e.vil]Z" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_an_unbalanced_tag_in_a_name_does_not_crash_any_view() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        oops = next(a for a in AGENTS if a.name == "[/oops]")
        app.floor.push_calls([replace(oops, aht=900)], calls=30)
        app.floor.tick()
        await pilot.pause()
        await pilot.press("slash", *"[/oops]", "enter")
        await pilot.pause()
        assert app.main_screen.table.selected == oops.agent
        await pilot.press("enter")
        await pilot.pause()
        assert "[/oops]" in screen_text(app)
        assert app.is_running


async def test_terminal_escapes_in_a_name_never_reach_the_screen() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        evil = replace(AGENTS[0], agent="A099", name="Eve\x1b]0;pwned\x07\x1b[31mRed\u202e")
        app.floor.push_calls([evil])
        app.floor.tick()
        await pilot.pause()
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "Eve]0;pwned[31mRed" in text


async def test_a_hostile_best_performer_shows_literally_in_the_team_comparison() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"A003", "enter")  # Tomás Ruiz, south
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgentScreen)
        text = screen_text(app)
        aht = next(
            line
            for line in text.splitlines()
            if line.lstrip().startswith("AHT") and ("best" in line or " of " in line)
        )  # the comparison's line (stacked, it says 'best'; as a table, 'rank n of m')
        assert "[@click=app.quit]Y" in aht  # south's fastest: a name, not an action
        assert app.is_running
