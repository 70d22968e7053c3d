"""Wall mode: read-only, big counts, the agents paged automatically, a big STALE warning.

Nothing here can change anything: no notes, no filters, no panels; only `q` quits (which, over
SSH, ends the wall's session)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from floorwatch.config.types import Config
from floorwatch.live.board import BoardDelta
from floorwatch.live.clock import FloorClock
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.tui.compositor import use_cropped_compositor
from floorwatch.tui.messages import MergedUpdate
from floorwatch.tui.screens.board import has_states
from floorwatch.tui.screens.view import BoardModel, BoardView, Throttle, screen_floor_clock
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.board_table import BoardTable
from floorwatch.tui.widgets.wall_header import WallHeader

FACTS_INTERVAL = 1.0  # seconds between header recounts, at most


class WallScreen(Screen[None]):
    DEFAULT_CSS = """
    WallScreen #stale {
        display: none; height: 3; content-align: center middle; text-style: bold reverse;
    }
    WallScreen.-stale #stale { display: block; }
    """

    def __init__(
        self,
        config: Config,
        board: BoardModel,
        *,
        palette: Palette,
        clock: Callable[[], float],
        page_seconds: float,
        facts_interval: float = FACTS_INTERVAL,
        floor_clock: FloorClock | None = None,
    ) -> None:
        super().__init__(id="wall-screen")
        use_cropped_compositor(self)  # a frame asks only the widgets it can change
        self.config = config
        self.board = board
        self.palette = palette
        self.clock = clock  # the wall clock: highlights
        self.floor_clock = floor_clock or screen_floor_clock(config, board, clock)
        self.page_seconds = max(1.0, page_seconds)
        self.table = BoardTable(
            config.metrics, palette=palette, timezone=config.floor.timezone, clock=clock,
            paged=True, states=has_states(config), id="board",
        )  # fmt: skip
        self.view = BoardView(board, self.table, ())
        self.header = WallHeader(
            config.floor.name, config.metrics, timezone=config.floor.timezone, palette=palette
        )
        self.updated: float | None = None
        self.last = MergedUpdate()
        self._facts = Throttle(facts_interval)  # the header follows the board at this pace

    def compose(self) -> ComposeResult:
        yield self.header
        yield Static(id="stale")
        yield self.table

    def on_mount(self) -> None:
        self.view.reload()
        self._show_facts()
        self.set_interval(self.page_seconds, self.next_page)
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        if self._facts.due:
            self._show_facts()
        self.table.expire_flashes(self.clock())
        now = self.floor_clock.now()  # the STATE timers and the queues' oldest waits
        self.table.tick(now)
        self.header.tick(now)

    def next_page(self) -> None:
        if self.table.pages > 1:
            self.table.show_page(self.table.page + 1)
            self._show_facts()

    def on_board_table_paged(self, _message: BoardTable.Paged) -> None:
        self._show_facts()

    def floor_changed(self, update: MergedUpdate) -> None:
        self.last = update
        self._apply(update.delta)
        self._show_stale(update.stale)

    def _apply(self, delta: BoardDelta) -> None:
        self.view.apply(delta)
        reds = [(t.agent, t.metric) for t in delta.transitions if t.new is Status.RED]
        self.table.flash(reds, self.clock())
        self.updated = self.floor_clock.now()  # 'updated' in the floor's time
        self._facts_soon()

    def _facts_soon(self) -> None:
        if self._facts.ready():
            self._show_facts()

    def _show_facts(self) -> None:
        self._facts.ran()
        self.header.show(
            self.board.counts(),
            self.board.floor_summary(),
            self.updated,
            self.table.page,
            self.table.pages,
        )
        states = self.board.state_counts() if has_states(self.config) else None
        queues = tuple(getattr(self.board, "queue_figures", ()))
        self.header.show_live(queues, states, self.floor_clock.now())

    def _show_stale(self, stale: frozenset[str]) -> None:
        self.set_class(bool(stale), "-stale")
        if stale:
            names = ", ".join(sorted(clean_text(str(name)) for name in stale))
            warning = Text(
                f"STALE: no new rows from {names}. The figures below are old.",
                style=self.palette.for_status(Status.RED),
            )
            self.query_one("#stale", Static).update(warning)

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self.table.set_palette(palette)
        self.header.palette = palette
        self._show_facts()
