"""The period report (`floorwatch report`): one JSON-ready document the renderers share.

Contract (values in base units as in `board --once`: seconds, fractions 0..1):
    {"period": {"kind", "start", "end", "days"}, "previous": {"start", "end"}, "generated_at",
     "floor": {"name", "metrics": {KEY: {"value", "previous", "target", "status", "count"}}},
     "teams": [{"team", "metrics": {KEY: {...as floor}}}],
     "agents": [{"agent", "name", "team",
                 "metrics": {KEY: {"value", "previous", "target", "status", "rank", "count"}}}],
     "metrics": [{"key", "label", "format", "agg", "better", "window"}],
     "leaderboards": {KEY: [{"rank", "agent", "name", "value"}]},
     "improvers": [{"agent", "name", "metric", "previous", "value", "change"}],
     "goals": [{"key", "scope", "who", "metric", "objective", "baseline", "target", "start",
                "due", "value", "progress", "light", "score", "team_goal"}],
     "objectives": [{"title", "progress", "light", "score", "complete", "key_results"}],
     "coaching": {"notes", "written", "praise", "improvement", "authors", "feedback_24h",
                  "follow_ups", "improved", "before_after"}}
`target` is the green bound that applies (a [low, high] pair for a band); `status` red | amber |
green | none (fewer rows than min_count); `rank` 1 = best among agents with a status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from floorwatch.coaching.effect import before_after, follow_up_effects, tallies_by, tally
from floorwatch.coaching.floor_report import floor_coaching
from floorwatch.coaching.goals import Goal, goal_status, objectives, team_goal_beside
from floorwatch.coaching.loop import live
from floorwatch.coaching.notes import PRAISE, Note
from floorwatch.config.types import Agg, Config, MetricConfig
from floorwatch.live.thresholds import resolve_threshold
from floorwatch.reports.period import (
    Figure,
    FloorFigures,
    Period,
    badness,
    period_threshold,
    ranks,
    status_of,
)

CHART_DAYS = {"day": 14, "week": 56, "month": 182}  # each growth curve's span, to the period end
TOP_IMPROVERS = 5


@dataclass
class ReviewInputs:
    """What the report reads besides the rows: the store's notes and reds, goals, the roster."""

    notes: Sequence[Note] = ()
    reds: Sequence[tuple[str, str, datetime]] = ()
    goals: Sequence[Goal] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    hire_dates: Mapping[str, str | None] = field(default_factory=dict)
    team: str | None = None  # only this team
    generated_at: datetime | None = None


@dataclass
class Review:
    document: dict[str, Any]
    # For the HTML charts: agent -> metric -> [(day, value)], and agent -> note marks.
    series: dict[str, dict[str, list[tuple[str, float]]]]
    marks: dict[str, list[dict[str, Any]]]
    # agent -> metric -> the green level of one day (the curves are daily figures)
    day_targets: dict[str, dict[str, Any]] = field(default_factory=dict)


def day_start(day: date, config: Config, tz: tzinfo) -> datetime:
    hours, minutes = config.floor.day_starts.split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tz)


def floor_day(at: datetime, config: Config, tz: tzinfo) -> date:
    local = at.astimezone(tz)
    day = local.date()
    return day - timedelta(days=1) if local < day_start(day, config, tz) else day


def build_review(
    config: Config,
    figures: FloorFigures,
    period: Period,
    inputs: ReviewInputs,
    tz: tzinfo,
    charts: bool = True,
) -> Review:
    """The report's document; with `charts`, the growth curves' series and note marks too."""
    first, last = period.day_texts()
    prev = period.previous()
    p_first, p_last = prev.day_texts()
    agents = [
        a
        for a in figures.agents(first, last)
        if inputs.team is None or figures.team_of(a) == inputs.team
    ]
    teams = sorted({t for a in agents if (t := figures.team_of(a))})
    names = {a: inputs.names.get(a) or a for a in agents}
    doc: dict[str, Any] = {
        "period": {"kind": period.kind, "start": first, "end": last, "days": period.days},
        "previous": {"start": p_first, "end": p_last},
        "generated_at": (inputs.generated_at or datetime.now(tz))
        .astimezone(tz)
        .isoformat(timespec="seconds"),
        "floor": {"name": config.floor.name, "team": inputs.team, "metrics": {}},
        "teams": [{"team": t, "metrics": {}} for t in teams],
        "agents": [
            {"agent": a, "name": names[a], "team": figures.team_of(a), "metrics": {}}
            for a in agents
        ],
        "metrics": [
            {
                "key": m.key,
                "label": m.label,
                "format": m.format.value,
                "agg": m.agg.value,
                "better": m.better.value,
                "window": m.window_text,
            }
            for m in config.metrics
        ],
        "leaderboards": {},
    }
    scope_values: dict[tuple[str, str, str], float | None] = {}
    improvements = []
    for metric in config.metrics:
        days = figures.working_days(metric, first, last)
        now_agents = figures.figures(metric, first, last, "agent")
        before_agents = figures.figures(metric, p_first, p_last, "agent")
        agent_ranks = ranks(
            config,
            metric,
            {a: now_agents[a] for a in agents if a in now_agents},
            {a: figures.team_of(a) for a in agents},
        )
        for entry in doc["agents"]:
            agent, team = entry["agent"], entry["team"]
            cell = _cell(
                config, metric, now_agents.get(agent), before_agents.get(agent), agent, team, days
            )
            cell["rank"] = agent_ranks.get(agent)
            entry["metrics"][metric.key] = cell
            scope_values[("agent", agent, metric.key)] = cell["value"]
            change = _improvement(metric, cell, resolve_threshold(config, metric, agent, team))
            if change is not None:
                improvements.append((change, agent, metric, cell))
        by_team = figures.figures(metric, first, last, "team")
        by_team_before = figures.figures(metric, p_first, p_last, "team")
        for entry in doc["teams"]:
            cell = _cell(
                config,
                metric,
                by_team.get(entry["team"]),
                by_team_before.get(entry["team"]),
                None,
                entry["team"],
                days,
            )
            entry["metrics"][metric.key] = cell
            scope_values[("team", entry["team"], metric.key)] = cell["value"]
        if inputs.team is None:
            floor_now = figures.figures(metric, first, last, "floor").get("")
            floor_before = figures.figures(metric, p_first, p_last, "floor").get("")
        else:
            floor_now, floor_before = by_team.get(inputs.team), by_team_before.get(inputs.team)
        cell = _cell(config, metric, floor_now, floor_before, None, inputs.team, days)
        doc["floor"]["metrics"][metric.key] = cell
        scope_values[("floor", "", metric.key)] = cell["value"]
        board = sorted(agent_ranks.items(), key=lambda item: (item[1], item[0]))
        doc["leaderboards"][metric.key] = [
            {"rank": rank, "agent": a, "name": names[a], "value": now_agents[a].value}
            for a, rank in board
        ]
    improvements.sort(key=lambda item: (-item[0], item[1], item[2].key))
    doc["improvers"] = [
        {
            "agent": a,
            "name": names[a],
            "metric": m.key,
            "previous": c["previous"],
            "value": c["value"],
            "change": round(change, 6),
        }
        for change, a, m, c in improvements[:TOP_IMPROVERS]
    ]
    doc["goals"], doc["objectives"] = _goals(inputs, agents, teams, figures, scope_values, period)
    notes = [n for n in live(inputs.notes) if n.agent in set(agents) or inputs.team is None]
    doc["coaching"] = _coaching(config, figures, period, inputs, notes, tz)
    series, marks = _charts(config, figures, period, agents, notes, tz) if charts else ({}, {})
    day_targets = {
        a: {
            m.key: resolve_threshold(config, m, a, figures.team_of(a)).green for m in config.metrics
        }
        for a in agents
    }
    return Review(doc, series, marks, day_targets)


def _cell(
    config: Config,
    metric: MetricConfig,
    now: Figure | None,
    before: Figure | None,
    agent: str | None,
    team: str | None,
    days: int,
) -> dict[str, Any]:
    target = period_threshold(config, metric, agent, team, days).green
    status = status_of(config, metric, now, agent, team, days).json_name
    if agent is None and metric.agg in (Agg.COUNT, Agg.SUM):
        # A team's or the floor's total adds up every agent's: a per-agent level doesn't apply.
        target, status = None, "none"
    return {
        "value": None if now is None else now.value,
        "previous": None if before is None else before.value,
        "target": list(target) if isinstance(target, tuple) else target,
        "status": status,
        "count": 0 if now is None else now.count,
    }


def _improvement(metric: MetricConfig, cell: Mapping[str, Any], threshold: Any) -> float | None:
    """How far the agent moved the right way since the previous period, as a share of the old
    value (None without both figures or with too few rows)."""
    value, previous = cell["value"], cell["previous"]
    if value is None or previous is None or cell["status"] == "none":
        return None
    value, previous = float(value), float(previous)
    gain = badness(previous, metric, threshold.green) - badness(value, metric, threshold.green)
    if gain <= 0:
        return None
    return gain / max(abs(previous), 1e-9)


def _goals(
    inputs: ReviewInputs,
    agents: Sequence[str],
    teams: Sequence[str],
    figures: FloorFigures,
    values: Mapping[tuple[str, str, str], float | None],
    period: Period,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    chosen = [
        g
        for g in inputs.goals
        if g.scope == "floor"
        or (g.scope == "team" and (inputs.team in (None, g.who)))
        or (g.scope == "agent" and g.who in agents)
    ]
    statuses = [goal_status(g, values.get((g.scope, g.who, g.metric)), period.end) for g in chosen]
    goals = []
    for status in statuses:
        goal = status.goal
        beside = team_goal_beside(goal, chosen, figures.team_of(goal.who))
        goals.append(
            {
                "key": goal.key,
                "scope": goal.scope,
                "who": goal.who,
                "metric": goal.metric,
                "objective": goal.objective,
                "baseline": goal.baseline,
                "target": goal.target,
                "start": goal.start.isoformat(),
                "due": goal.due.isoformat(),
                "value": status.value,
                "progress": status.progress,
                "light": status.light,
                "score": status.score,
                "team_goal": beside.key if beside else None,
            }
        )
    okrs = [
        {
            "title": o.title,
            "progress": o.progress,
            "light": o.light,
            "score": o.score,
            "complete": o.complete,
            "key_results": [s.goal.key for s in o.key_results],
        }
        for o in objectives(statuses)
    ]
    return goals, okrs


def _coaching(
    config: Config,
    figures: FloorFigures,
    period: Period,
    inputs: ReviewInputs,
    notes: Sequence[Note],
    tz: tzinfo,
) -> dict[str, Any]:
    start = day_start(period.start, config, tz)
    end = day_start(period.end + timedelta(days=1), config, tz)
    in_period = [n for n in notes if start <= n.created_at < end]
    floor = floor_coaching(
        notes, inputs.hire_dates, inputs.names, end, tz, period.days, inputs.reds
    )
    metrics = {m.key: m for m in config.metrics}

    def measure(
        agent: str, key: str, begin: datetime, finish: datetime
    ) -> tuple[float | None, int]:
        metric = metrics.get(key)
        if metric is None:
            return None, 0
        return figures.window(metric, agent, begin.timestamp(), finish.timestamp())

    def measure_days(agent: str, key: str, first: date, last: date) -> float | None:
        figure = figures.figures(
            metrics[key], first.isoformat(), last.isoformat(), "agent", agent=agent
        )
        found = figure.get(agent)
        return None if found is None or found.count < metrics[key].min_count else found.value

    effects = follow_up_effects(
        notes,
        measure,
        start,
        end,
        lambda at: day_start(floor_day(at, config, tz), config, tz),
        {m.key: m.min_count for m in config.metrics},
    )
    around = before_after(
        in_period,
        measure_days,
        lambda at: floor_day(at, config, tz),
        {m.key: m.better.value for m in config.metrics},
    )
    floor_tally = tally(effects)
    by_author = tallies_by(effects, lambda e: e.author)
    return {
        "notes": len(in_period),
        "written": [
            {
                "id": n.id,
                "agent": n.agent,
                "author": n.author,
                "kind": n.kind,
                "template": n.template,
                "created_at": n.created_at.astimezone(tz).isoformat(timespec="minutes"),
                "metrics": [e.metric for e in n.evidence] or list(n.tags),
            }
            for n in in_period
        ],
        "praise": sum(n.kind == PRAISE for n in in_period),
        "improvement": sum(n.kind != PRAISE for n in in_period),
        "authors": [
            {
                "author": a.author,
                "notes": a.notes,
                "agents": a.agents,
                "praise": a.ratio.praise,
                "improvement": a.ratio.improvement,
                "ratio": a.ratio.ratio,
                "on_target": a.ratio.on_target,
                "improved": by_author[a.author].improved if a.author in by_author else 0,
                "follow_ups": by_author[a.author].of if a.author in by_author else 0,
            }
            for a in floor.authors
        ],
        "feedback_24h": {s: floor.red_count(s) for s in ("given", "missed", "pending")},
        "follow_ups": [
            {
                "note": e.note_id,
                "agent": e.agent,
                "author": e.author,
                "metric": e.metric,
                "then": e.then,
                "now": e.now,
                "count": e.now_count,
                "window": e.window,
                "checked_at": e.checked_at.astimezone(tz).isoformat(timespec="minutes"),
                "outcome": e.outcome,
            }
            for e in effects
        ],
        "improved": {
            "improved": floor_tally.improved,
            "of": floor_tally.of,
            "text": floor_tally.text(),
            "by_author": {a: {"improved": t.improved, "of": t.of} for a, t in by_author.items()},
        },
        "before_after": [
            {
                "note": b.note_id,
                "agent": b.agent,
                "metric": b.metric,
                "day": b.day.isoformat(),
                "before": b.before,
                "after": b.after,
                "outcome": b.outcome,
            }
            for b in around
        ],
    }


def _charts(
    config: Config,
    figures: FloorFigures,
    period: Period,
    agents: Iterable[str],
    notes: Sequence[Note],
    tz: tzinfo,
) -> tuple[dict[str, dict[str, list[tuple[str, float]]]], dict[str, list[dict[str, Any]]]]:
    first = (period.end - timedelta(days=CHART_DAYS[period.kind] - 1)).isoformat()
    last = period.end.isoformat()
    by_metric = {m.key: figures.daily_all(m, first, last) for m in config.metrics}
    series = {
        agent: {m.key: by_metric[m.key].get(agent, []) for m in config.metrics} for agent in agents
    }
    marks: dict[str, list[dict[str, Any]]] = {}
    for note in notes:
        day = floor_day(note.created_at, config, tz).isoformat()
        if first <= day <= last:
            marks.setdefault(note.agent, []).append(
                {
                    "day": day,
                    "id": note.id,
                    "kind": note.kind,
                    "template": note.template,
                    "metrics": [e.metric for e in note.evidence] or list(note.tags),
                }
            )
    return series, marks
