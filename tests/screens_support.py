"""An agent with a history, for the agent screen's tests and snapshots: Li Wei (A001, red on AHT
on the fixture board) with six months of daily figures, coached about AHT 60 days ago (her AHT
came down after it) and once six months ago (a note edited, then its follow-up closed), praised
20 days ago, and a coaching note from this morning. Clock frozen at the fixture's NOW."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from floorwatch.coaching import NoteDraft, evidence_for
from floorwatch.store import NoteStore
from tests.app_support import NOW, FakeFloor, build_board
from tests.notes_support import AUTHOR, NOW_UTC, board_rows, notes_config

AGENT = "A001"
TODAY = NOW_UTC.date()
COACHED_DAYS_AGO = 60  # the AHT note the chart's before/after turns on
OLD_NOTE_DAYS_AGO = 180

OLD_BEHAVIOR = (
    "On the 10:02 billing call you put the caller on hold three times\n"
    "without saying why; the call ran 9:40."
)
OLD_EFFECT = "The caller asked twice whether you were still there."
OLD_SUGGESTION = (
    "Say what you are checking before each hold,\n"
    "and use the billing FAQ for refunds instead of the back office."
)


def aht_on(day: date) -> float:
    """Seconds: about 6:00 before the coaching note, about 3:15 after it, a weekly swing."""
    days_ago = (TODAY - day).days
    base = 360.0 if days_ago > COACHED_DAYS_AGO else 195.0
    return base + 20.0 * math.sin(days_ago / 3.0)


def seed_history(config: Any) -> dict[str, int]:
    """Daily figures and notes for AGENT in the config's store; returns note ids by name."""
    rows = board_rows(config)
    assert config.notes.path is not None
    store = NoteStore(config.notes.path)
    figures = []
    for days_ago in range(0, 183):
        day = TODAY - timedelta(days=days_ago)
        if day.weekday() == 6:  # the floor is closed on Sundays
            continue
        figures.append((day.isoformat(), AGENT, "aht", aht_on(day), 40))
        figures.append((day.isoformat(), AGENT, "csat", 88.0 + 4 * math.cos(days_ago / 5), 20))
    store.save_daily_figures(figures)
    evidence = tuple(evidence_for(rows[AGENT], config))
    aht = tuple(item for item in evidence if item.metric == "aht")

    def add(days_ago: int, **fields: Any) -> int:
        draft = NoteDraft(agent=AGENT, agent_name=rows[AGENT].name, **fields)
        return store.add(draft, AUTHOR, NOW_UTC - timedelta(days=days_ago)).id

    ids = {
        "old": add(OLD_NOTE_DAYS_AGO, behavior=OLD_BEHAVIOR, effect=OLD_EFFECT,
                   suggestion=OLD_SUGGESTION, timeframe="+2w", tags=("aht",), evidence=aht),
        "coached": add(COACHED_DAYS_AGO, behavior="Long holds on billing calls again.",
                       effect="AHT 6:10 this week.", suggestion="Use the refund checklist.",
                       timeframe="+1w", tags=("aht",), evidence=aht),
        "praise": add(20, behavior="Clear, calm close on the 14:20 escalation.",
                      effect="The customer rated 5/5.", timeframe="+1w", kind="praise",
                      tags=("csat",)),
        "today": add(0, behavior="Holds are creeping up this morning (AHT 5:30).",
                     suggestion="Pair with Tomás for two calls.", timeframe="+3d",
                     tags=("aht",), evidence=aht),
    }  # fmt: skip
    old_at = NOW_UTC - timedelta(days=OLD_NOTE_DAYS_AGO)
    store.revise(ids["old"], {"effect": OLD_EFFECT + "\nTwo repeat calls followed."}, "bob",
                 old_at + timedelta(days=1), "added the repeat calls")  # fmt: skip
    store.close_follow_up(ids["old"], AUTHOR, old_at + timedelta(days=15), "improved")
    store.close()
    return ids


def history_app(tmp_path: Path, *, states: bool = False, **kwargs: Any) -> Any:
    """The board app on the fixture floor with AGENT's history in its notes store; with
    `states`, on the live fixture floor (tests/fixtures/app/live.yaml) with AGENT on a Lunch
    break for 16:40 (amber: red at 20:00)."""
    from floorwatch.tui.app import FloorwatchApp

    config = notes_config(tmp_path)
    if states:
        from floorwatch.config import load_config
        from tests.test_app_floor_live import LIVE

        config = replace(load_config(LIVE), notes=config.notes)
    seed_history(config)
    board, first = build_board(config)
    if states:
        from tests.test_app_floor_live import states_frame

        feed = next(feed for feed in config.feeds if feed.kind == "states")
        board.ingest(feed, states_frame((NOW - 1000.0, AGENT, "Break", "Lunch")))
        board.tick(now=NOW)
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now, **kwargs)
    app.REPAINT_INTERVAL = 0.0
    app.HEADER_INTERVAL = 0.0
    return app


async def open_agent(pilot: Any, agent: str = AGENT) -> Any:
    """Open `agent`'s screen and wait until its notes and charts are in."""
    from floorwatch.tui.screens.agent import AgentScreen
    from floorwatch.tui.widgets.notes_timeline import NotesTimeline
    from tests.notes_support import wait_for

    app = pilot.app
    app.open_agent(agent)
    await wait_for(pilot, lambda: isinstance(app.screen, AgentScreen))
    screen = app.screen
    await wait_for(
        pilot, lambda: screen.query(NotesTimeline) and screen.query_one(NotesTimeline).loaded
    )
    await wait_for(pilot, lambda: screen.charts.figures is not None and screen.charts.notes)
    await pilot.pause()
    return screen
