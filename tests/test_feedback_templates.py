"""The panel switches template by key: BEST -> GROW -> STAR-AR, the evidence moved to the facts
section, each template's sections only, drafts kept, and the saved note carries its sections."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from floorwatch.coaching.templates import GROW, STAR_AR
from tests.notes_support import shows, wait_for
from tests.test_feedback_panel import EVIDENCE_LINE, panel_app, panel_of, store_of


async def test_grow_conversation_by_keyboard(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("ctrl+t")
        assert panel.template == GROW
        assert app.focused is panel.query_one("#goal", TextArea)
        assert panel.query_one("#sections-best").display is False
        assert panel.query_one("#sections-grow").display is True
        assert EVIDENCE_LINE in panel.query_one("#reality", TextArea).text
        await shows(pilot, app, "GROW conversation with Li Wei")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert set(panel._shown_problems) == {"goal", "will", "timeframe"}
        await pilot.press(*"AHT 5:30 -> 4:00 in a month")
        await pilot.press("tab", "tab", *"macro; FAQ")  # Reality (prefilled), Options
        await pilot.press("tab", *"macro first, review friday")
        panel.query_one("#timeframe", Input).value = "+1w"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.saved_note is not None)
    note = panel.saved_note
    assert note is not None and note.template == GROW
    sections = dict(note.sections)
    assert sections["goal"] == "AHT 5:30 -> 4:00 in a month"
    assert sections["options"] == "macro; FAQ" and sections["will"] == "macro first, review friday"
    assert note.evidence and note.evidence[0].metric == "aht"
    with store_of(tmp_path) as store:
        assert store.get(note.id).sections == note.sections  # type: ignore[union-attr]


async def test_star_ar_case_with_example_and_a_restored_draft(tmp_path: Path) -> None:
    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = panel_of(app)
        await pilot.press("ctrl+t", "ctrl+t")
        assert panel.template == STAR_AR
        assert panel.query_one("#case-row").display is True
        panel.query_one("#example", Select).value = "good"
        panel.query_one("#topic", Input).value = "billing"
        await pilot.press(*"caller billed twice")  # Situation, after the prefill
        await pilot.pause()
        panel.autosave()
        await wait_for(pilot, lambda: panel._autosaved.get("template") == STAR_AR)
    again = panel_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = panel_of(again)
        assert panel.template == STAR_AR
        assert panel.query_one("#situation", TextArea).text.endswith("caller billed twice")
        assert panel.query_one("#example", Select).value == "good"
        assert panel.query_one("#topic", Input).value == "billing"
        await pilot.press("ctrl+t")  # back to BEST: its own fields, untouched
        assert panel.query_one("#sections-best").display is True
        assert panel.query_one("#case-row").display is False
