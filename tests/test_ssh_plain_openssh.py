"""The documented way for sites with their own sshd (docs/ssh.md), tested once with a real sshd.

The forced command is the stand-in app run the way `floorwatch run --author NAME` would be; the
test proves the sshd side: the forced command wins over what the client asks, the author comes
from the key's line, there is a pty with the client's TERM, and COLORTERM arrives.
"""

from __future__ import annotations

import getpass
import grp
import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ssh_harness import make_client_key, needs_openssh, public_key_line, ssh_argv, wait_until
from tests.terminal import Terminal, needs_tmux

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    needs_openssh,
    needs_tmux,
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(SSHD).exists(), reason="sshd (openssh-server) is not installed"),
    pytest.mark.skipif(
        os.geteuid() == 0 and not Path("/run/sshd").is_dir(),
        reason="sshd run as root needs /run/sshd (its privilege separation folder)",
    ),
]


def stand_in_for_floorwatch_run(author: str) -> str:
    """What `floorwatch run --author NAME` is in the docs, with the stub app in its place."""
    python = shlex.quote(sys.executable)
    return f"cd {shlex.quote(str(REPO))} && {python} -m tests.ssh_stub_app --author {author}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[callable]:
    processes: list[subprocess.Popen[str]] = []

    def start(extra_config: str, authorized_keys: str) -> int:
        port = free_port()
        host_key = make_client_key(tmp_path / "sshd", "host_key")
        (tmp_path / "authorized_keys").write_text(authorized_keys)
        config = tmp_path / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"PidFile {tmp_path / 'sshd.pid'}\nAuthorizedKeysFile {tmp_path / 'authorized_keys'}\n"
            "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
            "AcceptEnv COLORTERM\n" + extra_config
        )
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True
        )
        processes.append(process)
        wait_until(lambda: port_open(port) or process.poll() is not None)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        return port

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_forcecommand_in_a_match_group_block(sshd, tmp_path: Path) -> None:
    key = make_client_key(tmp_path / "keys", "li")
    group = grp.getgrgid(os.getgid()).gr_name
    port = sshd(
        f"Match Group {group}\n    ForceCommand {stand_in_for_floorwatch_run('li.wei')}\n",
        public_key_line(key) + "\n",
    )
    # The client asks for a shell command; the forced command runs instead.
    command = [*ssh_argv(port, key, getpass.getuser(), "-o", "SetEnv=COLORTERM=truecolor"), "sh"]
    with Terminal(command, width=100, height=30) as terminal:
        terminal.wait_for("stub user=li.wei role=supervisor")
        terminal.wait_for("colors=truecolor")
        terminal.type("q")
        terminal.wait_for("keys=1 last=q")
        terminal.send("C-q")
        terminal.wait_for("[exited 0]")


def test_command_in_authorized_keys_sets_the_author(sshd, tmp_path: Path) -> None:
    key = make_client_key(tmp_path / "keys", "ana")
    forced = stand_in_for_floorwatch_run("ana.lopez").replace('"', '\\"')
    port = sshd("", f'command="{forced}",restrict,pty {public_key_line(key)}\n')
    with Terminal(ssh_argv(port, key, getpass.getuser()), width=100, height=30) as terminal:
        terminal.wait_for("stub user=ana.lopez role=supervisor")
        terminal.wait_for("colors=256")
