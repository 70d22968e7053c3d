"""The live floor as text: an agent's STATE cell (and the agent screen's state line built on
it), agents per state category, the queue strip.

Pure functions of their arguments and `now` (the floor's clock), so a timer's text at any second
is easy to test. Feed text (state names, reasons, queue names) is cleaned and stays plain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.style import Style
from rich.text import Text

from floorwatch.config.types import OTHER_CATEGORY, MetricFormat
from floorwatch.live.queues import QueueFigures
from floorwatch.live.states import CATEGORY_WORDS, AgentState
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value
from floorwatch.tui.themes import Palette

CATEGORY_SHORT = {
    "available": "avail",
    "on_contact": "on call",
    "after_contact_work": "ACW",
    "away": "away",
    "offline": "offline",
    "other": "other",
}


def state_cell(state: AgentState | None, now: float) -> tuple[str, Status]:
    """The STATE cell's text and its colour's status at `now`: ('Break 22:14 ■ Coffee', RED)."""
    if state is None:
        return "", Status.NONE
    status = state.status(now)
    mark = f" {status.shape}" if status in (Status.RED, Status.AMBER) else ""
    return clean_text(state.label(now, mark)), status


def state_line(
    state: AgentState | None,
    now: float,
    palette: Palette,
    *,
    counts: bool,
) -> Text:
    """The agent screen's line: the STATE cell's own words in its colour, then the category,
    the limits and whether the state counts toward the agent's status (`floor.state_counts`):
    'Break 22:14 ■ Coffee · away · amber 15:00, red 20:00 · counts in the status'."""
    dim = Style(dim=True)
    if state is None:
        return Text("State not known: no state rows for this agent yet", style=dim, end="")
    label, status = state_cell(state, now)
    text = Text(end="")
    text.append(label, style=palette.for_status(status))
    text.append(f" · {CATEGORY_WORDS.get(state.category, state.category)}", style=dim)
    if state.category == OTHER_CATEGORY:
        text.append(" (the config's states: do not list it)", style=dim)
    limits = [
        f"{name} {format_value(limit, MetricFormat.DURATION)}"
        for name, limit in (("amber", state.amber), ("red", state.red))
        if limit is not None
    ]
    if not limits:
        text.append(" · no time limits", style=dim)
    elif counts:
        text.append(f" · {', '.join(limits)} · counts in the status", style=dim)
    else:
        not_counted = "not in the status (floor.state_counts: false)"
        text.append(f" · {', '.join(limits)} · {not_counted}", style=dim)
    return text


def categories_text(counts: Mapping[str, int], palette: Palette) -> Text:
    """'avail 12  on call 30  ACW 4  away 6  offline 2' (categories with nobody left out)."""
    text = Text(end="")
    for category in CATEGORY_WORDS:
        count = counts.get(category, 0)
        if not count and category == "other":
            continue
        if text:
            text.append("  ")
        text.append(f"{CATEGORY_SHORT[category]} ", style=Style(dim=True))
        text.append(str(count), style=Style(bold=True))
    return text


def longest_wait(figures: QueueFigures, now: float) -> float | None:
    """The oldest caller's wait at `now` (it ticks between the floor's updates)."""
    if figures.oldest_since is None:
        return None
    return max(0.0, now - figures.oldest_since)


def queue_text(figures: QueueFigures, now: float, palette: Palette) -> Text:
    """'Sales 3 waiting ▲ · oldest 0:42 ● · SL 82% ● · abandoned 4% ● · ASA 0:12'."""
    statuses = figures.statuses
    text = Text(clean_text(figures.queue), style=Style(bold=True), end="")

    def part(label: str, value: str, status: Status) -> None:
        text.append(" · " if label else " ", style="dim")
        shape = f" {status.shape}" if status is not Status.NONE else ""
        text.append(f"{label}{value}{shape}", style=palette.for_status(status))

    part("", f"{figures.waiting} waiting", statuses.get("waiting", Status.NONE))
    wait = longest_wait(figures, now)
    wait_status = statuses.get("longest_wait", Status.NONE)
    part("oldest ", format_value(wait, MetricFormat.DURATION), wait_status)
    sl_status = statuses.get("service_level", Status.NONE)
    part("SL ", format_value(figures.service_level, MetricFormat.PERCENT), sl_status)
    abandon_status = statuses.get("abandon_rate", Status.NONE)
    part("abandoned ", format_value(figures.abandon_rate, MetricFormat.PERCENT), abandon_status)
    part("ASA ", format_value(figures.asa, MetricFormat.DURATION), Status.NONE)
    return text


def queues_text(figures: Sequence[QueueFigures], now: float, palette: Palette) -> Text:
    """Every queue's strip on one line, worst first, separated by '│'."""
    text = Text(end="")
    for queue in sorted(figures, key=lambda f: (-f.status, f.queue)):
        if text:
            text.append(" │ ", style="dim")
        text.append_text(queue_text(queue, now, palette))
    return text
