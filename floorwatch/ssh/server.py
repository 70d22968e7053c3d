"""`SshServer`: listens, authenticates by public key, and runs a Textual app per session."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncssh

from floorwatch.config.types import SshConfig
from floorwatch.ssh.auth import (
    KeyBook,
    Person,
    SshSetupError,
    host_key_path,
    load_or_create_host_key,
)
from floorwatch.ssh.output import DEFAULT_LIMIT
from floorwatch.ssh.session import AppFactory, printable
from floorwatch.ssh.terminal import TerminalSession

log = logging.getLogger("floorwatch.ssh")

MAX_SESSIONS = 64
CLOSE_SECONDS = 5.0  # sessions ending at shutdown (a draft saved takes milliseconds)
# Dead peers (laptop lid closed, network gone) are noticed after about 2 minutes.
KEEPALIVE_SECONDS = 30
KEEPALIVE_MISSES = 4
LOGIN_SECONDS = 60
LOG_LINES_PER_MINUTE = 10  # failed logins logged per peer host; a flood is summarised
LOG_WINDOW_SECONDS = 60.0
# Password and keyboard-interactive logins are offered only so that attempts show in the log:
# they never succeed. The prompt a keyboard-interactive client is shown, as sshd words it.
KBDINT_PROMPT = "Password: "


def parse_listen(text: str) -> tuple[str, int]:
    """'HOST:PORT' (IPv6 as '[::1]:2222') as (host, port); port 0 picks a free port."""
    host, colon, port = text.strip().rpartition(":")
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise SshSetupError(f"ssh.listen must be HOST:PORT, like 127.0.0.1:2222 (got {text!r})")
    return host, int(port)


def format_peer(peername: Any) -> str:
    if not peername:
        return "unknown"
    host, port = peername[0], peername[1]
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


class Gatekeeper(asyncssh.SSHServer):
    """One SSH connection's authentication: public keys from ssh.users, nothing else.

    Password and keyboard-interactive logins are offered and always refused, so that someone
    guessing passwords is logged (login name escaped, peer, method; never the password) instead
    of being turned away before trying; the log lines are rate-limited per peer host."""

    def __init__(self, server: SshServer) -> None:
        self._server = server
        self.peer = "unknown"
        self._login = ""
        self._candidate: tuple[Person, str] | None = None
        self.person: Person | None = None
        self._refused: set[str] = set()
        self._login_at = 0.0
        self.sessions = 0  # terminal sessions opened on this connection

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.peer = format_peer(conn.get_extra_info("peername"))
        # asyncssh refuses agent and X11 forwarding (both off in create_server) without asking
        # this object, so wrap the connection's two methods that refuse them: the log says so.
        create_agent_listener = conn.create_agent_listener
        attach_x11_listener = conn.attach_x11_listener

        async def agent_listener() -> bool:
            created = await create_agent_listener()
            if not created:
                self._refuse_forward("the ssh agent")
            return created

        async def x11_listener(
            chan: asyncssh.SSHServerChannel[Any], auth_proto: bytes, auth_data: bytes, screen: int
        ) -> str | None:
            display = await attach_x11_listener(chan, auth_proto, auth_data, screen)
            if not display:
                self._refuse_forward("X11 display")
            return display

        conn.create_agent_listener = agent_listener  # type: ignore[method-assign]
        conn.attach_x11_listener = x11_listener  # type: ignore[method-assign]

    def begin_auth(self, username: str) -> bool:
        self._login = username
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        self._refuse_guess(username, "a password")
        return False  # never: keys are the only way in

    def change_password(self, username: str, old_password: str, new_password: str) -> bool:
        self._refuse_guess(username, "a password change")
        return False

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(
        self, username: str, lang: str, submethods: str
    ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        return "", "", "", [(KBDINT_PROMPT, False)]  # asked like sshd, answered the same way

    def validate_kbdint_response(self, username: str, responses: Sequence[str]) -> bool:
        self._refuse_guess(username, "keyboard-interactive")
        return False

    def _refuse_guess(self, username: str, method: str) -> None:
        if self._server.may_log(self.peer):
            log.warning(
                "refused '%s' from %s: tried %s; only listed keys can log in",
                printable(username), self.peer, method,
            )  # fmt: skip

    def host_based_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        match = self._server.keys.match(username, key)
        if match.person is not None:
            self._candidate = (match.person, match.fingerprint)
            return True
        if match.fingerprint not in self._refused:  # the client asks, then signs: log once
            self._refused.add(match.fingerprint)
            if self._server.may_log(self.peer):
                log.warning(
                    "refused '%s' from %s: key %s is not listed for that user",
                    printable(username), self.peer, match.fingerprint,
                )  # fmt: skip
        return False

    def auth_completed(self) -> None:
        if self._candidate is None:  # pragma: no cover - asyncssh only completes after a key
            return
        self.person, fingerprint = self._candidate
        self._login_at = time.monotonic()
        log.info(
            "login %s (%s) from %s with key %s",
            self.person.name, self.person.role, self.peer, fingerprint,
        )  # fmt: skip

    def session_requested(self) -> TerminalSession | bool:
        if self.person is None:
            return False
        self.sessions += 1
        return TerminalSession(self._server, self.person, self.peer)

    # Forwarding of any kind is refused; the log says who asked for what.
    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        self._refuse_forward(f"a connection to {dest_host}:{dest_port}")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self._refuse_forward(f"listening on {listen_host or '*'}:{listen_port}")
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        self._refuse_forward(f"a connection to the socket {dest_path}")
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        self._refuse_forward(f"listening on the socket {listen_path}")
        return False

    def _refuse_forward(self, what: str) -> None:
        who = self.person.name if self.person is not None else repr(self._login)
        log.warning("refused forwarding (%s) for %s from %s", what, who, self.peer)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.person is None:
            if self._server.may_log(self.peer):
                login = printable(self._login) if self._login else "(no login name)"
                log.warning("connection from %s as '%s' closed without login", self.peer, login)
            return
        # Every connection that logged in logs its logout: also one whose session was refused
        # (a command, no terminal) or that never opened one (forwarding only).
        minutes, seconds = divmod(int(time.monotonic() - self._login_at), 60)
        sessions = f"{self.sessions} session" + ("" if self.sessions == 1 else "s")
        log.info(
            "logout %s (%s) from %s after %d:%02d, %s: %s",
            self.person.name, self.person.role, self.peer, minutes, seconds, sessions,
            "connection lost" if exc is not None else "closed",
        )  # fmt: skip


class SshServer:
    """The SSH front door of one floor: every session gets `app_factory(session)`.

    Use as `async with SshServer(config.ssh, factory) as server: await server.wait_closed()`,
    or call `start()` and `close()`. `start()` prints nothing; the caller reports
    `fingerprint` and `port`.
    """

    def __init__(
        self,
        ssh: SshConfig,
        app_factory: AppFactory,
        *,
        listen: str | None = None,
        data_dir: Path | None = None,
        max_sessions: int = MAX_SESSIONS,
        max_sessions_per_user: int | None = None,  # default: ssh.max_sessions_per_user
        output_limit: int = DEFAULT_LIMIT,
    ) -> None:
        self.keys = KeyBook(ssh.users)
        if not len(self.keys):
            raise SshSetupError("ssh.users is empty: nobody could log in. Add a user with keys.")
        self.host, self.port = parse_listen(listen or ssh.listen)
        self.host_key_path = host_key_path(ssh, data_dir)
        self.app_factory = app_factory
        self.max_sessions = max_sessions
        self.max_per_user = max_sessions_per_user or ssh.max_sessions_per_user
        self._log_budget: dict[str, tuple[float, int]] = {}
        self.output_limit = output_limit
        self.fingerprint = ""
        self.host_key_created = False
        self.sessions: set[TerminalSession] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._closed = asyncio.Event()
        self._streams: tuple[Any, Any] | None = None

    async def start(self) -> None:
        key, self.host_key_created = load_or_create_host_key(self.host_key_path)
        self.fingerprint = key.get_fingerprint()
        self._streams = (sys.stdout, sys.stderr)
        try:
            self._acceptor = await asyncssh.create_server(
                lambda: Gatekeeper(self),
                self.host,
                self.port,
                server_host_keys=[key],
                encoding=None,  # bytes: the session decodes keys itself, tolerating bad UTF-8
                line_editor=False,
                allow_pty=True,
                public_key_auth=True,
                password_auth=True,  # offered to be refused and logged (Gatekeeper)
                kbdint_auth=True,
                host_based_auth=False,
                gss_host=None,
                gss_kex=False,
                gss_auth=False,
                agent_forwarding=False,
                x11_forwarding=False,
                allow_scp=False,
                keepalive_interval=KEEPALIVE_SECONDS,
                keepalive_count_max=KEEPALIVE_MISSES,
                login_timeout=LOGIN_SECONDS,
                server_version="floorwatch",
            )
        except OSError as error:
            raise SshSetupError(
                f"cannot listen on {self.host}:{self.port}: {error.strerror or error}"
            ) from None
        self.port = self._acceptor.get_port() or self.port
        log.info(
            "listening on %s:%d, host key %s (%s)",
            self.host, self.port, self.fingerprint, self.host_key_path,
        )  # fmt: skip

    def admit(self, session: TerminalSession) -> str | None:
        """Take the session, or say why not: the server is full, or its user already has
        ssh.max_sessions_per_user open (one wall key cannot take every slot)."""
        if len(self.sessions) >= self.max_sessions:
            return f"the server has {self.max_sessions} sessions open, its maximum. Try again later"
        name = session.person.name
        open_now = sum(1 for other in self.sessions if other.person.name == name)
        if open_now >= self.max_per_user:
            return f"{name} already has {open_now} sessions open (ssh.max_sessions_per_user)"
        self.sessions.add(session)
        return None

    def may_log(self, peer: str) -> bool:
        """Whether a line about this peer's failed login may be logged now: at most
        LOG_LINES_PER_MINUTE per peer host and minute, then one line at the minute's end
        saying how many were left out."""
        host = peer.rsplit(":", 1)[0]
        now = time.monotonic()
        began, count = self._log_budget.get(host, (now, 0))
        if now - began >= LOG_WINDOW_SECONDS:
            self._summarise(host)
            began, count = now, 0
        self._log_budget[host] = (began, count + 1)
        if count == LOG_LINES_PER_MINUTE:  # the first line left out: say so when the minute ends
            with contextlib.suppress(RuntimeError):  # no loop (a unit test): said at the next line
                asyncio.get_running_loop().call_later(
                    began + LOG_WINDOW_SECONDS - now, self._summarise, host, began
                )
        if len(self._log_budget) > 10_000:  # a flood from many addresses: start again
            self._log_budget.clear()
        return count < LOG_LINES_PER_MINUTE

    def _summarise(self, host: str, window: float | None = None) -> None:
        began, count = self._log_budget.get(host, (0.0, 0))
        if count > LOG_LINES_PER_MINUTE and window in (None, began):
            left_out = count - LOG_LINES_PER_MINUTE
            log.warning("%d more failed logins from %s left out of the log", left_out, host)
            self._log_budget[host] = (began, LOG_LINES_PER_MINUTE)

    def release(self, session: TerminalSession) -> None:
        self.sessions.discard(session)
        if not self.sessions and self._streams is not None:
            # Each running Textual app redirects sys.stdout/stderr to its own capture and
            # restores what it found; apps that overlap restore each other's. Put back ours.
            sys.stdout, sys.stderr = self._streams

    async def close(self) -> None:
        """Stop listening, end every session cleanly (apps may save drafts), then return."""
        if self._acceptor is not None:
            self._acceptor.close()
        sessions = list(self.sessions)
        for session in sessions:
            session.end("server shutting down")
        if sessions:
            await asyncio.wait(
                [asyncio.ensure_future(session.wait()) for session in sessions],
                timeout=CLOSE_SECONDS,
            )
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
            self._acceptor = None
        self._closed.set()

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def __aenter__(self) -> SshServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
