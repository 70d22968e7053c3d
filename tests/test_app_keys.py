"""Every board key, through Textual's Pilot, on a real Board built from fixed rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.widgets import Input

from floorwatch.live.thresholds import Status
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.board import BOARD_KEYS, BoardScreen
from floorwatch.tui.screens.errors import ErrorsScreen
from floorwatch.tui.screens.help import HelpScreen
from floorwatch.tui.widgets.board_table import BoardTable
from tests.app_support import make_app
from tests.app_text import screen_text

SIZE = (120, 40)


def table(app: Any) -> BoardTable:
    return app.main_screen.table


def board_screen(app: Any) -> BoardScreen:
    assert isinstance(app.main_screen, BoardScreen)
    return app.main_screen


def toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_board_lists_every_agent_worst_first() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.floor.board
        assert table(app).order == board.sorted_ids()
        assert len(table(app).order) == len(board.rows)
        first = table(app).order[0]
        assert board.rows[first].status is Status.RED
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if board.rows[first].name in line)
        assert "■ RED" in row


async def test_arrows_and_j_k_move_the_selection() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        order = table(app).order
        assert table(app).selected == order[0]
        await pilot.press("down")
        assert table(app).selected == order[1]
        await pilot.press("j", "j")
        assert table(app).selected == order[3]
        await pilot.press("k")
        assert table(app).selected == order[2]
        await pilot.press("up", "up", "up")  # stops at the top
        assert table(app).selected == order[0]
        await pilot.press("end")
        assert table(app).selected == order[-1]
        await pilot.press("home")
        assert table(app).selected == order[0]
        await pilot.press("pagedown")
        assert table(app).selected == order[-1]  # fewer agents than a page
        assert app.selected_agent == order[-1]


async def test_slash_finds_the_first_agent_by_name_or_id() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen.query_one(Input), Input)
        await pilot.press(*"grace", "enter")
        await pilot.pause()
        assert table(app).selected == "A004"
        await pilot.press("slash", *"a012", "enter")
        await pilot.pause()
        assert table(app).selected == "A012"
        await pilot.press("slash", *"nobody", "enter")
        await pilot.pause()
        assert table(app).selected == "A012"
        assert any("nobody" in message for message in toasts(app))
        await pilot.press("slash", "x", "escape")  # cancelled: nothing changes
        await pilot.pause()
        assert table(app).selected == "A012"
        assert isinstance(app.screen, BoardScreen)


async def test_search_ignores_case_and_accents_and_n_shift_n_step_through_matches() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"TOMAS", "enter")  # finds Tomás Ruiz
        await pilot.pause()
        assert table(app).selected == "A003"
        await pilot.press("slash", *"ei", "enter")  # Li Wei and Mei Chen
        await pilot.pause()
        order = table(app).order
        found = [agent for agent in order if agent in ("A001", "A006")]
        assert table(app).selected == found[0]
        await pilot.press("n")
        assert table(app).selected == found[1]
        await pilot.press("n")  # wraps around
        assert table(app).selected == found[0]
        await pilot.press("N")  # and back
        assert table(app).selected == found[1]
        await pilot.press("N")
        assert table(app).selected == found[0]


async def test_keys_typed_ahead_of_the_search_closing_do_not_crash() -> None:
    """Over a fast link `/ana<Enter>/A1<Enter>` can all reach the first search box before it is
    gone: it answers once, and the board stays."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        box = app.screen.query_one(Input)
        box.post_message(Input.Submitted(box, "a012"))
        box.post_message(Input.Submitted(box, "grace"))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, BoardScreen)
        assert table(app).selected == "A012"


async def test_t_cycles_the_team_filter() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = app.floor.board
        teams = board.teams()
        assert len(teams) == 3
        for team in teams:
            await pilot.press("t")
            assert board_screen(app).view.team == team
            assert table(app).order == board.sorted_ids(team=team)
            assert {board.rows[a].team for a in table(app).order} == {team}
        await pilot.press("t")
        assert board_screen(app).view.team is None
        assert table(app).order == board.sorted_ids()


async def test_s_cycles_the_sort_through_status_name_and_each_metric() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = app.floor.board
        expected = ["name", *(m.key for m in app.config.metrics), "status"]
        for sort in expected:
            await pilot.press("s")
            assert board_screen(app).view.sort == sort
            assert table(app).order == board.sorted_ids(sort)
        names = [board.rows[a].name.casefold() for a in board.sorted_ids("name")]
        assert names == sorted(names)
        await pilot.press("s", "s")  # name, then the first metric: said with its column's label
        assert board_screen(app).view.sort == "aht"
        assert board_screen(app).view.describe().startswith("sort AHT · ")
        assert "sort aht" not in screen_text(app)


async def test_1_2_3_show_only_one_colour_and_again_clears() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = app.floor.board
        for key, status in (("1", Status.RED), ("2", Status.AMBER), ("3", Status.GREEN)):
            await pilot.press(key)
            shown = table(app).order
            assert shown and {board.rows[a].status for a in shown} == {status}
            assert shown == board.sorted_ids(only=[status])
        await pilot.press("1", "1")  # red, then red again: all
        assert table(app).order == board.sorted_ids()
        await pilot.press("t", "2")  # the first team, [red]west[/red], has no amber agent
        assert table(app).order == []
        assert "No agents to show" in screen_text(app)


async def test_enter_opens_the_agent_screen_with_thresholds_and_windows() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"li wei", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgentScreen)
        assert app.screen.agent == "A001"
        assert app.screen.query_one("#agent-notes")
        text = screen_text(app)
        assert "Li Wei" in text and "A001" in text
        assert "green <= 3:30, red > 5:00" in text  # AHT's thresholds
        assert "mean over 60m" in text
        assert "green >= 85%, red < 75%" in text  # FCR, higher is better
        assert "5:30" in text and "■ RED" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_e_shows_the_feed_errors() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ErrorsScreen)
        text = screen_text(app)
        assert "feeds/calls-south.csv:17: handle_s '[bold]abc[/]' is not a number" in text
        assert "feeds/calls-south.csv:40: missing column agent_id" in text
        assert "61 rows, 2 rejected" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_question_mark_lists_every_key() -> None:
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for _key, _action, _label, help_text in BOARD_KEYS:
            assert help_text in text
        assert "quit" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_every_key_is_in_the_key_bar_and_the_command_palette() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one("#keys").render())
        for key, _action, label, _ in BOARD_KEYS:
            shown = {"slash": "/", "question_mark": "?"}.get(key, key)
            assert shown in bar
            if key not in ("1", "2", "3"):
                assert label in bar
        assert "q quit" in bar
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for _key, _action, label, _ in BOARD_KEYS:
            assert f"Board: {label}" in titles


async def test_command_palette_commands_run_the_actions() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Board: sort"].callback()
        commands["Board: red"].callback()
        await pilot.pause()
        assert board_screen(app).view.sort == "name"
        assert board_screen(app).view.only is Status.RED


async def test_the_command_palette_offers_floorwatchs_themes_not_textuals() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Theme" not in commands  # Textual's picker restyles only the widgets
        themes = [title for title in commands if title.startswith("Theme: ")]
        assert themes == ["Theme: dark", "Theme: light", "Theme: colour-blind (blue/orange)"]
        commands["Theme: colour-blind (blue/orange)"].callback()
        await pilot.pause()
        assert app.palette.name == "colorblind" and table(app).palette.name == "colorblind"
        commands["Theme: light"].callback()
        await pilot.pause()
        assert app.palette.name == "light" and app.theme == "textual-light"


async def test_c_cycles_the_themes() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.palette.name == "dark"
        await pilot.press("c")
        assert app.palette.name == "light" and app.theme == "textual-light"
        assert table(app).palette.name == "light"
        await pilot.press("c")
        assert app.palette.name == "colorblind"
        await pilot.press("c")
        assert app.palette.name == "dark"


async def test_notes_keys_open_the_panel_and_the_follow_ups() -> None:
    from floorwatch.tui.screens.feedback import FeedbackPanel
    from floorwatch.tui.screens.followups import FollowUpsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        selected = app.selected_agent
        for key, kind in (("f", "improvement"), ("p", "praise")):
            await pilot.press(key)
            await pilot.pause()
            panel = app.screen
            assert isinstance(panel, FeedbackPanel)
            assert (panel.agent, panel.fresh.kind) == (selected, kind)
            await pilot.press("escape")  # nothing typed: closes without asking
            await pilot.pause()
            assert isinstance(app.screen, BoardScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_agent_screen_compares_the_agent_with_the_team() -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("slash", *"li wei", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "vs team" in text and "team best" in text and "to green" in text
        aht = next(
            line
            for line in text.splitlines()
            if line.lstrip().startswith("AHT") and "Priya" in line
        )
        assert "5:30" in aht and "3:15" in aht and "5 of 5" in aht and "2:00" in aht
        assert "Work on: AHT" in text
        assert "Focus: start with AHT; praise " in text


async def test_the_agent_screen_shows_trends_from_the_kept_daily_figures() -> None:
    app = make_app()
    start = date(2025, 3, 20)  # NOW is 16 June 2025: three months of figures, AHT coming down
    figures = [
        ((start + timedelta(days=d)).isoformat(), "A001", "aht", 330.0 - d, 10) for d in range(88)
    ]
    app.notes.store.save_daily_figures(figures)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("slash", *"li wei", "enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Trend over months" in text
        aht = next(line for line in text.splitlines() if line.strip().startswith("AHT: 3 months"))
        assert "3 months: better (5:" in aht and "6 months: better" in aht
        assert "CSAT: " not in text.split("Trend over months")[1]  # no figures kept for it
        await pilot.press("escape", "slash", *"ana", "enter", "enter")  # no figures kept for her
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no daily figures kept yet (`run` and `serve` keep each closed day's" in screen_text(
            app
        )
