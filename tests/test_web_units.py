"""`floorwatch web` pieces on their own: the web: section, passwords, tokens, sessions, limits,
and the `web passwd` / `web token` commands."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from floorwatch.config import ConfigError, load_config
from floorwatch.config.types import WebConfig, WebUser
from floorwatch.ssh.output import ChannelOutput
from floorwatch.web.auth import (
    PER_PERSON,
    Accounts,
    FailureLimit,
    SessionBook,
    hash_password,
    hash_token,
    new_token,
)
from floorwatch.web.terminal import (
    MAX_COLUMNS,
    MAX_ROWS,
    MIN_COLUMNS,
    MIN_ROWS,
    SocketChannel,
    clamp_size,
)

FLOOR = """\
feeds:
  - name: calls
    path: calls.csv
    time: {column: ended_at}
    agent: agent_id
    fields:
      handle_time: {column: handle_s, type: seconds}
metrics:
  aht: {field: handle_time, agg: mean, better: lower, green: 300}
"""
TOKEN_HASH = "sha256:" + "ab" * 32
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"


def write_config(folder: Path, web: str) -> Path:
    (folder / "calls.csv").write_text("ended_at,agent_id,handle_s\n")
    path = folder / "floorwatch.yaml"
    path.write_text(FLOOR + textwrap.dedent(web))
    return path


def problems(folder: Path, web: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(folder, web))
    return [str(problem) for problem in caught.value.problems]


# -- the web: section ---------------------------------------------------------------------------


def test_web_section_reads_users_listen_and_expiry(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("x")
    (tmp_path / "key.pem").write_text("x")
    config = load_config(
        write_config(
            tmp_path,
            f"""\
            web:
              listen: 0.0.0.0:8443
              tls: {{cert: cert.pem, key: key.pem}}
              public_url: https://floor.example.com/
              session_expiry: 8h
              users:
                - name: li.wei
                  role: supervisor
                  password_hash: "{PASSWORD_HASH}"
                - name: wall-tv-3
                  role: wall
                  token_hash: "{TOKEN_HASH}"
            """,
        )
    )
    web = config.web
    assert web.listen == "0.0.0.0:8443"
    assert web.tls is not None and web.tls.cert == tmp_path / "cert.pem"
    assert web.public_url == "https://floor.example.com"
    assert web.session_expiry == 8 * 3600
    assert web.users == (
        WebUser("li.wei", "supervisor", PASSWORD_HASH, None),
        WebUser("wall-tv-3", "wall", None, TOKEN_HASH),
    )


def test_web_users_have_teams_and_may_be_managers(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path,
            f"""\
            web:
              users:
                - {{name: nina, role: supervisor, password_hash: "{PASSWORD_HASH}",
                   teams: [North, East]}}
                - {{name: mo, role: manager, password_hash: "{PASSWORD_HASH}", teams: South}}
                - {{name: li.wei, role: supervisor, password_hash: "{PASSWORD_HASH}"}}
            """,
        )
    )
    assert config.web.users == (
        WebUser("nina", "supervisor", PASSWORD_HASH, None, ("North", "East")),
        WebUser("mo", "manager", PASSWORD_HASH, None, ("South",)),
        WebUser("li.wei", "supervisor", PASSWORD_HASH, None, ()),
    )


def test_web_teams_problems_are_reported_at_their_line_and_column(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        f"""\
        web:
          users:
            - name: nina
              role: supervisor
              password_hash: "{PASSWORD_HASH}"
              teams: [North, "", North, {{a: 1}}]
            - name: wall-3
              role: wall
              token_hash: "{TOKEN_HASH}"
              teams: [North]
            - name: mo
              role: manager
              token_hash: "{TOKEN_HASH}"
              teams: South
            - name: ed
              role: supervisor
              password_hash: "{PASSWORD_HASH}"
              temas: [North]
        """,
    )
    where = str(tmp_path / "floorwatch.yaml")
    expected = [
        ":15:22: web.users[0].teams[1] must be text (got '')",
        ":15:33: web.users[0].teams[3] must be text (got a mapping)",
        ":19:7: web.users[1].teams does not apply to a wall (it shows the whole floor)",
        ":20:7: web.users[2]: a manager needs password_hash (`floorwatch web passwd mo`)",
        ":22:7: web.users[2].token_hash does not apply to a manager (it uses password_hash)",
        ":27:7: web.users[3]: unknown key 'temas'; did you mean 'teams'?",
    ]
    text = "\n".join(found)
    for fragment in expected:
        assert any(p.startswith(where) and fragment in p for p in found), (fragment, text)
    # A list with a bad item is not read at all, so its repeat is not reported separately;
    # a repeat in a list of texts is.
    repeated = problems(
        tmp_path,
        f"""\
        web:
          users:
            - {{name: nina, role: supervisor, password_hash: "{PASSWORD_HASH}",
               teams: [North, South, North]}}
        """,
    )
    assert any(":13:30: web.users[0].teams[2] 'North' is listed twice" in p for p in repeated), (
        repeated
    )


def test_no_web_section_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path, "")).web == WebConfig()


def test_every_web_problem_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        f"""\
        web:
          listen: nowhere
          tls: {{cert: missing.pem, key: missing.key}}
          public_url: https://floor.example.com/board
          session_expiry: 30d
          sesion_expiry: 1h
          users:
            - name: li.wei
              role: supervisor
              password_hash: "plain-text-password"
            - name: ann
              role: supervisor
            - name: wall-3
              role: wall
              token_hash: "{TOKEN_HASH}"
              password_hash: "{PASSWORD_HASH}"
            - name: wall-4
              role: wall
              token_hash: "md5:123"
            - name: "bad name"
              role: boss
              token_hash: "{TOKEN_HASH}"
            - name: li.wei
              role: supervisor
              password_hash: "{PASSWORD_HASH}"
        """,
    )
    text = "\n".join(found)
    where = str(tmp_path / "floorwatch.yaml")
    expected = [
        ":11:11: web.listen must be host:port like 0.0.0.0:8080",
        ":12:15: web.tls.cert: ",
        ":12:33: web.tls.key: ",
        ":13:15: web.public_url must be http(s)://HOST[:PORT]",
        ":14:19: web.session_expiry must be at most 7d",
        ":15:3: web: unknown key 'sesion_expiry'; did you mean 'session_expiry'?",
        ":19:22: web.users[0].password_hash must be an argon2 hash",
        ":20:7: web.users[1]: a supervisor needs password_hash (`floorwatch web passwd ann`)",
        ":25:7: web.users[2].password_hash does not apply to a wall (it uses token_hash)",
        ":28:19: web.users[3].token_hash must be sha256:<64 hex digits>",
        ":29:13: web.users[4].name must be a login name",
        ":30:13: web.users[4].role must be one of supervisor, manager, wall (got 'boss')",
        ":32:13: web.users[5].name 'li.wei' is listed twice",
    ]
    for fragment in expected:
        assert any(p.startswith(where) and fragment in p for p in found), (fragment, text)


# -- passwords, tokens, sessions, limits -----------------------------------------------------


def accounts() -> tuple[Accounts, str]:
    token = new_token()
    web = WebConfig(
        users=(
            WebUser("li.wei", "supervisor", password_hash=hash_password("correct horse")),
            WebUser("wall-3", "wall", token_hash=hash_token(token)),
        )
    )
    return Accounts(web), token


def test_a_supervisor_logs_in_with_their_password_only() -> None:
    book, _ = accounts()
    person = book.check_password("li.wei", "correct horse")
    assert person is not None and (person.name, person.role) == ("li.wei", "supervisor")
    assert book.check_password("li.wei", "Correct horse") is None
    assert book.check_password("nobody", "correct horse") is None
    assert book.check_password("wall-3", "") is None  # a wall has no password to log in with
    assert book.check_password("li.wei", "x" * 5000) is None


def test_a_manager_logs_in_by_password_and_carries_their_teams() -> None:
    hashed = hash_password("manager pass")
    book = Accounts(WebConfig(users=(WebUser("mo", "manager", hashed, teams=("South",)),)))
    person = book.check_password("mo", "manager pass")
    assert person is not None and (person.role, person.teams) == ("manager", ("South",))


def test_a_wall_is_found_by_its_token_and_a_token_is_never_stored() -> None:
    book, token = accounts()
    wall = book.wall_for_token(token)
    assert wall is not None and (wall.name, wall.role) == ("wall-3", "wall")
    assert book.wall_for_token(token + "x") is None
    assert book.wall_for_token("") is None
    assert token not in hash_token(token)
    assert len(token) >= 43  # 256 bits
    assert hash_password("same") != hash_password("same")  # salted


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_block_a_key_for_the_window_then_let_it_try_again() -> None:
    clock = Clock()
    limit = FailureLimit(3, 60.0, clock)
    for _ in range(3):
        assert limit.retry_after("li.wei") == 0
        limit.failed("li.wei")
        clock.now += 1
    assert limit.retry_after("li.wei") == pytest.approx(57.0)
    assert limit.retry_after("ann") == 0  # other keys are not blocked
    clock.now += 57
    assert limit.retry_after("li.wei") == 0
    clock.now += 10
    limit.sweep()
    assert len(limit) == 0  # nothing kept about strangers once their failures are old


def test_one_person_holds_a_bounded_number_of_sessions() -> None:
    book, _ = accounts()
    sessions = SessionBook(3600.0)
    wall, supervisor = book.people["wall-3"], book.people["li.wei"]
    theirs = sessions.start(supervisor)
    started = [sessions.start(wall) for _ in range(PER_PERSON + 5)]
    assert len(sessions) == PER_PERSON + 1
    assert all(sessions.get(s.id) is None for s in started[:5])  # the oldest went first
    assert all(sessions.get(s.id) is s for s in started[5:])
    assert sessions.get(theirs.id) is theirs  # other people's are untouched


def test_sessions_end_at_logout_and_at_expiry() -> None:
    clock = Clock()
    book, _ = accounts()
    sessions = SessionBook(3600.0, clock)
    person = book.people["li.wei"]
    first, second = sessions.start(person), sessions.start(person)
    assert first.id != second.id and len(first.id) >= 43
    assert sessions.get(first.id) is first
    assert sessions.end(first.id) is first
    assert sessions.get(first.id) is None
    clock.now += 3599
    assert sessions.get(second.id) is second
    clock.now += 1
    assert sessions.get(second.id) is None
    assert sessions.get(None) is None and sessions.get("forged") is None
    third = sessions.start(person)
    clock.now += 3600
    assert sessions.expired() == [third] and len(sessions) == 0


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (120, 40, (120, 40)),
        (100000, 100000, (MAX_COLUMNS, MAX_ROWS)),
        (-5, 0, (MIN_COLUMNS, MIN_ROWS)),
        ("80", 24, (80, 24)),
        (float("nan"), 24, (80, 24)),
        (None, None, (80, 24)),
    ],
)
def test_browser_sizes_are_clamped(width, height, expected) -> None:
    assert clamp_size(width, height) == expected


# -- the commands ----------------------------------------------------------------------------


def floorwatch(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "floorwatch", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_web_passwd_reads_standard_input_and_prints_a_hash_line() -> None:
    done = floorwatch("web", "passwd", "li.wei", stdin="correct horse\n")
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith('password_hash: "$argon2id$') and line.endswith('"')
    assert "correct horse" not in done.stdout + done.stderr
    stored = line.split('"')[1]
    web = WebConfig(users=(WebUser("li.wei", "supervisor", password_hash=stored),))
    assert Accounts(web).check_password("li.wei", "correct horse") is not None
    short = floorwatch("web", "passwd", "li.wei", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    assert floorwatch("web", "passwd", "li wei", stdin="correct horse\n").returncode == 2


def test_web_token_prints_the_hash_line_and_the_kiosk_url(tmp_path: Path) -> None:
    config = write_config(tmp_path, "web:\n  listen: 127.0.0.1:9090\n")
    done = floorwatch("web", "token", "wall-tv-3", "--config", str(config))
    assert done.returncode == 0, done.stderr
    hash_line, url = done.stdout.strip().splitlines()
    assert url.startswith("http://127.0.0.1:9090/wall?token=")
    token = url.split("token=", 1)[1]
    assert hash_line == f'token_hash: "{hash_token(token)}"'
    tls = write_config(tmp_path, "web:\n  listen: 0.0.0.0:8443\n  tls: {cert: c.pem, key: k.pem}\n")
    under_tls = floorwatch("web", "--config", str(tls), "token", "wall-tv-3")
    assert re.match(r"https://[^/:]+:8443/wall\?token=", under_tls.stdout.splitlines()[1])
    again = floorwatch("web", "token", "wall-tv-3", "--url", "https://floor.example.com/")
    assert again.stdout.strip().splitlines()[1].startswith("https://floor.example.com/wall?token=")
    assert again.stdout.split("token=")[1] != token  # a new token each time


def test_web_without_users_says_what_to_add(tmp_path: Path) -> None:
    config = write_config(tmp_path, "web:\n  listen: 127.0.0.1:9\n")
    done = floorwatch("web", "--config", str(config), "--log-file", str(tmp_path / "web.log"))
    assert done.returncode == 2
    assert "web.users is empty: nobody could log in" in done.stderr


class StalledSocket:
    """A WebSocket whose browser has stopped reading: every send waits."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.release = asyncio.Event()

    async def send_bytes(self, data: bytes) -> None:
        await self.release.wait()
        self.sent.append(data)


async def test_a_browser_that_stops_reading_gets_frames_dropped_then_a_repaint() -> None:
    socket = StalledSocket()
    channel = SocketChannel(socket, None)  # type: ignore[arg-type]
    repaints: list[int] = []
    output = ChannelOutput(channel, on_drained=lambda: repaints.append(1), limit=1000,
                           poll_seconds=0.01)  # fmt: skip
    frame = "x" * 600
    assert output.send_frame(frame)  # queued (the first send now waits on the browser)
    await asyncio.sleep(0.01)
    assert output.send_frame(frame)
    assert channel.get_write_buffer_size() == 600  # one in flight, one queued
    assert output.send_frame(frame)
    assert not output.send_frame(frame)  # over the limit: dropped, not queued
    assert output.frames_dropped == 1 and channel.get_write_buffer_size() == 1200
    socket.release.set()
    async with asyncio.timeout(5):
        while not repaints:
            await asyncio.sleep(0.01)
    assert len(socket.sent) == 3 and channel.get_write_buffer_size() == 0
    await channel.close()
    with pytest.raises(OSError):
        channel.write(b"after the end")
