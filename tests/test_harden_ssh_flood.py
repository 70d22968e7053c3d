"""Issue 18.5: 200 KB of unbracketed bytes from one SSH client (a paste into a terminal without
bracketed paste, or a hostile client) slows nobody else, and `serve` still ends on SIGTERM."""

from __future__ import annotations

import asyncio
import random
import signal
import string
import time
from pathlib import Path

import pytest

from floorwatch.ssh.serve import STOP_DEADLINE_SECONDS
from tests.ssh_harness import (
    PtyClient,
    RunningServer,
    make_client_key,
    needs_openssh,
    public_key_line,
    ssh_server_fixture,  # noqa: F401  (the ssh_server fixture)
    wait_until,
)
from tests.test_ssh_serve_command import free_port, serve, write_config

FLOOD_BYTES = 200 * 1024
ANSWER_SECONDS = 2.0  # the other session's screen changes after a key within this


def flood_bytes(size: int = FLOOD_BYTES, seed: int = 18, alphabet: str | None = None) -> bytes:
    """Text as a paste without brackets delivers it: letters, digits, spaces, newlines, tabs."""
    rng = random.Random(seed)
    alphabet = alphabet or string.ascii_letters + string.digits + " \r\t.,;:-"
    return "".join(rng.choice(alphabet) for _ in range(size)).encode()


async def login(server: RunningServer, user: str) -> PtyClient:
    client = await PtyClient.connect(server.port, server.keys[user], user)
    await client.wait_for(f"stub user={user}")
    return client


async def answer_time(client: PtyClient, keys_before: int) -> float:
    """Seconds from a key typed to the session's screen showing it."""
    started = time.monotonic()
    client.type("x")
    await client.wait_for(f"keys={keys_before + 1} last=x", timeout=30)
    return time.monotonic() - started


@needs_openssh
async def test_a_flood_from_one_client_slows_no_other_session(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server(users=(("li.wei", "supervisor"), ("wall-3", "wall")))
    flooder = await login(server, "li.wei")
    other = await login(server, "wall-3")
    quiet = await answer_time(other, 0)
    flooder.type(flood_bytes().decode())
    await asyncio.sleep(0.2)  # the flood is arriving
    answers = []
    for n in range(1, 4):
        answers.append(await answer_time(other, n))
        await asyncio.sleep(0.1)
    assert max(answers) < ANSWER_SECONDS, (quiet, answers)
    await other.close()
    await flooder.close()


@needs_openssh
async def test_a_flood_is_paced_not_lost(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    client = await login(server, "li.wei")
    letters = "".join(random.Random(5).choice(string.ascii_letters) for _ in range(30_000))
    client.type(letters)
    await client.wait_for(f"keys=30000 last={letters[-1]}", timeout=60)
    await client.close()


@needs_openssh
@pytest.mark.e2e
@pytest.mark.parametrize("app", ["stub", "board"])
async def test_serve_ends_promptly_on_sigterm_during_a_flood(tmp_path: Path, app: str) -> None:
    keys = {name: make_client_key(tmp_path / "keys", name) for name in ("li.wei", "wall-3")}
    users = "users:\n" + "".join(
        f"  - name: {name}\n    role: {role}\n    keys: ['{public_key_line(keys[name])}']\n"
        for name, role in (("li.wei", "supervisor"), ("wall-3", "wall"))
    )
    port = free_port()
    config = write_config(tmp_path, port, users)
    log_file = tmp_path / "serve.log"
    extra = ("--app-factory", "tests.ssh_stub_app:serve_stub") if app == "stub" else ()
    process = serve(config, log_file, *extra)
    try:
        wait_until(lambda: log_file.exists() and "listening on" in log_file.read_text())
        shown = "stub user=" if app == "stub" else "SSH test floor"
        flooder = await PtyClient.connect(port, keys["li.wei"], "li.wei", size=(120, 40))
        other = await PtyClient.connect(port, keys["wall-3"], "wall-3", size=(120, 40))
        for client in (flooder, other):
            await client.wait_for(shown, timeout=60)
        # On the board: digits and spaces (filters and pause, toggled 200,000 times), never a
        # key that opens a screen where some sequence of letters might end the session.
        board_keys = "0123456789 " if app == "board" else None
        flooder.type(flood_bytes(alphabet=board_keys).decode())
        await asyncio.sleep(1.0)  # the flood is being handled
        assert "session end" not in log_file.read_text()  # both sessions are still there
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.to_thread(process.communicate, timeout=60)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    # Sessions ended cleanly (code 0), not by the deadline that ends a wedged loop (143).
    assert process.returncode == 0, (took, err[-2000:])
    assert took < STOP_DEADLINE_SECONDS, err[-2000:]
    assert "shutting down: ending 2 session(s)" in err, err[-3000:]


@needs_openssh
async def test_input_past_the_limit_is_dropped_with_a_notice(ssh_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A link that cannot hold its client back (a browser tab's WebSocket) relies on the limit.
    from floorwatch.ssh import driver as driver_module
    from floorwatch.ssh.terminal import TerminalSession

    monkeypatch.setattr(TerminalSession, "pause_input", lambda self: None)
    monkeypatch.setattr(driver_module, "INPUT_LIMIT", 8 * 1024)
    server = ssh_server()
    client = await PtyClient.connect(server.port, server.keys["li.wei"], "li.wei", size=(100, 30))
    await client.wait_for("stub user=li.wei")
    client.type("a" * 100_000)
    await client.wait_for("characters were dropped", timeout=30)
    session = server.read(lambda: next(iter(server.server.sessions)))
    kept = server.read(lambda: session._driver._backlog_chars)  # type: ignore[union-attr]
    assert kept <= 8 * 1024
    await client.close()
