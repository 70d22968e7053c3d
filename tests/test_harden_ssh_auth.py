"""Issue 18.6: password and keyboard-interactive logins are offered only to be refused and logged
(login name escaped, peer, method; never the password), at a rate per peer host that a flood of
attempts cannot turn into a flood of log lines. Public keys stay the only way in."""

from __future__ import annotations

import asyncio
import re

import asyncssh
import pytest

from floorwatch.ssh import server as ssh_server_module
from floorwatch.ssh.server import LOG_LINES_PER_MINUTE
from tests.ssh_harness import (
    PtyClient,
    RunningServer,
    needs_openssh,
    ssh_server_fixture,  # noqa: F401  (the ssh_server fixture)
    wait_until,
)

SECRET = "hunter2-not-in-any-log"


async def guess(server: RunningServer, method: str, user: str = "mallory") -> None:
    """One connection trying one password by `method`; it must be refused."""
    with pytest.raises(asyncssh.PermissionDenied):
        connection = await asyncssh.connect(
            "127.0.0.1",
            server.port,
            username=user,
            password=SECRET,
            client_keys=None,
            known_hosts=None,
            agent_path=None,
            config=None,
            preferred_auth=method,
        )
        connection.close()


def refusals(server: RunningServer) -> list[str]:
    return [line for line in server.log_text().splitlines() if "refused '" in line]


@needs_openssh
@pytest.mark.parametrize(
    ("method", "logged"),
    [("password", "a password"), ("keyboard-interactive", "keyboard-interactive")],
)
async def test_a_password_guess_is_refused_and_logged(ssh_server, method: str, logged: str) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    await guess(server, method)
    await guess(server, method, user="li.wei")  # a listed user's name is no key either
    line = "refused 'mallory' from 127.0.0.1:"
    text = server.wait_for_log(f"tried {logged}; only listed keys can log in")
    assert re.search(rf"{re.escape(line)}\d+: tried {logged}; only listed keys can log in", text)
    assert "refused 'li.wei' from 127.0.0.1:" in text
    assert SECRET not in text
    # The keys still work.
    client = await PtyClient.connect(server.port, server.keys["li.wei"], "li.wei")
    await client.wait_for("stub user=li.wei")
    await client.close()


@needs_openssh
async def test_a_hostile_login_name_is_escaped_in_a_password_refusal(ssh_server) -> None:  # type: ignore[no-untyped-def]
    server = ssh_server()
    from floorwatch.ssh.server import Gatekeeper

    gate = Gatekeeper(server.server)
    gate.peer = "10.9.9.9:22"
    assert gate.validate_password("evil\x1b[2J\nINFO login admin", SECRET) is False
    assert gate.validate_kbdint_response("evil\n", [SECRET]) is False
    text = server.wait_for_log("tried keyboard-interactive")
    assert "evil\\x1b[2J\\x0aINFO login admin" in text and "\x1b" not in text
    assert SECRET not in text


@needs_openssh
async def test_a_flood_of_password_guesses_is_rate_limited_in_the_log(
    ssh_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ssh_server_module, "LOG_WINDOW_SECONDS", 3.0)
    server = ssh_server()
    guesses = 3 * LOG_LINES_PER_MINUTE
    await asyncio.gather(
        *(guess(server, ("password", "keyboard-interactive")[n % 2]) for n in range(guesses))
    )
    # Each connection is one guess and one "closed without login": the per-host budget takes
    # both, logs LOG_LINES_PER_MINUTE lines in the window and then one summary.
    wait_until(
        lambda: "left out of the log" in server.log_text(), timeout=20, describe=server.log_text
    )
    text = server.log_text()
    logged = [
        line for line in text.splitlines() if "refused '" in line or "closed without login" in line
    ]
    assert len(logged) == LOG_LINES_PER_MINUTE, text
    left_out = re.search(r"(\d+) more failed logins from 127\.0\.0\.1 left out of the log", text)
    assert left_out is not None and int(left_out.group(1)) == 2 * guesses - LOG_LINES_PER_MINUTE
    assert SECRET not in text
