"""`e`: why rows were rejected, per feed file, and what else went wrong with the floor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from floorwatch.text.plural import plural
from floorwatch.text.safe import clean_text


def errors_text(statuses: Sequence[Any], floor_errors: Sequence[str]) -> Text:
    """Plain text (paths and reasons quote feed content): never markup."""
    text = Text(end="")
    if floor_errors:
        text.append("Floor\n", style="bold")
        for error in floor_errors:
            text.append(f"  {clean_text(str(error))}\n")
        text.append("\n")
    if not statuses:
        text.append("No feed files yet.\n", style="dim")
    for status in statuses:
        path = clean_text(str(getattr(status, "path", "?")))
        rows = int(getattr(status, "rows", 0))
        rejected = int(getattr(status, "rejected", 0))
        feed = clean_text(str(getattr(status, "feed", "")))
        text.append(f"{feed}: {path}", style="bold")
        text.append(f"  {plural(rows, 'row')}, {rejected:,} rejected")
        if getattr(status, "missing", False):
            text.append("  (missing)", style="bold")
        text.append("\n")
        errors = list(getattr(status, "errors", ()))
        for error in errors:
            text.append(f"  {clean_text(str(error))}\n")
        if rejected > len(errors):
            text.append(f"  … and {rejected - len(errors):,} more\n", style="dim")
    return text


class ErrorsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ErrorsScreen { align: center middle; }
    ErrorsScreen > VerticalScroll {
        width: 100%; height: 100%; border: round $warning; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,e,q", "close", "close")]

    def __init__(self, statuses: Sequence[Any], floor_errors: Sequence[str]) -> None:
        super().__init__(id="errors")
        self.statuses = statuses
        self.floor_errors = floor_errors

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "feed errors (Esc closes)"
            yield Static(errors_text(self.statuses, self.floor_errors), id="errors-text")

    def action_close(self) -> None:
        self.dismiss(None)
