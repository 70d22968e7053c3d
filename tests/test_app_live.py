"""The board live: updates from the floor, pause, re-sorts, alerts, staleness, joins and leaves."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from floorwatch.live.board import BoardDelta
from floorwatch.live.thresholds import Status
from floorwatch.tui.messages import FloorChanged, MergedUpdate, UpdateBuffer
from floorwatch.tui.widgets.board_table import FLASH_SECONDS, BoardTable
from tests.app_support import AGENTS, Agent, make_app
from tests.app_text import screen_lines, screen_text

SIZE = (120, 40)
BY_ID = {agent.agent: agent for agent in AGENTS}


def table(app: Any) -> BoardTable:
    return app.main_screen.table


def row_line(app: Any, name: str) -> str:
    return next(line for line in screen_lines(app) if name in line and "│" not in line)


def turn_red_on_aht(agent: Agent) -> Agent:
    return replace(agent, aht=900.0)


async def test_a_change_on_the_floor_reaches_the_row() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "● GREEN" in row_line(app, "Priya Nair")
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick()
        await pilot.pause()
        line = row_line(app, "Priya Nair")
        assert "■ RED" in line and "10:42" in line  # red since the tick, hh:mm
        assert table(app).order == app.floor.board.sorted_ids()


async def test_transition_to_red_adds_an_event_a_toast_and_a_highlight() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick()
        await pilot.pause()
        events = app.main_screen.events.lines_added
        assert len(events) == 1
        assert events[0].startswith("10:42 Priya Nair AHT ")
        assert events[0].endswith("> 5:00 RED")
        # The panel is drawn by the screen's once-a-second tick (a busy floor repaints it once
        # a second, not once an update); the toast says it at once.
        assert events[0] not in screen_text(app)
        app.main_screen.tick()
        await pilot.pause()
        assert events[0] in screen_text(app)
        assert [str(n.message) for n in app._notifications] == events
        assert table(app).flashing == {"A011": {"aht": app.floor.now + FLASH_SECONDS}}
        table(app).expire_flashes(app.floor.now + FLASH_SECONDS)
        assert table(app).flashing == {}


async def test_many_reds_at_once_make_one_summary_toast() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        green = [a for a in AGENTS if a.agent in ("A003", "A006", "A008", "A009", "A011")]
        app.floor.push_calls([turn_red_on_aht(a) for a in green], calls=30)
        app.floor.tick()
        await pilot.pause()
        assert len(app.main_screen.events.lines_added) == 5
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1 and "5 metrics turned red (5 agents)" in messages[0]


async def test_bell_rings_on_red_when_configured() -> None:
    app = make_app()
    app.config = replace(app.config, floor=replace(app.config.floor, bell=True))
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick()
        await pilot.pause()
        assert rings == [1]


async def test_the_selected_agent_stays_selected_across_a_resort() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"omar", "enter")
        await pilot.pause()
        assert table(app).selected == "A012"
        before = table(app).selected_index
        # Three green agents go red: they move above Omar, who moves down.
        reds = [turn_red_on_aht(BY_ID[a]) for a in ("A003", "A006", "A011")]
        app.floor.push_calls(reds, calls=30)
        app.floor.tick()
        await pilot.pause()
        assert table(app).selected == "A012"
        assert table(app).selected_index == before + 3
        assert table(app).order == app.floor.board.sorted_ids()
        assert row_line(app, "Omar Haddad").startswith("▶")


async def test_the_order_is_stable_when_nothing_moves() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        order = list(table(app).order)
        # Tomás stays green with a slightly different handle time: nothing should move.
        app.floor.push_calls([replace(BY_ID["A003"], aht=185)], calls=1)
        delta = app.floor.tick()
        await pilot.pause()
        assert delta.changed == {"A003"}
        assert table(app).order == order


async def test_space_pauses_and_resume_applies_everything() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.pause()
        assert "PAUSED" in screen_text(app)
        shown = dict(table(app).rows)
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick()
        app.floor.push_calls([turn_red_on_aht(BY_ID["A006"])], calls=30)
        app.floor.tick()
        await pilot.pause()
        assert table(app).rows == shown  # nothing moved on screen
        assert "■ RED 3" in screen_lines(app)[0]  # nor the header's counts
        assert "● GREEN" in row_line(app, "Priya Nair")
        # The model kept going, and alerts still arrive while paused.
        assert app.floor.board.rows["A011"].status is Status.RED
        assert len(app.main_screen.events.lines_added) == 2
        # Filters work on what is on screen while paused.
        await pilot.press("3")
        assert "A011" in table(app).order
        await pilot.press("3")
        await pilot.press("space")
        await pilot.pause()
        assert "PAUSED" not in screen_text(app)
        assert "■ RED 5" in screen_lines(app)[0]
        assert "■ RED" in row_line(app, "Priya Nair")
        assert table(app).order == app.floor.board.sorted_ids()
        assert {"A011", "A006"} <= set(table(app).flashing)


async def test_stale_feeds_mark_cells_and_the_status_line() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = row_line(app, "Omar Haddad")
        app.floor.tick(stale=frozenset({"status"}))
        await pilot.pause()
        # Stale never takes the status mark's place: the line reads the same, the cells are
        # dim (row_text's tests) and STALE is said in the header and the feed line.
        assert row_line(app, "Omar Haddad") == before
        assert "▲" in before and "~" not in before
        text = screen_text(app)
        assert "STALE (no new rows): status" in text
        header = app.main_screen.header
        for _ in range(40):  # the header recounts at most once a second
            if header.facts.stale:
                break
            await pilot.pause(0.1)
        assert any("STALE" in line for line in screen_lines(app)[: header.size.height])
        app.floor.tick(stale=frozenset())
        await pilot.pause()
        assert "STALE" not in screen_text(app)


async def test_agents_join_and_leave() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        newcomer = Agent("A013", "Zoe Newman", "north", 200, 10, 0.9, 95, 0.95)
        app.floor.push_calls([newcomer])
        app.floor.tick()
        await pilot.pause()
        assert "A013" in table(app).order
        assert "Zoe Newman" in screen_text(app)
        # A day later the newcomer's calls have left every window; the others stay on the
        # board by their adherence snapshot.
        app.floor.tick(advance=86_400.0)
        await pilot.pause()
        assert "A013" not in app.floor.board.rows
        assert "A013" not in table(app).order and "A013" not in table(app).rows
        assert "Zoe Newman" not in screen_text(app)
        assert table(app).order == app.floor.board.sorted_ids()
        app.floor.push_calls([newcomer])
        app.floor.tick()
        await pilot.pause()
        assert "A013" in table(app).order
        assert table(app).order == app.floor.board.sorted_ids()


async def test_the_selection_moves_to_the_next_agent_when_its_agent_leaves() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        newcomer = Agent("A013", "Zoe Newman", "north", 900, 10, 0.9, 95, 0.95)
        app.floor.push_calls([newcomer])
        app.floor.tick()
        await pilot.pause()
        await pilot.press("slash", *"zoe", "enter")
        await pilot.pause()
        index = table(app).selected_index
        assert table(app).selected == "A013" and index is not None
        app.floor.tick(advance=86_400.0)
        await pilot.pause()
        assert table(app).selected == table(app).order[index]


async def test_floor_errors_are_toasted_and_kept_for_the_errors_panel() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.floor.tick(errors=("ingest failed: [bold]boom[/]",))
        await pilot.pause()
        assert "ingest failed: [bold]boom[/]" in app.floor_errors
        assert any("[bold]boom[/]" in str(n.message) for n in app._notifications)
        await pilot.press("e")
        await pilot.pause()
        assert "ingest failed: [bold]boom[/]" in screen_text(app)


async def test_updates_coalesce_into_one_repaint() -> None:
    app = make_app()
    app.REPAINT_INTERVAL = 3600.0  # the first board repaints at once; the rest wait
    flushes: list[MergedUpdate] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.main_screen
        original = screen.floor_changed
        screen.floor_changed = lambda u: (flushes.append(u), original(u))  # type: ignore[method-assign]
        for agent in ("A003", "A006", "A011"):
            app.floor.push_calls([turn_red_on_aht(BY_ID[agent])], calls=30)
            app.floor.tick()
        await pilot.pause()
        assert flushes == []  # three ticks wait in the buffer for one repaint
        assert app._flush_timer is not None
        app._timed_flush()
        assert len(flushes) == 1 and flushes[0].count == 3
        assert {t.agent for t in flushes[0].delta.transitions} == {"A003", "A006", "A011"}
        assert table(app).order == app.floor.board.sorted_ids()


def test_update_buffer_merges_deltas_and_keeps_the_latest_statuses() -> None:
    from tests.app_support import Update

    buffer = UpdateBuffer()
    assert buffer.take() is None
    first = Update(BoardDelta(changed=frozenset({"a"}), now=1.0), ("s1",))
    second = Update(
        BoardDelta(added=frozenset({"b"}), removed=frozenset({"a"}), now=2.0),
        ("s2",),
        stale=frozenset({"calls"}),
        errors=("e",),
    )
    assert buffer.add(first) is True
    assert buffer.add(second) is False  # already nudged
    merged = buffer.take()
    assert merged is not None and merged.count == 2
    assert merged.delta.removed == {"a"} and merged.delta.added == {"b"}
    assert merged.delta.changed == frozenset()
    assert merged.statuses == ("s2",) and merged.stale == {"calls"} and merged.errors == ("e",)
    assert buffer.take() is None
    assert MergedUpdate().then(merged) is merged


def test_floor_changed_nudges_replace_each_other() -> None:
    assert FloorChanged().can_replace(FloorChanged())


def test_a_first_ticks_transitions_never_alert_even_merged_with_later_ones() -> None:
    from floorwatch.live.board import Transition
    from tests.app_support import Update

    def red(agent: str, first: bool) -> Update:
        transition = Transition(1.0, agent, agent, "aht", Status.NONE, Status.RED, 400.0)
        return Update(BoardDelta(changed=frozenset({agent}), transitions=(transition,),
                                 first=first), ())  # fmt: skip

    buffer = UpdateBuffer()
    buffer.add(red("a", first=True))
    buffer.add(red("b", first=False))
    merged = buffer.take()
    assert merged is not None
    assert [t.agent for t in merged.delta.transitions] == ["b"]


async def test_joining_a_running_floor_does_not_replay_its_last_alerts() -> None:
    from floorwatch.live.board import Transition
    from tests.app_support import Update

    app = make_app()
    transition = Transition(1.0, "A001", "Li Wei", "aht", Status.AMBER, Status.RED, 330.0)
    last = BoardDelta(changed=frozenset({"A001"}), transitions=(transition,))
    app.floor.last_update = Update(last, app.floor.statuses)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main_screen.events.lines_added == []
        assert list(app._notifications) == []
        assert "3 files" in screen_text(app)  # but its feed statuses are shown


async def test_reds_in_quick_succession_are_toasted_together() -> None:
    app = make_app()
    app.TOAST_INTERVAL = 3600.0
    async with app.run_test(size=SIZE) as pilot:
        for agent in ("A003", "A006", "A011", "A008", "A009"):
            app.floor.push_calls([turn_red_on_aht(BY_ID[agent])], calls=30)
            app.floor.tick()
            await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1 and "Tomás Ruiz" in messages[0]  # the first, at once
        assert len(app.main_screen.events.lines_added) == 5  # every line, at once
        app._release_toasts()  # the interval is over: the four held ones, as one summary
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 2 and "4 metrics turned red (4 agents)" in messages[1]


async def test_the_header_clock_ticks_and_a_click_selects_a_row() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.floor.now += 5.0
        app.main_screen.tick()
        await pilot.pause()
        assert "10:42:05" in screen_lines(app)[0]
        order = table(app).order
        await pilot.click("#board", offset=(10, 3))  # the third agent (line 0 is the titles)
        assert table(app).selected == order[2]


async def test_notes_indicators_add_the_note_column_and_repaint_only_their_rows() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "NOTE" not in screen_lines(app)[3]  # no notes yet: no column
        app.set_notes_indicators({"A001": "●", "A012": "[/]"})
        await pilot.pause()
        assert "NOTE" in screen_text(app)
        assert "[/]" in row_line(app, "Omar Haddad")  # plain text, not markup
        assert "●" in row_line(app, "Li Wei")
        built = table(app).renders
        app.set_notes_indicators({"A001": "●", "A012": "late"})
        await pilot.pause()
        assert table(app).renders == built + 1  # only Omar's row was redrawn
        assert "late" in row_line(app, "Omar Haddad")


async def test_under_load_the_header_recounts_on_the_seconds_tick() -> None:
    app = make_app()
    app.HEADER_INTERVAL = 3600.0  # as if the header had just been recounted
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main_screen.tick()  # the second's tick has just run
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick(advance=0.0)  # within the same second
        await pilot.pause()
        assert "■ RED" in row_line(app, "Priya Nair")  # the row at once
        assert "■ RED 3" in screen_lines(app)[0]  # the counts wait for the tick
        app.main_screen.tick()
        await pilot.pause()
        assert "■ RED 4" in screen_lines(app)[0]


async def test_on_a_busy_floor_the_tick_rides_on_the_next_update() -> None:
    """Once a second has passed since the tick, the next floor update runs it: the timers,
    the header and the events are drawn in that update's frame, not in a frame of their own;
    the quiet-floor timer leaves it to the updates while they keep coming."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await pilot.pause()
        ticks: list[float] = []
        tick = screen.tick
        screen.tick = lambda: (ticks.append(app.floor.now), tick())[1]  # type: ignore[method-assign]
        screen._ticked = (math.floor(screen.floor_clock.now()), time.monotonic())
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick(advance=0.0)
        await pilot.pause()
        assert ticks == []  # the same second: no tick
        screen._timed_tick()
        assert ticks == []  # busy, and the last tick is recent: the next update will do it
        screen._ticked = (screen._ticked[0], time.monotonic() - 0.6)  # the tick was 0.6 s ago
        app.floor.push_calls([turn_red_on_aht(BY_ID["A012"])], calls=30)
        app.floor.tick()  # the floor's next second
        await pilot.pause()
        assert ticks == [app.floor.now]  # the update carried the tick
        assert app.main_screen.events.lines_added[-1] in screen_text(app)


async def test_with_the_data_clock_the_header_shows_the_boards_time() -> None:
    """A replay (or the 10x demo): the header's clock is the data's, as SINCE and events are."""
    from floorwatch.tui.app import FloorwatchApp
    from tests.app_support import FakeFloor, build_board, load_fixture_config

    config = load_fixture_config()
    config = replace(config, floor=replace(config.floor, clock="data"))
    board, first = build_board(config)  # the board is at NOW, 10:42:00 UTC
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now + 3 * 3600)  # the wall: 13:42
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(1.2)  # the screen's once-a-second tick
        header = screen_text(app).splitlines()[0]
        assert "10:42:00" in header and "13:42" not in header


async def test_a_transition_to_red_is_kept_for_the_coaching_report() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)
        app.floor.tick()
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.red_keeper.drain()  # the floor's keeper writes in a thread of its own
        at = datetime.fromtimestamp(app.floor.now, UTC)
        assert app.notes.store.reds(at - timedelta(hours=1)) == [("A011", "aht", at)]
        app.floor.push_calls([turn_red_on_aht(BY_ID["A011"])], calls=30)  # still red: no new red
        app.floor.tick()
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.red_keeper.drain()
        assert len(app.notes.store.reds(at - timedelta(hours=1))) == 1


async def test_a_rerank_keeps_the_selected_agent_selected_and_in_view() -> None:
    from floorwatch.tui.app import FloorwatchApp
    from tests.app_support import FakeFloor, build_board

    # Two agents amber on AHT alone, Quinn a little better than Petra; and enough green
    # agents that the board scrolls in a short terminal.
    green = BY_ID["A003"]
    agents = [
        replace(green, agent="P1", name="Petra Amber", aht=250),
        replace(green, agent="Q1", name="Quinn Amber", aht=245),
        *(replace(green, agent=f"G{i:02}", name=f"Green {i:02}") for i in range(30)),
    ]
    board, first = build_board(agents=agents)
    order_clock = [0.0]
    board.order_clock = lambda: order_clock[0]  # frozen: re-ranks only when moved on
    floor = FakeFloor(board, first)
    app = FloorwatchApp(board.config, floor, clock=lambda: floor.now)  # type: ignore[arg-type]
    app.REPAINT_INTERVAL = 0.0
    async with app.run_test(size=(120, 24)) as pilot:
        order = board.sorted_ids()
        assert order[:2] == ["P1", "Q1"]
        table(app).select("Q1")
        await pilot.pause()
        # Quinn's hour mean goes to 252 (10 more calls at 259): worse than Petra, by a hair.
        floor.push_calls([replace(agents[1], aht=259)])
        floor.tick()
        await pilot.pause()
        assert board.rows["Q1"].status is board.rows["P1"].status is Status.AMBER
        assert board.rows["Q1"].excess > board.rows["P1"].excess
        assert table(app).order == order  # held: nothing moved
        order_clock[0] += app.config.floor.rerank_seconds
        delta = floor.tick()
        await pilot.pause()
        assert delta.moved == {"Q1"}
        assert table(app).order[:2] == ["Q1", "P1"] == board.sorted_ids()[:2]
        assert table(app).selected == "Q1" and table(app).selected_index == 0
        assert table(app)._is_visible(0)
        assert row_line(app, "Quinn Amber").startswith("▶")


async def test_with_the_data_clock_notes_speak_the_boards_time() -> None:
    """A replay: the Behavior prefill's time and the notes' now are the board's, not the wall's."""
    from textual.widgets import TextArea

    from floorwatch.tui.app import FloorwatchApp
    from floorwatch.tui.screens.feedback import FeedbackPanel
    from tests.app_support import FakeFloor, build_board, load_fixture_config

    config = load_fixture_config()
    config = replace(config, floor=replace(config.floor, clock="data"))
    board, first = build_board(config)  # the board is at NOW, 10:42:00 UTC
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now + 3 * 3600)  # the wall: 13:42
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.notes is not None
        assert app.notes.now() == datetime.fromtimestamp(board.now, UTC)  # type: ignore[arg-type]
        assert app.floor_clock.today() == datetime.fromtimestamp(board.now, UTC).date()
        await pilot.press("f")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, FeedbackPanel)
        assert panel.query_one("#behavior", TextArea).text.startswith("10:42 ")
