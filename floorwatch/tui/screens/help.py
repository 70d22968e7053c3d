"""`?`: every key, what it does."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {"slash": "/", "question_mark": "?", "space": "space", "enter": "enter"}


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "close"),
    ]

    def __init__(
        self,
        keys: Sequence[tuple[str, str, str, str]],
        extra: Sequence[tuple[str, str]],
        places: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(id="help")
        self.keys = keys
        self.extra = extra
        self.places = places  # (what, where): the notes store, the feeds

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, _action, _label, text in self.keys:
            table.add_row(Text(KEY_NAMES.get(key, key)), Text(text))
        for key, text in self.extra:
            table.add_row(Text(key), Text(text))
        if self.places:
            table.add_row(Text(""), Text(""))
        for what, where in self.places:
            table.add_row(Text(what), Text(where))
        with VerticalScroll() as scroll:
            scroll.border_title = "keys (Esc closes)"
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
