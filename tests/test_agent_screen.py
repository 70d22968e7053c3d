"""The agent screen at every size: nothing cut at 80x24, two columns from 160, alerts on a line
of their own instead of toasts over the figures; the notes timeline read whole by keyboard and a
note opened full-size with its revisions; the charts with their levels and the notes marked."""

from __future__ import annotations

from pathlib import Path

from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.note import NoteScreen
from floorwatch.tui.widgets.notes_timeline import NotesTimeline
from tests.app_text import screen_text
from tests.notes_support import wait_for
from tests.screens_support import OLD_BEHAVIOR, OLD_SUGGESTION, history_app, open_agent


async def test_at_80x24_nothing_essential_is_cut(tmp_path: Path) -> None:
    app = history_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_agent(pilot)
        assert not screen.has_class("-wide")
        seen = []
        for _ in range(12):  # page down through the whole screen
            seen.append(screen_text(app))
            await pilot.press("pagedown")
            await pilot.pause()
        text = "\n".join(seen)
        assert "…" not in text
        for whole in ("green <= 3:30, red > 5:00", "mean over 60m", "rank 5 of 5",
                      "to green 2:00", "Work on:"):  # fmt: skip
            assert whole in text, whole


async def test_two_columns_from_160_with_the_notes_beside_the_figures(tmp_path: Path) -> None:
    app = history_app(tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_agent(pilot)
        assert screen.has_class("-wide")
        facts, notes = screen.query_one("#agent-facts"), screen.query_one("#agent-notes")
        assert notes.region.x > facts.region.x and notes.region.y == facts.region.y
        assert facts.region.width >= 90
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-wide")
        assert notes.region.x == facts.region.x


async def test_alerts_take_a_line_of_their_own_instead_of_covering_the_screen(
    tmp_path: Path,
) -> None:
    app = history_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_agent(pilot)
        body_height = screen.query_one("#agent-body").size.height
        app.notify("09:14 Priya Nair AHT 15:00 > 5:00 RED", title="RED", severity="error",
                   markup=False)  # fmt: skip
        await pilot.pause()
        assert not list(app._notifications)  # no toast
        alert = screen.query_one("#agent-alert")
        assert alert.display and "Priya Nair AHT 15:00" in str(alert.render())
        assert screen.query_one("#agent-body").size.height == body_height - 1  # beside, not over
        await pilot.press("escape")
        await pilot.pause()
        app.notify("on the board: a toast", markup=False)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["on the board: a toast"]


async def test_a_six_month_old_note_is_read_whole_by_keyboard(tmp_path: Path) -> None:
    app = history_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_agent(pilot)
        timeline = screen.query_one(NotesTimeline)
        assert app.focused is timeline
        assert timeline.notes[0].behavior.startswith("Holds are")  # newest first
        await pilot.press("down")
        assert timeline.index == 1
        await pilot.press("end")
        await pilot.pause()
        assert timeline.index == 3
        oldest = timeline.cards[3]
        assert oldest.has_class("-highlight")
        assert oldest.styles.border_left[0] == "thick"  # the bar down its edge: drawn
        assert timeline.cards[0].styles.border_left[0] != "thick"
        assert screen.query_one("#agent-body").scroll_y > 0  # scrolled down to it
        text = str(oldest.render())
        for line in (*OLD_BEHAVIOR.splitlines(), *OLD_SUGGESTION.splitlines()):
            assert line in text  # every line of every field, whole
        assert "tags aht" in text and "closed" in text and "as improved" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        note_screen = app.screen
        await wait_for(pilot, lambda: note_screen.revisions is not None)
        await pilot.pause()
        shown = note_screen.text
        assert "Revisions" in shown and "2. " in shown and "by bob: added the repeat calls" in shown
        assert "Two repeat calls followed." in shown
        assert "follow-up closed as improved" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AgentScreen)
        await pilot.press("home")
        assert timeline.index == 0


async def test_the_charts_show_the_coached_metric_before_and_after_the_note(
    tmp_path: Path,
) -> None:
    app = history_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_agent(pilot)
        charts = screen.charts
        texts = [chart.plain for chart in charts.charts(100)]
        aht = next(text for text in texts if text.startswith("AHT"))
        assert "last 3 months" in aht
        assert "R 5:00" in aht and "G 3:30" in aht
        axis = next(line for line in aht.splitlines() if "└" in line)
        assert axis.count("◆") == 2  # the coaching note 60 days ago and this morning's
        await pilot.press("m")
        assert charts.months == 6
        six = next(c.plain for c in charts.charts(100) if c.plain.startswith("AHT"))
        axis = next(line for line in six.splitlines() if "└" in line)
        assert axis.count("◆") == 3 and "◇" in axis  # the six-month-old note too; the praise


async def test_the_best_panel_and_a_note_take_alerts_on_their_own_line_too(tmp_path: Path) -> None:
    from floorwatch.tui.screens.feedback import FeedbackPanel
    from floorwatch.tui.widgets.alert_line import AlertLine

    app = history_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agent(pilot)
        await pilot.press("enter")  # the newest note, full-size
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        app.notify("10:44 Ana Souza ASA 0:40 > 0:30 RED", title="RED", markup=False)
        await pilot.pause()
        assert not list(app._notifications)
        assert "Ana Souza ASA 0:40" in str(app.screen.query_one(AlertLine).render())
        await pilot.press("escape", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackPanel))
        app.notify("10:45 Mei Chen AHT 6:00 > 5:00 RED", title="RED", markup=False)
        await pilot.pause()
        assert not list(app._notifications)
        assert "Mei Chen AHT 6:00" in str(app.screen.query_one(AlertLine).render())
