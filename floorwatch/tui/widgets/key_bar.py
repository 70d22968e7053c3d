"""The keys, at the bottom of the screen, wrapped onto a second line when the terminal is narrow
(Textual's Footer cuts them off at 80 columns, and every key must be visible)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: auto; padding: 0 1; background: $panel; }
    """

    def __init__(self, keys: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = tuple(keys)  # (key as shown, what it does)

    def _lines(self, width: int) -> list[Text]:
        lines: list[Text] = [Text(end="")]
        for key, label in self.keys:
            entry = Text(end="")
            entry.append(key, style="bold reverse")
            entry.append(f" {label}")
            line = lines[-1]
            if line.cell_len and line.cell_len + 2 + entry.cell_len > width:
                lines.append(Text(end=""))
                line = lines[-1]
            if line.cell_len:
                line.append("  ")
            line.append_text(entry)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n", end="").join(self._lines(max(1, self.content_region.width)))
