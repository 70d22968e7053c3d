"""One line about the feeds: files, rows, rejected, how long since the last row; stale warning."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from floorwatch.live.thresholds import Status
from floorwatch.text.plural import plural
from floorwatch.text.safe import clean_text
from floorwatch.tui.themes import DARK, Palette

# FileStatus attributes that may carry the time of the file's newest row (epoch seconds).
LAST_ROW_FIELDS = ("last_row_at", "last_row", "last_event_at", "last_change_at", "last_seen")


def last_row_at(status: Any) -> float | None:
    for name in LAST_ROW_FIELDS:
        value = getattr(status, name, None)
        if isinstance(value, int | float):
            return float(value)
    return None


def age_text(seconds: float) -> str:
    """'4s', '3m', '2h' — short enough for a status line."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.0f}h"


def feed_summary(
    statuses: Sequence[Any], stale: Collection[str], loaded: bool, now: float
) -> tuple[str, bool]:
    """The status line's text and whether it is a warning."""
    if not loaded:
        return "loading feeds…", False
    rows = sum(int(getattr(s, "rows", 0)) for s in statuses)
    rejected = sum(int(getattr(s, "rejected", 0)) for s in statuses)
    missing = sum(1 for s in statuses if getattr(s, "missing", False))
    parts = [f"feeds: {plural(len(statuses), 'file')}", plural(rows, "row")]
    parts.append(f"{rejected:,} rejected" + (" (e: why)" if rejected else ""))
    if missing:
        parts.append(f"{missing} missing")
    times = [t for t in (last_row_at(s) for s in statuses) if t is not None]
    if times:
        parts.append(f"last row {age_text(now - max(times))} ago")
    if stale:
        names = ", ".join(sorted(clean_text(str(name)) for name in stale))
        return "STALE (no new rows): " + names + " · " + " · ".join(parts), True
    return " · ".join(parts), bool(rejected or missing)


def _lead(text: str) -> str:
    """What a status line says before its counts ('loading feeds…', 'STALE (...): north')."""
    return text.split(" · ", 1)[0] if text.startswith(("STALE", "loading")) else ""


class FeedStatusLine(Widget):
    DEFAULT_CSS = """
    FeedStatusLine { height: 1; padding: 0 1; }
    """

    def __init__(self, *, palette: Palette = DARK, id: str | None = None) -> None:
        super().__init__(id=id)
        self.palette = palette
        self.statuses: Sequence[Any] = ()
        self.stale: frozenset[str] = frozenset()
        self.loaded = False
        self.now = 0.0
        self._shown: tuple[str, bool] | None = None

    def show(
        self, statuses: Sequence[Any], stale: Collection[str], loaded: bool, now: float
    ) -> None:
        """New statuses: a warning (rows rejected, a file missing, a feed stale) or the end of
        loading shows at once; row counts and ages follow at the tick's pace (every poll of a
        busy floor would otherwise repaint this line)."""
        self.statuses, self.stale, self.loaded, self.now = statuses, frozenset(stale), loaded, now
        shown = feed_summary(self.statuses, self.stale, self.loaded, self.now)
        if self._shown is None or self._news(shown):
            self._repaint(shown)

    def tick(self, now: float) -> None:
        self.now = now
        self._repaint(feed_summary(self.statuses, self.stale, self.loaded, now))

    def _news(self, shown: tuple[str, bool]) -> bool:
        """Whether `shown` says more than counts moved: a warning came or went, or the text's
        first part (loading, STALE and its feeds) changed."""
        assert self._shown is not None
        return shown[1] != self._shown[1] or _lead(shown[0]) != _lead(self._shown[0])

    def _repaint(self, shown: tuple[str, bool]) -> None:
        if shown != self._shown:  # the age ticks by seconds: repaint only when the text moved
            self._shown = shown
            self.refresh()

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self.refresh()

    def render(self) -> Text:
        text, warn = self._shown or feed_summary(self.statuses, self.stale, self.loaded, self.now)
        stale = bool(self.stale) and self.loaded
        if stale:
            style = self.palette.for_status(Status.RED) + Style(reverse=True)
        elif warn:
            style = self.palette.for_status(Status.AMBER)
        else:
            style = Style(dim=True)
        return Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")
