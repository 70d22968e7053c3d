"""floorwatch in a real terminal under tmux: the demo, a live feed turning an agent red and green
again, and a BEST note written by keyboard alone and found in the export.

These run the installed `floorwatch` command exactly as a supervisor would; waits are bounded
polls of the screen (tests/terminal.py), never sleeps that assume a speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.notes_support import export_notes
from tests.terminal import Terminal, needs_tmux

pytestmark = [needs_tmux, pytest.mark.e2e]

FLOORWATCH = [sys.executable, "-m", "floorwatch"]
HEADER = "ended_at,agent_id,agent_name,team,handle_s\n"


def write_floor(folder: Path) -> Path:
    """One CSV feed, one metric: AHT, mean of today's calls, green <= 5:00, red > 10:00."""
    (folder / "feeds").mkdir(parents=True)
    config = folder / "floorwatch.yaml"
    config.write_text(
        textwrap.dedent(
            """\
            floor: {name: "E2E floor", timezone: UTC, clock: wall}
            feeds:
              - name: calls
                path: feeds/calls.csv
                format: csv
                time: {column: ended_at}
                agent: agent_id
                name_column: agent_name
                team: team
                fields:
                  handle_time: {column: handle_s, type: seconds}
            metrics:
              aht: {field: handle_time, agg: mean, window: today, better: lower,
                    green: "5:00", red: "10:00"}
            notes: {path: notes/notes.sqlite, author: "Dana Supervisor"}
            """
        )
    )
    return config


def calls(agent: str, name: str, seconds: float, count: int = 1) -> str:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return f"{now},{agent},{name},north,{seconds:g}\n" * count


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as feed:
        feed.write(text)


def row_of(screen: str, name: str) -> str:
    """The board line naming `name` ('' while there is none)."""
    return next((line for line in screen.splitlines() if name in line), "")


def test_the_demo_shows_agents_with_live_values(tmp_path: Path) -> None:
    command = [*FLOORWATCH, "demo", "--agents", "24", "--seed", "7", "--dir", str(tmp_path)]
    with Terminal(command, width=120, height=36) as terminal:
        first = terminal.wait_for(lambda s: "GREEN" in s and "AHT" in s, timeout=60)
        # Live: the simulator keeps writing, the board keeps changing (clock, values, order).
        terminal.wait_for(lambda s: s != first, timeout=60)
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)
    assert any((tmp_path / "feeds").glob("calls-*.csv"))


def test_an_agent_turns_red_then_back_to_green(tmp_path: Path) -> None:
    config = write_floor(tmp_path)
    feed = tmp_path / "feeds" / "calls.csv"
    feed.write_text(HEADER + calls("A1", "Li Wei", 120) + calls("A2", "Ana Souza", 200))
    command = [*FLOORWATCH, "run", "--config", str(config)]
    with Terminal(command, width=120, height=30, cwd=tmp_path) as terminal:
        terminal.wait_for(lambda s: "GREEN" in row_of(s, "Li Wei"), timeout=60)
        append(feed, calls("A1", "Li Wei", 2400))  # mean (120 + 2400) / 2 = 21:00 > 10:00
        terminal.wait_for(lambda s: "RED" in row_of(s, "Li Wei"), timeout=30)
        screen = terminal.screen()
        assert "GREEN" in row_of(screen, "Ana Souza")
        assert "21:00" in row_of(screen, "Li Wei")
        append(feed, calls("A1", "Li Wei", 60, count=40))  # mean (2520 + 2400) / 42 = 1:57
        terminal.wait_for(lambda s: "GREEN" in row_of(s, "Li Wei"), timeout=30)
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)


def test_board_once_json_matches_the_screen(tmp_path: Path) -> None:
    """Same model, both faces: the order and the colours on screen are the JSON's."""
    config = write_floor(tmp_path)
    handle_times = {"Li Wei": 900, "Ana Souza": 420, "Tomás Ruiz": 200, "Grace Okafor": 650,
                    "Jonas Berg": 310, "Mei Chen": 120, "Omar Haddad": 330}  # fmt: skip
    rows = "".join(
        calls(f"A{i}", name, seconds, count=2)
        for i, (name, seconds) in enumerate(handle_times.items())
    )
    (tmp_path / "feeds" / "calls.csv").write_text(HEADER + rows)
    command = [*FLOORWATCH, "run", "--config", str(config)]
    with Terminal(command, width=140, height=40, cwd=tmp_path) as terminal:
        screen = terminal.wait_for(lambda s: all(name in s for name in handle_times), timeout=60)
        terminal.send("q")
    on_screen = [
        (name, next(word for word in ("RED", "AMBER", "GREEN") if word in line))
        for line in screen.splitlines()
        for name in handle_times
        if name in line
    ]
    printed = subprocess.run(
        [*FLOORWATCH, "board", "--once", "--format", "json", "--config", str(config)],
        capture_output=True,
        text=True,
        check=True,
    )
    document = json.loads(printed.stdout)
    in_json = [(agent["name"], agent["status"].upper()) for agent in document["agents"]]
    assert on_screen == in_json
    assert [status for _, status in in_json] == ["RED", "RED", "AMBER", "AMBER", "AMBER",
                                                 "GREEN", "GREEN"]  # fmt: skip


def test_a_best_note_by_keyboard_lands_in_the_export(tmp_path: Path) -> None:
    config = write_floor(tmp_path)
    feed = tmp_path / "feeds" / "calls.csv"
    feed.write_text(
        HEADER + calls("A1", "Li Wei", 900, count=3) + calls("A2", "Ana Souza", 200, count=3)
    )
    command = [*FLOORWATCH, "run", "--config", str(config)]
    with Terminal(command, width=120, height=40, cwd=tmp_path) as terminal:
        terminal.wait_for(lambda s: "RED" in row_of(s, "Li Wei"), timeout=60)
        terminal.find_agent("ana")  # someone else first, then the red agent by id
        terminal.find_agent("A1")
        terminal.write_best_note(
            "Li Wei",
            effect="Customers waited on hold through three transfers",
            suggestion="Use the billing FAQ before transferring",
            timeframe="+1d",
        )
        terminal.wait_for("✎", timeout=30)  # the NOTE column: a note given today
        terminal.send("q")
        terminal.wait_for("[exited 0]", timeout=30)

    (note,) = export_notes(config)
    assert note["agent"] == "A1" and note["agent_name"] == "Li Wei"
    assert note["author"] == "Dana Supervisor"
    assert note["kind"] == "improvement"
    assert "AHT 15:00 today (target <= 5:00, red > 10:00)" in note["behavior"]  # evidence
    assert note["effect"] == "Customers waited on hold through three transfers"
    assert note["suggestion"] == "Use the billing FAQ before transferring"
    assert note["follow_up_due"]
    (evidence,) = note["evidence"]
    assert evidence["metric"] == "aht" and evidence["status"] == "red"
    assert evidence["value"] == pytest.approx(900)


def test_two_hosts_on_one_postgresql_see_each_others_notes(tmp_path: Path, pg_url: str) -> None:
    """Issue 17's 'done when': two floorwatch processes (two hosts' boards) share one
    PostgreSQL; a note written by keyboard on one shows in the other's NOTE column, authored as
    the one who wrote it."""
    config = write_floor(tmp_path)
    text = config.read_text().replace(
        'notes: {path: notes/notes.sqlite, author: "Dana Supervisor"}',
        # Shared notes: the other host's supervisor is someone else (private ones stay private).
        f"notes: {{url: '{pg_url}', author: \"Dana Supervisor\", default_visibility: shared}}",
    )
    config.write_text(text)
    other = tmp_path / "host-b.yaml"
    other.write_text(text.replace("Dana Supervisor", "Sam Supervisor"))
    feed = tmp_path / "feeds" / "calls.csv"
    feed.write_text(HEADER + calls("A1", "Li Wei", 900, count=3) + calls("A2", "Ana Souza", 200))
    host_a = Terminal([*FLOORWATCH, "run", "--config", str(config)], cwd=tmp_path)
    host_b = Terminal([*FLOORWATCH, "run", "--config", str(other)], cwd=tmp_path)
    with host_a, host_b:
        host_a.wait_for(lambda s: "RED" in row_of(s, "Li Wei"), timeout=60)
        host_b.wait_for(lambda s: "RED" in row_of(s, "Li Wei"), timeout=60)
        assert "✎" not in host_b.screen()
        host_a.find_agent("A1")
        host_a.write_best_note(
            "Li Wei", effect="Long holds", suggestion="Use the billing FAQ", timeframe="+1d"
        )
        host_a.wait_for("✎", timeout=30)
        host_b.wait_for(lambda s: "✎" in row_of(s, "Li Wei"), timeout=30)
        for host in (host_a, host_b):
            host.send("q")
            host.wait_for("[exited 0]", timeout=30)
    (note,) = export_notes(other)
    assert note["author"] == "Dana Supervisor" and note["effect"] == "Long holds"
