"""One browser tab running one Textual app, over the WebSocket of textual-serve's front end.

The page's script (textual-serve's packaged `textual.js`, an xterm.js terminal) sends JSON
arrays: `["stdin", text]`, `["resize", {"width": W, "height": H}]`, `["ping", text]`,
`["focus"]`, `["blur"]`; it expects the terminal's output as binary frames and `["pong", text]`
as text. textual-serve runs a subprocess per browser; here the app runs in this process, on the
same `SshDriver` that `floorwatch serve` uses, so every browser shares the one `Floor`.

Everything a browser sends is untrusted: messages are bounded in size (by the server) and in
rate (here), sizes are clamped, and anything not in the protocol is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import io
import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from rich.console import Console

from floorwatch.ssh.driver import SshDriver, driver_class_for
from floorwatch.ssh.output import ChannelOutput
from floorwatch.ssh.session import AppFactory, SshSession
from floorwatch.ssh.terminal import HostedApp, console_for

if TYPE_CHECKING:
    from aiohttp import web
    from textual.app import App

    from floorwatch.ssh.auth import Person

log = logging.getLogger("floorwatch.web")

# Terminal sizes a browser may ask for: a phone held upright to a wall of 4K TVs at small fonts.
MIN_COLUMNS, MAX_COLUMNS = 20, 400
MIN_ROWS, MAX_ROWS = 6, 150
# A browser sends one message per key, paste or resize; a person types a few a second.
MESSAGES_PER_SECOND = 50.0
MESSAGE_BURST = 400
PING_TEXT_LIMIT = 64
OUTPUT_LIMIT = 256 * 1024  # bytes queued for a slow browser before frames are dropped

POLICY_VIOLATION = 1008


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size within bounds; anything that is not a pair of numbers gives 80x24."""
    if not isinstance(width, int | float) or not isinstance(height, int | float):
        return (80, 24)
    if width != width or height != height:  # NaN
        return (80, 24)
    columns = int(min(max(width, MIN_COLUMNS), MAX_COLUMNS))
    rows = int(min(max(height, MIN_ROWS), MAX_ROWS))
    return (columns, rows)


class TokenBucket:
    """`rate` messages a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._tokens = float(burst)
        self._last = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class SocketChannel:
    """A WebSocket as `ChannelOutput` wants a channel: writes never wait, the queue is measured.

    `write` queues; one task sends in order. The buffered size counts what is queued here and
    what the socket's transport holds, so `ChannelOutput` drops frames for a browser that has
    stopped reading and repaints once it catches up, as it does for an SSH client.
    """

    def __init__(self, socket: web.WebSocketResponse, transport: asyncio.BaseTransport | None):
        self._socket = socket
        self._transport = transport
        self._queue: deque[bytes] = deque()
        self._queued = 0
        self._wake = asyncio.Event()
        self._closed = False
        self._task = asyncio.get_running_loop().create_task(self._send_all())

    def write(self, data: bytes) -> None:
        if self._closed:
            raise OSError("the browser has gone")
        self._queue.append(data)
        self._queued += len(data)
        self._wake.set()

    def get_write_buffer_size(self) -> int:
        transport = self._transport
        held = transport.get_write_buffer_size() if transport is not None else 0  # type: ignore[attr-defined]
        return self._queued + held

    async def _send_all(self) -> None:
        while not self._closed:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                data = self._queue.popleft()
                self._queued -= len(data)
                try:
                    await self._socket.send_bytes(data)
                except (ConnectionError, RuntimeError):
                    self._closed = True
                    break

    async def close(self) -> None:
        """Send what is queued (the terminal's last words), then stop."""
        self._wake.set()
        for _ in range(50):
            if not self._queue or self._closed:
                break
            await asyncio.sleep(0.01)
        self._closed = True
        self._wake.set()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class BrowserTerminal(HostedApp):
    """One WebSocket, one app: the driver's link (`DriverLink`) and the protocol's reader."""

    KIND = "browser session"

    def __init__(
        self,
        socket: web.WebSocketResponse,
        transport: asyncio.BaseTransport | None,
        person: Person,
        peer: str,
        size: tuple[int, int],
    ) -> None:
        self.socket = socket
        self.person = person
        self.peer = peer
        self.size = size
        self.channel = SocketChannel(socket, transport)
        self.output = ChannelOutput(self.channel, on_drained=self._repaint, limit=OUTPUT_LIMIT)
        self.app: App[Any] | None = None
        self._driver: SshDriver | None = None
        self._early_input: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self._end_reason: str | None = None
        self._force_stop: asyncio.TimerHandle | None = None
        self._bucket = TokenBucket(MESSAGES_PER_SECOND, MESSAGE_BURST)

    # -- flow control (DriverLink) ------------------------------------------------------------

    # A WebSocket cannot be paused here; its messages are rate-limited (MESSAGES_PER_SECOND)
    # and what a tab sends past the driver's INPUT_LIMIT is dropped.
    def pause_input(self) -> None:
        pass

    def resume_input(self) -> None:
        pass

    # -- running the app ----------------------------------------------------------------------

    def start(self, app_factory: AppFactory) -> None:
        # A fresh context: each app sets Textual's active_app in its own task only.
        self._task = asyncio.get_running_loop().create_task(
            self._run_app(app_factory),
            name=f"web-session-{self.person.name}",
            context=contextvars.Context(),
        )

    async def _run_app(self, app_factory: AppFactory) -> None:
        session = SshSession(
            user=self.person.name,
            role=self.person.role,
            term="xterm-256color",
            size=self.size,
            color_system="truecolor",  # xterm.js draws 24-bit colour
            peer=self.peer,
            teams=self.person.teams,
        )
        errors = io.StringIO()
        try:
            self.app = app_factory(session)
            self.app.driver_class = driver_class_for(self)
            self.app.console = console_for(session)
            self.app.error_console = Console(file=errors, width=100, color_system=None)
            await self.app.run_async(mouse=False)
        except Exception:
            log.exception("browser session of %s from %s failed", session.user, session.peer)
        finally:
            if errors.getvalue():
                log.error(
                    "browser session of %s from %s crashed:\n%s",
                    session.user, session.peer, errors.getvalue().rstrip(),
                )  # fmt: skip
            if self._force_stop is not None:
                self._force_stop.cancel()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def end_reason(self) -> str:
        return self._end_reason or "quit"

    # -- what the browser sends ---------------------------------------------------------------

    def receive(self, text: str) -> str | None:
        """Handle one message from the page; a reason to close the socket when it misbehaves."""
        if not self._bucket.take():
            return "too many messages"
        try:
            envelope = json.loads(text)
        except (ValueError, RecursionError):  # [[[[...]]]] nested deeper than the stack
            return "not JSON"
        if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
            return "not a protocol message"
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            self._type(data)
        elif kind == "resize" and isinstance(data, dict):
            self.size = clamp_size(data.get("width"), data.get("height"))
            if self._driver is not None:
                self._driver.resize(*self.size)
        elif kind == "ping" and isinstance(data, str):
            self.channel_text(json.dumps(["pong", data[:PING_TEXT_LIMIT]]))
        elif kind in ("focus", "blur"):
            self._focus(kind == "focus")
        return None  # anything else: a newer front end's message; ignored

    def _focus(self, focused: bool) -> None:
        from textual import events

        if self.app is not None and self._driver is not None and self._driver.input_enabled:
            self.app.post_message(events.AppFocus() if focused else events.AppBlur())

    def channel_text(self, text: str) -> None:
        """A text frame (pong): small, rare, sent beside the terminal's binary frames."""

        async def send() -> None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.socket.send_str(text)

        asyncio.get_running_loop().create_task(send())
