"""The live floor in the app (Pilot): STATE timers tick with no new row and repaint only what
changed, the header's state counts and queue strip, the state filter, the time-in-state sort,
a supervisor's own teams and the whole floor, the wall's queues."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from floorwatch.config import load_config
from floorwatch.live.thresholds import Status
from tests.app_support import NOW, FakeFloor, build_board
from tests.app_text import screen_lines, screen_text

LIVE = Path(__file__).resolve().parent / "fixtures" / "app" / "live.yaml"
SIZE = (140, 40)


def states_frame(*items: tuple[float, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ts": [i[0] for i in items],
            "agent": [i[1] for i in items],
            "name": [None] * len(items),
            "team": [None] * len(items),
            "state": [i[2] for i in items],
            "reason": [i[3] for i in items],
        }
    )


def queue_frame(*items: tuple[float, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ts": [i[0] for i in items],
            "agent": [""] * len(items),
            "name": [None] * len(items),
            "team": [None] * len(items),
            "queue": [i[1] for i in items],
            "contact": [i[2] for i in items],
            "event": [i[3] for i in items],
        }
    )


class LiveFloor(FakeFloor):
    def push(self, feed_name: str, rows: pd.DataFrame) -> None:
        feed = next(f for f in self.config.feeds if f.name == feed_name)
        self.board.ingest(feed, rows)


def make_live_app(**kwargs: Any) -> Any:
    from floorwatch.tui.app import FloorwatchApp

    config = load_config(LIVE)
    board, _ = build_board(config)
    feeds = {feed.name: feed for feed in config.feeds}
    board.ingest(
        feeds["states"],
        states_frame(
            (NOW - 1190, "A003", "Break", "Coffee"),  # red in 10 s
            (NOW - 30, "A006", "On Call", None),
            (NOW - 5, "A011", "Available", None),
        ),
    )
    board.ingest(feeds["queue"], queue_frame((NOW - 20, "Sales", "c1", "enter")))
    first = board.tick(now=NOW)
    floor = LiveFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now, **kwargs)  # type: ignore[arg-type]
    app.REPAINT_INTERVAL = 0.0
    app.HEADER_INTERVAL = 0.0
    return app


def row_line(app: Any, name: str) -> str:
    return next(line for line in screen_lines(app) if name in line)


async def test_a_break_past_its_red_limit_turns_red_without_a_new_row() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        line = row_line(app, "Tomás Ruiz")
        assert "Break 19:50 ▲ Coffee" in line and "▲ AMBER" in line
        app.floor.tick(advance=10.0)  # only time passes: no row
        app.main_screen.tick()
        await pilot.pause()
        line = row_line(app, "Tomás Ruiz")
        assert "Break 20:00 ■ Coffee" in line and "■ RED" in line
        assert app.floor.board.rows["A003"].status is Status.RED


async def test_timers_tick_each_second_and_repaint_only_their_lines() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        assert "On Call 0:30" in row_line(app, "Mei Chen")
        await pilot.pause()
        before, spliced = table.renders, table.spliced
        app.floor.now += 0.4  # the same second: no line changes
        app.main_screen.tick()
        await pilot.pause()
        assert (table.renders, table.spliced) == (before, spliced)
        regions: list[Any] = []
        refresh = table.refresh
        table.refresh = lambda *r, **k: (regions.extend(r), refresh(*r, **k))[1]
        app.floor.now += 0.6  # the next second: the three timers' lines, no other
        app.main_screen.tick()
        table.refresh = refresh
        await pilot.pause()
        # The three lines keep their cached strips with the new timer spliced in: no row is
        # built again for a tick.
        assert (table.renders, table.spliced) == (before, spliced + 3)
        state = next(c for c in table.columns if c.key == "state")
        # One region over the STATE column, from the first timer's line to the last: the lines
        # between come from their cache, and only changed cells reach the terminal (damage).
        assert len(regions) == 1 and regions[0].width == state.width
        assert regions[0].height <= table.body_height
        assert "On Call 0:31" in row_line(app, "Mei Chen")
        assert {r.x for r in regions} == {row_line(app, "Mei Chen").index("On Call 0:31")}
        assert "Available 0:06" in row_line(app, "Priya Nair")


async def test_the_header_counts_states_and_shows_the_queue_strip() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(app)
        assert "states  avail 1  on call 1  ACW 0  away 1  offline 0" in text
        assert "Sales 1 waiting ● · oldest 0:20 ● ·" in text
        app.floor.push(
            "queue", queue_frame(*[(NOW + 1, "Sales", f"n{i}", "enter") for i in range(5)])
        )
        app.floor.tick(advance=45.0)
        app.main_screen.tick()
        await pilot.pause()
        text = screen_text(app)
        assert "Sales 6 waiting ■ · oldest 1:05 ■" in text
        app.floor.push(
            "queue", queue_frame(*[(NOW + 46, "Sales", f"n{i}", "answer") for i in range(5)])
        )
        app.floor.tick(advance=1.0)
        app.main_screen.tick()
        await pilot.pause()
        assert "Sales 1 waiting ● · oldest 1:06 ■" in screen_text(app)


async def test_state_filter_and_time_in_state_sort_keys() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await pilot.press("a")  # available
        assert table.order == ["A011"]
        await pilot.press("a", "a", "a")  # on contact, after-contact work, away
        assert table.order == ["A003"]
        assert "state away" in screen_text(app)
        for _ in range(3):  # offline, other, then all again
            await pilot.press("a")
        assert len(table.order) == 12
        await pilot.press("d")
        assert table.order[:3] == ["A003", "A006", "A011"]  # the longest in its state first
        assert app.main_screen.view.sort == "state"


async def test_a_supervisor_sees_their_own_teams_first() -> None:
    app = make_live_app(author="dana")
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        rows = app.floor.board.rows
        assert table.order and all(rows[a].team == "south" for a in table.order)
        assert "your teams (south)" in screen_text(app)
        await pilot.press("t")  # the team filter cycles within the scope
        assert app.main_screen.view.team == "south"
        await pilot.press("t")
        assert app.main_screen.view.team is None
        await pilot.press("w")
        assert len(table.order) == 12 and "whole floor" in screen_text(app)
        await pilot.press("w")
        assert all(rows[a].team == "south" for a in table.order)


async def test_the_wall_shows_the_whole_floor_and_its_queues_big() -> None:
    app = make_live_app(wall=True, author="dana")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        for _ in range(50):  # the boxes mount after the first refresh
            boxes = screen.header.queue_boxes
            if boxes and str(boxes["Sales"].digits.value) == "1":
                break
            await pilot.pause(0.05)
        assert len(screen.view.order()) == 12
        boxes = screen.header.queue_boxes
        assert list(boxes) == ["Sales"]
        assert str(boxes["Sales"].digits.value) == "1"
        assert "states  avail 1" in screen_text(app)


async def test_a_state_reaching_red_is_news_once() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        app.floor.tick(advance=10.0)  # Tomás Ruiz's Break reaches 20:00
        await pilot.pause()
        events = app.main_screen.events.lines_added
        assert events == ["10:42 Tomás Ruiz Break 20:00 ■ Coffee RED"]
        assert [str(n.message) for n in app._notifications] == events
        app.floor.tick(advance=5.0)  # still red: no news
        await pilot.pause()
        assert app.main_screen.events.lines_added == events


# -- the agent screen: the agent's live state -------------------------------------------------


def state_style(screen: Any, label: str) -> Any:
    """The style the agent screen's state line gives `label` (the STATE cell's words)."""
    from floorwatch.tui.widgets.agent_state import AgentStateLine

    text = screen.query_one(AgentStateLine).shown
    start = text.plain.index(label)
    return next(s.style for s in text.spans if s.start <= start < s.end)


async def test_the_agent_screen_shows_a_break_turning_red_as_the_clock_moves() -> None:
    from floorwatch.tui.screens.agent import AgentScreen

    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_agent("A003")  # Tomás Ruiz: on Break (Coffee) for 19:50, red at 20:00
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgentScreen)
        line = screen_lines(app)[1]  # under the title
        assert "Break 19:50 ▲ Coffee · away · amber 15:00, red 20:00" in line
        assert "counts in the status" in line
        assert state_style(screen, "Break 19:50") == app.palette.for_status(Status.AMBER)
        assert "AMBER" in screen_lines(app)[0]  # the title: the agent's status
        app.floor.now += 10.0  # only time passes: no row, and the board has not ticked
        await pilot.pause(1.3)  # the screen's own once-a-second tick
        assert "Break 20:00 ■ Coffee" in screen_text(app)
        assert state_style(screen, "Break 20:00") == app.palette.for_status(Status.RED)
        app.floor.tick(advance=0.0)  # the board's next tick: the state counts, so RED
        await pilot.pause()
        assert "RED since" in screen_lines(app)[0]


async def test_the_agent_screen_says_when_a_state_is_not_counted() -> None:
    from dataclasses import replace

    app = make_live_app()
    config = app.config
    app.config = replace(config, floor=replace(config.floor, state_counts=False))
    async with app.run_test(size=SIZE) as pilot:
        app.open_agent("A006")  # Mei Chen: on call for 0:30
        await pilot.pause()
        text = screen_text(app)
        assert "On Call 0:30 · on contact · amber 10:00, red 20:00" in text
        assert "not in the status (floor.state_counts: false)" in text
        await pilot.press("escape")
        app.open_agent("A011")  # Priya Nair: available, no limits
        await pilot.pause()
        assert "Available 0:05 · available · no time limits" in screen_text(app)


async def test_the_agent_screen_of_a_floor_without_states_has_no_state_line() -> None:
    from floorwatch.tui.widgets.agent_state import AgentStateLine
    from tests.app_support import make_app

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_agent("A001")
        await pilot.pause()
        assert not app.screen.query_one(AgentStateLine).display
        assert "State not known" not in screen_text(app)


def test_the_state_line_words_the_state_as_the_board_cell_does() -> None:
    from floorwatch.live.states import AgentState
    from floorwatch.tui.themes import DARK
    from floorwatch.tui.widgets.live_text import state_cell, state_line

    lunch = AgentState("Break", "away", since=0.0, reason="Lunch", amber=900.0, red=1200.0)
    line = state_line(lunch, 1334.0, DARK, counts=True)
    assert state_cell(lunch, 1334.0) == ("Break 22:14 ■ Lunch", Status.RED)
    assert line.plain == (
        "Break 22:14 ■ Lunch · away · amber 15:00, red 20:00 · counts in the status"
    )
    odd = AgentState("Training", "other", since=0.0)
    assert state_line(odd, 61.0, DARK, counts=True).plain == (
        "Training 1:01 · other (the config's states: do not list it) · no time limits"
    )
    assert state_line(None, 0.0, DARK, counts=True).plain == (
        "State not known: no state rows for this agent yet"
    )


async def test_a_spliced_timer_line_matches_a_line_built_whole() -> None:
    """Every cell (character and style) of a line whose timer was spliced in equals the same
    line built from scratch: plain rows, the selected row, and across an amber -> red change."""
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        # A003 turns red 10 s in; A006 is on a call; A011 is available (no limits)
        for agent in ("A003", "A006", "A011"):
            table.select(agent)
            await pilot.pause()
            for step in range(12):
                app.floor.now += 1.0
                app.main_screen.tick()
                await pilot.pause()
                for y in range(1, min(table.body_height, len(table.order)) + 1):
                    shown = table.order[table.scroll_offset.y + y - 1]  # selected or not
                    drawn = table.render_line(y)  # spliced when the screen was drawn
                    table._strips.pop(shown)
                    whole = table.render_line(y)
                    assert _cells(drawn) == _cells(whole), (agent, shown, step)
        assert table.spliced >= 30  # most of those lines were spliced, not built


def _cells(strip: Any) -> list[tuple[str, Any]]:
    return [(char, segment.style) for segment in strip for char in segment.text]
