"""The board model: agents x metrics x status, and what changed since the last tick.

The public types and method signatures below are the contract the UI, the CLI (`board --once`)
and the SSH server build on. `Board` feeds parsed rows to the metrics engine, evaluates the
thresholds only for the (agent, metric) cells the engine reports as possibly changed, and hands
back a `BoardDelta` naming only the agents whose row really changed, so a quiet tick costs ~nothing.

An agent is on the board while at least one of its cells has rows in its window (or a snapshot
value): with a `today` metric that is all day; with only rolling windows an agent leaves when its
last row leaves the longest window.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from floorwatch.config.types import Better, Config, FeedConfig, MetricConfig, Threshold
from floorwatch.feeds.roster import Roster, RosterError, load_roster
from floorwatch.live.clock import FloorClock
from floorwatch.live.indexes import CalmSortIndex, GroupSums, SortIndex
from floorwatch.live.metrics import MetricsEngine
from floorwatch.live.presence import Presence, StateRed
from floorwatch.live.queues import QueueFigures
from floorwatch.live.rows import TS
from floorwatch.live.states import CATEGORY_WORDS, AgentState
from floorwatch.live.thresholds import (
    Status,
    crossed_bound,
    evaluate,
    level_number,
    level_pair,
    resolve_threshold,
    worst,
)


@dataclass(frozen=True)
class MetricCell:
    """One agent's value for one metric, as of the last tick."""

    key: str  # metric key
    value: float | None  # base units; None when no rows in the window
    count: int  # rows in the window that carried the field
    status: Status  # NONE when value is None or count < min_count
    excess: float  # how far past the green bound, normalised by the green-red gap (0 when green)
    stale: bool = False  # the feeds behind it have gone stale
    bound: float | None = None  # amber/red: the level crossed (for a value that reads as it)


@dataclass(frozen=True)
class AgentRow:
    """One line of the board."""

    agent: str
    name: str  # display name (roster, then feed, then the id)
    team: str | None
    status: Status  # the worst of the cells
    cells: Mapping[str, MetricCell]
    red_since: float | None = None  # epoch seconds when the overall status last turned red
    red_at_start: bool = False  # red since at least red_since: the rows have not told yet when
    # it began (a red found at the start, until `settle_red_starts`)
    hire_date: str | None = None  # from the roster, ISO date
    excess: float = 0.0  # the cells' excess summed: orders agents within a colour
    state: AgentState | None = None  # what the agent is doing now (a states feed), if known
    metrics_status: Status = Status.NONE  # the worst of the cells alone (status may add the state)


@dataclass(frozen=True)
class Transition:
    """A metric cell changed status (the UI alerts on transitions to red)."""

    at: float  # epoch seconds (board time)
    agent: str
    name: str
    metric: str
    old: Status
    new: Status
    value: float | None


@dataclass(frozen=True)
class BoardDelta:
    """What changed in one tick; the UI redraws only these.

    `changed`, `added` and `removed` are disjoint. `first` marks the first tick of a board: its
    transitions are the whole board appearing, which a UI usually should not alert on. `moved`
    are agents whose row did not change this tick but whose place in worst-first order did (the
    calm order's periodic re-rank): a UI re-sorts."""

    changed: frozenset[str] = frozenset()  # agent ids whose row (any cell or status) changed
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    transitions: tuple[Transition, ...] = ()
    now: float = 0.0
    first: bool = False
    queues: bool = False  # the queues' figures changed
    state_reds: tuple[StateRed, ...] = ()  # states that reached their red limit
    moved: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed or self.moved)

    def merge(self, later: BoardDelta) -> BoardDelta:
        """This delta followed by `later`, as one (a paused or coalescing viewer accumulates)."""
        added = (self.added - later.removed) | (later.added - self.removed)
        removed = (self.removed - later.added) | (later.removed - self.added)
        came_back = self.removed & later.added  # left and returned: an existing row changed
        changed = (self.changed | later.changed | came_back) - added - removed
        return BoardDelta(
            changed=changed,
            added=added,
            removed=removed,
            transitions=self.transitions + later.transitions,
            now=max(self.now, later.now),
            first=self.first or later.first,
            queues=self.queues or later.queues,
            state_reds=self.state_reds + later.state_reds,
            moved=(self.moved | later.moved) - removed,
        )


def filter_until(batch: pd.DataFrame, at: float) -> pd.DataFrame:
    """The rows of `batch` that had happened by `at` (ts <= at); `--at` ignores the others, as if
    they had not happened yet."""
    if not len(batch):
        return batch
    happened = batch[TS].to_numpy(dtype="float64") <= at
    return batch if happened.all() else batch.loc[happened]


Summary = dict[str, tuple[float | None, Status]]


@dataclass
class Board:
    """Holds the per-agent state; `ingest` rows as they arrive, `tick` to advance time."""

    config: Config
    rows: dict[str, AgentRow] = field(default_factory=dict)
    roster: Roster | None = None  # None: read config.roster (if set) on creation
    clock: Callable[[], float] = time.time  # the wall clock (floor.clock: wall)
    retain: float = 0.0  # keep events this much longer than the windows need (for look-backs)
    problems: list[str] = field(default_factory=list)  # roster problems, for the UI to show
    order_clock: Callable[[], float] = time.monotonic  # times the calm order's re-rank interval
    # True: the first tick leaves the start of the reds it finds to `settle_red_starts` (the
    # Floor: the first board shows at once, the true starts follow); False: it reads them.
    defer_red_starts: bool = False

    def __post_init__(self) -> None:
        self.metrics: dict[str, MetricConfig] = {m.key: m for m in self.config.metrics}
        self.engine = MetricsEngine(self.config.metrics, self.config.floor, retain=self.retain)
        self.presence = Presence(self.config)
        self._state_touched: set[str] = set()
        # The floor's time, for the board and every face that shows it (floorwatch.live.clock).
        self.floor_clock = FloorClock(self.config.floor, wall=lambda: self.clock())
        self.floor_clock.follow(lambda: self._newest() if self.now is None else self.now)
        if self.roster is None and self.config.roster is not None:
            self.roster = self._load_roster(self.config.roster)
        self.now: float | None = None  # board time of the last tick
        self._feed_names: dict[str, str] = {}
        self._feed_teams: dict[str, str] = {}
        self._stale_fields: frozenset[str] = frozenset()
        self._first = True
        # Reds found on the first tick, whose true start `settle_red_starts` reads from the rows
        # (the events they need are kept until then), and the first tick's time.
        self._unsettled: set[str] = set()
        self._first_now: float | None = None
        self._cache: dict[object, object] = {}  # filtered orders, counts: cleared on any change
        self._sorts: dict[str, SortIndex] = {}  # per sort, kept in order row by row
        self._groups: GroupSums | None = None  # team sums for the summaries, made when first asked

    def _load_roster(self, path: Path) -> Roster:
        if not path.is_absolute():
            path = self.config.base_dir / path
        try:
            roster = load_roster(path)
        except RosterError as error:  # the board still works with ids; say why names are missing
            self.problems.append(str(error))
            return Roster()
        self.problems.extend(roster.problems)
        return roster

    # -- rows and time in -----------------------------------------------------------------------

    def ingest(self, feed: FeedConfig, batch: pd.DataFrame) -> None:
        """Add parsed rows (schema in floorwatch.live.rows) from `feed`; cheap per row."""
        if feed.kind == "states":
            self._state_touched |= self.presence.ingest_states(batch)
            return
        if feed.kind == "queue":
            self.presence.ingest_queue(batch)
            return
        ingested = self.engine.ingest(batch, snapshot=feed.kind == "snapshot")
        for labels, latest in (
            (self._feed_names, ingested.names),
            (self._feed_teams, ingested.teams),
        ):
            for agent, text in latest.items():
                if labels.get(agent) != text:
                    labels[agent] = text
                    self.engine.mark(agent)  # a new team can mean other thresholds

    def retract(self, feed: FeedConfig, batch: pd.DataFrame) -> None:
        """Take back rows `ingest` had from `feed` that no longer stand. A snapshot feed's
        newest value stands until a newer one comes: nothing to take back."""
        if feed.kind != "snapshot":
            self.engine.retract(batch)

    def set_stale(self, feeds: Iterable[str]) -> None:
        """Mark the cells fed only by these (stale) feeds; applied at the next tick."""
        stale_feeds = set(feeds)
        providers: dict[str, set[str]] = {}
        for feed in self.config.feeds:
            for spec in feed.fields:
                providers.setdefault(spec.name, set()).add(feed.name)
        stale = frozenset(name for name, by in providers.items() if by <= stale_feeds)
        if stale == self._stale_fields:
            return
        flipped = stale ^ self._stale_fields
        self._stale_fields = stale
        keys = [m.key for m in self.config.metrics if m.field in flipped]
        for agent in self.rows:
            self.engine.mark(agent, keys)

    def tick(self, now: float | None = None) -> BoardDelta:
        """Re-evaluate what rows or the passing of time changed; `now` defaults per floor.clock."""
        now = self.floor_clock.tick_time(self._newest()) if now is None else now
        self.now = now
        changed: set[str] = set()
        added: set[str] = set()
        removed: set[str] = set()
        transitions: list[Transition] = []
        # Until the first tick's reds are settled, no event is dropped: they read the past.
        if self._first:
            self._first_now = now
        held = self._first or bool(self._unsettled)
        due = self.engine.advance(now, prune=not held)
        touched_states, queues_changed = self.presence.advance(now)
        for agent in touched_states | self._state_touched:
            due.setdefault(agent, set())
        self._state_touched = set()
        for agent, keys in due.items():
            old = self.rows.get(agent)
            row = self._row(agent, keys, old, now)
            if row is None:
                if old is not None:
                    del self.rows[agent]
                    removed.add(agent)
                continue
            if old is not None and row == old:
                continue
            (changed if old is not None else added).add(agent)
            self.rows[agent] = row
            transitions.extend(_transitions(old, row, now))
        if self._first and not self._unsettled:
            self.engine.prune(now)  # the first tick read the past it needed
        touched = changed | added | removed
        if touched:
            self._cache.clear()
            for index in self._sorts.values():
                index.update(touched, self.rows)
            if self._groups is not None:
                self._groups.update(touched, self.rows)
        moved: set[str] = set()
        for index in self._sorts.values():
            if isinstance(index, CalmSortIndex):
                moved |= index.rerank_if_due()
        if moved - touched:
            self._cache.clear()
        first, self._first = self._first, False
        rows = self.rows
        state_reds = self.presence.reds(
            ((a, rows[a].name, rows[a].state) for a in changed | added), now
        )
        return BoardDelta(
            changed=frozenset(changed),
            added=frozenset(added),
            removed=frozenset(removed),
            transitions=tuple(transitions),
            now=now,
            first=first,
            queues=queues_changed,
            state_reds=tuple(state_reds),
            moved=frozenset(moved - touched),
        )

    def _newest(self) -> float | None:
        """The newest event seen: contacts, states and queue events alike."""
        times = [t for t in (self.engine.newest, self.presence.newest) if t is not None]
        return max(times) if times else None

    def _row(self, agent: str, keys: set[str], old: AgentRow | None, now: float) -> AgentRow | None:
        name, team, hire_date = self._labels(agent)
        previous = old.cells if old is not None and old.team == team else {}
        # A cell is re-read when the engine says so, or when the team (so the thresholds) changed.
        cells = {
            key: previous[key]
            if key in previous and key not in keys
            else self._cell(agent, team, metric)
            for key, metric in self.metrics.items()
        }
        state = self.presence.state(agent)
        metrics_status = worst(cell.status for cell in cells.values())
        if not any(cell.count for cell in cells.values()) and state is None:
            return None
        if metrics_status is not Status.RED and self.presence.hidden(agent, now):
            return None  # offline for floor.offline_hides: off the board unless red for metrics
        status = max(metrics_status, self.presence.state_status(state, now))
        red_since, red_at_start = None, False
        if status is Status.RED:
            if old is not None and old.status is Status.RED:
                red_since, red_at_start = old.red_since, old.red_at_start
            elif metrics_status is not Status.RED and state is not None and state.red is not None:
                red_since = state.since + state.red  # red from the state: when its limit came
            elif not self._first:  # rows come as they happen: the red began as they came
                red_since, red_at_start = now, False
            elif self.defer_red_starts:  # settle_red_starts reads the rows
                red_since, red_at_start = now, True
                self._unsettled.add(agent)
            else:  # the first board (a replay, a restart): when the red began, from the rows
                red_since, red_at_start = self._red_start(agent, team, now)
        return AgentRow(
            agent=agent,
            name=name,
            team=team,
            status=status,
            cells=cells,
            red_since=red_since,
            red_at_start=red_at_start,
            hire_date=hire_date,
            excess=sum(cell.excess for cell in cells.values()),
            state=state,
            metrics_status=metrics_status,
        )

    def settle_red_starts(self) -> BoardDelta:
        """Read from the rows when each red found on the first tick began (the first tick
        only says 'since at least now', so that the first board shows at once), then let the
        engine drop the events no window needs. Returns the rows that changed; call it once
        after the first tick (the Floor does, in its loading thread; `board --once` too)."""
        agents, self._unsettled = self._unsettled, set()
        changed: set[str] = set()
        first_now = self._first_now if self._first_now is not None else self.now
        for agent in agents:
            row = self.rows.get(agent)
            if row is None or first_now is None or row.red_since != first_now:
                continue  # no longer red since the first tick: a later tick placed it
            since, at_least = self._red_start(agent, row.team, first_now)
            if (since, at_least) != (row.red_since, row.red_at_start):
                self.rows[agent] = replace(row, red_since=since, red_at_start=at_least)
                changed.add(agent)
        if changed:
            self._cache.clear()
        if self.now is not None:
            self.engine.prune(self.now)
        return BoardDelta(changed=frozenset(changed), now=self.now or 0.0)

    def _red_start(self, agent: str, team: str | None, now: float) -> tuple[float, bool]:
        """When the agent's current red began, read from its rows: the last moment it was not
        red, stepped over every moment a value could change. (when, at_least): at_least is
        True when the rows do not tell (a red through rows yet to come: 'since at least now')."""
        moments = self.engine.change_points(agent, now)
        red = np.zeros(len(moments), dtype=bool)
        for key, metric in self.metrics.items():
            values, counts = self.engine.history(agent, key, moments)
            threshold = resolve_threshold(self.config, metric, agent, team)
            red |= (counts >= metric.min_count) & _red_mask(values, threshold, metric.better)
        if not len(red) or not red[-1]:  # red only through events yet to come: say so now
            return now, True
        calm = np.flatnonzero(~red)
        first = int(calm[-1]) + 1 if len(calm) else 0
        return float(moments[first]), False

    def _labels(self, agent: str) -> tuple[str, str | None, str | None]:
        entry = self.roster.get(agent) if self.roster is not None else None
        name = (
            (entry.name if entry else None)
            or self._feed_names.get(agent)
            or self.presence.names.get(agent)
            or agent
        )
        team = (
            (entry.team if entry else None)
            or self._feed_teams.get(agent)
            or self.presence.teams.get(agent)
        )
        return name, team, entry.hire_date if entry else None

    def _cell(self, agent: str, team: str | None, metric: MetricConfig) -> MetricCell:
        value, count = self.engine.value(agent, metric.key)
        status, excess, bound = Status.NONE, 0.0, None
        if value is not None and count >= metric.min_count:
            threshold = resolve_threshold(self.config, metric, agent, team)
            status, excess = evaluate(value, threshold, metric.better)
            bound = crossed_bound(value, status, threshold)
        return MetricCell(
            key=metric.key,
            value=value,
            count=count,
            status=status,
            excess=excess,
            stale=metric.field in self._stale_fields,
            bound=bound,
        )

    # -- views ----------------------------------------------------------------------------------

    def sorted_ids(
        self,
        sort: str = "status",
        team: str | None = None,
        only: Iterable[Status] | None = None,
        *,
        teams: Iterable[str] | None = None,
        category: str | None = None,
    ) -> list[str]:
        """Agent ids in display order: sort is 'status' (worst first), 'name', 'state' (longest
        in its state first) or a metric key. `team` keeps one team, `teams` a supervisor's
        scope, `category` the agents whose state is in that category.

        Status order is red, amber, green, none; within a colour the agent furthest past its
        thresholds first; ties by name then id, so rows never swap places for nothing. Worst
        first is calm (`CalmSortIndex`): a row whose colour stays keeps its place until it
        passes a neighbour by a clear margin or `floor.rerank_seconds` pass; a new colour moves
        it at once. A metric sort orders by that metric's value alone, the worse end first (the
        highest handle time, the lowest CSAT; for a band, the furthest from its middle), whatever
        each agent's own thresholds make of it; no value last."""
        wanted = frozenset(only) if only is not None else None
        index = self._sorts.get(sort)
        if index is None:
            index = self._sorts[sort] = self._new_index(sort)
        scope = frozenset(teams) if teams is not None else None
        if team is None and wanted is None and scope is None and category is None:
            return list(index.ids())
        cache_key = ("sort", sort, team, wanted, scope, category)
        cached = self._cache.get(cache_key)
        if cached is None:
            rows = self.rows
            cached = [
                agent
                for agent in index.ids()
                if (team is None or rows[agent].team == team)
                and (wanted is None or rows[agent].status in wanted)
                and (scope is None or rows[agent].team in scope)
                and (category is None or _category(rows[agent]) == category)
            ]
            self._cache[cache_key] = cached
        return list(cast("list[str]", cached))

    def _new_index(self, sort: str) -> SortIndex:
        if sort != "status":
            return SortIndex(self._sort_key(sort), self.rows)
        seconds = self.config.floor.rerank_seconds
        return CalmSortIndex(
            self._sort_key(sort), self.rows, seconds=seconds, clock=self.order_clock
        )

    def _sort_key(self, sort: str) -> Callable[[AgentRow], tuple[object, ...]]:
        if sort == "status":
            return lambda row: (-row.status, -row.excess, row.name.casefold(), row.name, row.agent)
        if sort == "name":
            return lambda row: (row.name.casefold(), row.name, row.agent)
        if sort == "state":  # the longest in its state first: `since` orders it for good
            return lambda row: (
                row.state is None,
                row.state.since if row.state is not None else 0.0,
                row.name.casefold(),
                row.agent,
            )
        metric = self.metrics.get(sort)
        if metric is None:
            raise ValueError(f"unknown sort {sort!r}: use status, name or a metric key")
        sign = -1.0 if metric.better is Better.HIGHER else 1.0
        green = metric.threshold.green
        middle = (green[0] + green[1]) / 2 if isinstance(green, tuple) else 0.0

        def by_metric(row: AgentRow) -> tuple[object, ...]:
            value = row.cells[sort].value
            if value is None or value != value:  # no value (or NaN): last
                return (True, 0.0, row.name.casefold(), row.name, row.agent)
            worse = abs(value - middle) if metric.better is Better.BAND else value * sign
            return (False, -worse, row.name.casefold(), row.name, row.agent)

        return by_metric

    def teams(self) -> list[str]:
        """The teams on the board, sorted (for the team filter). Read off the team sums, kept
        row by row, rather than from every row (the header asks once a second)."""
        return sorted(team for team in self._team_sums().groups() if team is not None)

    def counts(
        self, team: str | None = None, *, teams: Iterable[str] | None = None
    ) -> dict[Status, int]:
        """Agents per overall status (all four keys present), in `team` or the `teams` scope."""
        scope = frozenset(teams) if teams is not None else None
        cache_key = ("counts", team, scope)
        cached = self._cache.get(cache_key)
        if cached is None:
            counts = dict.fromkeys(Status, 0)
            for row in self.rows.values():
                if (team is None or row.team == team) and (scope is None or row.team in scope):
                    counts[row.status] += 1
            self._cache[cache_key] = cached = counts
        return dict(cast("dict[Status, int]", cached))

    def state_counts(
        self, team: str | None = None, *, teams: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Agents on the board per state category (every category present)."""
        scope = frozenset(teams) if teams is not None else None
        cache_key = ("states", team, scope)
        cached = self._cache.get(cache_key)
        if cached is None:
            counts = dict.fromkeys(CATEGORY_WORDS, 0)
            for row in self.rows.values():  # one pass: the header asks once a second
                state = row.state
                if (
                    state is not None
                    and (team is None or row.team == team)
                    and (scope is None or row.team in scope)
                ):
                    counts[state.category] += 1
            self._cache[cache_key] = cached = counts
        return dict(cast("dict[str, int]", cached))

    @property
    def queue_figures(self) -> tuple[QueueFigures, ...]:
        """Every queue's figures as of the last tick."""
        return self.presence.queue_figures

    def team_summary(self) -> dict[str, Summary]:
        """Per team and metric: the mean of the agents' values (cells with at least min_count
        rows) and its status against the team's threshold. Agents without a team are left out."""
        cached = self._cache.get("teams")
        if cached is None:
            cached = {team: self._summary(team) for team in self.teams()}
            self._cache["teams"] = cached
        return dict(cast("dict[str, Summary]", cached))

    def _team_sums(self) -> GroupSums:
        if self._groups is None:  # made when first asked: a board nobody reads needs none
            self._groups = GroupSums(self.config.metrics)
            self._groups.update(self.rows, self.rows)
        return self._groups

    def team_day(self, now: float | None = None) -> dict[str, list[int]]:
        """Per team, its agents' contacts in each hour of the floor's day so far (the rows of
        the first metric fed by events): the shape of the team's day, for a sparkline."""
        field = next(
            (m.field for m in self.config.metrics if m.field not in self._snapshot_fields()), None
        )
        if field is None:
            return {}
        at = (
            now if now is not None else self.now if self.now is not None else self.floor_clock.now()
        )
        members: dict[str, list[str]] = {}
        for agent, row in self.rows.items():
            if row.team is not None:
                members.setdefault(row.team, []).append(agent)
        return {
            team: self.engine.hourly_rows(agents, field, at)
            for team, agents in sorted(members.items())
        }

    def _snapshot_fields(self) -> set[str]:
        return {spec.name for feed in self.config.feeds if feed.kind == "snapshot"
                for spec in feed.fields}  # fmt: skip

    def floor_summary(self) -> Summary:
        """The same as one team's summary, over every agent, against the metric's own threshold."""
        cached = self._cache.get("floor")
        if cached is None:
            self._cache["floor"] = cached = self._summary(None)
        return dict(cast("Summary", cached))

    def _summary(self, team: str | None) -> Summary:
        sums = self._team_sums().sums()
        groups = list(sums.values()) if team is None else [sums[team]] if team in sums else []
        summary: Summary = {}
        for key, metric in self.metrics.items():
            total = sum(group[key][0] for group in groups)
            n = sum(group[key][1] for group in groups)
            if not n:
                summary[key] = (None, Status.NONE)
                continue
            mean = total / n
            threshold = resolve_threshold(self.config, metric, None, team)
            summary[key] = (mean, evaluate(mean, threshold, metric.better)[0])
        return summary

    def threshold(self, agent: str, metric_key: str) -> Threshold:
        """The threshold that applies to `agent` for `metric_key`, overrides resolved."""
        row = self.rows.get(agent)
        team = row.team if row is not None else self._labels(agent)[1]
        return resolve_threshold(self.config, self.metrics[metric_key], agent, team)

    def metric_value(
        self, agent: str, metric_key: str, start: float, end: float
    ) -> tuple[float | None, int]:
        """`metric_key`'s aggregation for `agent` over the kept events with start <= ts < end,
        whatever its window (for 'did the metric improve after the note'). Only events the
        board still keeps count: the longest window, today, plus `retain` seconds."""
        return self.engine.metric_value(agent, metric_key, start, end)


def _category(row: AgentRow) -> str | None:
    return row.state.category if row.state is not None else None


def _transitions(old: AgentRow | None, new: AgentRow, now: float) -> list[Transition]:
    found = []
    for key, cell in new.cells.items():
        before = old.cells[key].status if old is not None else Status.NONE
        if before != cell.status:
            found.append(
                Transition(
                    at=now,
                    agent=new.agent,
                    name=new.name,
                    metric=key,
                    old=before,
                    new=cell.status,
                    value=cell.value,
                )
            )
    return found


def _red_mask(values: np.ndarray, threshold: Threshold, better: Better) -> np.ndarray:
    """Which of `values` `evaluate` calls RED (NaN: never), all at once."""
    red = threshold.red
    if red is None:
        return np.zeros(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        if better is Better.BAND:
            pair = level_pair(red)
            assert pair is not None
            return (values < pair[0]) | (values > pair[1])
        if better is Better.HIGHER:
            return values < level_number(red)
        return values > level_number(red)
