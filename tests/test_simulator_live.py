"""The simulator's live floor: states and queue callers consistent with its calls, breaks and
lunch with reasons, the forgotten break, the 10:00 queue, and an Asterisk queue_log mode that
the shipped config reads."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, datetime
from pathlib import Path

from floorwatch.config import load_config
from floorwatch.demo.simulator import FloorSimulator
from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from floorwatch.live.thresholds import Status

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_states_and_queue_agree_with_the_calls(tmp_path: Path) -> None:
    sim = FloorSimulator(tmp_path, agents=20, seed=4, start=START, zone=UTC)
    sim.backfill(120)
    states = rows(tmp_path / "states.csv")
    queue = rows(tmp_path / "queue.csv")
    calls = rows(tmp_path / "calls-north.csv") + rows(tmp_path / "calls-south.csv")
    assert {"On Call", "ACW", "Available", "Break"} <= {s["state"] for s in states}
    assert {s["reason"] for s in states if s["state"] == "Break"} <= {
        "Coffee",
        "Personal",
        "Coaching",
    }
    by_agent: dict[str, list[dict[str, str]]] = {}
    for state in states:
        by_agent.setdefault(state["agent_id"], []).append(state)
    for agent, changes in by_agent.items():  # ACW always follows On Call, in time order
        times = [ts(c["changed_at"]) for c in changes]
        assert times == sorted(times), agent
        for before, after in itertools.pairwise(changes):
            if after["state"] == "ACW":
                assert before["state"] == "On Call"
    answered = [q for q in queue if q["event"] == "answer"]
    entered = {q["contact_id"]: ts(q["at"]) for q in queue if q["event"] == "enter"}
    for answer in answered:  # the wait is the time from entering to the answer
        if answer["contact_id"] in entered:
            wait = ts(answer["at"]) - entered[answer["contact_id"]]
            assert wait >= float(answer["wait_s"]) - 1
    # Each finished call's answer_s is its caller's wait in the queue.
    waits = sorted(int(a["wait_s"]) for a in answered)
    call_waits = sorted(int(c["answer_s"]) for c in calls)
    assert len(answered) >= len(calls) - 20
    assert abs(sum(waits) / len(waits) - sum(call_waits) / len(call_waits)) < 3
    abandons = [q for q in queue if q["event"] == "abandon"]
    assert abandons and all(float(q["wait_s"]) > 0 for q in abandons)


def test_lunch_and_the_forgotten_break(tmp_path: Path) -> None:
    sim = FloorSimulator(tmp_path, agents=40, seed=2, start=START, zone=UTC)
    sim.forget_a_break(START.timestamp() - 3600)
    sim.backfill(240)
    states = rows(tmp_path / "states.csv")
    assert any(s["state"] == "Lunch" for s in states)
    breaks: dict[str, float] = {}
    longest = 0.0
    for state in states:
        agent, at = state["agent_id"], ts(state["changed_at"])
        if agent in breaks:
            longest = max(longest, at - breaks.pop(agent))
        if state["state"] == "Break":
            breaks[agent] = at
    assert longest >= 40 * 60  # red for Break is 20 minutes: someone forgot


def test_the_queue_builds_up_at_ten(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    sim = FloorSimulator(tmp_path, agents=40, seed=8, start=start, zone=UTC)
    (tmp_path / "floorwatch.yaml").write_text(DEMO_LIKE)
    sim.backfill(1)
    config = load_config(tmp_path / "floorwatch.yaml")
    board, feeds = Board(config), FloorFeeds(config)
    waiting: dict[str, int] = {}
    for minute in range(30, 80, 5):  # 09:30 to 10:15
        until = datetime(2026, 3, 2, 9 + minute // 60, minute % 60, tzinfo=UTC).timestamp()
        sim._write_until(until)
        for update in feeds.poll():
            board.ingest(update.feed, update.rows)
        board.tick(until)
        waiting[f"{9 + minute // 60}:{minute % 60:02d}"] = sum(
            q.waiting for q in board.queue_figures
        )
    before = [waiting[t] for t in ("9:40", "9:45", "9:50", "9:55")]  # after the start's rush
    during = [waiting[t] for t in ("10:05", "10:10", "10:15")]
    assert sum(during) / 3 > 2 * sum(before) / 4, waiting


def test_queue_log_mode_feeds_the_shipped_asterisk_config(tmp_path: Path) -> None:
    sim = FloorSimulator(tmp_path, agents=10, seed=1, start=START, zone=UTC, queue_log=True)
    sim.backfill(60)
    text = (Path(__file__).parents[1] / "config" / "asterisk.yaml").read_text()
    (tmp_path / "asterisk.yaml").write_text(
        text.replace("/var/log/asterisk/queue_log*", "queue_log")
    )
    config = load_config(tmp_path / "asterisk.yaml")
    board, feeds = Board(config), FloorFeeds(config)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick(START.timestamp())
    assert all(status.rejected == 0 for status in feeds.statuses())
    assert {f.queue for f in board.queue_figures} == {"Billing", "Tech Support", "Onboarding"}
    states = {row.state.name for row in board.rows.values() if row.state is not None}
    assert "On Call" in states and len(board.rows) == 10
    talk = [row.cells["talk"].value for row in board.rows.values() if row.cells["talk"].count]
    assert talk and board.rows  # the call outcomes (COMPLETECALLER) read as events too
    paused = [s for s in (tmp_path / "queue_log").read_text().splitlines() if "|PAUSE|" in s]
    assert paused and all(line.split("|")[5] for line in paused)  # a reason on each pause
    assert Status.NONE in {row.status for row in board.rows.values()} or board.rows


DEMO_LIKE = """
floor: {timezone: UTC, clock: data}
feeds:
  - {name: calls, path: "calls-*.csv", agent: agent_id, time: {column: ended_at},
     fields: {h: {column: handle_s, type: seconds}}}
  - {name: queue, path: queue.csv, kind: queue, time: {column: at}, queue: queue,
     contact: contact_id, event: event, wait: wait_s}
metrics:
  aht: {field: h, agg: mean, better: lower, green: 300}
"""
