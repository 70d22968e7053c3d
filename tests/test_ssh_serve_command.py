"""`floorwatch serve` as an operator runs it: config, host key, fingerprint, log file, signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ssh_harness import (
    make_client_key,
    needs_openssh,
    public_key_line,
    ssh_argv,
    wait_until,
)
from tests.terminal import Terminal, needs_tmux

pytestmark = [needs_openssh, pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[1]

# `floorwatch serve` through the CLI's own error handling, with only this command registered.
LAUNCHER = """\
import argparse, sys
from floorwatch.cli import run_handler
from floorwatch.commands import serve
parser = argparse.ArgumentParser(prog="floorwatch")
serve.register(parser.add_subparsers())
sys.exit(run_handler(parser.parse_args(sys.argv[1:])))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(folder: Path, port: int, users: str) -> Path:
    path = folder / "floorwatch.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            floor: {{name: SSH test floor}}
            feeds:
              - name: calls
                path: feeds/calls-*.csv
                format: csv
                time: {{column: ended_at}}
                agent: agent_id
                fields:
                  handle_time: {{column: handle_s, type: seconds}}
            metrics:
              aht: {{field: handle_time, agg: mean, window: 60m, better: lower,
                     green: 210, red: 300}}
            ssh:
              listen: 127.0.0.1:{port}
              host_key: state/host_ed25519
            """
        )
        + textwrap.indent(users, "  ")
    )
    return path


def serve(config: Path, log_file: Path, *extra: str) -> subprocess.Popen[str]:
    pytest.importorskip(
        "floorwatch.live.floor",
        reason="the shared Floor (floorwatch.feeds) is not here yet",
        exc_type=ImportError,
    )
    command = [sys.executable, "-c", LAUNCHER, "serve", "--config", str(config)]
    return subprocess.Popen(
        [*command, "--log-file", str(log_file), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=30)


@needs_tmux
def test_serve_prints_the_fingerprint_serves_sessions_and_logs_them(tmp_path: Path) -> None:
    key = make_client_key(tmp_path / "keys", "li")
    port = free_port()
    users = (
        f"users:\n  - name: li.wei\n    role: supervisor\n    keys: ['{public_key_line(key)}']\n"
    )
    config = write_config(tmp_path, port, users)
    log_file = tmp_path / "logs" / "serve.log"
    process = serve(config, log_file, "--app-factory", "tests.ssh_stub_app:serve_stub")
    try:
        wait_until(
            lambda: (
                process.poll() is not None
                or (log_file.exists() and "listening on" in log_file.read_text())
            )
        )
        assert process.poll() is None, stop(process)
        with Terminal(ssh_argv(port, key, "li.wei"), width=100, height=30) as terminal:
            terminal.wait_for("stub user=li.wei role=supervisor")
            terminal.type("z")
            terminal.wait_for("keys=1 last=z")
    finally:
        out, err = stop(process)
    assert process.returncode == 0, err
    host_key = tmp_path / "state" / "host_ed25519"
    assert host_key.stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(["ssh-keygen", "-lf", str(host_key)], capture_output=True, text=True)
    fingerprint = listed.stdout.split()[1]
    assert f"host key {fingerprint} (created now)" in out
    log = log_file.read_text()
    for line in ("login li.wei (supervisor) from 127.0.0.1:", "logout li.wei (supervisor)"):
        assert line in log
        assert line in err  # stderr too


def test_serve_without_users_says_so_and_exits_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, free_port(), "")
    process = serve(
        config, tmp_path / "serve.log", "--app-factory", "tests.ssh_stub_app:serve_stub"
    )
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"floorwatch: {config}: ssh.users is empty" in err
    assert "Traceback" not in err
