"""`floorwatch web` end to end in a real Chromium: a supervisor logs in, sees the board, writes a
BEST note that `notes export` shows as theirs; a wall TV's kiosk URL shows the wall and no
panel; a wrong password, no cookie, a foreign origin and a wall token on the supervisor's URL
are refused."""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BoardPage, launch, needs_chromium
from tests.notes_support import export_notes
from tests.ssh_harness import wait_until
from tests.test_ssh_e2e_app import free_port

pytestmark = [needs_chromium, pytest.mark.e2e, pytest.mark.browser]

FLOORWATCH = [sys.executable, "-m", "floorwatch"]
PASSWORD = "correct horse battery"


@dataclass
class Served:
    config: Path
    base: str  # http://127.0.0.1:PORT
    kiosk_url: str
    log: Path
    process: subprocess.Popen[str]


def floorwatch_output(*args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [*FLOORWATCH, *args], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


def write_floor(folder: Path, port: int) -> tuple[Path, str]:
    """A floor of 13 agents (Li Wei red; Agents 7-12 in team south) and a web section made by
    the real commands: li.wei sees the whole floor, nina (web.users[].teams) team south."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    (folder / "feeds").mkdir(parents=True)
    rows = [
        f"{now},A{i},Agent {i},{'south' if i > 6 else 'north'},{200 + 60 * i}\n"
        for i in range(1, 13)
    ]
    (folder / "feeds" / "calls.csv").write_text(
        "ended_at,agent_id,agent_name,team,handle_s\n"
        + f"{now},A0,Li Wei,north,900\n"
        + "".join(rows)
    )
    password_line = floorwatch_output("web", "passwd", "li.wei", stdin=PASSWORD + "\n").strip()
    token_out = floorwatch_output("web", "token", "wall-3", "--url", f"http://127.0.0.1:{port}")
    token_line, kiosk_url = token_out.strip().splitlines()
    config = folder / "floorwatch.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            floor: {{name: "Web floor", timezone: UTC, clock: wall}}
            feeds:
              - name: calls
                path: feeds/calls.csv
                format: csv
                time: {{column: ended_at}}
                agent: agent_id
                name_column: agent_name
                team: team
                fields:
                  handle_time: {{column: handle_s, type: seconds}}
            metrics:
              aht: {{field: handle_time, agg: mean, window: today, better: lower,
                    green: "5:00", red: "10:00"}}
            notes: {{path: notes/notes.sqlite}}
            web:
              listen: 127.0.0.1:{port}
              users:
                - name: li.wei
                  role: supervisor
                  {password_line}
                - name: nina
                  role: supervisor
                  {password_line}
                  teams: [south]
                - name: wall-3
                  role: wall
                  {token_line}
            """
        )
    )
    return config, kiosk_url


def start_server(config: Path, log: Path, home: Path) -> subprocess.Popen[str]:
    """`floorwatch web` in a process of its own, once it says it is listening."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        **{name: str(home / name) for name in ("XDG_DATA_HOME", "XDG_STATE_HOME")},
    }
    before = log.read_text().count("listening on") if log.exists() else 0
    process = subprocess.Popen(
        [*FLOORWATCH, "web", "--config", str(config), "--log-file", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    wait_until(
        lambda: (
            process.poll() is not None
            or (log.exists() and log.read_text().count("listening on") > before)
        )
    )
    assert process.poll() is None, process.communicate(timeout=10)
    return process


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("web")
    port = free_port()
    config, kiosk_url = write_floor(folder / "floor", port)
    log = folder / "web.log"
    process = start_server(config, log, folder / "home")
    try:
        yield Served(config, f"http://127.0.0.1:{port}", kiosk_url, log, process)
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile: no cookies."""
    fresh = browser.new_context(viewport={"width": 1280, "height": 760})
    yield fresh
    fresh.close()


def log_in(
    context: Any, served: Served, password: str = PASSWORD, name: str = "li.wei"
) -> BoardPage:
    page = context.new_page()
    board = BoardPage(page)
    page.goto(served.base + "/")
    assert page.url == served.base + "/login"
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("button[type=submit]")
    return board


def test_a_supervisor_logs_in_sees_the_board_and_writes_a_note_as_themselves(
    context: Any, served: Served, tmp_path: Path
) -> None:
    board = log_in(context, served)
    board.page.wait_for_url(served.base + "/")
    board.wait_for(lambda s: "Li Wei" in s and "Agent 12" in s and "RED" in s)
    board.page.wait_for_function("document.body.classList.contains('-first-byte')")
    board.page.screenshot(path=str(tmp_path / "board.png"))
    board.focus_terminal()
    board.find_agent("li wei")
    board.write_best_note(
        "Li Wei",
        effect="Callers repeated their account number twice",
        suggestion="Read the account number back once",
        timeframe="end of shift",
    )
    (note,) = export_notes(served.config)
    assert (note["agent"], note["author"]) == ("A0", "li.wei")  # the logged-in user
    assert note["suggestion"] == "Read the account number back once"
    assert note["evidence"][0]["status"] == "red"
    board.page.click("#logout")
    board.page.wait_for_url(served.base + "/login")
    board.page.goto(served.base + "/")
    assert board.page.url == served.base + "/login"  # logged out: the cookie is gone


def test_a_web_users_teams_scope_their_board_and_w_shows_the_whole_floor(
    context: Any, served: Served
) -> None:
    board = log_in(context, served, name="nina")
    board.page.wait_for_url(served.base + "/")
    screen = board.wait_for(lambda s: "Agent 12" in s and "your teams (south)" in s)
    assert "Li Wei" not in screen and "Agent 3" not in screen  # team north
    board.focus_terminal()
    board.keys("w")
    board.wait_for(lambda s: "Li Wei" in s and "whole floor" in s)


def test_the_kiosk_url_shows_the_wall_and_cannot_open_a_panel(
    context: Any, served: Served, tmp_path: Path
) -> None:
    page = context.new_page()
    wall = BoardPage(page)
    page.goto(served.kiosk_url)
    wall.wait_for(lambda s: "Li Wei" in s and "updated" in s)
    page.screenshot(path=str(tmp_path / "wall.png"))
    assert page.locator("#logout").count() == 0
    wall.focus_terminal()
    wall.keys("f", "p", "u", "/")  # every notes key a supervisor has
    page.wait_for_timeout(1500)  # what a wall must not show can only be checked after a while
    screen = wall.text()
    assert "Coaching note" not in screen and "Praise for" not in screen
    assert "find agent" not in screen and "Follow-ups" not in screen
    # The wall's cookie does not open the supervisor's board.
    response = page.goto(served.base + "/")
    assert response is not None and response.status == 403


def test_a_wrong_password_is_refused(context: Any, served: Served) -> None:
    board = log_in(context, served, password="not the password")
    board.page.wait_for_selector("text=Wrong name or password")
    assert board.page.url == served.base + "/login"
    assert not board.sockets
    assert not [c for c in context.cookies() if c["name"] == "floorwatch_session"]


def open_socket(page: Any, url: str) -> str:
    """Open a WebSocket from the page's JavaScript: 'open' or 'refused'."""
    return str(
        page.evaluate(
            """url => new Promise(done => {
                const socket = new WebSocket(url);
                socket.onopen = () => { socket.close(); done("open"); };
                socket.onerror = () => done("refused");
            })""",
            url,
        )
    )


@contextlib.contextmanager
def elsewhere() -> Iterator[str]:
    """Another site's page, served on another port of this machine."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>another site</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_no_cookie_and_a_foreign_origin_are_refused(context: Any, served: Served) -> None:
    socket_url = served.base.replace("http:", "ws:") + "/ws"
    page = context.new_page()
    page.goto(served.base + "/login")
    assert open_socket(page, socket_url) == "refused"  # same origin, but not logged in
    wait_until(lambda: "not logged in" in served.log.read_text())
    # Logged in, then a page of another origin (same site: the cookie goes with it) tries.
    board = log_in(context, served)
    board.wait_for("Li Wei")
    board.page.close()
    with elsewhere() as foreign:
        page.goto(foreign)
        assert open_socket(page, socket_url) == "refused"
    assert re.search(r"refused board from .*: origin 'http://127\.0\.0\.1:\d+'",
                     served.log.read_text())  # fmt: skip
    page.goto(served.base + "/login")
    assert page.url == served.base + "/"  # the supervisor is still logged in (from their page)
    assert open_socket(page, socket_url) == "open"


def test_a_wall_token_on_the_supervisor_url_is_refused(context: Any, served: Served) -> None:
    token = served.kiosk_url.split("token=", 1)[1]
    page = context.new_page()
    board = BoardPage(page)
    page.goto(f"{served.base}/?token={token}")
    assert page.url == served.base + "/login"  # not a board
    page.wait_for_timeout(500)
    assert not board.sockets
    assert not [c for c in context.cookies() if c["name"] == "floorwatch_session"]


def test_a_wall_tv_reconnects_by_itself_after_the_server_restarts(
    browser: Any, tmp_path: Path
) -> None:
    """A kiosk has no mouse to press Restart: its page reloads the kiosk URL by itself."""
    port = free_port()
    config, kiosk_url = write_floor(tmp_path / "floor", port)
    log = tmp_path / "web.log"
    process = start_server(config, log, tmp_path / "home")
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    try:
        page = context.new_page()
        wall = BoardPage(page)
        page.goto(kiosk_url)
        wall.wait_for(lambda s: "Li Wei" in s and "updated" in s)
        stop_server(process)
        page.wait_for_function("document.body.classList.contains('-closed')")
        process = start_server(config, log, tmp_path / "home")
        wall.wait_for_socket(2, timeout=60)  # the page reloaded and opened a new board
        wall.wait_for(lambda s: "Li Wei" in s and "updated" in s)  # on a fresh screen
        assert log.read_text().count("wall wall-3 opened") == 2
    finally:
        context.close()
        stop_server(process)
