"""Wall mode's header: big counts per colour, the floor's figures, when it was last updated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from floorwatch.config.types import MetricConfig
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.tui.themes import DARK, Palette
from floorwatch.tui.widgets.header import COUNT_ORDER, Summary, clock_text, summary_text


class CountBox(Vertical):
    """One colour's count in big digits, with its shape and word."""

    DEFAULT_CSS = """
    CountBox { width: 1fr; height: 4; align-horizontal: center; }
    CountBox > Static { width: 100%; text-align: center; text-style: bold; }
    CountBox > Digits { width: 100%; text-align: center; }
    """

    def __init__(self, status: Status) -> None:
        super().__init__(id=f"count-{status.json_name}")
        self.status = status
        self.digits = Digits("0")
        self.label = Static(Text(status.label))

    def compose(self) -> ComposeResult:
        yield self.digits
        yield self.label

    def show(self, count: int, palette: Palette) -> None:
        style = palette.for_status(self.status)
        self.digits.update(str(count))
        if style.color is not None and style.color.triplet is not None:
            self.digits.styles.color = style.color.triplet.hex
        self.label.update(Text(self.status.label, style=style))


class WallHeader(Vertical):
    DEFAULT_CSS = """
    WallHeader { height: auto; background: $panel; padding: 0 1; }
    WallHeader > #wall-title { height: 1; }
    WallHeader > #wall-counts { height: 4; }
    WallHeader > #wall-figures { height: 1; }
    """

    def __init__(
        self,
        floor_name: str,
        metrics: Sequence[MetricConfig],
        *,
        timezone: str | None,
        palette: Palette = DARK,
    ) -> None:
        super().__init__(id="wall-header")
        self.floor_name = clean_text(floor_name)
        self.metrics = tuple(metrics)
        self.zone = ZoneInfo(timezone) if timezone else None
        self.palette = palette
        self.updated: float | None = None
        self.page_text = ""
        self.title_line = Static(id="wall-title")
        self.boxes = [CountBox(status) for status in COUNT_ORDER]
        self.figures = Static(id="wall-figures")

    def compose(self) -> ComposeResult:
        yield self.title_line
        with Horizontal(id="wall-counts"):
            yield from self.boxes
        yield self.figures

    def show(
        self,
        counts: Mapping[Status, int],
        floor: Summary,
        updated: float | None,
        page: int,
        pages: int,
    ) -> None:
        for box in self.boxes:
            box.show(counts.get(box.status, 0), self.palette)
        figures = Text("floor  ", style="bold", end="")
        figures.append_text(summary_text(floor, self.metrics, self.palette))
        self.figures.update(figures)
        self.updated = updated
        self.page_text = f"page {page + 1}/{pages}" if pages > 1 else ""
        self._title()

    def _title(self) -> None:
        title = Text(self.floor_name, style="bold", end="")
        if self.updated is not None:
            title.append(f"   updated {clock_text(self.updated, self.zone)}")
        if self.page_text:
            title.append(f"   {self.page_text}", style="dim")
        self.title_line.update(title)
