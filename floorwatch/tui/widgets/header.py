"""The board's header: floor name, clock, agents per colour, team averages with a sparkline of
each team's day (contacts an hour), feed freshness."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.widget import Widget

from floorwatch.config.types import MetricConfig
from floorwatch.live.queues import QueueFigures
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value
from floorwatch.tui.themes import DARK, Palette
from floorwatch.tui.widgets.live_text import categories_text, queues_text

COUNT_ORDER = (Status.RED, Status.AMBER, Status.GREEN, Status.NONE)
Summary = Mapping[str, tuple[float | None, Status]]


@dataclass(frozen=True)
class HeaderFacts:
    """What the header shows; the screen builds it from the board when it applies an update."""

    counts: Mapping[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    teams: Mapping[str, Summary] = field(default_factory=dict)
    floor: Summary = field(default_factory=dict)
    view: str = ""  # sort and filters, e.g. 'sort status · team all · 40 agents'
    freshness: str = ""  # 'feeds ok' or 'STALE: calls'
    stale: bool = False
    days: Mapping[str, Sequence[int]] = field(default_factory=dict)  # team -> contacts an hour
    states: Mapping[str, int] | None = None  # agents per state category (a states feed)
    queues: tuple[QueueFigures, ...] = ()  # the queue strip (a queue feed)


def clock_text(now: float, zone: ZoneInfo | None, seconds: bool = True) -> str:
    return datetime.fromtimestamp(now, zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def counts_text(counts: Mapping[Status, int], palette: Palette) -> Text:
    text = Text(end="")
    for index, status in enumerate(COUNT_ORDER):
        if index:
            text.append("  ")
        text.append(f"{status.label} {counts.get(status, 0)}", style=palette.for_status(status))
    return text


SPARKS = "▁▂▃▄▅▆▇█"
SPARK_HOURS = 12  # the sparkline shows the day's last this many hours


def sparkline(counts: Sequence[int], hours: int = SPARK_HOURS) -> str:
    """'▁▃▆█▇▅': contacts an hour, from the first busy hour (at most the last `hours`), each
    against the busiest; an hour without contacts is a space."""
    shown = list(counts)
    while shown and not shown[0]:
        shown.pop(0)
    shown = shown[-hours:]
    top = max(shown, default=0)
    if not top:
        return ""
    return "".join(
        SPARKS[min(len(SPARKS) - 1, (n * len(SPARKS) - 1) // top)] if n else " " for n in shown
    )


def summary_text(summary: Summary, metrics: Sequence[MetricConfig], palette: Palette) -> Text:
    """'AHT 4:12 ▲  CSAT 91 ●' — each average coloured and shaped by its status against the
    target that applies (the team's own thresholds for a team)."""
    text = Text(end="")
    for metric in metrics:
        value, status = summary.get(metric.key, (None, Status.NONE))
        if text:
            text.append(" ")
        shape = f" {status.shape}" if value is not None else ""
        text.append(
            f"{metric.label} {format_value(value, metric.format)}{shape}",
            style=palette.for_status(status),
        )
    return text


class FloorHeader(Widget):
    """Floor, clock and counts; the team averages (one line, more on a tall terminal); the view
    (sort, filters) and the feeds' freshness."""

    DEFAULT_CSS = """
    FloorHeader { height: auto; padding: 0 1; background: $panel; }
    """
    TALL = 40  # from this many terminal rows, team averages get up to MAX_TEAM_LINES lines
    MAX_TEAM_LINES = 4

    def __init__(
        self,
        floor_name: str,
        metrics: Sequence[MetricConfig],
        *,
        timezone: str | None,
        palette: Palette = DARK,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.floor_name = clean_text(floor_name)
        self.metrics = tuple(metrics)
        self.zone = ZoneInfo(timezone) if timezone else None
        self.palette = palette
        self.facts = HeaderFacts()
        self.now = 0.0

    def show(self, facts: HeaderFacts) -> None:
        if facts != self.facts:
            self.facts = facts
            # The height is the number of lines, and not only teams, queues or states coming
            # or going change it: a sparkline or a wider figure can wrap the team averages
            # onto one more line (a tall terminal), which a plain repaint would cut off below.
            content = self.content_region
            self.refresh(layout=len(self._lines(content.width)) != content.height)

    def tick(self, now: float) -> None:
        if int(now) != int(self.now):
            self.now = now
            # Only the clock's line (and the queue strip, whose oldest wait ticks): a second's
            # tick then costs a line or two of terminal output.
            self.refresh(Region(0, 0, self.size.width, 1))
            if self.facts.queues and any(f.waiting for f in self.facts.queues):
                self.refresh(Region(0, 1, self.size.width, 1))

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Group:
        return Group(*self._lines(self.content_region.width))

    def _lines(self, width: int) -> list[Text]:
        facts = self.facts
        rest = Text(f"  {clock_text(self.now, self.zone)}  ", end="")
        rest.append_text(counts_text(facts.counts, self.palette))
        name = Text(self.floor_name, style="bold", end="")
        # The counts matter more than the whole floor name: shorten the name first.
        name.truncate(max(8, width - rest.cell_len), overflow="ellipsis")
        first = name + rest
        last = Text(facts.view, style="dim", end="")
        if facts.freshness:
            red = self.palette.for_status(Status.RED)
            style = red + Style(reverse=True) if facts.stale else Style(dim=True)
            last.append(" · ", style="dim")
            last.append(facts.freshness, style=style)
        live = []
        if facts.queues:  # right under the clock: how many wait, and for how long
            live.append(queues_text(facts.queues, self.now, self.palette))
        if facts.states is not None:
            states = Text("states  ", style="bold", end="")
            states.append_text(categories_text(facts.states, self.palette))
            live.append(states)
        lines = [first, *live, *self._team_lines(width), last]
        for line in lines:
            line.no_wrap = True
            line.overflow = "ellipsis"
            line.end = "\n"
        return lines

    def _team_lines(self, width: int) -> list[Text]:
        """Team averages packed into lines; one line unless the terminal is tall."""
        entries = []
        for team, summary in self.facts.teams.items():
            entry = Text(clean_text(team), style="bold", end="")
            spark = sparkline(self.facts.days.get(team, ()))
            if spark:  # the shape of the team's day: contacts an hour
                entry.append(f" {spark}", style="dim")
            entry.append(" ")
            entry.append_text(summary_text(summary, self.metrics, self.palette))
            entries.append(entry)
        if not entries:
            floor = Text("floor ", style="bold", end="")
            floor.append_text(summary_text(self.facts.floor, self.metrics, self.palette))
            entries.append(floor)
        tall = self.app.size.height >= self.TALL if self.is_attached else False
        limit = self.MAX_TEAM_LINES if tall else 1
        lines: list[Text] = [Text(end="")]
        for entry in entries:
            line = lines[-1]
            if line.cell_len and line.cell_len + 3 + entry.cell_len > width:
                if len(lines) == limit:
                    line.append(" │ ", style="dim")
                    line.append_text(entry)  # cut with an ellipsis at the edge
                    continue
                lines.append(Text(end=""))
                line = lines[-1]
            if line.cell_len:
                line.append(" │ ", style="dim")
            line.append_text(entry)
        return lines
