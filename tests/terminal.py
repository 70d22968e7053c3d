"""Drive a real terminal program under tmux: start it, type keys, read the screen, wait for text.

The only test layer that proves the watcher, the terminal and the keys together. Waits are bounded
polls of `tmux capture-pane`, never sleeps that assume a speed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One detached tmux session running one command, on its own tmux server socket."""

    def __init__(
        self,
        command: list[str],
        *,
        width: int = 120,
        height: int = 40,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = f"fw-{uuid.uuid4().hex[:8]}"
        self.socket = f"floorwatch-test-{self.name}"
        merged = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        merged.pop("TMUX", None)
        # A wrapper keeps the pane (and its last screen) after the program exits.
        script = f"{shlex.join(command)}; echo; echo '[exited '$?']'; sleep 600"
        self._tmux(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
            "bash", "-c", script, env=merged, cwd=cwd,
        )  # fmt: skip

    def _tmux(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            check=True,
        )
        return result.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def send(self, *keys: str) -> None:
        """Keys as tmux names them: 'Enter', 'Tab', 'Escape', 'C-s', or literal text."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def wait_for(
        self, condition: str | Callable[[str], bool], timeout: float = 30.0, interval: float = 0.2
    ) -> str:
        """Poll the screen until it contains the text (or the predicate holds); fail with it."""
        check = condition if callable(condition) else (lambda screen: condition in screen)
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(interval)
        raise AssertionError(f"timed out waiting for {condition!r}; the screen was:\n{screen}")

    # -- floorwatch's own moves ---------------------------------------------------------------

    def find_agent(self, text: str) -> None:
        """`/`, the text, Enter: select the first agent that matches (waits for the prompt to go,
        as a person would before the next key)."""
        self.send("/")
        self.wait_for("find agent:")
        self.type(text)
        self.send("Enter")
        self.wait_for(lambda screen: "find agent:" not in screen)

    def write_best_note(self, name: str, effect: str, suggestion: str, timeframe: str) -> None:
        """`f` on the selected agent (`name`); keep Behavior's prefill, Tab to Effect,
        Suggestion and Timeframe, type each, ctrl+s; wait until the panel has closed (saved)."""
        self.send("f")
        self.wait_for(f"Coaching note for {name}", timeout=30)
        for text in (effect, suggestion, timeframe):
            self.send("Tab")
            self.type(text)
        self.send("C-s")
        self.wait_for(lambda screen: "Coaching note for" not in screen, timeout=30)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
