"""Transitions to red, newest last: '10:42 Li Wei AHT 5:12 > 5:00 RED'."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from floorwatch.live.thresholds import Status
from floorwatch.tui.themes import DARK, Palette

MAX_EVENTS = 500


class EventsPanel(Widget, can_focus=False):
    """The newest alerts that fit, newest at the bottom. Lines are plain text (names are
    untrusted): never markup. Not focusable: the keys belong to the board.

    A plain widget of fixed height rather than a RichLog: a RichLog grows its virtual size with
    every line, and in Textual that re-lays out the whole screen (measured: the busiest single
    cost of a repaint on a floor with a red every few seconds). Here a new line repaints only
    these few lines.
    """

    DEFAULT_CSS = """
    EventsPanel {
        height: 5; padding: 0 1; border-top: solid $primary-darken-2;
        background: $surface; color: $foreground;
    }
    """

    def __init__(self, *, palette: Palette = DARK, id: str | None = None) -> None:
        super().__init__(id=id)
        self._palette = palette
        self.border_title = "events"
        self.lines_added: list[str] = []  # the plain lines, newest last (tests read them)
        self._statuses: list[Status] = []
        self._unshown = False  # lines were added since the panel was last drawn

    @property
    def palette(self) -> Palette:
        return self._palette

    @palette.setter
    def palette(self, palette: Palette) -> None:
        self._palette = palette
        self.refresh()

    def add(self, line: str, status: Status = Status.RED) -> None:
        """Keep a line; it is drawn by the next `show_new()` (the screen's tick), so a floor
        with a red every few updates repaints the panel once a second, not once an update."""
        self.lines_added.append(line)
        self._statuses.append(status)
        del self.lines_added[:-MAX_EVENTS], self._statuses[:-MAX_EVENTS]
        self._unshown = True

    def show_new(self) -> None:
        """Draw the lines added since the last call."""
        if self._unshown:
            self._unshown = False
            self.refresh()

    def render(self) -> Text:
        shown = max(1, self.content_size.height)
        text = Text(no_wrap=True, overflow="crop", end="")
        newest = list(zip(self.lines_added, self._statuses, strict=True))[-shown:]
        for index, (line, status) in enumerate(newest):
            if index:
                text.append("\n")
            text.append(line, style=self._palette.for_status(status))
        return text
