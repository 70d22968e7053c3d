"""Drive the web board in a real Chromium (Debian's, through Playwright) and read its screen.

xterm.js draws on a canvas, so the page holds no text to read. `BoardPage` listens to the
terminal's WebSocket from inside the browser (Playwright reports every frame the page receives
and sends) and plays the received output into a pyte screen of the size the page asked for:
the same bytes xterm.js drew. Screenshots show that it really did.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest

CHROMIUM = Path("/usr/bin/chromium")
WAIT_SECONDS = 45.0

try:
    import playwright.sync_api  # noqa: F401

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - the test extra installs it
    HAVE_PLAYWRIGHT = False

# Skipped on a developer's machine without Chromium; under CI (.ci/run installs it) a missing
# browser fails the tests instead of hiding them.
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and HAVE_PLAYWRIGHT and shutil.which("chromium"))
    and not os.environ.get("CI"),
    reason="needs Debian's chromium (apt-get install chromium; .ci/run does) and playwright",
)


def launch(playwright: Any) -> Any:
    """Headless Chromium from the system: Playwright cannot download its own browsers here."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    )


class BoardPage:
    """One tab with the board (or the wall), and a pyte copy of its terminal."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.sockets: list[Any] = []
        self.received = 0
        page.on("websocket", self._watch)

    def _watch(self, socket: Any) -> None:
        self.sockets.append(socket)
        query = parse_qs(urlsplit(socket.url).query)
        width, height = int(query.get("width", ["80"])[0]), int(query.get("height", ["24"])[0])
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        socket.on("framereceived", self._received)
        socket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.received += len(payload)
            self.stream.feed(payload)

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, wanted: str | Callable[[str], bool], timeout: float = WAIT_SECONDS) -> str:
        test = wanted if callable(wanted) else (lambda screen: wanted in screen)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if test(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {wanted!r}; screen:\n{screen}")
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames

    def wait_for_socket(self, count: int, timeout: float = WAIT_SECONDS) -> None:
        """Until the page has opened `count` board sockets (a reload opens another)."""
        deadline = time.monotonic() + timeout
        while len(self.sockets) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the page opened {len(self.sockets)} socket(s), not {count}")
            self.page.wait_for_timeout(100)

    def keys(self, *keys: str) -> None:
        """Press keys in the terminal (Playwright names: "f", "Tab", "Control+s", "Enter")."""
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=15)

    def focus_terminal(self) -> None:
        self.page.locator(".xterm-helper-textarea").focus()

    def find_agent(self, text: str) -> None:
        self.keys("/")
        self.wait_for("find agent:")
        self.type(text)
        self.keys("Enter")
        self.wait_for(lambda screen: "find agent:" not in screen)

    def write_best_note(self, name: str, effect: str, suggestion: str, timeframe: str) -> None:
        self.keys("f")
        self.wait_for(f"Coaching note for {name}")
        for text in (effect, suggestion, timeframe):
            self.keys("Tab")
            self.type(text)
        self.keys("Control+s")
        self.wait_for(lambda screen: "Coaching note for" not in screen)
