"""The board's compositor asks only the widgets a partial update can change (the terminal it
feeds is checked against a full repaint in test_tui_damage)."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region

from floorwatch.tui.compositor import CroppedCompositor
from tests.test_app_floor_live import SIZE, make_live_app


async def test_a_row_update_asks_the_table_not_the_header() -> None:
    app = make_live_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        assert isinstance(screen._compositor, CroppedCompositor)
        await pilot.pause()
        asked: list[str] = []
        for widget in (screen.header, screen.table, screen.events, screen.feed_status):
            render_lines = widget.render_lines

            def counted(crop: Any, widget: Any = widget, render_lines: Any = render_lines) -> Any:
                asked.append(type(widget).__name__)
                return render_lines(crop)

            widget.render_lines = counted  # type: ignore[method-assign]
        screen.table.refresh(Region(0, 3, screen.table.size.width, 1))  # one agent row
        await pilot.pause()
        assert "BoardTable" in asked
        assert not {"FloorHeader", "EventsPanel", "FeedStatusLine"} & set(asked)
        asked.clear()
        screen.header.refresh()  # the header alone: the table is not asked
        await pilot.pause()
        assert "FloorHeader" in asked and "BoardTable" not in asked
