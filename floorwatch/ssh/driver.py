"""A Textual driver whose terminal is an SSH channel, for many apps in one event loop.

Textual's Linux driver owns the process's terminal: it reads stdin in a thread, installs signal
handlers (SIGWINCH, SIGTSTP) and writes to stderr from a writer thread. None of that may happen
once per session inside a server. `SshDriver` instead
- receives bytes from the session (already in the loop's thread) and runs them through Textual's
  own `XTermParser`, so keys, Escape/Alt (ESC + key, resolved after Textual's ESCDELAY), bracketed
  paste and focus events behave exactly as in a local terminal;
- gets the size from the pty request and each window-change, and posts `events.Resize`;
- collects each frame's writes and hands them to `ChannelOutput`, which drops frames for a client
  that is not reading (and repaints in full once it catches up);
- leaves mouse reporting off unless the app is run with `mouse=True`.
"""

from __future__ import annotations

import asyncio
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


class DriverLink(Protocol):
    """What the driver needs from its SSH session."""

    output: ChannelOutput
    size: tuple[int, int]

    def attach(self, driver: SshDriver) -> None: ...

    def ready(self) -> None: ...


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

    # -- input ---------------------------------------------------------------------------------

    @property
    def input_enabled(self) -> bool:
        return self._input_enabled

    def feed(self, text: str) -> None:
        """Keys (and terminal replies) typed by the client, decoded to text."""
        if not self._input_enabled:
            return
        for message in self._parser.feed(text):
            self.process_message(message)
        self._schedule_escape_tick()

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
