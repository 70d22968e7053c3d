"""Issue 18.5: a closed terminal ends `run` in every screen, the BEST panel's draft kept; and
the cause found: Textual's writer thread dies on the closed terminal and its bounded queue then
blocks every later write (`LinuxDriver.disable_input -> WriterThread.write -> Queue.put`)."""

from __future__ import annotations

import shlex
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from floorwatch.tui.hangup import TerminalWriter
from tests.terminal import Terminal, needs_tmux
from tests.test_e2e_tmux import HEADER, calls, write_floor


class ClosedTerminal:
    """A terminal file whose other end has gone: every write fails as a pty's does (EIO)."""

    def write(self, text: str) -> int:
        raise OSError(5, "Input/output error")

    def flush(self) -> None:
        raise OSError(5, "Input/output error")

    def fileno(self) -> int:
        return 1


def test_writes_after_the_terminal_closed_never_block() -> None:
    writer = TerminalWriter(ClosedTerminal())
    writer.start()
    done = threading.Event()

    def shutdown_writes() -> None:  # what an app's shutdown writes: far more than the queue
        for _ in range(500):
            writer.write("\x1b[?1000l")
        writer.stop()
        done.set()

    threading.Thread(target=shutdown_writes, daemon=True).start()
    assert done.wait(10), "a write blocked on the closed terminal"
    assert writer.gone.is_set()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent has not collected it


class OwnTerminal(Terminal):
    """A tmux session whose only process is floorwatch (exec'd): killing the server closes its
    terminal, as closing an xterm or a tmux pane does."""

    def __init__(self, command: list[str], pid_file: Path, cwd: Path) -> None:
        self.name = f"fw-{uuid.uuid4().hex[:8]}"
        self.socket = f"floorwatch-test-{self.name}"
        script = f"echo $$ > {shlex.quote(str(pid_file))}; exec {shlex.join(command)}"
        self._tmux(
            "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
            "bash", "-c", script, cwd=cwd,
        )  # fmt: skip


SCREENS = {
    "board": ((), "GREEN"),
    "agent": (("Enter",), "Strengths:"),
    "best panel with a draft": (("f",), "Coaching note for"),
    "follow-ups": (("u",), "ollow-up"),
    "errors": (("e",), "feed errors"),
    "help": (("question_mark",), "help"),
}


@needs_tmux
@pytest.mark.e2e
@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_closed_terminal_ends_run_in_every_screen(tmp_path: Path, screen: str) -> None:
    config = write_floor(tmp_path)
    (tmp_path / "feeds" / "calls.csv").write_text(HEADER + calls("A1", "Li Wei", 900, count=3))
    pid_file = tmp_path / "pid"
    command = [sys.executable, "-m", "floorwatch", "run", "--config", str(config)]
    terminal = OwnTerminal(command, pid_file, tmp_path)
    try:
        terminal.wait_for("Li Wei", timeout=60)
        keys, shown = SCREENS[screen]
        terminal.send(*keys)
        terminal.wait_for(shown, timeout=30)
        if screen.startswith("best"):
            terminal.type("kept when the terminal closed")  # into Behavior, focused first
            terminal.wait_for("kept when the")  # on screen (it wraps): typed, maybe not saved
        pid = int(pid_file.read_text())
    finally:
        closed_at = time.monotonic()
        terminal.close()
    while alive(pid) and time.monotonic() - closed_at < 30:
        time.sleep(0.05)
    assert not alive(pid), f"floorwatch still runs 30 s after its terminal closed ({screen})"
    # The target is 2 s (measured ~0.7 s on 2 cores); 30 s only proves it ends, under any load.
    if screen.startswith("best"):
        from floorwatch.store import NoteStore

        store = NoteStore(tmp_path / "notes" / "notes.sqlite")
        try:
            draft = store.load_draft("A1", "Dana Supervisor")
        finally:
            store.close()
        assert draft is not None and "kept when the terminal closed" in draft[0]["behavior"]
