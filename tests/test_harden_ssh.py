"""Issue 18.5/18.6: a hostile SSH client cannot wedge the server or write into its log: window
sizes clamped, sessions per user limited, client strings escaped, the log private, and serve
ends on SIGTERM whatever its loop is doing."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from floorwatch.ssh.serve import STOP_DEADLINE_SECONDS, setup_logging
from floorwatch.ssh.session import MAX_SIZE, printable, usable_size
from tests.ssh_harness import (
    PtyClient,
    RunningServer,
    needs_openssh,
    ssh_server_fixture,  # noqa: F401  (the ssh_server fixture)
)

REPO = Path(__file__).resolve().parents[1]


async def login(server: RunningServer, user: str = "li.wei", **options) -> PtyClient:  # type: ignore[no-untyped-def]
    return await PtyClient.connect(server.port, server.keys[user], user, **options)


def test_window_sizes_are_clamped() -> None:
    assert usable_size(100_000, 100_000) == MAX_SIZE == (500, 300)
    assert usable_size(120, 40) == (120, 40)
    assert usable_size(0, 0) == (80, 24)


def test_client_strings_are_escaped_for_logs() -> None:
    assert printable("bob\x1b[31m\nINFO fake line") == "bob\\x1b[31m\\x0aINFO fake line"
    assert printable("x" * 500).endswith("...") and len(printable("x" * 500)) == 83
    assert printable("\u202eevil") == "\\u202eevil"


@needs_openssh
async def test_a_huge_window_is_clamped_for_the_app(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    client = await login(server, size=(80, 24))
    await client.wait_for("size=80x24")
    client.resize(900, 400)  # past the clamp (a bigger pyte screen only slows the test)
    await client.wait_for("size=500x300")
    await client.close()


@needs_openssh
async def test_one_user_cannot_take_every_session(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    walls = [await login(server, "wall-3") for _ in range(4)]
    for wall in walls:
        await wall.wait_for("stub user=wall-3")
    fifth = await login(server, "wall-3")
    await fifth.wait_closed()
    assert fifth.exit_status == 1
    assert b"wall-3 already has 4 sessions open (ssh.max_sessions_per_user)" in fifth.raw
    supervisor = await login(server)  # another user still gets in
    await supervisor.wait_for("stub user=li.wei")
    for client in (*walls, supervisor):
        await client.close()


@needs_openssh
async def test_a_hostile_term_is_replaced(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    client = await login(server, term="xterm\x1b]0;pwned\x07")
    await client.wait_for("stub user=li.wei")
    assert server.apps[0].session.term == "xterm-256color"
    await client.close()


def test_a_hostile_login_name_is_escaped_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    # asyncssh's client refuses such names (SASLprep); a raw client can send them.
    from floorwatch.ssh.auth import KeyMatch
    from floorwatch.ssh.server import Gatekeeper

    class Server:
        class keys:
            @staticmethod
            def match(username: str, key: object) -> KeyMatch:
                return KeyMatch(None, "SHA256:x")

        @staticmethod
        def may_log(peer: str) -> bool:
            return True

    gate = Gatekeeper(Server())  # type: ignore[arg-type]
    hostile = "evil\x1b[2J\nINFO login admin"
    with caplog.at_level("WARNING", logger="floorwatch.ssh"):
        gate.begin_auth(hostile)
        gate.validate_public_key(hostile, object())  # type: ignore[arg-type]
        gate.connection_lost(None)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "\x1b" not in text and "\nINFO login admin" not in text
    assert text.count("evil\\x1b[2J\\x0aINFO login admin") == 2


def test_failed_logins_from_one_host_are_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    from floorwatch.ssh.server import LOG_LINES_PER_MINUTE, SshServer

    server = SshServer.__new__(SshServer)
    server._log_budget = {}
    allowed = [server.may_log("10.0.0.9:5000") for _ in range(500)]
    assert sum(allowed) == LOG_LINES_PER_MINUTE
    assert server.may_log("10.0.0.8:5000")  # another host has its own budget


def test_the_serve_log_is_private(tmp_path: Path) -> None:
    import logging

    log_file = tmp_path / "logs" / "serve.log"
    package = logging.getLogger("floorwatch")
    before = list(package.handlers)
    try:
        setup_logging(log_file)
    finally:
        for handler in package.handlers[len(before) :]:
            handler.close()
        package.handlers[:] = before
    assert stat.S_IMODE(os.stat(log_file).st_mode) == 0o600


WEDGED = textwrap.dedent(
    """
    import asyncio, sys, time
    from floorwatch.ssh.serve import wait_for_stop_signal

    async def main():
        waiting = asyncio.ensure_future(wait_for_stop_signal())
        await asyncio.sleep(0.1)
        print("ready", flush=True)
        end = time.monotonic() + 120
        while time.monotonic() < end:  # a loop wedged in Python code (a quadratic handler)
            sum(range(1000))
        await waiting

    asyncio.run(main())
    """
)


def test_sigterm_ends_serve_even_with_a_wedged_loop() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", WEDGED], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=STOP_DEADLINE_SECONDS + 60)
        # Ended by the deadline, not after the 120 s the loop would have kept it.
        assert time.monotonic() - sent < 100
        assert code == 128 + signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
