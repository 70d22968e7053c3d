"""The board widget repaints only what changed: one agent's update is one line."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from floorwatch.tui.widgets.board_table import BoardTable
from floorwatch.tui.widgets.columns import choose_columns
from tests.app_support import AGENTS, load_fixture_config, make_app

BY_ID = {agent.agent: agent for agent in AGENTS}


def spy_on_lines(table: BoardTable) -> list[int]:
    """The y of every line Textual asks the table to draw from now on."""
    drawn: list[int] = []
    original = table.render_line

    def render_line(y: int) -> Any:
        drawn.append(y)
        return original(y)

    table.render_line = render_line  # type: ignore[method-assign]
    return drawn


async def test_an_update_of_one_agent_repaints_only_its_line() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.main_screen.table
        drawn = spy_on_lines(table)
        built = table.renders
        order = list(table.order)
        # Tomás Ruiz stays green and in place, with a new handle time.
        app.floor.push_calls([replace(BY_ID["A003"], aht=185)], calls=1)
        app.floor.tick()
        await pilot.pause()
        assert table.order == order
        line = order.index("A003") + 1  # under the title line
        assert set(drawn) == {line}
        assert table.renders == built + 1


async def test_a_resort_repaints_only_the_lines_whose_agent_moved() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.main_screen.table
        drawn = spy_on_lines(table)
        before = list(table.order)
        app.floor.push_calls([replace(BY_ID["A011"], aht=900)], calls=30)
        app.floor.tick()
        await pilot.pause()
        after = table.order
        assert after != before
        moved = {
            i + 1 for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new
        }
        assert set(drawn) == moved
        assert len(moved) < len(after)  # the rows above and below the move stayed put


async def test_a_quiet_tick_draws_nothing() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.main_screen.table
        drawn = spy_on_lines(table)
        app.floor.tick()
        await pilot.pause()
        assert drawn == []


async def test_only_visible_lines_are_drawn_on_a_long_board() -> None:
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        table = app.main_screen.table
        many = [replace(AGENTS[5], agent=f"B{i:04d}", name=f"Agent {i:04d}") for i in range(300)]
        app.floor.push_calls(many, calls=2)
        app.floor.tick()
        await pilot.pause()
        assert len(table.order) == 312
        assert table.renders <= 2 * table.size.height  # strips built only for what was seen
        drawn = spy_on_lines(table)
        last = table.order[-1]
        app.floor.push_calls([replace(AGENTS[5], agent=last, name=table.rows[last].name)], 1)
        app.floor.tick()
        await pilot.pause()
        assert drawn == []  # the changed agent is off screen


def test_columns_leave_out_what_has_nothing_to_say_and_the_name_widens() -> None:
    metrics = load_fixture_config().metrics
    base = dict(longest_name=30, longest_team=8, longest_id=4, trouble={})
    keys = [c.key for c in choose_columns(200, metrics, **base)]  # type: ignore[arg-type]
    assert {"team", "agent"} <= set(keys)
    no_teams = dict(base, longest_team=0)
    assert "team" not in [c.key for c in choose_columns(200, metrics, **no_teams)]  # type: ignore[arg-type]
    unnamed = [c.key for c in choose_columns(200, metrics, **base, named=False)]  # type: ignore[arg-type]
    assert "agent" not in unnamed
    names = {w: next(c for c in choose_columns(w, metrics, **base) if c.key == "name").width  # type: ignore[arg-type]
             for w in (80, 240)}  # fmt: skip
    assert names[240] == 30 > names[80]  # a 30-character name whole on a wide terminal


def test_the_note_column_survives_at_80_columns_before_troubled_metrics() -> None:
    metrics = load_fixture_config().metrics
    trouble = {m.key: (2, 1) for m in metrics}  # every metric red somewhere
    kwargs = dict(longest_name=20, longest_team=8, longest_id=4, trouble=trouble, notes=True)
    keys = [c.key for c in choose_columns(60, metrics, **kwargs)]  # type: ignore[arg-type]
    assert "notes" in keys
    assert not all(f"metric:{m.key}" in keys for m in metrics)


def test_columns_drop_by_priority_keeping_status_name_and_red_metrics() -> None:
    metrics = load_fixture_config().metrics
    trouble = {"csat": (3, 0), "asa": (0, 2)}
    kwargs = dict(longest_name=20, longest_team=8, longest_id=4, trouble=trouble)
    wide = [c.key for c in choose_columns(200, metrics, **kwargs)]  # type: ignore[arg-type]
    assert wide[:4] == ["status", "name", "agent", "team"]
    assert wide[-2:] == ["notes", "since"]
    narrow = [c.key for c in choose_columns(50, metrics, **kwargs)]  # type: ignore[arg-type]
    assert narrow[:2] == ["status", "name"]
    assert "metric:csat" in narrow and "since" in narrow
    assert "metric:asa" in narrow  # amber somewhere: kept before the quiet ones
    assert not {"metric:aht", "metric:fcr", "metric:adherence"} & set(narrow)
    tiny = [c.key for c in choose_columns(20, metrics, **kwargs)]  # type: ignore[arg-type]
    assert tiny == ["status", "name"]
    for width in (40, 60, 80, 100, 120):
        columns = choose_columns(width, metrics, **kwargs)  # type: ignore[arg-type]
        assert 1 + sum(c.width for c in columns) + len(columns) - 1 <= width
        keys = [c.key for c in columns]
        if "metric:asa" in keys:  # amber-only metrics come after the red ones
            assert "metric:csat" in keys
