"""The demo's simulated months of daily figures: they end at today's, stay on their scales, and
give the agent screens trends from the first minute."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from floorwatch.coaching.trend import metric_trends
from floorwatch.commands.demo import seed_history
from floorwatch.config import load_config
from floorwatch.demo import write_demo_config
from floorwatch.demo.history import HISTORY_DAYS, simulated_history
from floorwatch.demo.model import DEMO_SPEED
from floorwatch.demo.simulator import FloorSimulator
from floorwatch.store import NoteStore, store_path


def test_months_of_figures_end_at_today_and_stay_on_their_scales(tmp_path: Path) -> None:
    config = load_config(write_demo_config(tmp_path))
    FloorSimulator(tmp_path / "feeds", agents=6, seed=5, speed=DEMO_SPEED).backfill()
    problems: list[str] = []
    seed_history(config, 5, problems)
    assert problems == []
    store = NoteStore(store_path(config))
    figures = store.daily_figures("A001", "2000-01-01")
    store.close()
    frame = pd.DataFrame(figures, columns=["day", "metric", "value", "count"])
    days = sorted(set(frame["day"]))
    assert HISTORY_DAYS * 6 // 7 - 2 <= len(days) <= HISTORY_DAYS + 1  # Sundays closed
    today = date.fromisoformat(days[-1])
    keys = {metric.key: metric for metric in config.metrics}
    for key, values in frame.groupby("metric")["value"]:
        metric = keys[key]
        if metric.agg.value == "rate" or metric.format.value == "percent":
            assert values.between(0, 1).all(), key
        latest = frame[(frame["metric"] == key) & (frame["day"] == days[-1])]["value"].iloc[0]
        assert (values >= 0).all(), key
        if latest > 0:  # a walk of at most ~±30% around where the agent is today
            assert values.between(latest * 0.6, latest * 1.5).all(), key
    assert frame[frame["metric"] == "csat"]["value"].max() <= 100
    trends = metric_trends(figures, config.metrics, today)
    assert {m.key for m, _ in trends} >= {"aht", "fcr"}
    assert all(span.direction != "no history" for _, spans in trends for span in spans)


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    config = load_config(write_demo_config(tmp_path))
    today = pd.DataFrame(
        {"day": ["2026-11-30"], "agent": ["A1"], "metric": ["aht"], "value": [200.0], "count": [9]}
    )
    first = simulated_history(config, today, seed=1)
    assert first == simulated_history(config, today, seed=1)
    assert first != simulated_history(config, today, seed=2)
    assert all(day < "2026-11-30" for day, *_ in first)


def test_history_never_starts_before_an_agents_hire_date(tmp_path: Path) -> None:
    from floorwatch.demo.history import roster_hire_dates

    config = load_config(write_demo_config(tmp_path))
    FloorSimulator(tmp_path / "feeds", agents=60, seed=5, speed=DEMO_SPEED).backfill()
    hired = roster_hire_dates(config)
    today = date.today()
    recent = {agent: day for agent, day in hired.items() if (today - day).days < HISTORY_DAYS}
    assert recent, "the demo floor has new hires"
    problems: list[str] = []
    seed_history(config, 5, problems)
    assert problems == []
    store = NoteStore(store_path(config))
    try:
        for agent, day in recent.items():
            figures = store.daily_figures(agent, "2000-01-01")
            days = sorted({figure[0] for figure in figures})
            assert days and days[0] >= day.isoformat(), (agent, day, days[:1])
    finally:
        store.close()
