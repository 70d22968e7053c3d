"""A Textual driver whose terminal is an SSH channel, for many apps in one event loop.

Textual's Linux driver owns the process's terminal: it reads stdin in a thread, installs signal
handlers (SIGWINCH, SIGTSTP) and writes to stderr from a writer thread. None of that may happen
once per session inside a server. `SshDriver` instead
- receives bytes from the session (already in the loop's thread) and runs them through Textual's
  own `XTermParser`, so keys, Escape/Alt (ESC + key, resolved after Textual's ESCDELAY), bracketed
  paste and focus events behave exactly as in a local terminal;
- gets the size from the pty request and each window-change, and posts `events.Resize`;
- hands the app its input a chunk at a time, the next chunk only once the app has handled the
  last (and after the loop has served every other session), and asks the session to stop reading
  from its client while a backlog waits: a flood of typed or pasted bytes slows its own session
  only;
- collects each frame's writes and hands them to `ChannelOutput`, which drops frames for a client
  that is not reading (and repaints in full once it catches up);
- leaves mouse reporting off unless the app is run with `mouse=True`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, Protocol

from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message

from floorwatch.ssh.output import ChannelOutput

if TYPE_CHECKING:
    from textual.app import App

# Terminal modes, as Textual's Linux driver sets and restores them.
ALT_SCREEN_ON, ALT_SCREEN_OFF = "\x1b[?1049h", "\x1b[?1049l"
CURSOR_HIDE, CURSOR_SHOW = "\x1b[?25l", "\x1b[?25h"
FOCUS_EVENTS_ON, FOCUS_EVENTS_OFF = "\x1b[?1004h", "\x1b[?1004l"
BRACKETED_PASTE_ON, BRACKETED_PASTE_OFF = "\x1b[?2004h", "\x1b[?2004l"
LINE_WRAP_OFF, LINE_WRAP_ON = "\x1b[?7l", "\x1b[?7h"
SYNC_OUTPUT_QUERY = "\x1b[?2026$p"  # the answer enables Textual's synchronized updates
MOUSE_ON = "\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h"
MOUSE_OFF = "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
# Kitty keyboard protocol: disambiguate escape codes, report all keys as escape codes, with text.
KITTY_KEYS_ON, KITTY_KEYS_OFF = "\x1b[>25u", "\x1b[<u"

# A tick a little after the escape delay settles a lone ESC (Escape) or ESC+key (Alt+key).
ESCAPE_TICK_MARGIN = 0.02

# Input is handed to the app INPUT_CHUNK characters at a time; the next chunk waits until the app
# has handled the last one. Above INPUT_HIGH_WATER characters waiting, the session stops reading
# from its client (SSH flow control then stops the client) until fewer than INPUT_LOW_WATER wait;
# a link that cannot pause its client has what passes INPUT_LIMIT dropped, with a notice.
INPUT_CHUNK = 256
INPUT_HIGH_WATER = 16 * 1024
INPUT_LOW_WATER = 4 * 1024
INPUT_LIMIT = 256 * 1024
INPUT_ACK_SECONDS = 2.0  # an app that never says it handled a chunk gets the next one anyway


class DriverLink(Protocol):
    """What the driver needs from its SSH session."""

    output: ChannelOutput
    size: tuple[int, int]

    def attach(self, driver: SshDriver) -> None: ...

    def ready(self) -> None: ...

    def pause_input(self) -> None:
        """Stop reading from the client for now (input is waiting for the app)."""

    def resume_input(self) -> None:
        """Read from the client again."""


class SshDriver(Driver):
    """Drives one Textual app over one SSH channel. Subclassed per session by `driver_class_for`."""

    link: DriverLink  # set on the per-session subclass

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = False,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size or self.link.size)
        self._frame: list[str] = []
        self._flush_scheduled = False
        self._parser = XTermParser(debug=False)
        self._input_enabled = False
        self._tick_handle: asyncio.TimerHandle | None = None
        self._stopped = False
        self._backlog: deque[str] = deque()  # input not yet handed to the app
        self._backlog_chars = 0
        self._chunks_fed = 0
        self._chunk = 0  # the number of the chunk the app is handling; 0 when none
        self._chunk_timeout: asyncio.TimerHandle | None = None
        self._input_paused = False
        self._dropped = 0
        self.link.attach(self)

    # -- output --------------------------------------------------------------------------------

    def write(self, data: str) -> None:
        if self._stopped:  # e.g. the pointer shape reset on unmount, after the screen is restored
            return
        self._frame.append(data)
        if not self._flush_scheduled:
            # Textual flushes after every frame; this catches lone writes (the bell, cursor shape).
            self._flush_scheduled = True
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        self._flush_scheduled = False
        if self._frame:
            frame = "".join(self._frame)
            self._frame.clear()
            self.link.output.send_frame(frame)

    def start_application_mode(self) -> None:
        output = self.link.output
        output.send(ALT_SCREEN_ON + CURSOR_HIDE + FOCUS_EVENTS_ON)
        if not constants.DISABLE_KITTY_KEY:
            output.send(KITTY_KEYS_ON)
        output.send(SYNC_OUTPUT_QUERY + BRACKETED_PASTE_ON + LINE_WRAP_OFF)
        if self._mouse:
            output.send(MOUSE_ON)
        self._post_resize()
        self._input_enabled = True
        self.link.ready()

    def stop_application_mode(self) -> None:
        self.disable_input()
        self.flush()
        self._stopped = True
        output = self.link.output
        if self._mouse:
            output.send(MOUSE_OFF)
        output.send(BRACKETED_PASTE_OFF + LINE_WRAP_ON)
        # The kitty protocol must be popped before leaving the alt screen.
        output.send(KITTY_KEYS_OFF + ALT_SCREEN_OFF + CURSOR_SHOW + FOCUS_EVENTS_OFF)

    def disable_input(self) -> None:
        self._input_enabled = False
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
        self._backlog.clear()
        self._backlog_chars = 0
        self._chunk_done(self._chunk)
        if self._input_paused:
            self._input_paused = False
            self.link.resume_input()

    # -- input ---------------------------------------------------------------------------------

    @property
    def input_enabled(self) -> bool:
        return self._input_enabled

    def feed(self, text: str) -> None:
        """Keys (and terminal replies) typed by the client, decoded to text: handed to the app
        at once when it is keeping up, else queued behind what it is still handling."""
        if not self._input_enabled or not text:
            return
        room = INPUT_LIMIT - self._backlog_chars
        if len(text) > room:
            self._drop(len(text) - max(room, 0))
            text = text[: max(room, 0)]
        if text:
            self._backlog.append(text)
            self._backlog_chars += len(text)
        if self._backlog_chars > INPUT_HIGH_WATER and not self._input_paused:
            self._input_paused = True
            self.link.pause_input()
        self._feed_chunk()

    def _feed_chunk(self) -> None:
        """Hand the app the next INPUT_CHUNK characters, unless it is still handling the last."""
        if self._chunk or not self._input_enabled or not self._backlog:
            return
        chunk = self._take(INPUT_CHUNK)
        for message in self._parser.feed(chunk):
            self.process_message(message)
        self._schedule_escape_tick()
        if self._input_paused and self._backlog_chars < INPUT_LOW_WATER:
            self._input_paused = False
            self.link.resume_input()
        self._chunks_fed += 1
        self._chunk = number = self._chunks_fed
        self._chunk_timeout = self._loop.call_later(INPUT_ACK_SECONDS, self._chunk_done, number)
        if not self._app.call_later(self._keys_forwarded, number):
            self._chunk_done(number)

    def _take(self, count: int) -> str:
        parts: list[str] = []
        while self._backlog and count > 0:
            head = self._backlog.popleft()
            if len(head) > count:
                head, rest = head[:count], head[count:]
                self._backlog.appendleft(rest)
            parts.append(head)
            count -= len(head)
        text = "".join(parts)
        self._backlog_chars -= len(text)
        return text

    def _keys_forwarded(self, number: int) -> None:
        """Runs in the app after it has taken the chunk's keys: the keys go on to the focused
        widget (or the screen); that widget says when it has handled them."""
        try:
            target = self._app.focused or self._app.screen
        except Exception:  # no screen (starting or closing): nothing more to wait for
            target = None
        if target is None or not target.call_later(self._chunk_done, number):
            self._chunk_done(number)

    def _chunk_done(self, number: int) -> None:
        if not number or number != self._chunk:
            return  # an answer for a chunk already given up on
        self._chunk = 0
        if self._chunk_timeout is not None:
            self._chunk_timeout.cancel()
            self._chunk_timeout = None
        # call_soon: every other session ready to run goes before this session's next chunk.
        self._loop.call_soon(self._feed_chunk)

    def _drop(self, count: int) -> None:
        self._dropped += count
        if self._dropped == count:  # the first drop of a burst: one notice, not one per packet
            self._app.call_later(self._notify_dropped)

    def _notify_dropped(self) -> None:
        dropped, self._dropped = self._dropped, 0
        self._app.notify(
            f"Input came faster than it could be handled: {dropped:,} characters were dropped.",
            title="Input dropped",
            severity="warning",
        )

    def resize(self, columns: int, rows: int) -> None:
        self._size = (columns, rows)
        if self._input_enabled:
            self._post_resize()

    def send_message(self, message: Message) -> None:
        # Already in the app's loop and thread: post directly, in order, without a thread hop.
        self._app.post_message(message)

    def _post_resize(self) -> None:
        columns, rows = self._size or self.link.size
        size = Size(columns, rows)
        self._app.post_message(events.Resize(size, size))

    def _schedule_escape_tick(self) -> None:
        # The parser holds a lone ESC until ESCAPE_DELAY passes with nothing after it; it only
        # learns that time has passed when ticked, which the Linux driver does every 0.1 s from
        # its input thread. One timer per keystroke costs nothing while the session is idle.
        if self._tick_handle is not None:
            self._tick_handle.cancel()
        self._tick_handle = self._loop.call_later(
            constants.ESCAPE_DELAY + ESCAPE_TICK_MARGIN, self._escape_tick
        )

    def _escape_tick(self) -> None:
        self._tick_handle = None
        if not self._input_enabled:
            return
        for message in self._parser.tick():
            self.process_message(message)
        if getattr(self._parser, "_timeout_time", None) is not None:
            self._schedule_escape_tick()  # the timer fired a hair early; try again


def driver_class_for(link: DriverLink) -> type[SshDriver]:
    """A driver class bound to one session: Textual builds drivers from a class, not an object."""
    return type("SessionSshDriver", (SshDriver,), {"link": link})
