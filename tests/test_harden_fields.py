"""Issue 18.5: typing into any text field costs the same per key however long the text, and
fields are capped (20,000 characters for a note's text, 200 for one-line fields)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.document._wrapped_document import WrappedDocument

import floorwatch.tui.widgets.note_text as note_text
from floorwatch.tui.widgets.note_text import (
    LINE_FIELD_CHARS,
    NOTE_FIELD_CHARS,
    LineInput,
    NoteTextArea,
)


class FieldsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NoteTextArea(id="note", soft_wrap=True, tab_behavior="focus")
        yield LineInput(id="line")


def full_wrap(area: NoteTextArea) -> list[list[int]]:
    fresh = WrappedDocument(area.document, width=area.wrapped_document._width)
    return fresh._wrap_offsets


async def test_incremental_wrapping_breaks_lines_as_a_full_wrap_does() -> None:
    rng = random.Random(18)
    words = [
        "a",
        "to",
        "call",
        "customer",
        "x" * 70,
        "résumé",
        "日本語",
        "  ",
        "supercalifragilistic",
    ]
    app = FieldsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        area = app.query_one("#note", NoteTextArea)
        area.focus()
        await pilot.pause()
        assert type(area.wrapped_document).__name__ == "IncrementalWrap"
        for _ in range(300):
            line = area.document.lines[-1]
            column = rng.choice([len(line), len(line), rng.randint(0, len(line))])
            area.move_cursor((area.document.line_count - 1, column))
            text = rng.choice(words) + rng.choice([" ", "", "  "])
            if rng.random() < 0.15 and column:
                area.delete((area.cursor_location[0], column - 1), area.cursor_location)
            else:
                area.insert(text)
            assert area.wrapped_document._wrap_offsets == full_wrap(area)


async def test_typing_at_the_end_of_a_long_line_wraps_a_constant_amount(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrapped: list[int] = []
    real = note_text.compute_wrap_offsets

    def counting(text: str, *args: object, **kwargs: object) -> list[int]:
        wrapped.append(len(text))
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(note_text, "compute_wrap_offsets", counting)
    app = FieldsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        area = app.query_one("#note", NoteTextArea)
        area.load_text("word " * 3_900)  # one line of 19,500 characters
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        wrapped.clear()
        await pilot.press(*"abc de")
        assert wrapped and max(wrapped) < 200  # a few rows of text, not the whole line


async def test_a_note_field_holds_at_most_its_cap() -> None:
    app = FieldsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        area = app.query_one("#note", NoteTextArea)
        area.load_text("y" * (NOTE_FIELD_CHARS - 3))
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        await pilot.press(*"abcdef")
        assert len(area.text) == NOTE_FIELD_CHARS
        assert area.text.endswith("abc")


async def test_a_paste_past_the_cap_is_cut_and_a_one_line_field_holds_200() -> None:
    from textual import events

    app = FieldsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        area = app.query_one("#note", NoteTextArea)
        area.focus()
        await pilot.pause()
        area.post_message(events.Paste("z" * (NOTE_FIELD_CHARS + 5_000)))
        await pilot.pause()
        assert len(area.text) == NOTE_FIELD_CHARS
        line = app.query_one("#line", LineInput)
        line.focus()
        await pilot.pause()
        await pilot.press(*("q" * (LINE_FIELD_CHARS + 20)))
        assert len(line.value) == LINE_FIELD_CHARS


async def test_the_best_panel_and_search_use_the_capped_fields(tmp_path: Path) -> None:
    from textual.widgets import Input, TextArea

    from tests.test_feedback_panel import panel_app

    app = panel_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        areas = list(app.screen.query(TextArea))
        inputs = list(app.screen.query(Input))
        assert len(areas) >= 3 and all(isinstance(a, NoteTextArea) for a in areas)
        assert inputs and all(isinstance(i, LineInput) for i in inputs)
    source = (Path(__file__).parents[1] / "floorwatch/tui/screens/search.py").read_text()
    assert "LineInput(" in source
