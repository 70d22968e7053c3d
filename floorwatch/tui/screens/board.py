"""The supervisor's board: header, the agents table, the events panel and the feed status line."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from floorwatch.config.types import Config
from floorwatch.live.board import BoardDelta
from floorwatch.live.clock import FloorClock
from floorwatch.live.states import CATEGORY_WORDS
from floorwatch.live.thresholds import Status
from floorwatch.tui.compositor import use_cropped_compositor
from floorwatch.tui.messages import (
    CycleTheme,
    MergedUpdate,
    OpenAgent,
    ShowErrors,
    ShowFollowUps,
    WriteNote,
)
from floorwatch.tui.screens.view import BoardModel, BoardView, Throttle, screen_floor_clock
from floorwatch.tui.themes import Palette
from floorwatch.tui.widgets.board_table import BoardTable
from floorwatch.tui.widgets.events_panel import EventsPanel
from floorwatch.tui.widgets.feed_status import FeedStatusLine
from floorwatch.tui.widgets.goals import GoalsLine, GoalsOf, goal_statuses
from floorwatch.tui.widgets.header import FloorHeader, HeaderFacts
from floorwatch.tui.widgets.key_bar import KeyBar

# (key, action, footer label, help text): the single list the footer, the `?` screen and the
# command palette are built from, so they cannot disagree.
BOARD_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("slash", "search", "find", "find an agent by name or id (any case, any accents)"),
    ("n", "search_next(1)", "next", "the next agent matching the last search"),
    ("N", "search_next(-1)", "prev", "the previous agent matching the last search"),
    ("enter", "open_agent", "open", "open the selected agent: metrics, thresholds, notes"),
    ("t", "cycle_team", "team", "cycle the team filter (all, then each of your teams)"),
    ("w", "whole_floor", "floor", "the whole floor, or back to your own teams"),
    ("a", "cycle_state", "state", "cycle the state filter: all, available, on contact, ..."),
    ("d", "sort_in_state", "in state", "sort by time in state, the longest first"),
    ("s", "cycle_sort", "sort", "cycle the sort: status, name, then each metric"),
    ("1", "only('red')", "red", "show only red agents (again: show all)"),
    ("2", "only('amber')", "amber", "show only amber agents (again: show all)"),
    ("3", "only('green')", "green", "show only green agents (again: show all)"),
    ("space", "pause", "pause", "pause live updates (again: resume and catch up)"),
    ("e", "errors", "errors", "feed errors: rejected rows and their reasons, per file"),
    ("f", "feedback('coaching')", "note", "write a BEST coaching note for the selected agent"),
    ("p", "feedback('praise')", "praise", "write a BEST note as praise"),
    ("u", "follow_ups", "follow-ups", "follow-ups overdue, due today and this week"),
    ("c", "theme", "theme", "cycle the colours: dark, light, colour-blind"),
    ("question_mark", "help", "help", "this help"),
)
KEY_SHOWN = {"slash": "/", "question_mark": "?", "enter": "enter", "space": "space"}
MOVE_KEYS = (
    ("↑ ↓ / k j", "move the selection"),
    ("PgUp PgDn Home End", "move by a page, to the top, to the bottom"),
    ("q", "quit"),
    ("ctrl+p", "command palette: every action by name"),
    ("ctrl+l", "draw the whole screen again"),
)


SHORT_SCREEN = 20  # rows: below this the events panel is hidden
GOALS_LINES = 3  # the board's goals take at most this many lines: the agents come first
GOALS_INTERVAL = 60.0  # seconds between reads of the goals (others may add some)
FACTS_INTERVAL = 1.0  # seconds between header recounts, at most
# The once-a-second tick: checked this often; on a busy floor (an update within BUSY_SECONDS)
# left to the next update unless LATE_TICK seconds passed since the last. A new second on the
# system clock ticks at once, but never twice within MIN_TICK_SPACING.
TICK_CHECK_SECONDS = 0.25
BUSY_SECONDS = 0.5
LATE_TICK = 1.25
MIN_TICK_SPACING = 0.5
DAYS_INTERVAL = 60.0  # seconds between recounts of the teams' day (the header's sparklines)


class BoardScreen(Screen[None]):
    """The live board for a supervisor."""

    BINDINGS = [
        Binding(key, action, label, show=False, key_display=KEY_SHOWN.get(key))
        for key, action, label, _ in BOARD_KEYS
    ]

    def __init__(
        self,
        config: Config,
        board: BoardModel,
        *,
        palette: Palette,
        clock: Callable[[], float],
        facts_interval: float = FACTS_INTERVAL,
        floor_clock: FloorClock | None = None,
        goals_of: GoalsOf | None = None,
        today_of: Callable[[], date] | None = None,
        scope: Iterable[str] = (),
    ) -> None:
        super().__init__(id="board-screen")
        use_cropped_compositor(self)  # a frame asks only the widgets it can change
        self.config = config
        self.board = board
        self.palette = palette
        self.clock = clock  # the wall clock: ages and highlights
        self.floor_clock = floor_clock or screen_floor_clock(config, board, clock)
        self.table = BoardTable(
            config.metrics,
            palette=palette,
            timezone=config.floor.timezone,
            clock=clock,
            states=has_states(config),
            id="board",
        )
        self.view = BoardView(
            board, self.table, (m.key for m in config.metrics), states=has_states(config),
            scope=scope,
        )  # fmt: skip
        self.header = FloorHeader(
            config.floor.name, config.metrics, timezone=config.floor.timezone, palette=palette,
            id="header",
        )  # fmt: skip
        self.feed_status = FeedStatusLine(palette=palette, id="feed-status")
        self.goals_line = GoalsLine(config.metrics, palette, limit=GOALS_LINES, id="board-goals")
        self.goals: list[Any] = []  # the teams' and the floor's, read from config and store
        self.goals_of = goals_of  # blocking (the store): run in a thread worker
        self.today_of = today_of or date.today
        self.events = EventsPanel(palette=palette, id="events")
        self.pending: MergedUpdate | None = None  # what arrived while paused
        self.last_search: str | None = None  # what `/` looked for: n / N find it again
        self._facts = Throttle(facts_interval)  # the header follows the board at this pace
        self._ticked = (0, -math.inf)  # the floor's second and time.monotonic() of the last tick
        self._changed_at = -math.inf  # time.monotonic() of the last floor update
        self.last: MergedUpdate = MergedUpdate()
        self._days: dict[str, list[int]] = {}
        self._days_at = -math.inf

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.goals_line
        yield Static(Text("PAUSED: live updates held, space resumes", style="bold reverse"),
                     id="paused")  # fmt: skip
        yield self.table
        yield self.events
        yield self.feed_status
        yield KeyBar(key_bar_entries(), id="keys")

    def on_mount(self) -> None:
        self.view.reload()
        self._show_facts()
        self.tick()
        self.table.focus()
        self.set_interval(TICK_CHECK_SECONDS, self._timed_tick)
        self.goals_line.display = False  # until there are goals to show
        self.load_goals()
        self.set_interval(GOALS_INTERVAL, self.load_goals)

    def load_goals(self) -> None:
        """Read the goals (config and store) in a thread; the header shows the teams' ones."""
        if self.goals_of is not None:
            self.run_worker(self.goals_of, thread=True, group="board-goals", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "board-goals":
            return
        if event.state is WorkerState.SUCCESS:
            self.goals = [g for g in event.worker.result or [] if g.scope != "agent"]
            self._show_goals()
        elif event.state is WorkerState.ERROR:
            self.goals_line.display = True
            self.goals_line.update(
                Text(f"Goals cannot be read: {event.worker.error}", style="bold red")
            )

    def _show_goals(self) -> None:
        """Team and floor goals lit by the header's averages (the selected team's only)."""
        facts = self.header.facts
        values: dict[tuple[str, str, str], float | None] = {
            ("team", team, key): value
            for team, summary in facts.teams.items()
            for key, (value, _) in summary.items()
        }
        values.update({("floor", "", key): value for key, (value, _) in facts.floor.items()})
        team = self.view.team
        shown = sorted(
            (g for g in self.goals if g.scope == "floor" or team in (None, g.who)),
            key=lambda g: (g.scope != "floor", g.who, g.metric, g.due),
        )
        self.goals_line.display = bool(shown)
        if shown:
            self.goals_line.show(goal_statuses(shown, values, self.today_of()))

    def on_resize(self) -> None:
        # On a short terminal the agents matter more than the events panel.
        self.set_class(self.size.height < SHORT_SCREEN, "-short")

    def tick(self) -> None:
        """Once a second: the clock, ages, the header's figures, the end of cell highlights,
        the events that came since the last tick."""
        if self._facts.due:
            self._show_facts()
        now = self.clock()
        # The floor's time: with floor.clock: data the rows' own, so it agrees with SINCE.
        floor_now = self.floor_clock.now()
        self._ticked = (math.floor(floor_now), time.monotonic())
        self.header.tick(floor_now)
        self.feed_status.tick(now)
        self.table.expire_flashes(now)
        self.table.tick(floor_now)
        self.events.show_new()

    def _tick_due(self) -> bool:
        """A second since the last tick (ages, highlights, the header's figures) or, on the
        system clock, a new second (the timers show it: each second is drawn, none skipped).
        A `clock: data` floor's seconds pass at the data's pace, a replay's many a second: its
        timers move once a second of the wall's."""
        second, at = self._ticked
        since = time.monotonic() - at
        if since >= 1.0:
            return True
        new_second = math.floor(self.floor_clock.now()) != second
        return new_second and self.config.floor.clock != "data" and since >= MIN_TICK_SPACING

    def _timed_tick(self) -> None:
        """The tick on a quiet floor. While updates keep coming, the tick rides on the next
        one (`floor_changed`): its cells are drawn in that update's frame, not in a frame of
        their own, and the timers still move on the second (at most a frame late)."""
        busy = time.monotonic() - self._changed_at < BUSY_SECONDS
        if self._tick_due() and not (busy and time.monotonic() - self._ticked[1] < LATE_TICK):
            self.tick()

    # -- updates from the floor ----------------------------------------------------------------

    def floor_changed(self, update: MergedUpdate) -> None:
        """Apply a (coalesced) floor update, or hold it while paused."""
        went_stale = bool(update.stale) != bool(self.last.stale)
        self.last = update
        if went_stale:  # the header's STALE banner: the cells keep their status marks
            self._facts_soon()
        self.feed_status.show(update.statuses, update.stale, update.loaded, self.clock())
        if self.view.paused:
            self.pending = update if self.pending is None else self.pending.then(update)
            return
        self._apply(update.delta)
        self._changed_at = time.monotonic()
        if self._tick_due():
            self.tick()

    def _apply(self, delta: BoardDelta) -> None:
        self.view.apply(delta)
        self.table.flash(_reds(delta), self.clock())
        # Team averages scan every agent: the header catches up once a second, not per repaint.
        if not delta.empty or delta.queues:
            self._facts_soon()

    def _facts_soon(self) -> None:
        if self._facts.ready():
            self._show_facts()

    def _show_facts(self) -> None:
        self._facts.ran()
        stale = bool(self.last.stale)
        faults = self.last.faults
        if faults:
            freshness = "FEED ERROR: " + ", ".join(faults) + " (e)"
        elif stale:
            freshness = "STALE"
        else:
            freshness = "feeds ok" if self.last.loaded else "loading…"
        scope = self.view.teams_shown
        teams = self.board.team_summary()
        facts = HeaderFacts(
            days=self._team_days(set(teams)),
            counts=self.board.counts(self.view.team, teams=scope),
            teams=teams,
            floor=self.board.floor_summary(),
            view=self.view.describe(),
            freshness=freshness,
            stale=stale or bool(faults),
            states=self.board.state_counts(self.view.team, teams=scope)
            if has_states(self.config)
            else None,
            queues=tuple(getattr(self.board, "queue_figures", ())),
        )
        if self.view.paused:  # the figures stay as they were when paused; the view line moves
            facts = replace(self.header.facts, view=facts.view)
        self.header.show(facts)
        if self.goals:
            self._show_goals()

    def _team_days(self, teams: set[str]) -> dict[str, list[int]]:
        """The `teams`' contacts an hour today, recounted at most once a minute (they change
        by the hour; a recount reads every agent's events) or when the teams change."""
        if time.monotonic() - self._days_at >= DAYS_INTERVAL or set(self._days) != teams:
            self._days_at = time.monotonic()
            self._days = self.board.team_day()
        return self._days

    def add_events(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.events.add(line)

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        for widget in (self.table, self.header, self.feed_status):
            widget.set_palette(palette)
        self.events.palette = palette

    # -- keys ----------------------------------------------------------------------------------

    def action_search(self) -> None:
        from floorwatch.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(), self._found)

    def _found(self, text: str | None) -> None:
        if not text or not text.strip():
            return
        self.last_search = text
        agent = self.table.first_match(text)
        if agent is None:
            self.notify(f"No agent matches {text!r}", severity="warning", markup=False)
            return
        self.table.select(agent)

    def action_search_next(self, step: int) -> None:
        """n / N: the next (previous) agent matching the last search, in display order,
        wrapping around."""
        if self.last_search is None:
            self.notify("Nothing to repeat: / finds an agent first", markup=False)
            return
        found = self.table.matches(self.last_search)
        if not found:
            self.notify(f"No agent matches {self.last_search!r}", severity="warning", markup=False)
            return
        order = self.table.order
        position = {agent: index for index, agent in enumerate(order)}
        here = position.get(self.table.selected, -1) if self.table.selected else -1
        if step > 0:
            after = [agent for agent in found if position[agent] > here]
            self.table.select(after[0] if after else found[0])
        else:
            before = [agent for agent in found if 0 <= position[agent] < here]
            self.table.select(before[-1] if before else found[-1])

    def action_open_agent(self) -> None:
        if self.table.selected is not None:
            self.post_message(OpenAgent(self.table.selected))

    def on_board_table_opened(self, message: BoardTable.Opened) -> None:
        message.stop()
        self.post_message(OpenAgent(message.agent))

    def action_cycle_team(self) -> None:
        team = self.view.cycle_team()
        self._show_facts()
        self.notify(f"Team: {team or 'all'}", timeout=2, markup=False)

    def action_whole_floor(self) -> None:
        if not self.view.scope:
            self.notify("This board already shows the whole floor", timeout=2, markup=False)
            return
        whole = self.view.toggle_whole_floor()
        self._show_facts()
        self.notify("Whole floor" if whole else "Your teams", timeout=2, markup=False)

    def action_cycle_state(self) -> None:
        if not has_states(self.config):
            self.notify("No states feed: add a feed with kind: states", timeout=3, markup=False)
            return
        category = self.view.cycle_category()
        self._show_facts()
        word = CATEGORY_WORDS[category] if category is not None else "all"
        self.notify(f"State: {word}", timeout=2, markup=False)

    def action_sort_in_state(self) -> None:
        if not has_states(self.config):
            self.notify("No states feed: add a feed with kind: states", timeout=3, markup=False)
            return
        self.view.set_sort("state")
        self._show_facts()
        self.notify("Sort: time in state", timeout=2, markup=False)

    def action_cycle_sort(self) -> None:
        self.view.cycle_sort()
        self._show_facts()
        self.notify(f"Sort: {self.view.sort_label}", timeout=2, markup=False)

    def action_only(self, colour: str) -> None:
        status = {"red": Status.RED, "amber": Status.AMBER, "green": Status.GREEN}[colour]
        self.view.toggle_only(status)
        self._show_facts()

    def action_pause(self) -> None:
        if self.view.paused:
            pending, self.pending = self.pending, None
            self.view.resume(pending.delta if pending is not None else None)
            self.set_class(False, "-paused")
            if pending is not None:
                self.table.flash(_reds(pending.delta), self.clock())
            self._show_facts()
        else:
            self.view.pause()
            self.set_class(True, "-paused")

    def action_errors(self) -> None:
        self.post_message(ShowErrors())

    def action_feedback(self, kind: str) -> None:
        self.post_message(WriteNote(kind, self.table.selected))

    def action_follow_ups(self) -> None:
        self.post_message(ShowFollowUps())

    def action_theme(self) -> None:
        self.post_message(CycleTheme())

    def action_help(self) -> None:
        from floorwatch.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(BOARD_KEYS, MOVE_KEYS, places(self.config)))

    @property
    def paused(self) -> bool:
        return self.view.paused

    def commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(title, help, callback) for the command palette: every key's action by name."""
        found = []
        for _key, action, label, text in BOARD_KEYS:
            name, _, argument = action.partition("(")
            method = getattr(self, f"action_{name}")
            value = argument.rstrip(")").strip("'")
            callback = (lambda m=method, v=value: m(v)) if value else method
            found.append((f"Board: {label}", text, callback))
        return found


def key_bar_entries() -> list[tuple[str, str]]:
    """The key bar: every board key, with 1 2 3 and n N as one entry each, then q."""
    entries = []
    for key, _action, label, _ in BOARD_KEYS:
        if key in ("2", "3", "N"):
            continue
        if key == "n":
            entries.append(("n N", "next prev"))
            continue
        if key == "1":
            entries.append(("1 2 3", "red amber green"))
            continue
        entries.append((KEY_SHOWN.get(key, key), label))
    entries += [("↑↓", "move"), ("q", "quit")]
    return entries


def has_states(config: Config) -> bool:
    return any(feed.kind == "states" for feed in config.feeds)


def _reds(delta: BoardDelta) -> list[tuple[str, str]]:
    return [(t.agent, t.metric) for t in delta.transitions if t.new is Status.RED]


def places(config: Config) -> list[tuple[str, str]]:
    """Where this board's notes and feeds are, for the help screen."""
    from floorwatch.store import choose_store

    found = [("notes", str(choose_store(config).path))]
    found += [(f"feed {feed.name}", feed.glob) for feed in config.feeds]
    return found
