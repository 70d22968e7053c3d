"""The board's scrollbar: a thumb in whole rows.

Textual draws a thumb's ends in eighths of a cell with the glyphs ▁▂▃▄▅▆▇, the very glyphs of
the header's sparklines, and its body as coloured blanks. Beside an agent's line that end reads as
a stray bar of a chart: a plain capture (`tmux capture-pane -p`, a screen reader, a copy) keeps
only the glyph, and on a dark theme the body is barely seen. The board scrolls by whole agents,
so its thumb is drawn in whole rows: blanks only."""

from __future__ import annotations

from typing import ClassVar

from textual.scrollbar import ScrollBarRender


class WholeRowScrollBarRender(ScrollBarRender):
    """A vertical thumb that starts and ends on a row's edge: a partly covered row at its top
    counts as covered, one at its bottom as not (Textual leaves a cell without an end glyph so)."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * len(ScrollBarRender.VERTICAL_BARS)
