"""Wall mode's header: big counts per colour, the floor's figures, when it was last updated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from floorwatch.config.types import MetricConfig
from floorwatch.live.queues import QueueFigures
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.tui.themes import DARK, Palette
from floorwatch.tui.widgets.header import COUNT_ORDER, Summary, clock_text, summary_text
from floorwatch.tui.widgets.live_text import categories_text, queue_text


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


class QueueBox(Vertical):
    """One queue, big: callers waiting in big digits; oldest wait, service level, abandons."""

    DEFAULT_CSS = """
    QueueBox { width: 1fr; height: 5; align-horizontal: center; }
    QueueBox > Static { width: 100%; text-align: center; }
    QueueBox > Digits { width: 100%; text-align: center; }
    """

    def __init__(self, queue: str) -> None:
        super().__init__(classes="queue-box")
        self.queue = queue
        self.title = Static()
        self.digits = Digits("0")
        self.detail = Static()

    def compose(self) -> ComposeResult:
        yield self.title
        yield self.digits
        yield self.detail

    def show(self, figures: QueueFigures, now: float, palette: Palette) -> None:
        style = palette.for_status(figures.status)
        title = Text(clean_text(figures.queue), style="bold", end="")
        title.append(f"  {figures.status.label}  waiting", style=style)
        self.title.update(title)
        self.digits.update(str(figures.waiting))
        waiting_style = palette.for_status(figures.statuses.get("waiting", Status.NONE))
        if waiting_style.color is not None and waiting_style.color.triplet is not None:
            self.digits.styles.color = waiting_style.color.triplet.hex
        detail = queue_text(figures, now, palette)
        detail.no_wrap, detail.overflow = True, "ellipsis"  # cut at the box's edge, whatever it is
        self.detail.update(detail)


class WallHeader(Vertical):
    DEFAULT_CSS = """
    WallHeader { height: auto; background: $panel; padding: 0 1; }
    WallHeader > #wall-title { height: 1; }
    WallHeader > #wall-counts { height: 4; }
    WallHeader > #wall-figures { height: 1; }
    WallHeader > #wall-queues { height: auto; }
    WallHeader > #wall-states { height: 1; }
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
        self.queues = Horizontal(id="wall-queues")
        self.states_line = Static(id="wall-states")
        self.queue_boxes: dict[str, QueueBox] = {}
        self.queue_figures: tuple[QueueFigures, ...] = ()

    def compose(self) -> ComposeResult:
        yield self.title_line
        with Horizontal(id="wall-counts"):
            yield from self.boxes
        yield self.queues
        yield self.states_line
        yield self.figures

    def show_live(
        self,
        queues: tuple[QueueFigures, ...],
        states: Mapping[str, int] | None,
        now: float,
    ) -> None:
        """The queues big (one box each, worst first) and agents per state category."""
        self.queue_figures = queues
        if not self.queues.is_attached:  # shown once the header is in place
            self.call_after_refresh(self.show_live, queues, states, now)
            return
        names = [f.queue for f in sorted(queues, key=lambda f: (-f.status, f.queue))]
        if names != list(self.queue_boxes):
            for box in self.queue_boxes.values():
                box.remove()
            self.queue_boxes = {name: QueueBox(name) for name in names}
            self.queues.mount_all(self.queue_boxes.values())
            self.call_after_refresh(self.tick, now)  # the new boxes, once mounted
        self.tick(now)
        self.states_line.display = states is not None
        if states is not None:
            line = Text("states  ", style="bold", end="")
            line.append_text(categories_text(states, self.palette))
            self.states_line.update(line)

    def tick(self, now: float) -> None:
        """The oldest waits tick: each box shows its queue at `now`."""
        by_name = {f.queue: f for f in self.queue_figures}
        for name, box in self.queue_boxes.items():
            if name in by_name and box.is_mounted:
                box.show(by_name[name], now, self.palette)

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
