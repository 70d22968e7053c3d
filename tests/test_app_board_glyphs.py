"""No chart glyph on an agent's line: the block glyphs (▁▂▃▄▅▆▇█) belong to the header's
sparklines, and a board line that ends in one reads as a stray bar of a chart.

Seen in the demo under tmux: a '▆' at the right end of one agent row. It was the board's
scrollbar: Textual draws the thumb's ends in eighths of a cell with those glyphs, and its body as
coloured blanks, which a plain capture (`tmux capture-pane -p`) and a dim theme lose. The header's
lines stay in the header too, when the sparklines make its team lines wrap."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.app_support import make_app
from tests.app_text import screen_lines

BLOCKS = frozenset("▁▂▃▄▅▆▇█")
WIDTH = 100
# 12 agents under a title line: at these heights the board scrolls, and Textual's smooth thumb
# would end part-way through a cell at the top, the bottom or both.
HEIGHTS = (14, 16, 17, 18, 19, 21)


def glyphs_on_agent_rows(app: Any) -> list[tuple[int, int, str]]:
    """(y, x, glyph) of every block glyph on the board's agent lines, scrollbar included."""
    region = app.main_screen.table.region
    lines = screen_lines(app)
    return [
        (y, x, char)
        for y in range(region.y + 1, region.bottom)  # under the title line
        for x, char in enumerate(lines[y])
        if char in BLOCKS
    ]


async def test_the_scrolling_board_shows_no_chart_glyph_on_an_agent_row() -> None:
    app = make_app()
    async with app.run_test(size=(WIDTH, HEIGHTS[0])) as pilot:
        table = app.main_screen.table
        for height in HEIGHTS:
            await pilot.resize_terminal(WIDTH, height)
            await pilot.pause()
            for key in ("home", "end", "home"):  # the thumb at the top, at the bottom, back
                await pilot.press(key)
                await pilot.pause()
                assert table.vertical_scrollbar.display  # the board does scroll here
                assert glyphs_on_agent_rows(app) == [], (height, key)


async def test_the_header_sparklines_stay_in_the_header() -> None:
    app = make_app()
    async with app.run_test(size=(WIDTH, 16)) as pilot:
        await pilot.pause()
        header = app.main_screen.header.region
        lines = screen_lines(app)
        assert any(char in BLOCKS for line in lines[header.y : header.bottom] for char in line)
        assert glyphs_on_agent_rows(app) == []


async def test_the_header_grows_when_the_sparklines_wrap_its_team_lines() -> None:
    """On a tall terminal two teams share a line until the day's sparklines widen them: then
    the header takes a line more, and its last line (the view, the feeds' freshness and the
    STALE banner) stays in sight above the board."""
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        screen = app.main_screen
        facts = screen.header.facts
        days = {team: [5, 9, 12, 7, 3, 8, 10, 11, 4, 6, 9, 12] for team in facts.teams}
        before = screen.header.size.height
        screen.header.show(replace(facts, days=days))
        await pilot.pause()
        header = screen.header.region
        lines = screen_lines(app)
        assert header.height == before + 1
        assert "feeds ok" in lines[header.bottom - 1]
        assert lines[header.bottom].startswith(" STATUS")  # the board's title, right under it
        assert glyphs_on_agent_rows(app) == []
