"""The floorwatch Textual app: the live board (or the wall) on a `Floor`.

The app views a `Floor` (feeds + board model). With no floor given it makes its own and runs it;
given one (the SSH server shares one floor between every session) it only subscribes. The floor
calls back after every tick, in the loop's thread; the app merges those updates and repaints on
the next frame (at most one a `REPAINT_INTERVAL`), so a burst of appends costs one repaint and a
lone change is not held back to a fixed phase.
"""

from __future__ import annotations

import asyncio
import math
import signal
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual._compositor import CompositorUpdate
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.drivers.linux_driver import LinuxDriver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from floorwatch.coaching import Evidence, praise_for
from floorwatch.coaching.analysis import AgentAnalysis, analyse_agent
from floorwatch.coaching.trend import Trend
from floorwatch.config.types import Config, MetricConfig
from floorwatch.live.board import AgentRow, BoardDelta
from floorwatch.live.reds import RedKeeper
from floorwatch.live.scope import supervisor_teams
from floorwatch.live.thresholds import Status
from floorwatch.reports.board import format_state_red, format_transition
from floorwatch.store import StoreError, open_store
from floorwatch.text.plural import plural
from floorwatch.tui.damage import DiffedUpdate, ScreenShadow
from floorwatch.tui.hangup import HangupSafeDriver, end_process_after
from floorwatch.tui.messages import (
    CycleTheme,
    FloorChanged,
    FloorUpdateLike,
    MergedUpdate,
    OpenAgent,
    ReportError,
    ShowErrors,
    ShowFollowUps,
    UpdateBuffer,
    WriteNote,
)
from floorwatch.tui.notes_service import NotesChanged, NotesService
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.board import BoardScreen
from floorwatch.tui.screens.feedback import FeedbackPanel
from floorwatch.tui.screens.followups import FollowUpsScreen
from floorwatch.tui.screens.view import screen_floor_clock
from floorwatch.tui.screens.wall import WallScreen
from floorwatch.tui.themes import PALETTES, THEME_TITLES, Palette, next_theme, palette_for
from floorwatch.tui.widgets.alert_line import AlertLine
from floorwatch.tui.widgets.goals import board_values

if TYPE_CHECKING:
    from floorwatch.live.floor import Floor

MAX_TOASTS = 3  # per toast interval; more transitions to red than this become one summary


class FloorwatchApp(App[None]):
    """The live board for a supervisor, or the read-only wall."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "floorwatch"
    BINDINGS = [
        Binding("q", "quit", "quit", priority=False),
        Binding("ctrl+l", "redraw", "redraw the screen", show=False),
    ]
    # Seconds between repaints: one frame. The floor's polls already gather rows, and the buffer
    # merges what comes between two frames; a 0.2 s phase added up to 200 ms to every change.
    REPAINT_INTERVAL = 1 / 30
    HEADER_INTERVAL = 1.0  # seconds between recounts of the header (they scan every agent)
    TOAST_INTERVAL = 5.0  # seconds between toasts; reds in between are toasted together
    exit_on_hangup = False  # the CLI sets it when the app owns the process's terminal

    def __init__(
        self,
        config: Config,
        floor: Floor | None = None,
        *,
        wall: bool = False,
        page_seconds: float = 10,
        author: str | None = None,
        role: str | None = None,
        clock: Callable[[], float] | None = None,
        notice: str | None = None,
        teams: Iterable[str] = (),
    ) -> None:
        super().__init__()
        if self.driver_class is LinuxDriver:  # a terminal of our own: never hang when it closes
            self.driver_class = HangupSafeDriver
        self.notice = notice  # said once the board is up (the demo: where its files are)
        self.config = config
        self.floor: Floor | Any = floor
        self.owns_floor = floor is None
        self.wall = wall or role == "wall"
        self.role = "wall" if self.wall else (role or config.notes.role)
        self.author = author or config.notes.author
        self.teams = tuple(teams)  # the teams the login lists (SSH or web): the board's scope
        self.page_seconds = page_seconds
        self.clock: Callable[[], float] = clock or time.time
        self.palette: Palette = palette_for(config.floor.theme)
        self.notes_indicators: dict[str, str] = {}
        self.floor_errors: list[str] = []
        self.last_update = MergedUpdate()
        self.main_screen: BoardScreen | WallScreen | None = None
        self._buffer = UpdateBuffer()
        self._last_flush = -math.inf
        self._flush_timer: Timer | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._held_toasts: list[tuple[str, str]] = []  # (events line, agent) not toasted yet
        self._toast_timer: Timer | None = None
        self.red_keeper: RedKeeper | None = None  # the floor's, shared with its other viewers
        self._forget_red_errors: Callable[[], None] | None = None
        self._shadow = ScreenShadow()  # what the terminal shows: updates write only changes
        if self.wall:
            self.use_command_palette = False  # read-only: nothing to run
        if self.floor is None:
            # Made here, not on mount, so that a feed problem is raised to the command that
            # builds the app (and printed as a message) before the terminal is taken over.
            from floorwatch.live.floor import Floor

            self.floor = Floor(config, clock=clock) if clock is not None else Floor(config)
        # What time it is on this floor (the data's with floor.clock: data): every face asks it.
        self.floor_clock = screen_floor_clock(config, self.floor.board, self.clock)
        # The wall is read-only: it never opens (or creates) the notes store.
        self.notes: NotesService | None = (
            None
            if self.wall
            else NotesService(
                config, author=self.author, clock=self.floor_clock.now, role=self.role
            )
        )

    # -- start and stop ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        board = self.floor.board
        if self.wall:
            self.main_screen = WallScreen(
                self.config, board, palette=self.palette, clock=self.clock,
                page_seconds=self.page_seconds, facts_interval=self.HEADER_INTERVAL,
                floor_clock=self.floor_clock,
            )  # fmt: skip
        else:
            who = self.notes.author if self.notes is not None else self.author
            self.main_screen = BoardScreen(
                self.config, board, palette=self.palette, clock=self.clock,
                facts_interval=self.HEADER_INTERVAL, floor_clock=self.floor_clock,
                goals_of=self.notes.goals if self.notes is not None else None,
                today_of=self.floor_clock.today,
                scope=supervisor_teams(
                    self.config, getattr(board, "roster", None), who, self.teams
                ),
            )  # fmt: skip
        return self.main_screen

    def on_mount(self) -> None:
        self.theme = self.palette.textual_theme
        if self.exit_on_hangup:
            # A closed terminal (or a dropped plain-ssh link) sends SIGHUP: leave cleanly, so
            # the notes store and the feeds' files are closed rather than killed mid-write.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hangup)
        self._unsubscribe = self.floor.subscribe(self._floor_updated)
        last = self.floor.last_update
        if last is not None:  # a shared floor, already running: its state, not its news
            self._floor_updated(replace(last, delta=BoardDelta(now=last.delta.now, first=True)))
        if self.owns_floor:
            self.run_worker(self.floor.start(), name="floor", group="floor", exit_on_error=False)
        if self.notes is not None:
            self.notes.start(self)
            if self.notes.store_notice:
                self.notify(self.notes.store_notice, timeout=15, markup=False)
            self._keep_reds()
        if self.notice:
            self.notify(self.notice, timeout=15, markup=False)

    def _keep_reds(self) -> None:
        """A supervisor's board needs the floor's reds kept (for the coaching report): take the
        floor's keeper, started by whoever needed it first (`floorwatch serve` keeps it for as
        long as it runs, whether or not a board is open)."""
        config = self.config
        self.red_keeper = self.floor.reds.keep(lambda: open_store(config))
        if self.red_keeper is not None:
            self._forget_red_errors = self.red_keeper.on_error(
                lambda text: self.post_message(ReportError(text))
            )

    def hangup(self) -> None:
        """The terminal is gone (SIGHUP, or its input ended): keep any draft, drop all output,
        and end, within HANGUP_GRACE_SECONDS whatever the shutdown waits on."""
        if isinstance(self._driver, HangupSafeDriver):
            self._driver.terminal_gone()
        for screen in self.screen_stack:
            keep = getattr(screen, "keep_draft", None)
            if keep is not None:
                keep()
        if self.exit_on_hangup:
            end_process_after()
        self.exit()

    async def on_unmount(self) -> None:
        if self.red_keeper is not None:
            if self._forget_red_errors is not None:
                self._forget_red_errors()
            self.red_keeper = None
            await asyncio.to_thread(self.floor.reds.release)
        if self.notes is not None:
            self.notes.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.owns_floor and self.floor is not None:
            await self.floor.stop()

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        """Write only the cells an update changes (floorwatch.tui.damage), when it is written
        at all (Textual skips it while batching, headless or closed)."""
        writes = (
            self._running
            and not self._closed
            and not self.is_headless
            and not self.is_inline
            and not self._batch_count
            and self._driver is not None
        )
        if writes and isinstance(renderable, CompositorUpdate):
            width, height = self.size
            sequence = self._shadow.update(renderable, self.console, width, height)
            if not sequence:
                return  # nothing the terminal does not show already
            renderable = DiffedUpdate(sequence)
        super()._display(screen, renderable)

    def action_redraw(self) -> None:
        """Draw the whole screen again (ctrl+l: after something else wrote on the terminal)."""
        self._shadow.reset()
        self.screen.refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "floor":
            self.report_error(f"the floor stopped: {event.worker.error}")

    def on_report_error(self, message: ReportError) -> None:
        self.report_error(message.text)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast; on a screen with an alert line (the agent screen, a note, the follow-ups, the
        BEST panel) that line instead, so nothing a supervisor reads or writes is covered."""
        lines = self.screen.query(AlertLine) if self._screen_stack else None
        if lines:
            text = Text.from_markup(message) if markup else Text(message)
            lines.first().alert(text, title=title, severity=severity)
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def report_error(self, message: str) -> None:
        """Keep it for the errors panel and say it once (plain text: it may quote feeds)."""
        if message in self.floor_errors:
            return
        self.floor_errors.append(message)
        self.notify(message, title="floorwatch", severity="error", timeout=10, markup=False)

    # -- updates -------------------------------------------------------------------------------

    def _floor_updated(self, update: FloorUpdateLike) -> None:
        """The floor's callback (in the loop's thread): merge, and nudge once per repaint."""
        if self._buffer.add(update):
            self.post_message(FloorChanged())

    def on_floor_changed(self, _message: FloorChanged) -> None:
        wait = self.REPAINT_INTERVAL - (time.monotonic() - self._last_flush)
        if wait <= 0:
            self.flush()
        elif self._flush_timer is None:
            self._flush_timer = self.set_timer(wait, self._timed_flush)

    def _timed_flush(self) -> None:
        self._flush_timer = None
        self.flush()

    def flush(self) -> None:
        """Apply everything the floor published since the last repaint."""
        merged = self._buffer.take()
        if merged is None or self.main_screen is None:
            return
        self._last_flush = time.monotonic()
        self.last_update = merged
        for error in merged.errors:
            self.report_error(error)
        self.main_screen.floor_changed(merged)
        self._alert(merged.delta)
        self._update_agent_screen(merged.delta)

    def _alert(self, delta: BoardDelta) -> None:
        """Each transition to red: a line in the events panel, a toast, the bell if asked."""
        if self.wall or not isinstance(self.main_screen, BoardScreen):
            return
        reds = [t for t in delta.transitions if t.new is Status.RED]
        if not reds and not delta.state_reds:
            return
        lines = [format_transition(t, self.floor.board) for t in reds]
        zone = self.config.floor.timezone
        states = [format_state_red(red, zone) for red in delta.state_reds]
        self.main_screen.add_events([*lines, *states])
        self._held_toasts.extend((line, t.agent) for line, t in zip(lines, reds, strict=True))
        self._held_toasts.extend(
            (line, red.agent) for line, red in zip(states, delta.state_reds, strict=True)
        )
        if self._toast_timer is None:
            self._release_toasts()

    def _release_toasts(self) -> None:
        """Toast what turned red since the last toast: one toast per red, or one summary when
        there are many. Then hold new ones for TOAST_INTERVAL, so a busy floor gets a toast
        every few seconds, not a stack of them (the events panel has every line)."""
        self._toast_timer = None
        held, self._held_toasts = self._held_toasts, []
        if not held:
            return
        if len(held) <= MAX_TOASTS:
            for line, _agent in held:
                self.notify(line, title="RED", severity="error", markup=False)
        else:
            agents = plural(len({agent for _line, agent in held}), "agent")
            self.notify(
                f"{len(held)} metrics turned red ({agents}): see the events panel",
                title="RED",
                severity="error",
                markup=False,
            )
        if self.config.floor.bell:
            self.bell()
        self._toast_timer = self.set_timer(self.TOAST_INTERVAL, self._release_toasts)

    def _update_agent_screen(self, delta: BoardDelta) -> None:
        screen = self.screen
        if isinstance(screen, AgentScreen):
            agent = screen.agent
            if agent in delta.changed or agent in delta.added or agent in delta.removed:
                screen.show_row(self.floor.board.rows.get(agent))

    # -- what the screens ask for (they post messages; the App owns navigation) ---------------

    @on(OpenAgent)
    def _open_agent_asked(self, message: OpenAgent) -> None:
        self.open_agent(message.agent)

    @on(WriteNote)
    def _write_note_asked(self, message: WriteNote) -> None:
        self.action_feedback(message.kind, message.agent)

    @on(ShowErrors)
    def _errors_asked(self, _message: ShowErrors) -> None:
        self.show_errors()

    @on(ShowFollowUps)
    def _follow_ups_asked(self, _message: ShowFollowUps) -> None:
        self.action_follow_ups()

    @on(CycleTheme)
    def _theme_asked(self, _message: CycleTheme) -> None:
        self.cycle_theme()

    @property
    def selected_agent(self) -> str | None:
        """The agent selected on the board (None in wall mode or on an empty board)."""
        if isinstance(self.main_screen, BoardScreen):
            return self.main_screen.table.selected
        return None

    def open_agent(self, agent: str) -> None:
        if self.wall:
            return
        board = self.floor.board

        def analysis_of(agent: str) -> AgentAnalysis | None:
            return analyse_agent(agent, board.rows, self.config.metrics, board.threshold)

        notes = self.notes
        today = self.floor_clock.today()

        def trends_of(agent: str) -> list[tuple[MetricConfig, list[Trend]]]:
            return notes.agent_trends(agent, today) if notes is not None else []

        self.push_screen(
            AgentScreen(
                agent, self.config, row=board.rows.get(agent), threshold_of=board.threshold,
                palette=self.palette, analysis_of=analysis_of, trends_of=trends_of,
                notes=self.notes, row_of=lambda: board.rows.get(agent),
                goals_of=notes.goals if notes is not None else None,
                goal_values=lambda: board_values(board), today=today,
                clock=self.floor_clock.now,
            )
        )  # fmt: skip

    def show_errors(self) -> None:
        if self.wall:
            return
        from floorwatch.tui.screens.errors import ErrorsScreen

        self.push_screen(ErrorsScreen(self.last_update.statuses, tuple(self.floor_errors)))

    def cycle_theme(self) -> str:
        """dark -> light -> colour-blind -> dark; returns the new theme's name."""
        return self.set_palette(next_theme(self.palette.name))

    def set_palette(self, name: str) -> str:
        """Use floorwatch's theme `name` everywhere (statuses and widgets); returns its name."""
        self.palette = PALETTES[name]
        self.theme = self.palette.textual_theme
        if self.main_screen is not None:
            self.main_screen.set_palette(self.palette)
        self.notify(f"Theme: {self.palette.name}", timeout=2, markup=False)
        return self.palette.name

    def set_notes_indicators(self, indicators: Mapping[str, str]) -> None:
        """Per agent, a short plain text for the board's NOTE column (note today, follow-up
        due...). Only the rows whose text changed are repainted."""
        self.notes_indicators = dict(indicators)
        if isinstance(self.main_screen, BoardScreen):
            self.main_screen.table.set_notes(self.notes_indicators)

    def on_notes_changed(self, message: NotesChanged) -> None:
        self.set_notes_indicators(message.indicator_texts)
        if message.snapshot.error:
            self.report_error(message.snapshot.error)

    def action_feedback(self, kind: str, agent: str | None = None) -> None:
        """Open the BEST panel (`kind` 'coaching' or 'praise') for `agent` (default: the
        selected one)."""
        agent = agent or self.selected_agent
        if self.notes is None or agent is None:
            return
        board = self.floor.board
        row = board.rows.get(agent) or AgentRow(agent, agent, None, Status.NONE, {})
        praise = self._praise(row) if kind == "praise" else None
        self.push_screen(
            FeedbackPanel(row, self.config, self.notes, kind, role=self.role, praise=praise)
        )

    def _praise(self, row: AgentRow) -> tuple[list[Evidence], dict[str, str]]:
        """What `row`'s agent does well: green metrics, top ranks in the team, better trends."""
        board = self.floor.board
        analysis = analyse_agent(row.agent, board.rows, self.config.metrics, board.threshold)
        improved: set[str] = set()
        if self.notes is not None:
            try:
                trends = self.notes.agent_trends(row.agent, self.floor_clock.today())
            except StoreError:
                trends = []  # the praise still has the board's figures
            for metric, spans in trends:
                if any(trend.direction == "better" for trend in spans):
                    improved.add(metric.key)
        return praise_for(row, self.config, analysis, improved)

    def action_follow_ups(self) -> None:
        """Open the follow-ups screen: what is due, oldest first."""
        if self.notes is None:
            return
        self.push_screen(FollowUpsScreen(self.notes, rows_of=lambda: self.floor.board.rows))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # Textual's theme picker restyles only the widgets, not the statuses: ours instead.
            if command.title != "Theme":
                yield command
        if not self.wall:
            for name, title in THEME_TITLES.items():
                yield SystemCommand(
                    f"Theme: {title}", f"colours for the statuses and the screens: {title}",
                    lambda name=name: self.set_palette(name),  # type: ignore[misc]
                )  # fmt: skip
        if isinstance(self.main_screen, BoardScreen):
            for title, help_text, callback in self.main_screen.commands():
                yield SystemCommand(title, help_text, callback)
