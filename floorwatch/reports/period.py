"""A period's figures: each metric's own aggregation over the period's rows, per agent, team and
floor; the previous period beside it; a rank per metric; daily series for growth curves.

Exact: a mean over a week is the mean of the week's rows (never a mean of daily means), a p90
the 90th percentile of the week's values, a rate the share over the week's rows. Days the feeds
no longer hold can be filled from the daily figures kept in the notes store (`history build`,
or `run`/`serve` at each day end); a kept day carries its row count, so a mean, a rate, a sum, a
count, a max and a last combine exactly; a p90 cannot be rebuilt from daily figures, so a p90
that would need one is given as no figure (None) rather than a wrong one.

Days are floor days (`floor.day_starts` in `floor.timezone`), as for the daily figures. Pure:
rows in, figures out.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from floorwatch.config.types import Agg, Better, Bound, Config, FeedConfig, MetricConfig, Threshold
from floorwatch.live.clock import DayClock
from floorwatch.live.daily_figures import aggregate, floor_days
from floorwatch.live.rows import AGENT, TEAM, TS
from floorwatch.live.thresholds import Status, evaluate, resolve_threshold

PERIODS = ("day", "week", "month")
CHART_SPAN_DAYS = 182  # the longest growth curve (a month report: six months)
DAY, VALUE, COUNT, GROUP = "day", "value", "count", "group"
Kept = tuple[str, str, str, float, int]  # (day, agent, metric, value, count) from the store


@dataclass(frozen=True)
class Period:
    """Floor days `start` to `end`, both included."""

    kind: str  # day | week | month
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before (a month: the month before)."""
        return period_ending(self.kind, self.start - timedelta(days=1))

    def day_texts(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()


def period_ending(kind: str, ending: date) -> Period:
    """The period whose last day is `ending`: that day; the 7 days to it; or, for a month, the
    days since the same date a month before (a month ending on the 31st of January is January;
    ending on a month's last day is that calendar month)."""
    if kind == "day":
        return Period(kind, ending, ending)
    if kind == "week":
        return Period(kind, ending - timedelta(days=6), ending)
    if kind != "month":
        raise ValueError(f"period must be one of {', '.join(PERIODS)} (got {kind!r})")
    last_of_month = calendar.monthrange(ending.year, ending.month)[1]
    if ending.day == last_of_month:
        return Period(kind, ending.replace(day=1), ending)
    year, month = (ending.year, ending.month - 1) if ending.month > 1 else (ending.year - 1, 12)
    day = min(ending.day, calendar.monthrange(year, month)[1])
    return Period(kind, date(year, month, day) + timedelta(days=1), ending)


@dataclass(frozen=True)
class Figure:
    value: float | None
    count: int
    exact: bool = True  # False: a p90 would need days only kept as daily figures


def badness(value: float, metric: MetricConfig, green: object = None) -> float:
    """Bigger is worse: for ranks and improvements in the metric's better direction."""
    if metric.better is Better.HIGHER:
        return -value
    if metric.better is Better.BAND and isinstance(green, tuple):
        low, high = float(green[0]), float(green[1])
        return max(low - value, value - high, 0.0)
    return value


class FloorFigures:
    """The floor's rows by metric, with floor days; answers figures over days and windows."""

    def __init__(
        self,
        config: Config,
        batches: Iterable[tuple[FeedConfig, pd.DataFrame]],
        kept: Iterable[Kept] = (),
        teams: Mapping[str, str | None] | None = None,
    ) -> None:
        self.config = config
        self.clock = DayClock(config.floor.timezone, config.floor.day_starts)
        by_field: dict[str, list[pd.DataFrame]] = {}
        seen_teams: list[pd.DataFrame] = []
        for feed, rows in batches:
            if not len(rows):
                continue
            seen_teams.append(rows[[TS, AGENT, TEAM]])
            for spec in feed.fields:
                if spec.name in rows:
                    frame = rows[[TS, AGENT, spec.name]].rename(columns={spec.name: VALUE})
                    by_field.setdefault(spec.name, []).append(frame.dropna(subset=[VALUE]))
        self.rows: dict[str, pd.DataFrame] = {}
        for metric in config.metrics:
            frames = by_field.get(metric.field)
            if frames and metric.field not in self.rows:
                rows = pd.concat(frames, ignore_index=True).sort_values(TS, kind="stable")
                rows[DAY] = floor_days(rows[TS].to_numpy(), self.clock)
                self.rows[metric.field] = rows.reset_index(drop=True)
        self._positions: dict[str, dict[str, np.ndarray]] = {}
        self.teams = _latest_teams(seen_teams)
        self.teams.update({a: t for a, t in (teams or {}).items() if t})
        kept_frame = pd.DataFrame(list(kept), columns=[DAY, AGENT, "metric", VALUE, COUNT])
        self.kept = {key: part for key, part in kept_frame.groupby("metric")}

    # -- which agents, days -----------------------------------------------------------------------

    def agents(self, first: str, last: str) -> list[str]:
        found: set[str] = set()
        for rows in self.rows.values():
            found.update(rows.loc[(rows[DAY] >= first) & (rows[DAY] <= last), AGENT].unique())
        for part in self.kept.values():
            found.update(part.loc[(part[DAY] >= first) & (part[DAY] <= last), AGENT].unique())
        return sorted(found)

    def last_day(self) -> str | None:
        """The latest floor day with any row or kept figure."""
        days = [rows[DAY].max() for rows in self.rows.values() if len(rows)]
        days += [part[DAY].max() for part in self.kept.values() if len(part)]
        return max(days) if days else None

    def team_of(self, agent: str) -> str | None:
        return self.teams.get(agent)

    # -- figures ----------------------------------------------------------------------------------

    def figures(
        self, metric: MetricConfig, first: str, last: str, by: str, agent: str | None = None
    ) -> dict[str, Figure]:
        """The metric over floor days first..last (ISO, both included), per agent (`by`
        'agent'; only `agent`'s when given), team ('team') or for the floor ('floor', key '').
        A `last` (a status snapshot) has no meaning over several agents' rows: a team's or the
        floor's is the mean of its agents' (as the board's header averages them)."""
        if by != "agent" and metric.agg is Agg.LAST:
            return self._mean_of_agents(metric, first, last, by)
        pieces = []
        rows = self.rows.get(metric.field)
        if rows is not None and agent is not None:
            rows = self.agent_rows(metric.field, agent)
        row_days: set[str] = set()
        if rows is not None:
            chosen = rows[(rows[DAY] >= first) & (rows[DAY] <= last)]
            row_days = set(chosen[DAY].unique())
            if len(chosen):
                groups = self._groups(chosen[AGENT], by)
                keep = groups.notna()
                chosen, groups = chosen[keep.to_numpy()], groups[keep]
                value = aggregate(chosen[VALUE], [groups], metric.agg)
                count = chosen[VALUE].groupby(groups).size()
                day = chosen[DAY].groupby(groups).max()
                pieces.append(pd.DataFrame({VALUE: value, COUNT: count, DAY: day, "rows": True}))
        part = self.kept.get(metric.key)
        if part is not None and agent is not None:
            part = part[part[AGENT] == agent]
        if part is not None:
            days = part[(part[DAY] >= first) & (part[DAY] <= last) & ~part[DAY].isin(row_days)]
            if len(days):
                groups = self._groups(days[AGENT], by)
                frame = days.assign(**{GROUP: groups.to_numpy(), "rows": False})
                frame = frame[frame[GROUP].notna()].set_index(GROUP)
                pieces.append(frame[[VALUE, COUNT, DAY, "rows"]])
        if not pieces:
            return {}
        every = pd.concat(pieces)
        shared = every.index.duplicated(keep=False)
        # A group with one piece (the usual case: rows only) is its figure as it stands.
        alone = every[~shared]
        found = {
            str(key): Figure(float(value), int(count))
            for key, value, count in zip(alone.index, alone[VALUE], alone[COUNT], strict=True)
        }
        for key, part in every[shared].groupby(level=0):
            found[str(key)] = _combine(part, metric.agg)
        return found

    def agent_rows(self, field: str, agent: str) -> pd.DataFrame:
        """One agent's rows of a field, in time order (an index per field, built once)."""
        if field not in self._positions:
            self._positions[field] = self.rows[field].groupby(AGENT, sort=False).indices
        positions = self._positions[field].get(agent)
        rows = self.rows[field]
        return rows.iloc[positions] if positions is not None else rows.iloc[0:0]

    def working_days(self, metric: MetricConfig, first: str, last: str) -> int:
        """The floor days first..last with any row (or kept figure) of the metric."""
        days: set[str] = set()
        rows = self.rows.get(metric.field)
        if rows is not None:
            days.update(rows.loc[(rows[DAY] >= first) & (rows[DAY] <= last), DAY].unique())
        part = self.kept.get(metric.key)
        if part is not None:
            days.update(part.loc[(part[DAY] >= first) & (part[DAY] <= last), DAY].unique())
        return len(days)

    def _groups(self, agents: pd.Series, by: str) -> pd.Series:
        if by == "agent":
            return agents.rename(GROUP)
        if by == "team":
            return agents.map(self.teams).rename(GROUP)  # an agent without a team: NaN
        return pd.Series("", index=agents.index, name=GROUP)

    def _mean_of_agents(
        self, metric: MetricConfig, first: str, last: str, by: str
    ) -> dict[str, Figure]:
        agents = self.figures(metric, first, last, "agent")
        grouped: dict[str, list[Figure]] = {}
        for agent, figure in agents.items():
            group = "" if by == "floor" else self.teams.get(agent)
            if group is not None and figure.value is not None:
                grouped.setdefault(group, []).append(figure)
        return {
            group: Figure(float(np.mean([f.value for f in items])), sum(f.count for f in items))
            for group, items in grouped.items()
        }

    def window(
        self, metric: MetricConfig, agent: str, start: float, end: float
    ) -> tuple[float | None, int]:
        """The metric over the agent's rows with start <= ts < end (epoch seconds)."""
        if metric.field not in self.rows:
            return None, 0
        rows = self.agent_rows(metric.field, agent)
        chosen = rows[(rows[TS] >= start) & (rows[TS] < end)]
        if not len(chosen):
            return None, 0
        key = pd.Series(0, index=chosen.index)
        return float(aggregate(chosen[VALUE], [key], metric.agg).iloc[0]), len(chosen)

    def daily_all(
        self, metric: MetricConfig, first: str, last: str
    ) -> dict[str, list[tuple[str, float]]]:
        """`daily` for every agent at once: one grouping over the span, not one per agent."""
        found: dict[str, dict[str, float]] = {}
        part = self.kept.get(metric.key)
        if part is not None:
            kept = part[(part[DAY] >= first) & (part[DAY] <= last)]
            for agent, day, value in zip(kept[AGENT], kept[DAY], kept[VALUE], strict=True):
                found.setdefault(str(agent), {})[str(day)] = float(value)
        rows = self.rows.get(metric.field)
        if rows is not None:
            chosen = rows[(rows[DAY] >= first) & (rows[DAY] <= last)]
            if len(chosen):
                by_day = aggregate(chosen[VALUE], [chosen[AGENT], chosen[DAY]], metric.agg)
                for (agent, day), value in by_day.items():
                    found.setdefault(str(agent), {})[str(day)] = float(value)
        return {agent: sorted(days.items()) for agent, days in found.items()}

    def daily(
        self, metric: MetricConfig, agent: str, first: str, last: str
    ) -> list[tuple[str, float]]:
        """(day, value) of the agent's daily figures first..last: rows, else kept days."""
        found: dict[str, float] = {}
        part = self.kept.get(metric.key)
        if part is not None:
            mine = part[(part[AGENT] == agent) & (part[DAY] >= first) & (part[DAY] <= last)]
            found.update(zip(mine[DAY], mine[VALUE].astype(float), strict=True))
        if metric.field in self.rows:
            rows = self.agent_rows(metric.field, agent)
            mine = rows[(rows[DAY] >= first) & (rows[DAY] <= last)]
            if len(mine):
                by_day = aggregate(mine[VALUE], [mine[DAY]], metric.agg)
                found.update({str(d): float(v) for d, v in by_day.items()})
        return sorted(found.items())


def _combine(part: pd.DataFrame, agg: Agg) -> Figure:
    """One figure from pieces: the rows' own aggregate and kept daily figures."""
    values, counts = part[VALUE].to_numpy(dtype=float), part[COUNT].to_numpy(dtype=float)
    total = int(counts.sum())
    if len(part) == 1:
        return Figure(float(values[0]), total, True)
    if agg in (Agg.MEAN, Agg.RATE):
        return Figure(float(np.dot(values, counts) / counts.sum()), total)
    if agg in (Agg.SUM, Agg.COUNT):
        return Figure(float(values.sum()), total)
    if agg is Agg.MAX:
        return Figure(float(values.max()), total)
    if agg is Agg.LAST:
        return Figure(float(part.sort_values(DAY, kind="stable")[VALUE].iloc[-1]), total)
    return Figure(None, total, exact=False)  # p90 over days kept only as daily figures


def _latest_teams(frames: list[pd.DataFrame]) -> dict[str, str | None]:
    if not frames:
        return {}
    rows = pd.concat(frames, ignore_index=True).dropna(subset=[TEAM]).sort_values(TS)
    return {str(a): str(t) for a, t in rows.groupby(AGENT)[TEAM].last().items()}


def scaled(threshold: Threshold, factor: float) -> Threshold:
    """A threshold times `factor` (a day's count target over a week's working days)."""

    def times(bound: Bound | None) -> Bound | None:
        if bound is None:
            return None
        return (
            (bound[0] * factor, bound[1] * factor) if isinstance(bound, tuple) else bound * factor
        )

    return Threshold(times(threshold.green), times(threshold.red))


def period_threshold(
    config: Config, metric: MetricConfig, agent: str | None, team: str | None, days: int
) -> Threshold:
    """The thresholds that apply over a period: a count or a sum adds up over the days, so its
    levels (set for a day) are multiplied by the period's working days (days with rows); a mean,
    a rate, a p90, a max or a last keep theirs."""
    threshold = resolve_threshold(config, metric, agent, team)
    if metric.agg in (Agg.COUNT, Agg.SUM) and days > 1:
        return scaled(threshold, days)
    return threshold


def status_of(
    config: Config,
    metric: MetricConfig,
    figure: Figure | None,
    agent: str | None,
    team: str | None,
    days: int = 1,
) -> Status:
    """The figure judged against the thresholds that apply (NONE under min_count)."""
    if figure is None or figure.value is None or figure.count < metric.min_count:
        return Status.NONE
    threshold = period_threshold(config, metric, agent, team, days)
    return evaluate(figure.value, threshold, metric.better)[0]


def ranks(
    config: Config,
    metric: MetricConfig,
    figures: Mapping[str, Figure],
    teams: Mapping[str, str | None],
) -> dict[str, int]:
    """1 = best, per metric, among agents with a figure on at least min_count rows; ties share
    the better rank."""
    scored = []
    for agent, figure in figures.items():
        if figure.value is None or figure.count < metric.min_count:
            continue
        green = resolve_threshold(config, metric, agent, teams.get(agent)).green
        scored.append((badness(figure.value, metric, green), agent))
    scored.sort()
    found: dict[str, int] = {}
    for index, (score, agent) in enumerate(scored):
        same = index and scored[index - 1][0] == score
        found[agent] = found[scored[index - 1][1]] if same else index + 1
    return found
