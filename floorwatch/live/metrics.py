"""Per agent and metric: the configured aggregation over its window, kept current as rows arrive
and as time passes. Pure: no IO, no UI.

Storage: per (agent, field) the kept events as two `array('d')` (times and values) in time order,
only for rows that carry the field (an empty cell is skipped, so `count` is the rows carrying it).
No per-event Python objects: a million events of five fields take ~80 MB.

Time: rows leave a rolling window even when no new row comes. Per window length there is one heap
of (when the agent's oldest in-window event expires, agent), one entry per agent, so a tick with
nothing expiring costs O(1) and a tick touches only the agents whose events just left. The `today`
window moves once a day (at `floor.day_starts` in `floor.timezone`), re-evaluating every agent.

A window holds the events with `ts + window > now` (rolling) or `ts >= today's start`; events in
the future of `now` are counted (a skewed clock must not hide them; `--at` filters rows before
ingest instead, see `floorwatch.live.board.filter_until`). Snapshot feeds keep only the newest value
per agent and field: value = that value, count = 1, whatever the window and aggregation.
"""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from floorwatch.config.types import Agg, FloorConfig, MetricConfig
from floorwatch.live.clock import DayClock
from floorwatch.live.rows import AGENT, NAME, TEAM, TS

# Up to this many out-of-order rows for one series are inserted one by one; more are merged.
INSORT_LIMIT = 16
# Board seconds between passes that drop events no window needs any more.
PRUNE_EVERY = 300.0


class Series:
    """One agent's values of one field in time order (equal times keep their arrival order)."""

    __slots__ = ("ts", "values")

    def __init__(self) -> None:
        self.ts = array("d")
        self.values = array("d")

    def __len__(self) -> int:
        return len(self.ts)

    def add(self, ts: np.ndarray, values: np.ndarray) -> None:
        """Add rows given in time order (float64 arrays of equal length)."""
        if not len(ts):
            return
        if not self.ts or self.ts[-1] <= ts[0]:
            self.ts.frombytes(ts.tobytes())
            self.values.frombytes(values.tobytes())
        elif len(ts) <= INSORT_LIMIT:
            for moment, value in zip(ts.tolist(), values.tolist(), strict=True):
                index = bisect_right(self.ts, moment)
                self.ts.insert(index, moment)
                self.values.insert(index, value)
        else:
            # np.frombuffer views are temporaries here: they are released before the arrays are
            # replaced (an array exporting its buffer cannot be resized).
            all_ts = np.concatenate([np.frombuffer(self.ts, dtype="float64"), ts])
            all_values = np.concatenate([np.frombuffer(self.values, dtype="float64"), values])
            order = np.argsort(all_ts, kind="stable")
            self.ts = array("d", all_ts[order].tobytes())
            self.values = array("d", all_values[order].tobytes())

    def remove(self, moment: float, value: float) -> bool:
        """Remove one event at `moment` with `value`; False when there is none."""
        index = bisect_left(self.ts, moment)
        while index < len(self.ts) and self.ts[index] == moment:
            if self.values[index] == value:
                del self.ts[index]
                del self.values[index]
                return True
            index += 1
        return False

    def prune(self, before: float) -> None:
        """Drop the events older than `before`."""
        index = bisect_left(self.ts, before)
        if index:
            del self.ts[:index]
            del self.values[:index]


def first_in_window(ts: Sequence[float], now: float, window: float) -> int:
    """Index of the first event with `ts + window > now`: exactly the test the expiry schedule
    uses, so a row leaves at `ts + window` even when `now - window` would round differently."""
    index = bisect_right(ts, now - window)
    while index < len(ts) and ts[index] + window <= now:
        index += 1
    while index > 0 and ts[index - 1] + window > now:
        index -= 1
    return index


def aggregate(agg: Agg, values: Sequence[float]) -> float:
    """The aggregation of a non-empty run of values in time order."""
    count = len(values)
    if agg is Agg.MEAN:
        return math.fsum(values) / count
    if agg is Agg.SUM:
        return math.fsum(values)
    if agg is Agg.COUNT:
        return float(count)
    if agg is Agg.RATE:
        return (count - values.count(0.0)) / count
    if agg is Agg.MAX:
        return max(values)
    if agg is Agg.P90:
        return quantile(sorted(values), 0.9)
    if agg is Agg.LAST:
        return values[-1]
    raise ValueError(f"unknown aggregation {agg!r}")


def quantile(ordered: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values (numpy's and pandas' default method)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Ingested:
    """What one batch brought: the agents in it and their latest names and teams (by time)."""

    agents: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)


class MetricsEngine:
    """Values per (agent, metric). `ingest` rows, `advance(now)` to learn what to re-read with
    `value(agent, key)`."""

    def __init__(
        self, metrics: Sequence[MetricConfig], floor: FloorConfig, retain: float = 0.0
    ) -> None:
        self.metrics = {metric.key: metric for metric in metrics}
        self.retain = retain  # extra seconds of events kept for `metric_value` look-backs
        self.newest: float | None = None  # newest event time seen (the 'data' clock)
        keys_by_field: dict[str, list[str]] = {}
        window_keys: dict[float, list[str]] = {}
        self._window_fields: dict[float, set[str]] = {}  # rolling window length -> fields
        for metric in metrics:
            keys_by_field.setdefault(metric.field, []).append(metric.key)
            if metric.window is not None:
                self._window_fields.setdefault(metric.window, set()).add(metric.field)
                window_keys.setdefault(metric.window, []).append(metric.key)
        self._keys_by_field = {name: tuple(keys) for name, keys in keys_by_field.items()}
        self._window_keys = {window: tuple(keys) for window, keys in window_keys.items()}
        self._today_keys = tuple(m.key for m in metrics if m.window is None)
        self._day = DayClock(floor.timezone, floor.day_starts)
        self._series: dict[str, dict[str, Series]] = {}
        self._snapshots: dict[str, dict[str, tuple[float, float]]] = {}
        self._snapshot_fields: set[str] = set()
        self._dirty: dict[str, set[str]] = {}
        self._heaps: dict[float, list[tuple[float, str]]] = {w: [] for w in self._window_fields}
        self._scheduled: dict[float, dict[str, float]] = {w: {} for w in self._window_fields}
        self._now: float | None = None
        self._day_start: float | None = None
        self._last_prune = -math.inf
        self._day_starts = np.empty(0)  # floor day starts found so far (for the past of reds)

    # -- rows in --------------------------------------------------------------------------------

    def ingest(self, batch: pd.DataFrame, *, snapshot: bool = False) -> Ingested:
        """Add a batch (floorwatch.live.rows schema). Vectorised: one sort, then one slice per agent
        and field, so a million-row cold load costs no Python work per row."""
        result = Ingested()
        if not len(batch):
            return result
        if len(batch) <= SMALL_INGEST_ROWS:
            return self._ingest_small(batch, snapshot)
        ts = batch[TS].to_numpy(dtype="float64")
        codes, uniques = pd.factorize(batch[AGENT], sort=False)
        valid = (codes >= 0) & ~np.isnan(ts)
        if not valid.all():  # rows without an agent or a time cannot be placed
            ts, codes = ts[valid], codes[valid]
        if not len(ts):
            return result
        if bool(np.all(ts[1:] >= ts[:-1])):  # the usual case: the feed is in time order
            order = np.argsort(codes, kind="stable")
        else:
            order = np.lexsort((ts, codes))
        codes, ts = codes[order], ts[order]
        agents = [str(agent) for agent in uniques]
        result.agents = {agents[code] for code in np.unique(codes).tolist()}
        newest = float(ts.max())
        self.newest = newest if self.newest is None else max(self.newest, newest)
        for name in self._keys_by_field:
            if name in batch.columns:
                values = batch[name].to_numpy(dtype="float64")
                values = (values if valid.all() else values[valid])[order]
                self._ingest_field(name, agents, codes, ts, values, snapshot)
        result.names = _latest_text(batch, NAME, valid, order, codes, agents)
        result.teams = _latest_text(batch, TEAM, valid, order, codes, agents)
        return result

    def _ingest_small(self, batch: pd.DataFrame, snapshot: bool) -> Ingested:
        """`ingest` for a live poll's few rows, in plain Python: the same groups, order and
        values as the vectorised path, without its fixed cost (factorize, sorts, slices)."""
        result = Ingested()
        moments = batch[TS].to_numpy(dtype="float64").tolist()
        rows_of: dict[str, list[int]] = {}  # agent -> its rows (the batch's order)
        placed: list[float] = []  # the times of the rows kept, in the batch's order
        for row, (agent, moment) in enumerate(zip(batch[AGENT].tolist(), moments, strict=True)):
            if _missing(agent) or moment != moment:  # NaN: x != x
                continue  # rows without an agent or a time cannot be placed
            rows_of.setdefault(str(agent), []).append(row)
            placed.append(moment)
        if not rows_of:
            return result
        if any(later < earlier for earlier, later in itertools.pairwise(placed)):
            for rows in rows_of.values():  # by time; equal times keep their order
                rows.sort(key=moments.__getitem__)
        result.agents = set(rows_of)
        newest = max(placed)
        self.newest = newest if self.newest is None else max(self.newest, newest)
        for name, keys in self._keys_by_field.items():
            if name in batch.columns:
                values = batch[name].to_numpy(dtype="float64").tolist()
                self._ingest_field_small(name, set(keys), rows_of, moments, values, snapshot)
        valid = np.zeros(len(moments), dtype=bool)
        valid[[row for rows in rows_of.values() for row in rows]] = True
        if NAME in batch.columns:
            result.names = _latest_text_small(batch, NAME, valid)
        if TEAM in batch.columns:
            result.teams = _latest_text_small(batch, TEAM, valid)
        return result

    def _ingest_field_small(
        self,
        name: str,
        keys: set[str],
        rows_of: dict[str, list[int]],
        moments: list[float],
        values: list[float],
        snapshot: bool,
    ) -> None:
        if snapshot:
            self._snapshot_fields.add(name)
        for agent, rows in rows_of.items():
            present = [row for row in rows if values[row] == values[row]]  # not NaN
            if present:
                self._take(
                    agent,
                    name,
                    keys,
                    np.array([moments[row] for row in present]),
                    np.array([values[row] for row in present]),
                    snapshot,
                )

    def _ingest_field(
        self,
        name: str,
        agents: list[str],
        codes: np.ndarray,
        ts: np.ndarray,
        values: np.ndarray,
        snapshot: bool,
    ) -> None:
        present = ~np.isnan(values)
        codes, ts, values = codes[present], ts[present], values[present]
        if not len(codes):
            return
        bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        starts = [0, *bounds.tolist()]
        ends = [*bounds.tolist(), len(codes)]
        keys = set(self._keys_by_field[name])
        if snapshot:
            self._snapshot_fields.add(name)
        for start, end in zip(starts, ends, strict=True):
            agent = agents[int(codes[start])]
            self._take(agent, name, keys, ts[start:end], values[start:end], snapshot)

    def _take(
        self,
        agent: str,
        name: str,
        keys: set[str],
        ts: np.ndarray,
        values: np.ndarray,
        snapshot: bool,
    ) -> None:
        """One agent's values of one field (present, in time order): a snapshot keeps the
        newest, events join the agent's series; that field's metrics of the agent are due."""
        if snapshot:
            kept = self._snapshots.setdefault(agent, {})
            moment, value = float(ts[-1]), float(values[-1])
            if name not in kept or kept[name][0] <= moment:
                kept[name] = (moment, value)
        else:
            series = self._series.setdefault(agent, {})
            if name not in series:
                series[name] = Series()
            series[name].add(ts, values)
        self._dirty.setdefault(agent, set()).update(keys)

    def retract(self, batch: pd.DataFrame) -> None:
        """Take back rows ingested before (a line counted before its writer finished it): each
        row's values leave its agent's series, one occurrence each. Python per row: rare."""
        if not len(batch):
            return
        fields = [name for name in self._keys_by_field if name in batch.columns]
        ts = batch[TS].to_numpy(dtype="float64")
        agents = batch[AGENT].tolist()
        for name in fields:
            values = batch[name].to_numpy(dtype="float64")
            for agent, moment, value in zip(agents, ts.tolist(), values.tolist(), strict=True):
                series = self._series.get(str(agent), {}).get(name)
                if series is None or math.isnan(value) or math.isnan(moment):
                    continue
                if series.remove(moment, value):
                    self._dirty.setdefault(str(agent), set()).update(self._keys_by_field[name])

    def mark(self, agent: str, keys: Iterable[str] | None = None) -> None:
        """Have the next `advance` re-read these metrics of `agent` (all when keys is None)."""
        self._dirty.setdefault(agent, set()).update(self.metrics if keys is None else keys)

    # -- time -----------------------------------------------------------------------------------

    def advance(self, now: float, *, prune: bool = True) -> dict[str, set[str]]:
        """Move to `now`; return {agent: metric keys} whose value may have changed since the last
        call (rows ingested, rows that left a window, a new day). `prune=False` keeps every
        event until the next `prune` (the board reads the past of its first reds first)."""
        if self._now is not None and now < self._now:
            self._rewind()
        self._now = now
        if self._today_keys:
            start = self._day.start(now)
            if self._day_start is not None and start != self._day_start:
                for agent in self._series:
                    self.mark(agent, self._today_keys)
            self._day_start = start
        for window, heap in self._heaps.items():
            scheduled = self._scheduled[window]
            while heap and heap[0][0] <= now:
                when, agent = heapq.heappop(heap)
                if scheduled.get(agent) == when:  # older entries were superseded
                    del scheduled[agent]
                    self.mark(agent, self._window_keys[window])
        if prune and now - self._last_prune >= PRUNE_EVERY:
            self.prune(now)
        dirty, self._dirty = self._dirty, {}
        for agent in dirty:
            self._schedule(agent, now)
        return dirty

    def _rewind(self) -> None:
        """Time went backwards (a test, a replay): events may re-enter windows; start over."""
        for window in self._heaps:
            self._heaps[window] = []
            self._scheduled[window] = {}
        self._day_start = None
        for agent in (*self._series, *self._snapshots):
            self.mark(agent)

    def _schedule(self, agent: str, now: float) -> None:
        """Queue the moment the agent's oldest in-window event leaves each rolling window."""
        series = self._series.get(agent, {})
        for window, names in self._window_fields.items():
            expiry = math.inf
            for name in names:
                kept = series.get(name)
                if kept:
                    index = first_in_window(kept.ts, now, window)
                    if index < len(kept):
                        expiry = min(expiry, kept.ts[index] + window)
            scheduled = self._scheduled[window]
            if expiry == math.inf:
                scheduled.pop(agent, None)
            elif scheduled.get(agent) != expiry:
                scheduled[agent] = expiry
                heapq.heappush(self._heaps[window], (expiry, agent))

    def prune(self, now: float) -> None:
        """Drop events no window needs any more, so memory follows the longest window."""
        self._last_prune = now
        horizon = now - max(self._window_fields, default=0.0)
        if self._today_keys:
            horizon = min(horizon, self._day.start(now))
        horizon -= self.retain
        for agent in list(self._series):
            series = self._series[agent]
            for name in list(series):
                series[name].prune(horizon)
                if not series[name]:
                    del series[name]
            if not series:
                # No need to re-read it: its rows already left every window (the expiry
                # schedule or the day rollover re-read it then).
                del self._series[agent]

    # -- values out -----------------------------------------------------------------------------

    def hourly_rows(self, agents: Iterable[str], field: str, now: float) -> list[int]:
        """Rows carrying `field` of these agents in each hour of the floor's day so far (the
        first hour from the day's start; the last the one under way). Hours whose events were
        already dropped (no `today` window keeps them) count 0."""
        start = self._day.start(now)
        hours = max(1, math.ceil((now - start) / 3600.0))
        edges = [start + 3600.0 * hour for hour in range(hours + 1)]
        counts = [0] * hours
        for agent in agents:
            series = self._series.get(agent, {}).get(field)
            if not series:
                continue
            ts = series.ts
            below = bisect_left(ts, edges[0])
            for hour in range(hours):
                above = bisect_left(ts, edges[hour + 1])
                counts[hour] += above - below
                below = above
        return counts

    def agents(self) -> set[str]:
        return set(self._series) | set(self._snapshots)

    def value(self, agent: str, key: str) -> tuple[float | None, int]:
        """(value, rows in the window carrying the field) as of the last `advance`."""
        metric = self.metrics[key]
        snapshot = self._snapshot_value(agent, metric.field)
        if snapshot is not None:
            return snapshot, 1
        series = self._series.get(agent, {}).get(metric.field)
        if not series:
            return None, 0
        now = self._now if self._now is not None else (self.newest or 0.0)
        if metric.window is not None:
            start = first_in_window(series.ts, now, metric.window)
        else:
            start = bisect_left(series.ts, self._day.start(now))
        count = len(series) - start
        if not count:
            return None, 0
        return aggregate(metric.agg, series.values[start:]), count

    def metric_value(
        self, agent: str, key: str, start: float, end: float
    ) -> tuple[float | None, int]:
        """The metric's aggregation over the kept events with start <= ts < end (for look-backs
        such as 'did AHT improve after the note'), ignoring its configured window."""
        metric = self.metrics[key]
        if metric.field in self._snapshot_fields:
            kept = self._snapshots.get(agent, {}).get(metric.field)
            if kept is not None and start <= kept[0] < end:
                return kept[1], 1
        series = self._series.get(agent, {}).get(metric.field)
        if not series:
            return None, 0
        low, high = bisect_left(series.ts, start), bisect_left(series.ts, end)
        if high <= low:
            return None, 0
        return aggregate(metric.agg, series.values[low:high]), high - low

    # -- the past, for when a red began -----------------------------------------------------------

    def change_points(self, agent: str, until: float) -> np.ndarray:
        """The moments up to `until` (sorted, `until` last) where one of the agent's values can
        have changed: an event arriving, an event leaving a rolling window, a floor day starting.
        Read before any event is pruned (the board's first tick), so every window is whole."""
        series = self._series.get(agent, {})
        parts = [np.array([until])]
        for name, kept in series.items():
            ts = np.frombuffer(kept.ts, dtype="float64")
            parts.append(ts)
            for window, names in self._window_fields.items():
                if name in names:
                    parts.append(ts + window)
        moments = np.unique(np.concatenate(parts))
        moments = moments[moments <= until]
        if self._today_keys:
            moments = np.union1d(moments, self._day_starts_between(float(moments[0]), until))
        return moments[moments <= until]  # the next day's start is not yet

    def _day_starts_between(self, first: float, last: float) -> np.ndarray:
        """The starts of the floor days from the one holding `first` to the one after the one
        holding `last` (kept between calls: the days found so far, in order)."""
        known = self._day_starts
        if not len(known) or first < known[0] or last >= known[-1]:
            low = min(first, float(known[0])) if len(known) else first
            high = max(last, float(known[-1])) if len(known) else last
            days = [self._day.start(low)]
            while days[-1] <= high:
                following = self._day.start(days[-1] + 86_400.0 * 1.5)  # inside the next day
                if following <= days[-1]:
                    break
                days.append(following)
            self._day_starts = known = np.array(days)
        start = max(int(np.searchsorted(known, first, side="right")) - 1, 0)
        stop = int(np.searchsorted(known, last, side="right")) + 1
        return known[start:stop]

    def history(self, agent: str, key: str, moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The metric's value (NaN: none) and row count at each of `moments` (sorted), as
        `value` would have read them then: only the events up to each moment count."""
        metric = self.metrics[key]
        size = len(moments)
        if not size:
            return np.empty(0), np.zeros(0, dtype="int64")
        if metric.field in self._snapshot_fields:
            kept = self._snapshots.get(agent, {}).get(metric.field)
            if kept is None:
                return np.full(size, np.nan), np.zeros(size, dtype="int64")
            seen = moments >= kept[0]
            return np.where(seen, kept[1], np.nan), seen.astype("int64")
        series = self._series.get(agent, {}).get(metric.field)
        if not series:
            return np.full(size, np.nan), np.zeros(size, dtype="int64")
        ts = np.frombuffer(series.ts, dtype="float64")
        values = np.frombuffer(series.values, dtype="float64")
        high = np.searchsorted(ts, moments, side="right")
        if metric.window is not None:
            low = np.searchsorted(ts, moments - metric.window, side="right")
        else:
            days = self._day_starts_between(float(moments[0]), float(moments[-1]))
            starts = days[np.searchsorted(days, moments, side="right") - 1]
            low = np.searchsorted(ts, starts, side="left")
        count = np.maximum(high - low, 0)
        return _aggregate_runs(metric.agg, values, low, high, count), count

    def _snapshot_value(self, agent: str, name: str) -> float | None:
        if name not in self._snapshot_fields:
            return None
        kept = self._snapshots.get(agent, {}).get(name)
        return None if kept is None else kept[1]

    def event_count(self) -> int:
        """Events kept in memory (for benchmarks and the memory budget)."""
        return sum(len(s) for fields in self._series.values() for s in fields.values())


def _aggregate_runs(
    agg: Agg, values: np.ndarray, low: np.ndarray, high: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """`aggregate` of values[low:high] for each pair (NaN where the run is empty)."""
    empty = count == 0
    safe = np.where(empty, 1, count)
    if agg in (Agg.MEAN, Agg.SUM, Agg.RATE):
        counted = (values != 0).astype("float64") if agg is Agg.RATE else values
        sums = np.concatenate([[0.0], np.cumsum(counted)])
        total = sums[high] - sums[low]
        result = total if agg is Agg.SUM else total / safe
    elif agg is Agg.COUNT:
        result = count.astype("float64")
    elif agg is Agg.LAST:
        result = values[np.maximum(high - 1, 0)] if len(values) else np.zeros(len(count))
    else:
        result = np.array(
            [
                aggregate(agg, values[lo:hi].tolist()) if hi > lo else math.nan
                for lo, hi in zip(low.tolist(), high.tolist(), strict=True)
            ]
        )
    return np.where(empty, np.nan, result)


def _missing(agent: object) -> bool:
    """What pandas.factorize leaves out: None, NaN, pd.NA."""
    return agent is None or agent is pd.NA or (isinstance(agent, float) and math.isnan(agent))


SMALL_INGEST_ROWS = 64  # a live poll's batch: ingested row by row (see _ingest_small)
SMALL_TEXT_BATCH = 256  # below this many rows a plain loop beats pandas' fixed cost (~1.5 ms)


def _latest_text_small(batch: pd.DataFrame, column: str, valid: np.ndarray) -> dict[str, str]:
    """`_latest_text` for a few rows: the newest non-empty text per agent (later row on a tie)."""
    newest: dict[str, tuple[float, str]] = {}
    rows = zip(
        valid.tolist(), batch[TS].tolist(), batch[AGENT].tolist(), batch[column].tolist(),
        strict=True,
    )  # fmt: skip
    for ok, ts, agent, text in rows:
        if not ok or text is None or text != text or text == "":  # text != text: NaN
            continue
        seen = newest.get(agent)
        if seen is None or ts >= seen[0]:
            newest[agent] = (ts, str(text))
    return {str(agent): text for agent, (_, text) in newest.items()}


def _latest_text(
    batch: pd.DataFrame,
    column: str,
    valid: np.ndarray,
    order: np.ndarray,
    codes: np.ndarray,
    agents: list[str],
) -> dict[str, str]:
    """The newest non-empty value of a text column per agent, in a batch sorted by agent, time."""
    if column not in batch.columns:
        return {}
    if len(batch) <= SMALL_TEXT_BATCH:
        return _latest_text_small(batch, column, valid)
    # Names repeat (the feeds intern them): judge each distinct value once, not each row. (A
    # pandas str comparison would convert a million objects to Arrow strings first.)
    texts = batch[column].to_numpy(dtype=object)
    codes_of_text, distinct = pd.factorize(texts, use_na_sentinel=True)
    usable = np.array([isinstance(text, str) and text != "" for text in distinct] + [False])
    present = usable[codes_of_text]  # the sentinel -1 picks the trailing False
    if not present.any():  # the common case for feeds without a name or team column
        return {}
    positions = np.flatnonzero(valid)[order]  # sorted row -> row of the batch
    sorted_present = np.flatnonzero(present[positions])
    if not len(sorted_present):
        return {}
    owners = codes[sorted_present]
    last = sorted_present[np.append(owners[1:] != owners[:-1], True)]
    values = texts[positions[last]].tolist()
    return {agents[int(codes[i])]: str(text) for i, text in zip(last.tolist(), values, strict=True)}
