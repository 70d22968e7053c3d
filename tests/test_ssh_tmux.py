"""The real OpenSSH client in a real terminal (tmux) against the server: what a supervisor sees."""

from __future__ import annotations

import pytest

from tests.ssh_harness import needs_openssh, ssh_argv, ssh_server_fixture  # noqa: F401
from tests.terminal import Terminal, needs_tmux

pytestmark = [needs_openssh, needs_tmux, pytest.mark.e2e]


def test_openssh_in_tmux_shows_the_app_and_passes_keys_escape_alt_and_resize(ssh_server) -> None:
    server = ssh_server()
    command = ssh_argv(
        server.port, server.keys["li.wei"], "li.wei", "-o", "SetEnv=COLORTERM=truecolor"
    )
    with Terminal(command, width=100, height=30) as terminal:
        terminal.wait_for("stub user=li.wei role=supervisor")
        terminal.wait_for("size=100x30 colors=truecolor")
        terminal.type("ab")
        terminal.wait_for("keys=2 last=b")
        terminal.send("Escape")  # a lone ESC is Escape once the escape delay has passed
        terminal.wait_for("keys=3 last=escape")
        terminal.send("M-x")  # ESC followed by x: Alt+x
        terminal.wait_for("keys=4 last=alt+x")
        terminal._tmux("resize-window", "-t", terminal.name, "-x", "90", "-y", "20")
        terminal.wait_for("size=90x20")
        terminal.send("C-q")
        terminal.wait_for("[exited 0]")
    log = server.wait_for_log("logout li.wei (supervisor)")
    assert "TERM=tmux-256color" in log or "TERM=screen" in log


def test_wall_key_in_tmux_gets_the_wall_session(ssh_server) -> None:
    server = ssh_server()
    with Terminal(
        ssh_argv(server.port, server.keys["wall-3"], "wall-3"), width=100, height=30
    ) as t:
        t.wait_for("stub user=wall-3 role=wall")
        t.wait_for("colors=256")
