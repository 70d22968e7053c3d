"""Transitions to red, newest last: '10:42 Li Wei AHT 5:12 > 5:00 RED'."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from floorwatch.thresholds import Status
from floorwatch.widgets.palette import DARK, Palette

MAX_EVENTS = 500


class EventsPanel(RichLog, can_focus=False):
    """A short log of alerts. Lines are plain text (names are untrusted): never markup.
    Not focusable: the keys belong to the board."""

    DEFAULT_CSS = """
    EventsPanel {
        height: 5; padding: 0 1; border-top: solid $primary-darken-2; scrollbar-size-vertical: 0;
    }
    """

    def __init__(self, *, palette: Palette = DARK, id: str | None = None) -> None:
        super().__init__(
            id=id, markup=False, highlight=False, wrap=False, max_lines=MAX_EVENTS, auto_scroll=True
        )
        self.palette = palette
        self.border_title = "events"
        self.lines_added: list[str] = []  # the plain lines, newest last (tests read them)

    def add(self, line: str, status: Status = Status.RED) -> None:
        self.lines_added.append(line)
        del self.lines_added[:-MAX_EVENTS]
        self.write(Text(line, style=self.palette.for_status(status), no_wrap=True, end=""))
