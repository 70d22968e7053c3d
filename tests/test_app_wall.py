"""Wall mode: read-only, big counts, auto-paging, 'updated hh:mm:ss', a big STALE warning."""

from __future__ import annotations

from dataclasses import replace

from floorwatch.live.thresholds import Status
from floorwatch.tui.screens.wall import WallScreen
from tests.app_support import AGENTS, make_app
from tests.app_text import screen_text

PANEL_KEYS = ("slash", "t", "s", "1", "2", "3", "enter", "space", "e", "f", "p", "u", "c",
              "question_mark", "ctrl+p")  # fmt: skip


async def test_wall_is_read_only_every_panel_key_does_nothing() -> None:
    app = make_app(wall=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WallScreen)
        order = list(screen.table.order)
        before = screen_text(app)
        for key in PANEL_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert screen.table.order == order
        assert screen.view.sort == "status" and screen.view.team is None
        assert screen.view.only is None and not screen.view.paused
        assert list(app._notifications) == []
        assert screen_text(app) == before
        assert not app.query("KeyBar") and not app.query("EventsPanel")
        assert "NOTE" not in before  # no notes on the wall
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_role_wall_forces_wall_mode() -> None:
    app = make_app(role="wall")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.wall and isinstance(app.screen, WallScreen)
        assert app.selected_agent is None


async def test_wall_shows_big_counts_and_when_it_was_updated() -> None:
    app = make_app(wall=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.floor.push_calls([replace(AGENTS[5], aht=900)], calls=30)  # Mei Chen goes red
        app.floor.tick(advance=5.0)
        await pilot.pause()
        counts = app.floor.board.counts()
        assert counts[Status.RED] == 4
        for status in (Status.RED, Status.AMBER, Status.GREEN, Status.NONE):
            digits = app.screen.query_one(f"#count-{status.json_name} Digits")
            assert digits.value == str(counts[status])  # type: ignore[attr-defined]
        text = screen_text(app)
        assert "updated 10:42:05" in text
        assert "floor  AHT" in text
        assert app.screen.table.flashing == {"A006": {"aht": app.floor.now + 3.0}}


async def test_wall_warns_big_when_feeds_go_stale() -> None:
    app = make_app(wall=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "STALE" not in screen_text(app)
        app.floor.tick(stale=frozenset({"calls"}))
        await pilot.pause()
        warning = app.screen.query_one("#stale")
        assert warning.display and warning.size.height == 3
        assert "STALE: no new rows from calls" in screen_text(app)
        app.floor.tick(stale=frozenset())
        await pilot.pause()
        assert "STALE" not in screen_text(app)


async def test_wall_pages_through_agents_that_do_not_fit() -> None:
    app = make_app(wall=True)
    async with app.run_test(size=(120, 18)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WallScreen)
        table = screen.table
        per_page = table.body_height
        assert 0 < per_page < len(table.order)
        assert table.pages == -(-len(table.order) // per_page)
        first_page = screen_text(app)
        assert table.rows[table.order[0]].name in first_page
        assert f"page 1/{table.pages}" in first_page
        screen.next_page()
        await pilot.pause()
        second_page = screen_text(app)
        assert table.page == 1 and f"page 2/{table.pages}" in second_page
        assert table.rows[table.order[per_page]].name in second_page
        assert table.rows[table.order[0]].name not in second_page
        for _ in range(table.pages - 1):
            screen.next_page()
        assert table.page == 0  # wraps around
