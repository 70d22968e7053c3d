"""`/`: type part of a name or id; Enter selects the first agent that matches."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from floorwatch.tui.widgets.note_text import LineInput


class SearchScreen(ModalScreen[str | None]):
    """Returns the text typed (None when cancelled with Escape)."""

    DEFAULT_CSS = """
    SearchScreen { align: center bottom; background: $background 30%; }
    SearchScreen > #search-box { width: 100%; height: 3; dock: bottom; background: $panel; }
    SearchScreen Label { padding: 0 1; }
    SearchScreen Input { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel")]
    _answered = False  # keys typed ahead of the pop still reach this screen: answer once

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal(id="search-box"):
            yield Label("find agent:")
            yield LineInput(placeholder="name or id, Enter selects the first match", id="search")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer(event.value)

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, text: str | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(text)
