"""The SSH pieces on their own: colours, keys, listen address, host key, output, driver."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import asyncssh
import pytest

from floorwatch.config.types import SshConfig, SshUser
from floorwatch.ssh.auth import KeyBook, SshSetupError, load_or_create_host_key
from floorwatch.ssh.driver import SshDriver, driver_class_for
from floorwatch.ssh.output import ChannelOutput
from floorwatch.ssh.server import SshServer, parse_listen
from floorwatch.ssh.session import SshSession, color_system_for, usable_size
from floorwatch.ssh.terminal import console_for
from tests.ssh_stub_app import StubApp


def public_line(comment: str) -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key().decode().strip()


# -- session ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "env", "expected"),
    [
        ("xterm-256color", {}, "256"),
        ("xterm-256color", {"COLORTERM": "truecolor"}, "truecolor"),
        ("tmux-256color", {"COLORTERM": "24bit"}, "truecolor"),
        ("xterm-direct", {}, "truecolor"),
        ("xterm", {"COLORTERM": "yes"}, "256"),
        ("linux", {}, "standard"),
    ],
)
def test_color_system_is_256_unless_truecolor_is_announced(term, env, expected) -> None:
    assert color_system_for(term, env) == expected


def test_a_zero_pty_size_falls_back_to_80x24() -> None:
    assert usable_size(0, 0) == (80, 24)
    assert usable_size(132, 43) == (132, 43)


def test_each_session_console_renders_with_its_own_color_system() -> None:
    def session(colors: str) -> SshSession:
        return SshSession("a", "wall", "xterm", (80, 24), colors, "peer")  # type: ignore[arg-type]

    assert console_for(session("truecolor")).color_system == "truecolor"
    assert console_for(session("256")).color_system == "256"


# -- keys -------------------------------------------------------------------------------------


def test_a_key_logs_in_only_as_the_user_it_is_listed_for() -> None:
    li_key = asyncssh.generate_private_key("ssh-ed25519")
    wall_key = asyncssh.generate_private_key("ssh-ed25519")
    # authorized_keys options before the key are accepted (and not interpreted)
    wall_line = 'from="10.0.0.0/8" ' + wall_key.export_public_key().decode()
    book = KeyBook(
        (
            SshUser("li.wei", "supervisor", (li_key.export_public_key().decode(),)),
            SshUser("wall-3", "wall", (wall_line,)),
        )
    )
    assert book.match("li.wei", li_key).person.role == "supervisor"
    assert book.match("wall-3", wall_key).person.role == "wall"
    assert book.match("li.wei", wall_key).person is None
    assert book.match("nobody", li_key).person is None


def test_every_bad_user_entry_is_reported_at_once() -> None:
    with pytest.raises(SshSetupError) as raised:
        KeyBook(
            (
                SshUser("li.wei", "admin", (public_line("a"),)),
                SshUser("ana", "supervisor", ("ssh-ed25519 not-base64!",)),
                SshUser("bo", "wall", ("hello world",)),
                SshUser("bo", "wall", ()),
            )
        )
    message = str(raised.value)
    assert (
        "ssh.users[0] ('li.wei'): role must be supervisor, manager or wall (got 'admin')" in message
    )
    assert "ssh.users[1] ('ana') keys[0]: cannot read public key" in message
    assert "ssh.users[2] ('bo') keys[0]: not an OpenSSH public key" in message
    assert "ssh.users[3] ('bo'): the name 'bo' is listed twice" in message


def test_a_server_without_users_is_refused_before_it_listens() -> None:
    with pytest.raises(SshSetupError, match=r"ssh\.users is empty"):
        SshServer(SshConfig(), lambda session: StubApp(session))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:2222", ("127.0.0.1", 2222)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
        ("[::1]:22", ("::1", 22)),
    ],
)
def test_listen_address(text, expected) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["2222", ":2222", "host:", "host:http", "host:70000"])
def test_bad_listen_address_says_what_is_expected(text) -> None:
    with pytest.raises(SshSetupError, match=r"ssh\.listen must be HOST:PORT"):
        parse_listen(text)


# -- host key ---------------------------------------------------------------------------------


def test_host_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "state" / "host_key"
    key, created = load_or_create_host_key(path)
    assert created
    assert path.stat().st_mode & 0o777 == 0o600
    again, created_again = load_or_create_host_key(path)
    assert not created_again
    assert again.get_fingerprint() == key.get_fingerprint()


def test_a_host_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    load_or_create_host_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(SshSetupError, match=r"readable by other users .* chmod 600"):
        load_or_create_host_key(path)


def test_a_host_key_that_is_not_a_key_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    path.write_text("not a key\n")
    os.chmod(path, 0o600)
    with pytest.raises(SshSetupError, match=f"{path}: not a private SSH key"):
        load_or_create_host_key(path)


# -- output -----------------------------------------------------------------------------------


class FakeChannel:
    """A channel whose client reads only when the test says so."""

    def __init__(self) -> None:
        self.buffered = 0
        self.received = bytearray()
        self.broken = False

    def write(self, data: bytes) -> None:
        if self.broken:
            raise BrokenPipeError
        self.buffered += len(data)
        self.received.extend(data)

    def get_write_buffer_size(self) -> int:
        return self.buffered


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_frames_are_dropped_above_the_limit_and_a_repaint_follows_the_drain() -> None:
    channel = FakeChannel()
    repaints: list[bool] = []
    output = ChannelOutput(
        channel, on_drained=lambda: repaints.append(True), limit=1000, poll_seconds=0.01
    )
    assert output.send_frame("x" * 600)
    assert output.send_frame("y" * 600)  # crosses the limit: this one still goes
    for _ in range(100):
        assert not output.send_frame("z" * 600)
    assert channel.buffered == 1200  # bounded: nothing queued while the client is not reading
    assert output.frames_dropped == 100
    output.send("\x1b[?25h")  # control sequences are never dropped
    assert channel.buffered == 1206
    await asyncio.sleep(0.05)
    assert repaints == []  # still backlogged
    channel.buffered = 200  # the client read most of it
    await wait_for(lambda: repaints == [True])
    assert output.send_frame("full repaint")


async def test_a_broken_channel_closes_the_output_quietly() -> None:
    channel = FakeChannel()
    output = ChannelOutput(channel, on_drained=lambda: None)
    channel.broken = True
    output.send_frame("frame")
    assert output.closed
    assert not output.send_frame("later")


# -- driver -----------------------------------------------------------------------------------


class FakeLink:
    """The session side of the driver, without SSH."""

    def __init__(self) -> None:
        self.channel = FakeChannel()
        self.output = ChannelOutput(self.channel, on_drained=self.repaint, poll_seconds=0.01)
        self.app: StubApp | None = None
        self.size = (90, 20)
        self.driver: SshDriver | None = None
        self.readied = 0

    def attach(self, driver: SshDriver) -> None:
        self.driver = driver

    def ready(self) -> None:
        self.readied += 1

    def repaint(self) -> None:  # as TerminalSession does
        if self.app is not None:
            self.app.call_later(self.app.refresh)


async def run_stub(link: FakeLink) -> tuple[StubApp, asyncio.Task[None]]:
    app = StubApp(SshSession("li.wei", "supervisor", "xterm", link.size, "256", "test"))
    app.driver_class = driver_class_for(link)
    link.app = app
    task = asyncio.create_task(app.run_async(mouse=False))
    await wait_for(lambda: link.driver is not None and link.driver.input_enabled)
    await wait_for(lambda: app.query("#status"))
    return app, task


async def test_driver_turns_bytes_into_keys_escape_and_alt() -> None:
    link = FakeLink()
    app, task = await run_stub(link)
    assert link.readied == 1
    assert link.driver is not None
    link.driver.feed("a")
    await wait_for(lambda: app.last_key == "a")
    link.driver.feed("\x1bx")  # ESC then x, in one packet as ssh sends it: Alt+x
    await wait_for(lambda: app.last_key == "alt+x")
    link.driver.feed("\x1b")  # a lone ESC resolves to Escape after the escape delay
    await wait_for(lambda: app.last_key == "escape")
    link.driver.feed("\x1b[A")
    await wait_for(lambda: app.last_key == "up")
    assert app.keys_seen == 4
    app.exit()
    await task


async def test_driver_sets_up_and_restores_the_terminal_with_mouse_off() -> None:
    link = FakeLink()
    app, task = await run_stub(link)
    assert app.size == (90, 20)
    assert link.driver is not None
    link.driver.resize(100, 30)
    await wait_for(lambda: b"size=100x30" in link.channel.received)
    app.exit()
    await task
    sent = bytes(link.channel.received)
    assert sent.startswith(b"\x1b[?1049h\x1b[?25l")  # alternate screen, cursor hidden
    assert sent.endswith(b"\x1b[?1049l\x1b[?25h\x1b[?1004l")  # and back
    assert b"\x1b[?2004h" in sent  # bracketed paste
    assert b"\x1b[?1000h" not in sent  # no mouse reporting


async def test_after_dropped_frames_the_whole_screen_is_repainted() -> None:
    link = FakeLink()
    app, task = await run_stub(link)
    await wait_for(lambda: b"keys=0" in link.channel.received)
    assert link.driver is not None
    link.channel.buffered = 10**9  # the client stopped reading
    link.driver.feed("a")
    await wait_for(lambda: link.output.frames_dropped > 0)
    assert b"keys=1" not in link.channel.received
    link.channel.received.clear()
    link.channel.buffered = 0  # it caught up
    # Not just the line that changed: the unchanged banner is drawn again too (the full repaint
    # may follow a partial frame of the new line, so wait for both rather than for the first).
    banner = b"stub user=li.wei role=supervisor"
    received = link.channel.received
    await wait_for(lambda: b"keys=1 last=a" in received and banner in received)
    app.exit()
    await task
