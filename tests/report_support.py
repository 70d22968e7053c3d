"""A small constructed floor for report tests: two agents over two weeks, a note on each with
a follow-up, the figures known in advance (AHT 400 s before the notes; A1 250 s after, A2 350 s)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from floorwatch.coaching import Evidence, NoteDraft
from floorwatch.store import NoteStore

CONFIG = """\
floor: {name: "Constructed floor", timezone: UTC}
feeds:
  - name: calls
    path: calls.csv
    time: {column: ended_at}
    agent: agent_id
    name_column: agent_name
    team: team
    fields:
      handle_time: {column: handle_s, type: seconds}
      csat: {column: csat, type: number}
metrics:
  aht: {field: handle_time, agg: mean, window: 60m, better: lower, green: 300, red: 420, label: AHT}
  csat: {field: csat, agg: mean, better: higher, green: 90, red: 80, label: CSAT}
  calls: {field: handle_time, agg: count, better: higher, green: 3, label: Calls}
goals:
  - {team: North, metric: aht, from: "7:00", to: "5:00", start: 2026-11-01, due: 2026-11-30}
  - {agent: A1, metric: aht, from: "6:40", to: "4:10", start: 2026-11-01, due: 2026-11-30}
"""
FIRST = date(2026, 11, 1)
NOTE_DAY = date(2026, 11, 8)
DAYS = 14
HOURS = (9.5, 11.5, 14.0)


def handle(agent: str, day: date) -> float:
    if day <= NOTE_DAY:
        return 400.0
    return 250.0 if agent == "A1" else 350.0


def write_floor(folder: Path) -> Path:
    rows = ["ended_at,agent_id,agent_name,team,handle_s,csat"]
    for offset in range(DAYS):
        day = FIRST + timedelta(days=offset)
        for agent, name in (("A1", "Ann <b>One</b>"), ("A2", "=Bob")):
            for hour in HOURS:
                at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)
                rows.append(f"{at.isoformat()},{agent},{name},North,{handle(agent, day)},90")
    (folder / "calls.csv").write_text("\n".join(rows) + "\n")
    config = folder / "floor.yaml"
    config.write_text(CONFIG)
    return config


def evidence(value: float) -> tuple[Evidence, ...]:
    return (Evidence("aht", "AHT", value, "amber", 300.0, 420.0, "60m", 3, "lower", "duration"),)


def write_notes(store: NoteStore) -> None:
    """A1 coached by li.wei (AHT 400 -> 250: improved); A2 by grace (400 -> 350: improved too,
    but its evidence said 300, so against the evidence it is worse)."""
    at = datetime(2026, 11, 8, 10, 0, tzinfo=UTC)
    for agent, author, then in (("A1", "li.wei", 400.0), ("A2", "grace", 300.0)):
        draft = NoteDraft(
            agent=agent,
            agent_name=agent,
            behavior="10:00 AHT over target",
            suggestion="use the billing macro",
            timeframe="2026-11-10 12:00",
            evidence=evidence(then),
            tags=("aht",),
            observed_at=at,
        )
        store.add(draft, author, at)
