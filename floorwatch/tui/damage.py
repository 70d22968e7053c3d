"""Send the terminal only the cells that changed, as curses does.

Textual repaints a dirty region whole: a widget refreshed for one digit of its clock rewrites
every line of it, and a STATE timer's tick rewrites its whole cell. Over SSH or a browser link
those bytes are the cost of a busy floor. `ScreenShadow` keeps what the terminal shows, cell by
cell, as this app last drew it; a partial update (`ChopsUpdate`) is compared with it and only the
runs of cells that differ are written, each after a cursor move. A full repaint (`LayoutUpdate`:
a new screen, a resize, a resume) is written whole and becomes the new shadow, so the shadow can
never drift from the screen for long; `reset()` (ctrl+l) forgets it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.strip import Strip

UNKNOWN = "\uffff\uffff"  # a cell whose content is not known: never equal to a drawn cell
# Unchanged cells between two changed runs up to this many are written again rather than
# skipped: a cursor move costs about as many bytes.
GAP_CELLS = 6

Cells = tuple[list[str], list[Style | None]]


class DiffedUpdate(CompositorUpdate):
    """An update already turned into the bytes to write."""

    def __init__(self, sequence: str) -> None:
        self.sequence = sequence

    def render_segments(self, console: Console) -> str:
        return self.sequence


class ScreenShadow:
    """What the terminal shows, as this app drew it: one character and style per cell."""

    def __init__(self) -> None:
        self.width = 0
        self.height = 0
        self.chars: list[list[str]] = []
        self.styles: list[list[Style | None]] = []

    def reset(self, width: int = 0, height: int = 0) -> None:
        """Forget what the terminal shows (every cell is drawn again when next updated)."""
        self.width, self.height = width, height
        self.chars = [[UNKNOWN] * width for _ in range(height)]
        self.styles = [[None] * width for _ in range(height)]

    def update(self, update: CompositorUpdate, console: Console, width: int, height: int) -> str:
        """The bytes that bring the terminal from the shadow to `update`; the shadow follows."""
        if (width, height) != (self.width, self.height):
            self.reset(width, height)
        if isinstance(update, ChopsUpdate):
            return self._partial(update, console)
        sequence = update.render_segments(console)
        if isinstance(update, LayoutUpdate):
            self._take_layout(update)
        else:
            self.reset(width, height)  # something we cannot follow: redraw everything later
        return sequence

    # -- a full repaint -------------------------------------------------------------------------

    def _take_layout(self, update: LayoutUpdate) -> None:
        x = update.region.x
        for y, line in enumerate(update.strips, update.region.y):
            segments = [segment for strip in line for segment in strip]
            self._store(y, x, _cells(segments), None)

    # -- a partial update -----------------------------------------------------------------------

    def _partial(self, update: ChopsUpdate, console: Console) -> str:
        color_system = console._color_system or ColorSystem.TRUECOLOR
        out: list[str] = []
        for y, x1, x2 in update.spans:
            if not 0 <= y < self.height:
                continue
            for x, strip in _span_chops(update, y, x1, x2):
                cells = _cells(strip)
                size = strip.cell_length
                if cells is None or len(cells[0]) != size or x + size > self.width:
                    out.append(_move_to(x, y) + strip.render(console))  # as Textual would
                    self._store(y, x, None, size)
                    continue
                for start, end in self._changed_runs(y, x, cells):
                    out.append(_move_to(x + start, y))
                    out.append(_render(cells, start, end, color_system))
                self._store(y, x, cells, None)
        return "".join(out)

    def _changed_runs(self, y: int, x1: int, cells: Cells) -> Iterable[tuple[int, int]]:
        """(start, end) offsets from x1 of the runs of cells that differ from the shadow."""
        chars, styles = cells
        size = len(chars)
        old_chars = self.chars[y][x1 : x1 + size]
        old_styles = self.styles[y][x1 : x1 + size]
        if old_chars == chars and old_styles == styles:
            return
        # One comprehension finds every differing cell (a loop calling a helper per cell cost
        # a fifth of a frame); runs then join differences up to GAP_CELLS apart.
        differ = [
            index
            for index, (char, old, style, was) in enumerate(
                zip(chars, old_chars, styles, old_styles, strict=True)
            )
            if char != old or (style is not was and style != was)
        ]
        at = 0
        while at < len(differ):
            start = last = differ[at]
            at += 1
            while at < len(differ) and differ[at] - last <= GAP_CELLS:
                last = differ[at]
                at += 1
            end = last + 1
            # A wide character is written whole: never start or stop inside one, old or new.
            while start > 0 and (chars[start] == "" or old_chars[start] == ""):
                start -= 1
            while end < size and (chars[end] == "" or old_chars[end] == ""):
                end += 1
            yield start, end
            while at < len(differ) and differ[at] < end:
                at += 1

    def _store(self, y: int, x: int, cells: Cells | None, unknown: int | None) -> None:
        if not 0 <= y < self.height:
            return
        if cells is None:
            size = max(0, min(unknown if unknown is not None else self.width, self.width - x))
            self.chars[y][x : x + size] = [UNKNOWN] * size
            self.styles[y][x : x + size] = [None] * size
            return
        chars, styles = cells
        room = self.width - x
        self.chars[y][x : x + len(chars)] = chars[:room]
        self.styles[y][x : x + len(chars)] = styles[:room]
        del self.chars[y][self.width :], self.styles[y][self.width :]


def _span_chops(update: ChopsUpdate, y: int, x1: int, x2: int) -> Iterable[tuple[int, Strip]]:
    """The chops of line y that the span x1..x2 writes, where Textual writes them: from the
    chop's own start, cut at x2 (ChopsUpdate.render_segments)."""
    for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
        if strip is None or x > x2 or end <= x1:
            continue
        yield x, (strip if end <= x2 else strip.crop(0, min(end, x2) - x))


def _cells(segments: Iterable[Segment]) -> Cells | None:
    """One character (or "" for the right half of a wide one) and style per cell; None when a
    segment is a control sequence (its effect on the screen is not known here)."""
    chars: list[str] = []
    styles: list[Style | None] = []
    for text, style, control in segments:
        if control:
            return None
        if not text:
            continue
        if cell_len(text) == len(text):
            chars.extend(text)
            styles.extend([style] * len(text))
            continue
        for character in text:
            width = cell_len(character)
            if width == 0 and chars:
                chars[-1] += character  # a combining mark rides on the cell before it
            elif width == 2:
                chars.extend((character, ""))
                styles.extend((style, style))
            elif width == 1:
                chars.append(character)
                styles.append(style)
    return chars, styles


def _move_to(x: int, y: int) -> str:
    return f"\x1b[{y + 1};{x + 1}H"


def _render(cells: Cells, start: int, end: int, color_system: ColorSystem) -> str:
    """Cells start..end as Textual writes segments: text runs of one style each."""
    chars, styles = cells
    out: list[str] = []
    run_start = start
    for index in range(start + 1, end + 1):
        if index < end and (
            styles[index] is styles[run_start] or styles[index] == styles[run_start]
        ):
            continue
        text = "".join(chars[run_start:index])
        style = styles[run_start]
        out.append(text if style is None else Strip.render_style(style, text, color_system))
        run_start = index
    return "".join(out)
