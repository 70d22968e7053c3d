"""Reusable pieces for the SSH tests: client keys, a server in a thread, and two kinds of client.

- `ssh_server` (a pytest fixture): `ssh_server(factory=..., users=...)` starts an `SshServer` on a
  free loopback port in its own thread and event loop, with fresh client keys in tmp_path, and
  returns a `RunningServer` (port, keys by user, log file). Stopped at the end of the test.
  Import it into a test module with
  `from tests.ssh_harness import ssh_server_fixture  # noqa: F401`.
- `ssh_argv(...)`: the real OpenSSH client command line for that server (for tmux or subprocess).
- `PtyClient`: an asyncssh client with a pty whose output feeds a pyte screen, for tests that
  need many sessions, exact bytes, window changes or a client that stops reading.

Waits are bounded polls of a condition, never sleeps that assume a speed.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncssh
import pyte
import pytest

from floorwatch.config.types import SshConfig, SshUser
from floorwatch.ssh.server import SshServer
from floorwatch.ssh.session import AppFactory
from tests.ssh_stub_app import make_stub_app

T = TypeVar("T")

needs_openssh = pytest.mark.skipif(
    shutil.which("ssh") is None or shutil.which("ssh-keygen") is None,
    reason="the OpenSSH client (ssh, ssh-keygen) is not installed",
)

DEFAULT_USERS = (("li.wei", "supervisor"), ("wall-3", "wall"))
WAIT_SECONDS = 20.0


def make_client_key(folder: Path, name: str) -> Path:
    """A fresh passphrase-less ed25519 key pair; returns the private key's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def public_key_line(private_key: Path) -> str:
    return Path(f"{private_key}.pub").read_text().strip()


@dataclass
class RunningServer:
    """A started SshServer, driven from the test's thread."""

    server: SshServer
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    keys: dict[str, Path]  # user name -> private key
    stranger_key: Path  # a key nobody listed
    log_path: Path
    host_key: Path
    apps: list[Any] = field(default_factory=list)  # every app the factory built, in order

    @property
    def port(self) -> int:
        return self.server.port

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = WAIT_SECONDS) -> T:
        """Run a coroutine in the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def read(self, function: Callable[[], T]) -> T:
        """Evaluate `function` in the server's loop thread (for its state, race-free)."""

        async def evaluate() -> T:
            return function()

        return self.call(evaluate())

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for_log(self, text: str, timeout: float = WAIT_SECONDS) -> str:
        return wait_until(lambda: text in self.log_text(), timeout, lambda: self.log_text())

    def stop(self) -> None:
        if self.thread.is_alive():
            self.call(self.server.close(), timeout=60)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)


def wait_until(
    condition: Callable[[], bool],
    timeout: float = WAIT_SECONDS,
    describe: Callable[[], str] = lambda: "",
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return describe()
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s; state:\n{describe()}")


def start_server(
    tmp_path: Path,
    factory: AppFactory = make_stub_app,
    users: tuple[tuple[str, str], ...] = DEFAULT_USERS,
    **server_options: Any,
) -> RunningServer:
    keys = {name: make_client_key(tmp_path / "client-keys", name) for name, _ in users}
    stranger = make_client_key(tmp_path / "client-keys", "stranger")
    config = SshConfig(
        listen="127.0.0.1:0",
        host_key=tmp_path / "server" / "host_ed25519",
        users=tuple(SshUser(name, role, (public_key_line(keys[name]),)) for name, role in users),
    )
    apps: list[Any] = []

    def recording_factory(session: Any) -> Any:
        app = factory(session)
        apps.append(app)
        return app

    server = SshServer(config, recording_factory, **server_options)
    log_path = tmp_path / "server.log"
    loop = asyncio.new_event_loop()
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except BaseException as error:
            failure.append(error)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="ssh-test-server", daemon=True)
    thread.start()
    started.wait(30)
    if failure:
        raise failure[0]
    return RunningServer(
        server=server,
        loop=loop,
        thread=thread,
        keys=keys,
        stranger_key=stranger,
        log_path=log_path,
        host_key=config.host_key,  # type: ignore[arg-type]
        apps=apps,
    )


@pytest.fixture(name="ssh_server")
def ssh_server_fixture(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """`ssh_server(factory=make_stub_app, users=DEFAULT_USERS, **SshServer options)`."""
    running: list[RunningServer] = []
    logger = logging.getLogger("floorwatch.ssh")
    handler = logging.FileHandler(tmp_path / "server.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def start(**options: Any) -> RunningServer:
        server = start_server(tmp_path, **options)
        running.append(server)
        return server

    try:
        yield start
    finally:
        for server in running:
            server.stop()
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        handler.close()


def ssh_argv(port: int, key: Path, user: str, *extra: str, tty: bool = True) -> list[str]:
    """The real OpenSSH client, isolated from the user's ssh config, agent and known hosts."""
    return [
        "ssh", "-F", "/dev/null", *(["-tt"] if tty else ["-T"]),
        "-i", str(key), "-p", str(port),
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR", *extra, f"{user}@127.0.0.1",
    ]  # fmt: skip


class _Collector(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    def __init__(self, client: PtyClient) -> None:
        self._client = client

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:  # type: ignore[override]
        self._client.receive(data)

    def exit_status_received(self, status: int) -> None:
        self._client.exit_status = status

    def connection_lost(self, exc: Exception | None) -> None:
        self._client.closed = True


class PtyClient:
    """An SSH client with a pty, whose output is rendered on a pyte screen."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.raw = bytearray()
        self.screen = pyte.Screen(*size)
        self._stream = pyte.ByteStream(self.screen)
        self.exit_status: int | None = None
        self.closed = False
        self._connection: asyncssh.SSHClientConnection | None = None
        self._channel: asyncssh.SSHClientChannel[bytes] | None = None

    @classmethod
    async def connect(
        cls,
        port: int,
        key: Path,
        user: str,
        *,
        size: tuple[int, int] = (80, 24),
        term: str = "xterm-256color",
        env: dict[str, str] | None = None,
        window: int = 2 * 1024 * 1024,
    ) -> PtyClient:
        """Log in and open a pty session; `window` is how much the client lets the server send
        ahead of what it has read (OpenSSH's 2 MiB by default)."""
        client = cls(size)
        client._connection = await asyncssh.connect(
            "127.0.0.1",
            port,
            username=user,
            client_keys=[str(key)],
            known_hosts=None,
            agent_path=None,
            config=None,
        )
        client._channel, _ = await client._connection.create_session(
            lambda: _Collector(client),
            term_type=term,
            term_size=size,
            env=env or {},
            encoding=None,
            window=window,
        )
        return client

    def receive(self, data: bytes) -> None:
        self.raw.extend(data)
        self._stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, text: str, timeout: float = WAIT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.text():
                return self.text()
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {text!r}; the screen was:\n{self.text()}")

    async def wait_closed(self, timeout: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert self.closed, "the server did not close the session"

    def type(self, text: str) -> None:
        assert self._channel is not None
        self._channel.write(text.encode())

    def resize(self, columns: int, rows: int) -> None:
        assert self._channel is not None
        self.screen.resize(rows, columns)
        self._channel.change_terminal_size(columns, rows)

    def pause_reading(self) -> None:
        assert self._channel is not None
        self._channel.pause_reading()

    def resume_reading(self) -> None:
        assert self._channel is not None
        self._channel.resume_reading()

    def drop(self) -> None:
        """Vanish like a closed laptop: the TCP connection goes, no SSH goodbye."""
        assert self._connection is not None
        self._connection.abort()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            await self._connection.wait_closed()
