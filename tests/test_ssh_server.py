"""The SSH server end to end over real SSH connections, with the stand-in app.

Clients are asyncssh with a pty (screens rendered by pyte) where the test needs many sessions,
exact output bytes, window changes or a client that stops reading; the real OpenSSH client where
the user's experience of a refusal matters.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncssh
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from floorwatch.ssh import SshSession
from tests.ssh_harness import (
    PtyClient,
    RunningServer,
    needs_openssh,
    ssh_argv,
    ssh_server_fixture,  # noqa: F401  (the ssh_server fixture)
    wait_until,
)
from tests.ssh_stub_app import StubApp

pytestmark = needs_openssh


async def login(server: RunningServer, user: str = "li.wei", **options) -> PtyClient:
    return await PtyClient.connect(server.port, server.keys[user], user, **options)


async def test_supervisor_gets_their_own_session_and_keys_reach_it(ssh_server) -> None:
    server = ssh_server()
    client = await login(server)
    await client.wait_for("stub user=li.wei role=supervisor")
    client.type("ab")
    await client.wait_for("keys=2 last=b")
    session = server.apps[0].session
    assert (session.user, session.role, session.term) == ("li.wei", "supervisor", "xterm-256color")
    assert session.peer.startswith("127.0.0.1:")
    await client.close()
    log = await asyncio.to_thread(server.wait_for_log, "logout li.wei (supervisor)")
    assert "login li.wei (supervisor) from 127.0.0.1:" in log


async def test_wall_key_gets_the_wall_role(ssh_server) -> None:
    server = ssh_server()
    client = await login(server, "wall-3")
    await client.wait_for("stub user=wall-3 role=wall")
    assert server.apps[0].session.is_wall
    await client.close()


async def test_unknown_key_and_another_users_key_are_refused(ssh_server) -> None:
    server = ssh_server()
    with pytest.raises(asyncssh.PermissionDenied):
        await PtyClient.connect(server.port, server.stranger_key, "li.wei")
    with pytest.raises(asyncssh.PermissionDenied):
        await PtyClient.connect(server.port, server.keys["wall-3"], "li.wei")
    log = await asyncio.to_thread(server.wait_for_log, "closed without login")
    assert log.count("refused 'li.wei' from 127.0.0.1:") == 2
    assert server.apps == []


def test_openssh_client_with_unknown_key_is_refused(ssh_server) -> None:
    server = ssh_server()
    result = subprocess.run(
        ssh_argv(server.port, server.stranger_key, "li.wei"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    # Password and keyboard-interactive are offered only to be refused and logged
    # (tests/test_harden_ssh_auth.py); in batch mode the client does not try them.
    assert "Permission denied (publickey,keyboard-interactive,password)" in result.stderr
    server.wait_for_log("refused 'li.wei' from 127.0.0.1:")


def test_a_command_is_refused_with_a_message(ssh_server) -> None:
    server = ssh_server()
    result = subprocess.run(
        [*ssh_argv(server.port, server.keys["li.wei"], "li.wei", tty=False), "cat /etc/passwd"],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert "does not run commands" in result.stderr
    assert "root:" not in result.stdout
    assert "refused command 'cat /etc/passwd' for li.wei" in server.log_text()
    assert server.apps == []
    # The connection logged in, so it logs its logout too.
    server.wait_for_log("logout li.wei (supervisor) from 127.0.0.1:")


def test_a_session_without_a_terminal_is_refused_with_a_message(ssh_server) -> None:
    server = ssh_server()
    result = subprocess.run(
        ssh_argv(server.port, server.keys["li.wei"], "li.wei", tty=False),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr
    log = server.wait_for_log("logout li.wei (supervisor) from 127.0.0.1:")
    assert "1 session: closed" in log


async def test_port_forwarding_is_refused(ssh_server) -> None:
    server = ssh_server()
    connection = await asyncssh.connect(
        "127.0.0.1",
        server.port,
        username="li.wei",
        client_keys=[str(server.keys["li.wei"])],
        known_hosts=None,
        agent_path=None,
        config=None,
    )
    async with connection:
        with pytest.raises(asyncssh.ChannelOpenError):
            await connection.open_connection("127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await connection.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
    # Who asked for what, then the logout of a connection that never opened a session.
    log = await asyncio.to_thread(server.wait_for_log, "0 sessions: closed")
    assert f"refused forwarding (a connection to 127.0.0.1:{server.port}) for li.wei" in log
    assert "refused forwarding (listening on 127.0.0.1:0) for li.wei from 127.0.0.1:" in log
    assert "logout li.wei (supervisor) from 127.0.0.1:" in log


async def test_agent_and_x11_forwarding_are_refused_and_logged(ssh_server, tmp_path) -> None:
    server = ssh_server()
    connection = await asyncssh.connect(
        "127.0.0.1",
        server.port,
        username="li.wei",
        client_keys=[str(server.keys["li.wei"])],
        known_hosts=None,
        agent_path=None,
        agent_forwarding=str(tmp_path / "agent.sock"),  # never used: the server refuses
        config=None,
    )
    async with connection:
        # The pty session asks for X11 and the agent; both are refused, the board still opens.
        channel, _ = await connection.create_session(
            asyncssh.SSHClientSession,
            term_type="xterm-256color",
            term_size=(80, 24),
            encoding=None,
            x11_forwarding="ignore_failure",
            x11_display="127.0.0.1:99",
            x11_auth_path=str(tmp_path / "no-xauthority"),
        )
        await asyncio.to_thread(server.wait_for_log, "session start li.wei (supervisor)")
        await asyncio.to_thread(server.wait_for_log, "refused forwarding (the ssh agent)")
        channel.close()
    log = await asyncio.to_thread(server.wait_for_log, "logout li.wei (supervisor)")
    assert "refused forwarding (the ssh agent) for li.wei from 127.0.0.1:" in log
    assert "refused forwarding (X11 display) for li.wei from 127.0.0.1:" in log
    assert "session start li.wei (supervisor)" in log


def test_host_key_is_created_private_and_its_fingerprint_is_what_clients_see(
    ssh_server,
) -> None:
    server = ssh_server()
    assert server.host_key.stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(server.host_key)], capture_output=True, text=True
    )
    assert server.server.fingerprint in listed.stdout
    assert server.server.host_key_created


async def test_resize_reaches_the_app(ssh_server) -> None:
    server = ssh_server()
    client = await login(server, size=(80, 24))
    await client.wait_for("size=80x24")
    client.resize(100, 30)
    await client.wait_for("size=100x30")


async def test_colors_are_256_unless_the_client_announces_truecolor(ssh_server) -> None:
    server = ssh_server()
    plain = await login(server)
    truecolor = await login(server, env={"COLORTERM": "truecolor"})
    await plain.wait_for("colors=256")
    await truecolor.wait_for("colors=truecolor")
    # The banner's background is #123456 (18, 52, 86): 24-bit only where announced.
    assert b"48;2;18;52;86" in truecolor.raw
    assert b"48;2;" not in plain.raw
    assert b"48;5;" in plain.raw


def session_count(server: RunningServer) -> int:
    return server.read(lambda: len(server.server.sessions))


async def test_twenty_sessions_render_and_a_dropped_one_ends_only_itself(ssh_server) -> None:
    server = ssh_server(max_sessions_per_user=10)
    streams = server.read(lambda: (sys.stdout, sys.stderr))
    clients = [await login(server, "li.wei" if n % 2 else "wall-3") for n in range(20)]
    for client in clients:
        await client.wait_for("stub user=")
    assert session_count(server) == 20

    clients[3].drop()
    await asyncio.to_thread(wait_until, lambda: session_count(server) == 19)
    dropped = [app for app in server.apps if app.connection_lost_calls]
    assert len(dropped) == 1
    for client in clients[:3] + clients[4:]:
        client.type("x")
        await client.wait_for("keys=1 last=x")
    log = await asyncio.to_thread(server.wait_for_log, "connection lost")
    assert log.count("logout ") == 1
    for client in clients[:3] + clients[4:]:
        await client.close()
    await asyncio.to_thread(wait_until, lambda: session_count(server) == 0)
    # Every app redirected the process's stdout and stderr while it ran; they are back.
    assert server.read(lambda: (sys.stdout, sys.stderr)) == streams


class FloodApp(App[None]):
    """Repaints a full screen of changing text as fast as Textual will, forever."""

    def __init__(self, session: SshSession) -> None:
        super().__init__()
        self.session = session
        self.frame = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="flood", markup=False)

    def on_mount(self) -> None:
        self.set_interval(0.01, self.tick)

    def tick(self) -> None:
        self.frame += 1
        width, height = self.size
        line = f"frame {self.frame} ".ljust(width, "#")
        self.query_one("#flood", Static).update("\n".join(line for _ in range(height)))


def flood_or_stub(session: SshSession) -> App:
    return FloodApp(session) if session.user == "flood" else StubApp(session)


async def test_a_stalled_client_drops_frames_and_never_stalls_the_others(ssh_server) -> None:
    limit = 64 * 1024
    server = ssh_server(
        factory=flood_or_stub,
        users=(("flood", "supervisor"), ("li.wei", "supervisor")),
        output_limit=limit,
    )
    stalled = await login(server, "flood", size=(200, 60), window=64 * 1024)
    await stalled.wait_for("frame")
    stalled.pause_reading()
    flood_session = server.read(lambda: next(iter(server.server.sessions)))

    def dropped_frames() -> int:
        return server.read(lambda: flood_session.output.frames_dropped)

    await asyncio.to_thread(wait_until, lambda: dropped_frames() > 5)

    other = await login(server)
    for n in range(1, 4):
        other.type("k")
        await other.wait_for(f"keys={n} last=k")

    # The backlog stays bounded: at most the limit plus the one frame that crossed it.
    backlog = server.read(lambda: flood_session._channel.get_write_buffer_size())
    assert backlog < limit + 2 * 200 * 60 * 4

    stalled.resume_reading()
    before = server.read(lambda: flood_session.output.frames_sent)
    await asyncio.to_thread(
        wait_until, lambda: server.read(lambda: flood_session.output.frames_sent) > before
    )
    await stalled.wait_for("frame")
    await other.close()
    await stalled.close()


async def test_quitting_the_app_closes_the_connection(ssh_server) -> None:
    server = ssh_server()
    client = await login(server)
    await client.wait_for("stub user=li.wei")
    client.type("\x11")  # ctrl+q, Textual's quit
    await client.wait_closed()
    assert client.exit_status == 0
    await asyncio.to_thread(server.wait_for_log, "session end li.wei (supervisor)")
    await client.close()  # the session ended; the connection's logout comes when it closes
    log = await asyncio.to_thread(server.wait_for_log, "logout li.wei (supervisor)")
    assert "1 session: closed" in log


async def test_closing_the_server_ends_sessions_through_the_apps_hook(ssh_server) -> None:
    server = ssh_server()
    client = await login(server)
    await client.wait_for("stub user=li.wei")
    await asyncio.to_thread(server.stop)
    await client.wait_closed()
    assert server.apps[0].connection_lost_calls == 1
    assert "server shutting down" in server.log_text()


class CrashApp(StubApp):
    """The stub, with a bug behind the "!" key."""

    def on_key(self, event) -> None:
        if event.character == "!":
            raise RuntimeError("bug behind the ! key")
        super().on_key(event)


def crash_or_stub(session: SshSession) -> App:
    return CrashApp(session) if session.user == "crash" else StubApp(session)


async def test_a_crashing_app_ends_its_own_session_and_is_logged(ssh_server) -> None:
    server = ssh_server(
        factory=crash_or_stub, users=(("crash", "supervisor"), ("li.wei", "supervisor"))
    )
    crashing = await login(server, "crash")
    other = await login(server)
    await crashing.wait_for("stub user=crash")
    await other.wait_for("stub user=li.wei")
    crashing.type("!")
    await crashing.wait_closed()
    assert crashing.exit_status == 1
    assert b"your session ended because of an error" in crashing.raw
    other.type("k")
    await other.wait_for("keys=1 last=k")
    log = await asyncio.to_thread(server.wait_for_log, "bug behind the ! key")
    assert "session of crash from 127.0.0.1:" in log
    await other.close()


async def test_sessions_beyond_the_maximum_are_refused_with_a_message(ssh_server) -> None:
    server = ssh_server(max_sessions=2)
    first, second = await login(server), await login(server)
    await first.wait_for("stub user=")
    await second.wait_for("stub user=")
    third = await login(server)
    await third.wait_closed()
    assert third.exit_status == 1
    assert b"has 2 sessions open, its maximum" in third.raw
    await first.close()
    await second.close()
