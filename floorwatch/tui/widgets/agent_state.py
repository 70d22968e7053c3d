"""The agent screen's state line: what the agent is doing now and for how long, in the board's
STATE words and colours (`live_text.state_line`), ticking with the floor's clock."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from floorwatch.live.states import AgentState
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.live_text import state_line


class AgentStateLine(Static):
    """One line (it wraps when narrow). The screen sets the state with `show` as the agent's row
    changes and moves its timer with `tick`; a tick repaints only when the text or its colour
    changed (once a second while the timer runs)."""

    DEFAULT_CSS = "AgentStateLine { height: auto; padding: 0 1; }"

    def __init__(
        self, palette: Palette, *, counts: bool, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.palette = palette
        self.counts = counts  # floor.state_counts: the state weighs on the agent's status
        self.state: AgentState | None = None
        self.shown = Text("")  # what the line shows now

    def show(self, state: AgentState | None, now: float) -> None:
        self.state = state
        self.tick(now)

    def tick(self, now: float) -> None:
        text = state_line(self.state, now, self.palette, counts=self.counts)
        if text != self.shown:
            self.shown = text
            self.update(text)
