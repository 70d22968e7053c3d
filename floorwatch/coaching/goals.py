"""SMART goals and OKR objectives: progress from baseline to target, its light, the end score.

A goal is one metric brought from a baseline to a target between two dates, for the floor, a
team or one agent (`AHT from 5:00 to 3:30 by 2027-01-31`). Its progress is the share of the way
from baseline to target the current value has gone, whichever way is better: AHT 5:00 -> 3:30
at 4:15 is 50% done. Below 0 (worse than the baseline) counts as 0, past the target as 1.

The light follows the method (red under 30% done, amber 30-70%, green over 70%): exactly 30% and
exactly 70% are amber. An objective (OKR) holds 3-5 key results, each a goal; its progress and
its score are the mean of theirs. At the due date the progress is the score, 0.0-1.0; 0.7-0.9
is a good result and 1.0 should be rare. Pure: values in, figures out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

FLOOR, TEAM, AGENT = "floor", "team", "agent"
SCOPES = (FLOOR, TEAM, AGENT)
RED, AMBER, GREEN = "red", "amber", "green"
RED_BELOW = 0.30  # progress under this is red
GREEN_ABOVE = 0.70  # progress over this is green; between (both edges included) is amber
KEY_RESULTS_MIN, KEY_RESULTS_MAX = 3, 5
GOOD_SCORE = (0.7, 0.9)
# Progress is rounded to this many decimals before it is lit, so that 4:33 on the way from 5:00
# to 3:30 is exactly 30% (floating point would make it 0.30000000000000004).
PROGRESS_DIGITS = 9


@dataclass(frozen=True)
class Goal:
    """One measurable target: a metric from `baseline` to `target` between `start` and `due`.

    `key` is stable and unique: `G12` for a goal kept in the store, `config:N` for the N-th goal
    of the config's `goals:` section. `objective` names the OKR objective it is a key result of
    ('' for a goal on its own)."""

    key: str
    scope: str  # floor | team | agent
    who: str  # the team or the agent id; '' for the floor
    metric: str
    baseline: float
    target: float
    start: date
    due: date
    objective: str = ""
    source: str = "store"  # store | config

    def progress(self, value: float | None) -> float | None:
        """The share of the way from baseline to target (0..1), or None without a value."""
        return progress(self.baseline, self.target, value)

    def describe(self) -> str:
        who = "the floor" if self.scope == FLOOR else f"{self.scope} {self.who}"
        return f"{self.metric} for {who} by {self.due.isoformat()}"


def progress(baseline: float, target: float, value: float | None) -> float | None:
    """(baseline - value) / (baseline - target), clipped to 0..1. A target equal to its baseline
    is met (1.0) when the value is on the target's side of it or on it."""
    if value is None or value != value:  # NaN: no figure
        return None
    span = target - baseline
    if span == 0:
        return 1.0 if value == target else 0.0
    share = round((value - baseline) / span, PROGRESS_DIGITS)
    return min(1.0, max(0.0, share))


def light(share: float | None) -> str | None:
    """red below 30% done, amber from 30% to 70% (both included), green above 70%."""
    if share is None:
        return None
    if share < RED_BELOW:
        return RED
    if share > GREEN_ABOVE:
        return GREEN
    return AMBER


def score_verdict(score: float | None) -> str:
    """How an end score reads: 0.7-0.9 good, 1.0 rare (was the goal safe?), under 0.7 short."""
    if score is None:
        return "no figure"
    if score >= 1.0:
        return "fully met (rare: was the goal too safe?)"
    if score >= GOOD_SCORE[0]:
        return "good"
    return "short of the goal"


@dataclass(frozen=True)
class GoalStatus:
    """A goal as of a day: the value then, its progress, light and (once due) its score."""

    goal: Goal
    value: float | None
    progress: float | None
    light: str | None
    score: float | None  # the progress at or after the due date; None before
    as_of: date

    @property
    def due(self) -> bool:
        return self.as_of >= self.goal.due


def goal_status(goal: Goal, value: float | None, as_of: date) -> GoalStatus:
    share = goal.progress(value)
    score = share if as_of >= goal.due and share is not None else None
    return GoalStatus(goal, value, share, light(share), score, as_of)


@dataclass(frozen=True)
class ObjectiveStatus:
    """An OKR objective: its key results' statuses and their mean progress (and score)."""

    title: str
    key_results: tuple[GoalStatus, ...]

    @property
    def progress(self) -> float | None:
        return _mean(s.progress for s in self.key_results)

    @property
    def light(self) -> str | None:
        return light(self.progress)

    @property
    def score(self) -> float | None:
        if not self.key_results or any(not s.due for s in self.key_results):
            return None
        return _mean(s.score for s in self.key_results)

    @property
    def complete(self) -> bool:
        """3 to 5 key results, as the method asks."""
        return KEY_RESULTS_MIN <= len(self.key_results) <= KEY_RESULTS_MAX


def objectives(statuses: Iterable[GoalStatus]) -> list[ObjectiveStatus]:
    """The key results grouped under their objective, in the order first met."""
    grouped: dict[str, list[GoalStatus]] = {}
    for status in statuses:
        if status.goal.objective:
            grouped.setdefault(status.goal.objective, []).append(status)
    return [ObjectiveStatus(title, tuple(items)) for title, items in grouped.items()]


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), PROGRESS_DIGITS) if known else None


def key_results_problem(count: int) -> str:
    """'' when an objective's key results are 3-5, else what is wrong."""
    if KEY_RESULTS_MIN <= count <= KEY_RESULTS_MAX:
        return ""
    return f"an objective needs {KEY_RESULTS_MIN} to {KEY_RESULTS_MAX} key results (got {count})"


def goals_for(
    goals: Sequence[Goal], agent: str | None = None, team: str | None = None
) -> list[Goal]:
    """The goals that concern an agent (theirs, then their team's, then the floor's) or a team
    (its own, then the floor's): a personal goal is shown beside its team goal."""
    order = {AGENT: 0, TEAM: 1, FLOOR: 2}
    chosen = [
        goal
        for goal in goals
        if (goal.scope == AGENT and agent is not None and goal.who == agent)
        or (goal.scope == TEAM and team is not None and goal.who == team)
        or goal.scope == FLOOR
    ]
    return sorted(chosen, key=lambda g: (order[g.scope], g.metric, g.due, g.key))


def team_goal_beside(goal: Goal, goals: Sequence[Goal], team: str | None) -> Goal | None:
    """The team goal on the same metric as a personal goal (the agent's team), if any."""
    if goal.scope != AGENT or team is None:
        return None
    return next(
        (g for g in goals if g.scope == TEAM and g.who == team and g.metric == goal.metric), None
    )


def value_for(goal: Goal, figures: Mapping[tuple[str, str, str], float | None]) -> float | None:
    """The goal's current value from figures keyed (scope, who, metric)."""
    return figures.get((goal.scope, goal.who, goal.metric))
