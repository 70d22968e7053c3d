"""One SSH session channel running one Textual app: the pty, the keys, the screen, the ending."""

from __future__ import annotations

import asyncio
import codecs
import contextvars
import inspect
import io
import logging
import time
from typing import TYPE_CHECKING, Any, Protocol

import asyncssh
from rich.console import Console

from floorwatch.ssh.driver import SshDriver, driver_class_for
from floorwatch.ssh.output import ChannelOutput
from floorwatch.ssh.session import (
    DEFAULT_SIZE,
    AppFactory,
    SshSession,
    color_system_for,
    printable,
    terminal_name,
    usable_size,
)

if TYPE_CHECKING:
    from textual.app import App

    from floorwatch.ssh.auth import Person

log = logging.getLogger("floorwatch.ssh")

EARLY_INPUT_LIMIT = 4096  # keys typed before the app is ready, kept until it is
HOOK_SECONDS = 5.0  # how long an app's on_connection_lost may take (saving a draft)
EXIT_GRACE_SECONDS = 10.0  # after that, an app that has not exited is cancelled

EXEC_REFUSED = (
    "floorwatch: this server only shows the floorwatch board; it does not run commands.\r\n"
    "Connect without a command, with a terminal: ssh -t {user}@HOST -p PORT\r\n"
)
NO_PTY = "floorwatch: the board needs a terminal. Connect with: ssh -t {user}@HOST -p PORT\r\n"
APP_FAILED = "floorwatch: your session ended because of an error; the server's log says why.\r\n"


class _Discard(io.StringIO):
    """The console's file: Textual renders to strings and writes them through the driver."""

    def write(self, text: str) -> int:
        return len(text)


def console_for(session: SshSession) -> Console:
    """A console like Textual's own, but with this client's colour system.

    Textual takes the colour system from the process environment (TEXTUAL_COLOR_SYSTEM) when the
    App is created; every session in one server shares that environment, so each app gets its
    own console instead. Everything Textual renders goes through `app.console`.
    """
    return Console(
        color_system=session.color_system,
        file=_Discard(),
        markup=True,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        force_terminal=True,
        safe_box=False,
        soft_wrap=False,
        _environ={"TERM": session.term},
    )


class SessionHost(Protocol):
    """What a session needs of the server that accepted it (floorwatch.ssh.server.SshServer):
    its limits, a seat, and the person's app. A protocol, so terminal never imports server."""

    app_factory: AppFactory
    max_sessions: int
    output_limit: int

    def admit(self, session: TerminalSession) -> bool: ...

    def release(self, session: TerminalSession) -> None: ...


class HostedApp:
    """The end of one app run inside a server (an SSH session, a browser tab): ask the app to
    close (it saves its draft), cancel it if it hangs, wait for it, repaint after drops."""

    KIND = "session"  # how the log names one
    person: Person
    app: App[Any] | None
    _task: asyncio.Task[None] | None
    _end_reason: str | None
    _force_stop: asyncio.TimerHandle | None
    _driver: SshDriver | None
    _early_input: list[str]  # keys typed before the app was ready

    # -- keys in, and the driver's side (DriverLink) ---------------------------------------------

    def _type(self, text: str) -> None:
        """Keys from the client: to the app, or kept (up to EARLY_INPUT_LIMIT) until it is
        ready."""
        driver = self._driver
        if driver is not None and driver.input_enabled:
            driver.feed(text)
        elif sum(map(len, self._early_input)) + len(text) <= EARLY_INPUT_LIMIT:
            self._early_input.append(text)

    def attach(self, driver: SshDriver) -> None:
        self._driver = driver

    def ready(self) -> None:
        """The app's terminal is set up: hand it whatever the client typed meanwhile."""
        early, self._early_input = "".join(self._early_input), []
        if early and self._driver is not None:
            self._driver.feed(early)

    def end(self, reason: str) -> None:
        """End this app only: let it save what it must, then exit; cancel it if it hangs."""
        if self._end_reason is not None:
            return
        self._end_reason = reason
        if self._task is None or self._task.done():
            return
        app = self.app
        if app is None or not app.call_later(close_app, app):
            self._task.cancel()  # the app never started or is already closing
            return
        self._force_stop = asyncio.get_running_loop().call_later(
            EXIT_GRACE_SECONDS, self._cancel_hung_app
        )

    async def wait(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    def _cancel_hung_app(self) -> None:
        if self._task is not None and not self._task.done():
            log.warning("%s of %s did not exit in time; stopping it", self.KIND, self.person.name)
            self._task.cancel()

    def _repaint(self) -> None:
        """The client caught up after frames were dropped: redraw the whole screen."""
        if self.app is not None:
            # The app's own redraw when it has one: it also forgets what it thinks is shown.
            self.app.call_later(getattr(self.app, "action_redraw", self.app.refresh))


class TerminalSession(HostedApp, asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """An SSH session channel: accepts a pty + shell, refuses commands, runs the person's app."""

    def __init__(self, server: SessionHost, person: Person, peer: str) -> None:
        self._server = server
        self.person = person
        self.peer = peer
        self.size: tuple[int, int] = DEFAULT_SIZE
        self.term = "xterm-256color"
        self.session: SshSession | None = None
        self.app: App[Any] | None = None
        self.output: ChannelOutput
        self._channel: asyncssh.SSHServerChannel[bytes] | None = None
        self._has_pty = False
        self._command: str | None = None
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        self._driver: SshDriver | None = None
        self._early_input: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self._end_reason: str | None = None
        self._force_stop: asyncio.TimerHandle | None = None

    # -- asyncssh callbacks --------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self._channel = chan
        self.output = ChannelOutput(chan, on_drained=self._repaint, limit=self._server.output_limit)

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any
    ) -> bool:
        self._has_pty = True
        self.term = terminal_name(term_type, self.term)  # it reaches logs and Textual
        self.size = usable_size(term_size[0], term_size[1])
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = usable_size(width, height)
        if self._driver is not None:
            self._driver.resize(*self.size)

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to explain the refusal: a rejected request gives the user no reason.
        self._command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        shown = printable(subsystem)
        log.warning("refused subsystem '%s' for %s from %s", shown, self.person.name, self.peer)
        return False

    def session_started(self) -> None:
        user = self.person.name
        if self._command is not None:
            shown = printable(self._command)
            log.warning("refused command '%s' for %s from %s", shown, user, self.peer)
            self._finish_channel(1, EXEC_REFUSED.format(user=user))
        elif not self._has_pty:
            log.warning("refused session without a terminal for %s from %s", user, self.peer)
            self._finish_channel(1, NO_PTY.format(user=user))
        elif (refusal := self._server.admit(self)) is not None:
            log.warning("refused session for %s from %s: %s", user, self.peer, refusal)
            self._finish_channel(1, f"floorwatch: {refusal}.\r\n")
        else:
            # A fresh context: each app sets Textual's active_app in its own task only.
            self._task = asyncio.get_running_loop().create_task(
                self._run_app(), name=f"ssh-session-{user}", context=contextvars.Context()
            )

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:  # type: ignore[override]
        self._type(self._decode(data))

    def eof_received(self) -> bool:
        self.end("client closed its input")
        return True  # keep the channel open until the app has shut down cleanly

    def break_received(self, msec: int) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.output.close()
        self._channel = None
        self.end("connection lost" if exc is None else f"connection lost: {exc}")

    # -- flow control (DriverLink) ----------------------------------------------------------------

    def pause_input(self) -> None:
        if self._channel is not None:
            self._channel.pause_reading()  # the SSH window closes: the client waits

    def resume_input(self) -> None:
        if self._channel is not None:
            self._channel.resume_reading()

    # -- running and ending the app -------------------------------------------------------------

    async def _run_app(self) -> None:
        started = time.monotonic()
        session = self.session = SshSession(
            user=self.person.name,
            role=self.person.role,
            term=self.term,
            size=self.size,
            color_system=color_system_for(self.term, self._environment()),
            peer=self.peer,
            teams=self.person.teams,
        )
        log.info(
            "session start %s (%s) from %s: TERM=%s %dx%d %s colours",
            session.user, session.role, session.peer, session.term, *session.size,
            session.color_system,
        )  # fmt: skip
        status = 1
        errors = io.StringIO()
        try:
            self.app = self._server.app_factory(session)
            self.app.driver_class = driver_class_for(self)
            self.app.console = console_for(session)
            # Textual prints a crashed app's traceback to sys.stderr, which other sessions' apps
            # may be capturing at that moment; keep it and log it instead.
            self.app.error_console = Console(file=errors, width=100, color_system=None)
            await self.app.run_async(mouse=False)
            status = self.app.return_code or 0
        except Exception:
            log.exception("session of %s from %s failed", session.user, session.peer)
            self.output.send(APP_FAILED)
        finally:
            if errors.getvalue():
                log.error(
                    "session of %s from %s crashed:\n%s",
                    session.user, session.peer, errors.getvalue().rstrip(),
                )  # fmt: skip
                self.output.send(APP_FAILED)
            if self._force_stop is not None:
                self._force_stop.cancel()
            self._server.release(self)
            minutes, seconds = divmod(int(time.monotonic() - started), 60)
            log.info(
                "session end %s (%s) from %s after %d:%02d: %s",
                session.user, session.role, session.peer, minutes, seconds,
                self._end_reason or "quit",
            )  # fmt: skip
            self._finish_channel(status)

    def _environment(self) -> dict[str, str]:
        if self._channel is None:
            return {}
        return dict(self._channel.get_environment())

    def _finish_channel(self, status: int, message: str = "") -> None:
        channel, self._channel = self._channel, None
        if channel is None:
            return
        try:
            if message:
                channel.write_stderr(message.encode())
            channel.exit(status)
        except (OSError, EOFError):
            pass  # the client has gone already


async def close_app(app: App[Any]) -> None:
    """Runs inside the app: its `on_connection_lost` hook (e.g. autosave a draft), then exit."""
    hook = getattr(app, "on_connection_lost", None)
    if callable(hook):
        try:
            result = hook()
            if inspect.isawaitable(result):
                await asyncio.wait_for(result, HOOK_SECONDS)
        except Exception:
            log.exception("on_connection_lost failed")
    app.exit()
