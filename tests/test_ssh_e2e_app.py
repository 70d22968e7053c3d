"""`floorwatch serve` with the real board, through the real OpenSSH client in tmux: a supervisor
writes a BEST note as themselves, a wall key gets the wall and no panel, ten sessions at once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.notes_support import export_notes
from tests.ssh_harness import make_client_key, needs_openssh, public_key_line, ssh_argv, wait_until
from tests.terminal import Terminal, needs_tmux

pytestmark = [needs_openssh, needs_tmux, pytest.mark.e2e]

FLOORWATCH = [sys.executable, "-m", "floorwatch"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    config: Path
    port: int
    keys: dict[str, Path]
    process: subprocess.Popen[str]


def write_floor(folder: Path, port: int, keys: dict[str, Path]) -> Path:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    (folder / "feeds").mkdir(parents=True)
    rows = [f"{now},A{i},Agent {i},north,{200 + 60 * i}\n" for i in range(1, 13)]
    (folder / "feeds" / "calls.csv").write_text(
        "ended_at,agent_id,agent_name,team,handle_s\n"
        + f"{now},A0,Li Wei,north,900\n"
        + "".join(rows)
    )
    users = "".join(
        f"    - name: {name}\n      role: {role}\n      keys: ['{public_key_line(keys[name])}']\n"
        for name, role in (("li.wei", "supervisor"), ("wall-3", "wall"))
    )
    config = folder / "floorwatch.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            floor: {{name: "SSH floor", timezone: UTC, clock: wall}}
            feeds:
              - name: calls
                path: feeds/calls.csv
                format: csv
                time: {{column: ended_at}}
                agent: agent_id
                name_column: agent_name
                team: team
                fields:
                  handle_time: {{column: handle_s, type: seconds}}
            metrics:
              aht: {{field: handle_time, agg: mean, window: today, better: lower,
                    green: "5:00", red: "10:00"}}
            notes: {{path: notes/notes.sqlite}}
            ssh:
              listen: 127.0.0.1:{port}
              host_key: state/host_ed25519
              max_sessions_per_user: 10           # one person's nine sessions below
              users:
            """
        )
        + users
    )
    return config


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    keys = {name: make_client_key(tmp_path / "keys", name) for name in ("li.wei", "wall-3")}
    port = free_port()
    config = write_floor(tmp_path / "floor", port, keys)
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [*FLOORWATCH, "serve", "--config", str(config), "--log-file", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    try:
        wait_until(
            lambda: (
                process.poll() is not None or (log.exists() and "listening on" in log.read_text())
            )
        )
        assert process.poll() is None, process.communicate(timeout=10)
        yield Served(config, port, keys, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)


def session(served: Served, user: str, width: int = 120, height: int = 40) -> Terminal:
    return Terminal(ssh_argv(served.port, served.keys[user], user), width=width, height=height)


def test_a_supervisor_writes_a_best_note_over_ssh_as_themselves(served: Served) -> None:
    with session(served, "li.wei") as terminal:
        terminal.wait_for(lambda s: "Li Wei" in s and "RED" in s, timeout=60)
        terminal.find_agent("li wei")
        terminal.write_best_note(
            "Li Wei",
            effect="Callers repeated their account number twice",
            suggestion="Read the account number back once",
            timeframe="end of shift",
        )
        terminal.send("q")
    (note,) = export_notes(served.config)
    assert (note["agent"], note["author"]) == ("A0", "li.wei")  # the key's person
    assert note["suggestion"] == "Read the account number back once"
    assert note["evidence"][0]["status"] == "red"


def test_a_wall_key_gets_the_wall_and_no_panel(served: Served) -> None:
    with session(served, "wall-3") as terminal:
        terminal.wait_for(lambda s: "Li Wei" in s and "updated" in s, timeout=60)
        terminal.send("f", "p", "u", "/")  # every notes key a supervisor has
        time.sleep(1.5)  # what a wall must not show can only be checked for after a while
        screen = terminal.screen()
        assert "Coaching note" not in screen and "Praise for" not in screen
        assert "find agent" not in screen and "Follow-ups" not in screen
    notes = Path(served.config).parent / "notes" / "notes.sqlite"
    assert not notes.exists()  # the wall never even opened the store


def test_ten_sessions_at_once_all_render(served: Served) -> None:
    terminals = [session(served, "li.wei", width=100, height=30) for _ in range(9)]
    terminals.append(session(served, "wall-3", width=100, height=30))
    try:
        for terminal in terminals:
            terminal.wait_for(lambda s: "Li Wei" in s, timeout=90)
        wait_until(lambda: served.process.poll() is None)
    finally:
        for terminal in terminals:
            terminal.close()
