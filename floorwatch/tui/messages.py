"""Messages between the floor (the shared model) and the UI, and the buffer that coalesces them.

The floor publishes a `FloorUpdate` after every tick, possibly many a second. The app merges them
into an `UpdateBuffer` and posts one `FloorChanged` nudge; a burst of ticks costs one repaint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from textual.message import Message

from floorwatch.live.board import BoardDelta


class FloorUpdateLike(Protocol):
    """The shape of `floorwatch.live.floor.FloorUpdate` (structural, so that tests can stand in)."""

    @property
    def delta(self) -> BoardDelta: ...

    @property
    def statuses(self) -> Sequence[Any]: ...  # floorwatch.feeds.FileStatus

    @property
    def stale(self) -> frozenset[str]: ...

    @property
    def loaded(self) -> bool: ...

    @property
    def errors(self) -> Sequence[str]: ...


@dataclass
class MergedUpdate:
    """Several floor updates as one: deltas merged, the latest feed statuses, every error."""

    delta: BoardDelta = field(default_factory=BoardDelta)
    statuses: tuple[Any, ...] = ()
    stale: frozenset[str] = frozenset()
    loaded: bool = False
    errors: tuple[str, ...] = ()
    count: int = 0  # floor updates merged in

    def add(self, update: FloorUpdateLike) -> None:
        delta = update.delta
        if delta.first and (delta.transitions or delta.state_reds):
            # A first tick's transitions are the board appearing, not news: never alert on
            # them, even merged with a later tick whose transitions are.
            delta = replace(delta, transitions=(), state_reds=())
        self.delta = self.delta.merge(delta) if self.count else delta
        self.statuses = tuple(update.statuses)
        self.stale = frozenset(update.stale)
        self.loaded = update.loaded
        self.errors = (*self.errors, *update.errors)
        self.count += 1

    def then(self, later: MergedUpdate) -> MergedUpdate:
        """This followed by `later` (a paused board accumulates what it has not shown)."""
        if not self.count:
            return later
        if not later.count:
            return self
        return MergedUpdate(
            delta=self.delta.merge(later.delta),
            statuses=later.statuses,
            stale=later.stale,
            loaded=later.loaded,
            errors=(*self.errors, *later.errors),
            count=self.count + later.count,
        )


class UpdateBuffer:
    """Collects floor updates between repaints."""

    def __init__(self) -> None:
        self._pending = MergedUpdate()

    def add(self, update: FloorUpdateLike) -> bool:
        """Merge `update`; True when the buffer was empty (the caller should post a nudge)."""
        first = self._pending.count == 0
        self._pending.add(update)
        return first

    def take(self) -> MergedUpdate | None:
        if not self._pending.count:
            return None
        pending, self._pending = self._pending, MergedUpdate()
        return pending

    def __bool__(self) -> bool:
        return self._pending.count > 0


class FloorChanged(Message):
    """The floor moved on: the app should take the buffer and repaint (coalesced)."""

    def can_replace(self, message: Message) -> bool:
        # The changes themselves wait in the UpdateBuffer, so one nudge stands for many.
        return isinstance(message, FloorChanged)


# -- what screens ask of the App ---------------------------------------------------------------
# A screen never reaches up into the App: it posts one of these (they bubble from the screen to
# the App), and the App, which owns navigation, the notes service and the theme, acts on it.


class OpenAgent(Message):
    """Open the agent screen for `agent`."""

    def __init__(self, agent: str) -> None:
        self.agent = agent
        super().__init__()


class WriteNote(Message):
    """Open the BEST panel: `kind` 'coaching' or 'praise', for `agent` (None: the agent
    selected on the board)."""

    def __init__(self, kind: str, agent: str | None = None) -> None:
        self.kind = kind
        self.agent = agent
        super().__init__()


class ShowErrors(Message):
    """Open the feed errors screen."""


class ShowFollowUps(Message):
    """Open the follow-ups screen (due and overdue, floor-wide)."""


class CycleTheme(Message):
    """Switch to the next theme: dark, light, colour-blind."""


class ReportError(Message):
    """Something failed outside the UI (a thread of the floor): keep it for the errors panel
    and say it once. Safe to post from any thread."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()
