"""Six months of simulated daily figures, so the demo's agent screens show trends at once.

A real floor gathers them as `run` and `serve` keep each closed day. The demo has one day of
feeds, so it reads today's figures from them (the same `floorwatch.live.daily_figures` code) and
walks each agent and metric back 180 days along a shape of its own: improving, slipping, steady,
swinging, or a dip it recovered from. Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date, timedelta

import pandas as pd

from floorwatch.config.types import Better, Config
from floorwatch.live.daily_figures import AGENT, COUNT, DAY, METRIC, VALUE

HISTORY_DAYS = 180
SCORE_SCALE = 100.0
MAX_AGENTS = 500  # beyond, writing months of figures would slow the demo's start: none then
SHAPES = ("improving", "slipping", "steady", "swinging", "recovered")


def simulated_history(
    config: Config,
    today_figures: pd.DataFrame,
    seed: int | None = None,
    hire_dates: Mapping[str, date] | None = None,
) -> list[tuple[str, str, str, float, int]]:
    """(day, agent, metric, value, count) for the HISTORY_DAYS before each agent's latest day,
    ending where today's figures are, and never before the agent's hire date (`hire_dates`,
    else the config's roster): a new hire has only the weeks they worked."""
    hired = roster_hire_dates(config) if hire_dates is None else hire_dates
    chance = random.Random(seed)
    metrics = {metric.key: metric for metric in config.metrics}
    figures: list[tuple[str, str, str, float, int]] = []
    latest = today_figures.sort_values(DAY).groupby([AGENT, METRIC]).tail(1)
    for row in latest.itertuples(index=False):
        metric = metrics.get(getattr(row, METRIC))
        if metric is None:
            continue
        today = date.fromisoformat(getattr(row, DAY))
        shape, swing = chance.choice(SHAPES), chance.uniform(0.06, 0.18)
        value, count = float(getattr(row, VALUE)), max(1, int(getattr(row, COUNT)))
        bounded = metric.format.value == "percent" or metric.agg.value == "rate"
        for back in range(1, HISTORY_DAYS + 1):
            worse = _worse_by(shape, back / HISTORY_DAYS, swing) + chance.gauss(0, swing / 4)
            past = _moved(value, worse, metric.better)
            if bounded:
                past = min(max(past, 0.0), 1.0)
            elif 0 <= value <= SCORE_SCALE:  # a score (CSAT 0-100) stays on its scale
                past = min(max(past, 0.0), SCORE_SCALE)
            day = today - timedelta(days=back)
            start = hired.get(row.agent)
            if start is not None and day < start:
                continue  # not hired yet (the draws above keep the seed's sequence stable)
            if day.weekday() < 6:  # the floor is closed on Sundays
                figures.append((day.isoformat(), row.agent, metric.key, past, count))
    return figures


def roster_hire_dates(config: Config) -> dict[str, date]:
    """Each agent's hire date from the config's roster (empty without one or when unreadable)."""
    from floorwatch.feeds.roster import RosterError, load_roster

    if config.roster is None:
        return {}
    path = config.roster if config.roster.is_absolute() else config.base_dir / config.roster
    try:
        entries = load_roster(path).entries.values()
    except RosterError:
        return {}
    found = {}
    for entry in entries:
        if entry.hire_date:
            try:
                found[entry.agent_id] = date.fromisoformat(entry.hire_date)
            except ValueError:
                continue
    return found


def _worse_by(shape: str, age: float, swing: float) -> float:
    """How much worse (a share, negative: better) the figure was `age` (0..1 of the span) ago."""
    if shape == "improving":
        return swing * age
    if shape == "slipping":
        return -swing * age
    if shape == "swinging":
        return swing * math.sin(age * 4 * math.pi)
    if shape == "recovered":
        return swing * math.sin(age * math.pi)  # worst half a span ago
    return 0.0


def _moved(value: float, worse: float, better: Better) -> float:
    if better is Better.HIGHER:
        return value * (1 - worse)
    return value * (1 + worse)
