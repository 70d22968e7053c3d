"""A line of its own for alerts (a red elsewhere on the floor, a saved note) on screens where a
toast would cover what a supervisor is reading or writing: the agent screen, a note, the
follow-ups, the BEST panel. The App sends its notifications here when the screen has one."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

SECONDS = {"error": 10.0, "warning": 6.0, "information": 4.0}  # how long an alert stays


class AlertLine(Static):
    """Hidden until an alert comes; takes its own line in the layout, so it covers nothing."""

    DEFAULT_CSS = """
    AlertLine { height: auto; display: none; padding: 0 1; background: $panel; }
    AlertLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._timer: Timer | None = None

    def alert(self, message: str | Text, *, title: str = "", severity: str = "information") -> None:
        """Show `message` (plain text, or a Text) for a while; a newer alert replaces it."""
        text = Text(end="")
        if title:
            text.append(f" {title} ", style="bold reverse" if severity == "error" else "bold")
            text.append(" ")
        text.append_text(message if isinstance(message, Text) else Text(message))
        self.update(text)
        self.add_class("-shown")
        if self._timer is not None:
            self._timer.stop()
        seconds = SECONDS.get(severity, SECONDS["information"])
        self._timer = self.set_timer(seconds, self._clear)

    def _clear(self) -> None:
        self._timer = None
        self.remove_class("-shown")
