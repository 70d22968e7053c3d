"""Text fields that a hostile or runaway client cannot use to stall the server.

Every key typed into Textual's TextArea re-wraps the whole logical line it lands in: on one
20,000-character line that is ~12 ms a key (measured on 2 cores), so typing or pasting
unbracketed text grows quadratically and stalled every session of `serve` (one event loop) for
seconds. Two fixes, at that depth:

- wrapping an edit within one line starts again a segment before the edit, keeping the breaks
  already decided before it (greedy wrapping never looks back), so typing at the end of a long
  line costs the same as on a short one;
- a field holds at most `max_length` characters (20,000 for a note's text, 200 for a one-line
  field): what goes past is dropped with a notice, at constant cost.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

import textual.document._wrapped_document as wrapping
from textual._cells import cell_len
from textual._wrap import compute_wrap_offsets
from textual.document._document import Location
from textual.document._edit import EditResult
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import expand_tabs_inline
from textual.geometry import Offset, clamp
from textual.widgets import Input, TextArea

NOTE_FIELD_CHARS = 20_000
LINE_FIELD_CHARS = 200


class IncrementalWrap(WrappedDocument):
    """A wrapped document that re-wraps an edit within one line from just before the edit."""

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        offsets = self._line_offsets_after(start, old_end, new_end)
        if offsets is None:
            super().wrap_range(start, old_end, new_end)
            return
        # The bookkeeping (sections, y offsets) is Textual's; only the line's breaks are ours.
        compute, tabs = wrapping.compute_wrap_offsets, wrapping.get_tab_widths
        wrapping.compute_wrap_offsets = _precomputed(offsets)
        wrapping.get_tab_widths = _no_tabs  # the line has none (checked): skip a regex scan
        try:
            super().wrap_range(start, old_end, new_end)
        finally:
            wrapping.compute_wrap_offsets, wrapping.get_tab_widths = compute, tabs

    def _line_offsets_after(
        self, start: Location, old_end: Location, new_end: Location
    ) -> list[int] | None:
        row = start[0]
        width = self._width
        if not width or not (row == old_end[0] == new_end[0]) or row >= len(self._wrap_offsets):
            return None
        line = self.document.lines[row]
        old = self._wrap_offsets[row]
        if not old or "\t" in line:
            return None
        column = min(start[1], old_end[1], new_end[1])
        # A break is decided by the text from the previous break to one past a width after it:
        # breaks decided before the edit stand.
        kept: list[int] = []
        previous = 0
        for offset in old:
            if previous + width + 2 >= column:
                break
            kept.append(offset)
            previous = offset
        if not kept:
            return None
        restart = kept[-1]
        tail = compute_wrap_offsets(line[restart:], width, self._tab_width)
        return kept + [restart + offset for offset in tail]

    def location_to_offset(self, location: Location) -> Offset:
        """As Textual's, without dividing the whole line into its sections to use one."""
        row, column = location
        row = clamp(row, 0, len(self._line_index_to_offsets) - 1)
        offsets = self.get_offsets(row)
        section = bisect_right(offsets, column)
        start = offsets[section - 1] if section else 0
        text = self.document[row][start:column]
        x = cell_len(expand_tabs_inline(text, self._tab_width))
        return Offset(x, self._line_index_to_offsets[row][section])


def _precomputed(offsets: list[int]) -> Callable[..., list[int]]:
    def compute(*_: Any, **__: Any) -> list[int]:
        return offsets

    return compute


def _no_tabs(line: str, tab_size: int = 4) -> list[tuple[str, int]]:
    return [(line, 0)]


class NoteTextArea(TextArea):
    """A TextArea for a note's text: bounded length, constant cost per key."""

    def __init__(self, *args: Any, max_length: int = NOTE_FIELD_CHARS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self._use_incremental_wrap()

    def _set_document(self, text: str, language: str | None) -> None:
        super()._set_document(text, language)
        self._use_incremental_wrap()

    def _use_incremental_wrap(self) -> None:
        # Textual builds its WrappedDocument itself; the subclass only changes wrap_range.
        if type(self.wrapped_document) is WrappedDocument:
            self.wrapped_document.__class__ = IncrementalWrap

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        if insert:
            replaced = len(self.get_text_range(*sorted((start, end))))
            room = self.max_length - (len(self.document.text) - replaced)
            if len(insert) > room:
                insert = insert[: max(room, 0)]
                self.notify(
                    f"a note field holds at most {self.max_length:,} characters",
                    severity="warning",
                    timeout=3,
                    markup=False,
                )
                if not insert and start == end:
                    return None
        return super()._replace_via_keyboard(insert, start, end)


class LineInput(Input):
    """A one-line field with a length cap (Textual drops what goes past it)."""

    def __init__(self, *args: Any, max_length: int = LINE_FIELD_CHARS, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
