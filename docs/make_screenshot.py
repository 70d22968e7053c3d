"""Regenerate the README's screenshots on the demo floor, as a new user first sees them:
docs/board.svg (the board) and docs/agent.svg (an agent screen, two columns wide).

For the agent screen the demo's simulated months of daily figures are searched for the agent
whose handle time came down the most, and a coaching note about it is written on the day it
turned (what a supervisor would have done), so the charts show the before and after.

.venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from statistics import mean

from floorwatch.coaching import NoteDraft
from floorwatch.coaching.timeframe import floor_timezone
from floorwatch.commands.demo import seed_history
from floorwatch.config import load_config
from floorwatch.config.types import Config
from floorwatch.demo import write_demo_config
from floorwatch.demo.simulator import FloorSimulator
from floorwatch.store import NoteStore, store_path
from floorwatch.tui.app import FloorwatchApp

DOCS = Path(__file__).resolve().parent
COACHED_METRIC = "aht"
MIN_DAYS = 20  # figures on each side of a turn, at least


def turning_point(figures: list[tuple[date, float]]) -> tuple[float, date] | None:
    """The day in the last three months that splits the figures into the largest drop (mean
    before minus mean after), with that drop."""
    best: tuple[float, date] | None = None
    for index in range(MIN_DAYS, len(figures) - MIN_DAYS):
        day = figures[index][0]
        if day < figures[-1][0] - timedelta(days=85):
            continue
        drop = mean(v for _, v in figures[:index]) - mean(v for _, v in figures[index:])
        if best is None or drop > best[0]:
            best = (drop, day)
    return best


def coach_the_most_improved(config: Config, agents: dict[str, str]) -> str:
    """Write a coaching note on the day the most improved agent's AHT turned; returns the id."""
    store = NoteStore(store_path(config))
    found: list[tuple[float, date, str]] = []
    for agent in agents:
        rows = store.daily_figures(agent, "0000-01-01")
        figures = [(date.fromisoformat(d), v) for d, key, v, _ in rows if key == COACHED_METRIC]
        turn = turning_point(figures)
        if turn is not None:  # the drop as a share of the level before: the clearest change
            before = mean(v for d, v in figures if d < turn[1])
            found.append((turn[0] / before, turn[1], agent))
    _drop, day, agent = max(found)
    zone = floor_timezone(config.floor.timezone)
    at = datetime.combine(day, time(10, 15), zone)
    draft = NoteDraft(
        agent=agent, agent_name=agents[agent],
        behavior="Three holds without a word on the 10:02 billing call; AHT 6:10 this week.",
        effect="The caller asked twice whether you were still there.",
        suggestion="Say what you are checking before a hold; use the refund checklist.",
        timeframe="+2w", tags=(COACHED_METRIC,),
    )  # fmt: skip
    store.add(draft, "Dana (team lead)", at)
    store.close()
    return agent


async def shoot(folder: Path) -> None:
    FloorSimulator(folder / "feeds", agents=40, seed=3).backfill(minutes=120)
    config = load_config(write_demo_config(folder))
    problems: list[str] = []
    seed_history(config, 3, problems)
    if problems:
        raise SystemExit(f"no demo history: {problems}")
    app = FloorwatchApp(config)
    async with app.run_test(size=(120, 34)) as pilot:
        for _ in range(100):  # until the cold load has reached the board
            await pilot.pause(0.1)
            if app.floor.board.rows and app.last_update.loaded:
                break
        await pilot.pause(1.0)
        app.save_screenshot(filename="board.svg", path=str(DOCS))
        names = {agent: row.name for agent, row in app.floor.board.rows.items()}
        agent = coach_the_most_improved(config, names)
        await pilot.resize_terminal(200, 52)
        app.open_agent(agent)
        for _ in range(100):  # until the notes and the charts are in
            await pilot.pause(0.1)
            charts = getattr(app.screen, "charts", None)
            if charts is not None and charts.figures is not None and charts.notes:
                break
        await pilot.pause(0.5)
        app.save_screenshot(filename="agent.svg", path=str(DOCS))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temporary:
        asyncio.run(shoot(Path(temporary)))
    print(f"wrote {DOCS / 'board.svg'} and {DOCS / 'agent.svg'}")
