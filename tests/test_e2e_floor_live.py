"""The live floor in a real terminal under tmux: a Break past its red limit turns the agent red
with no new row, a queue's waiting count rises and falls as rows arrive, and the demo shows
states and the queue strip within a minute."""

from __future__ import annotations

import re
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.terminal import Terminal, needs_tmux

pytestmark = [needs_tmux, pytest.mark.e2e]

FLOORWATCH = [sys.executable, "-m", "floorwatch"]


def write_floor(folder: Path) -> Path:
    (folder / "feeds").mkdir(parents=True)
    config = folder / "floorwatch.yaml"
    config.write_text(
        textwrap.dedent(
            """\
            floor: {name: "Live floor", timezone: UTC, clock: wall}
            feeds:
              - name: calls
                path: feeds/calls.csv
                time: {column: ended_at}
                agent: agent_id
                fields: {handle_time: {column: handle_s, type: seconds}}
              - name: states
                path: feeds/states.csv
                kind: states
                time: {column: changed_at}
                agent: agent_id
                name_column: agent_name
                state: state
                reason: reason
              - name: queue
                path: feeds/queue.csv
                kind: queue
                time: {column: at}
                queue: queue
                contact: contact_id
                event: event
            metrics:
              aht: {field: handle_time, agg: mean, better: lower, green: "5:00"}
            states:
              Available: {category: available}
              Break: {category: away, amber: 15m, red: 20m}
            queues:
              defaults:
                waiting: {green: 1, red: 3}
            notes: {path: notes/notes.sqlite, author: "Dana Supervisor"}
            """
        )
    )
    (folder / "feeds" / "calls.csv").write_text("ended_at,agent_id,handle_s\n")
    (folder / "feeds" / "queue.csv").write_text("at,queue,contact_id,event\n")
    return config


def at(seconds_ago: float = 0.0) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=seconds_ago)
    return moment.isoformat()


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as feed:
        feed.write(text)


def row_of(screen: str, name: str) -> str:
    return next((line for line in screen.splitlines() if name in line), "")


def test_a_break_past_red_turns_red_with_no_new_row(tmp_path: Path) -> None:
    config = write_floor(tmp_path)
    # On Break for 19:52: amber now, red at 20:00 with nothing more written.
    (tmp_path / "feeds" / "states.csv").write_text(
        "changed_at,agent_id,agent_name,state,reason\n"
        f"{at(19 * 60 + 52)},A1,Li Wei,Break,Coffee\n{at(30)},A2,Ana Souza,Available,\n"
    )
    command = [*FLOORWATCH, "run", "--config", str(config)]
    with Terminal(command, width=140, height=30, cwd=tmp_path) as terminal:
        first = terminal.wait_for(lambda s: "AMBER" in row_of(s, "Li Wei"), timeout=60)
        assert re.search(r"Break 19:5\d ▲ Coffee", row_of(first, "Li Wei"))
        screen = terminal.wait_for(lambda s: "RED" in row_of(s, "Li Wei"), timeout=40)
        assert re.search(r"Break 20:0\d ■ Coffee", row_of(screen, "Li Wei"))
        assert "Available" in row_of(screen, "Ana Souza")
        assert "away 1" in screen and "avail 1" in screen
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)


def test_a_queues_waiting_count_rises_and_falls(tmp_path: Path) -> None:
    config = write_floor(tmp_path)
    (tmp_path / "feeds" / "states.csv").write_text("changed_at,agent_id,agent_name,state,reason\n")
    queue = tmp_path / "feeds" / "queue.csv"
    command = [*FLOORWATCH, "run", "--config", str(config)]
    with Terminal(command, width=140, height=30, cwd=tmp_path) as terminal:
        terminal.wait_for("Live floor", timeout=60)
        append(queue, f"{at()},Sales,c1,enter\n")
        terminal.wait_for("Sales 1 waiting", timeout=30)
        append(queue, f"{at()},Sales,c2,enter\n{at()},Sales,c3,enter\n{at()},Sales,c4,enter\n")
        screen = terminal.wait_for("Sales 4 waiting ■", timeout=30)
        assert "oldest" in screen
        append(queue, "".join(f"{at()},Sales,c{i},answer\n" for i in (1, 2, 3)))
        terminal.wait_for("Sales 1 waiting ●", timeout=30)
        append(queue, f"{at()},Sales,c4,abandon\n")
        terminal.wait_for("Sales 0 waiting", timeout=30)
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)


def test_the_demo_shows_states_and_queues_within_a_minute(tmp_path: Path) -> None:
    command = [*FLOORWATCH, "demo", "--agents", "24", "--seed", "7", "--dir", str(tmp_path)]
    with Terminal(command, width=160, height=40) as terminal:
        first = terminal.wait_for(lambda s: "waiting" in s and "On Call" in s, timeout=60)
        assert "states  avail" in first and "SL " in first
        strip = next(line for line in first.splitlines() if "waiting" in line)
        # The queue strip moves as the simulator writes (callers come and go, waits tick).
        terminal.wait_for(
            lambda s: next((ln for ln in s.splitlines() if "waiting" in ln), strip) != strip,
            timeout=60,
        )
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)
