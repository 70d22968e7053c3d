"""The web server through aiohttp's test client: logins, cookies, origins, limits, the socket.

The boards are the SSH tests' stand-in app (it shows who it runs for, the keys it got and its
size), so these tests are about the door, not the board; tests/test_web_browser.py opens the
real board in a real Chromium.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from floorwatch.config.types import WebConfig, WebTls, WebUser
from floorwatch.web import server as web_server
from floorwatch.web.auth import hash_password, hash_token, new_token
from floorwatch.web.server import COOKIE, WebServer, WebSetupError
from tests.ssh_stub_app import make_stub_app

PASSWORD = "correct horse"
TOKEN = new_token()
SUPERVISOR_HASH = hash_password(PASSWORD)

Client = TestClient  # type: ignore[type-arg]


def web_config(**options: Any) -> WebConfig:
    users = (
        WebUser("li.wei", "supervisor", password_hash=SUPERVISOR_HASH),
        WebUser("wall-3", "wall", token_hash=hash_token(TOKEN)),
        WebUser("mo", "manager", password_hash=SUPERVISOR_HASH, teams=("South",)),
    )
    return WebConfig(users=users, **options)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    started: list[tuple[WebServer, Client]] = []

    async def start(**options: Any) -> tuple[WebServer, Client]:
        server = WebServer(web_config(**options), make_stub_app, listen="127.0.0.1:0")
        client = TestClient(TestServer(server.application()))
        await client.start_server()
        started.append((server, client))
        return server, client

    yield start
    for server, client in started:
        await server.close()
        await client.close()


def origin(client: Client) -> dict[str, str]:
    return {"Origin": f"http://{client.host}:{client.port}"}


async def log_in(client: Client, password: str = PASSWORD, name: str = "li.wei") -> Any:
    return await client.post(
        "/login",
        data={"name": name, "password": password},
        headers=origin(client),
        allow_redirects=False,
    )


async def screen_text(socket: aiohttp.ClientWebSocketResponse, wanted: str) -> str:
    """The terminal output received until `wanted` shows (or 10 s pass)."""
    seen = ""
    async with asyncio.timeout(10):
        while wanted not in seen:
            message = await socket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode("utf-8", "replace")
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError(f"closed before {wanted!r} showed: {seen[-300:]!r}")
    return seen


async def closed(socket: aiohttp.ClientWebSocketResponse) -> int | None:
    async with asyncio.timeout(15):
        while True:
            message = await socket.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return socket.close_code


# -- logging in -------------------------------------------------------------------------------


async def test_login_page_then_a_session_cookie_that_is_httponly_and_strict(serve) -> None:
    _, client = await serve()
    first = await client.get("/", allow_redirects=False)
    assert first.status == 303 and first.headers["Location"] == "/login"
    form = await client.get("/login")
    assert form.status == 200 and 'name="password"' in await form.text()
    assert "script-src 'self'" in form.headers["Content-Security-Policy"]
    assert form.headers["X-Frame-Options"] == "DENY"
    answer = await log_in(client)
    assert answer.status == 303 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP: the browser would never send it back
    board = await client.get("/")
    text = await board.text()
    assert board.status == 200 and "li.wei" in text and "/static/js/textual.js" in text
    assert f'data-session-websocket-url="ws://{client.host}:{client.port}/ws"' in text


async def test_the_cookie_is_secure_behind_an_https_address(serve) -> None:
    _, client = await serve(public_url="https://floor.example.com")
    answer = await client.post(
        "/login",
        data={"name": "li.wei", "password": PASSWORD},
        headers={"Origin": "https://floor.example.com"},
        allow_redirects=False,
    )
    assert answer.status == 303 and "Secure" in answer.headers["Set-Cookie"]
    foreign = await log_in(client)  # the right password from the plain-HTTP origin
    assert foreign.status == 403


async def test_a_wrong_password_is_refused_and_says_so(serve) -> None:
    _, client = await serve()
    answer = await log_in(client, "wrong horse")
    assert answer.status == 401 and "Wrong name or password" in await answer.text()
    assert COOKIE not in answer.cookies
    assert (await log_in(client, PASSWORD, name="nobody")).status == 401
    assert (await log_in(client, "", name="wall-3")).status == 401  # walls have no password
    board = await client.get("/", allow_redirects=False)
    assert board.status == 303


async def test_logins_from_other_sites_are_refused(serve) -> None:
    _, client = await serve()
    data = {"name": "li.wei", "password": PASSWORD}
    for headers in ({}, {"Origin": "https://evil.example"}, {"Origin": "null"}):
        answer = await client.post("/login", data=data, headers=headers, allow_redirects=False)
        assert answer.status == 403, headers


async def test_repeated_failures_block_the_name_even_with_the_right_password(serve) -> None:
    server, client = await serve()
    for _ in range(web_server.NAME_FAILURES):
        assert (await log_in(client, "guess")).status == 401
    blocked = await log_in(client)
    assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many failed logins" in await blocked.text()
    assert server.name_failures.retry_after("li.wei") > 0


async def test_repeated_failures_block_the_address_across_names(serve) -> None:
    server, client = await serve()
    server.address_failures.limit = 3
    for name in ("a", "b", "c"):
        assert (await log_in(client, "guess", name=name)).status == 401
    assert (await log_in(client)).status == 429


async def test_a_login_form_too_big_is_refused(serve) -> None:
    _, client = await serve()
    data = {"name": "li.wei", "password": "x" * (web_server.FORM_LIMIT * 2)}
    answer = await client.post("/login", data=data, headers=origin(client))
    assert answer.status == 413


async def test_logout_ends_the_session_and_its_boards(serve) -> None:
    server, client = await serve()
    await log_in(client)
    socket = await client.ws_connect("/ws", headers=origin(client))
    await screen_text(socket, "stub user=li.wei role=supervisor")
    foreign = await client.post("/logout", headers={"Origin": "https://evil.example"})
    assert foreign.status == 403 and len(server.sessions) == 1
    answer = await client.post("/logout", headers=origin(client), allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == "/login"
    assert await closed(socket) is not None
    assert len(server.sessions) == 0
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_an_expired_session_is_refused_and_its_board_closed(serve) -> None:
    server, client = await serve()
    await log_in(client)
    socket = await client.ws_connect("/ws", headers=origin(client))
    await screen_text(socket, "role=supervisor")
    clock = server.sessions._clock
    server.sessions._clock = lambda: clock() + server.sessions.lifetime
    server.expire_sessions()
    assert await closed(socket) is not None
    assert (await client.get("/", allow_redirects=False)).status == 303
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers=origin(client))
    assert refused.value.status == 401


# -- the wall ----------------------------------------------------------------------------------


async def test_the_kiosk_url_opens_the_wall_and_nothing_else(serve) -> None:
    _, client = await serve()
    page = await client.get(f"/wall?token={TOKEN}")
    assert page.status == 200 and 'data-role="wall"' in await page.text()
    assert "Log out" not in await page.text()
    socket = await client.ws_connect("/ws", headers=origin(client))
    await screen_text(socket, "stub user=wall-3 role=wall")
    await socket.close()
    board = await client.get("/", allow_redirects=False)  # the supervisor's URL, wall cookie
    assert board.status == 403
    form = await client.get("/login", allow_redirects=False)
    assert form.status == 200  # a wall cookie is not a supervisor's login


async def test_a_managers_browser_board_gets_their_role_and_teams(serve) -> None:
    server, client = await serve()
    sessions: list[Any] = []

    def recording(session: Any) -> Any:
        sessions.append(session)
        return make_stub_app(session)

    server.app_factory = recording
    await log_in(client, name="mo")
    socket = await client.ws_connect("/ws", headers=origin(client))
    await screen_text(socket, "stub user=mo role=manager")
    await socket.close()
    assert [(s.user, s.role, s.teams) for s in sessions] == [("mo", "manager", ("South",))]


async def test_a_wall_token_on_the_supervisor_url_is_refused(serve) -> None:
    _, client = await serve()
    board = await client.get(f"/?token={TOKEN}", allow_redirects=False)
    assert board.status == 303 and board.headers["Location"] == "/login"
    assert COOKIE not in board.cookies
    refused = await client.post(
        "/login", data={"name": "wall-3", "password": TOKEN}, headers=origin(client)
    )
    assert refused.status == 401


async def test_wrong_kiosk_tokens_are_refused_then_rate_limited(serve) -> None:
    server, client = await serve()
    assert (await client.get("/wall")).status == 403
    assert (await client.get(f"/wall?token={TOKEN}x")).status == 403
    server.address_failures.limit = 2
    assert (await client.get(f"/wall?token={TOKEN}")).status == 429


# -- the board's socket ------------------------------------------------------------------------


async def test_the_socket_refuses_without_a_session_and_from_other_origins(serve) -> None:
    _, client = await serve()
    with pytest.raises(aiohttp.WSServerHandshakeError) as no_cookie:
        await client.ws_connect("/ws", headers=origin(client))
    assert no_cookie.value.status == 401
    await log_in(client)
    for headers in ({"Origin": "https://evil.example"}, {}):
        with pytest.raises(aiohttp.WSServerHandshakeError) as foreign:
            await client.ws_connect("/ws", headers=headers)
        assert foreign.value.status == 403
    forged = {"Cookie": f"{COOKIE}=forged", **origin(client)}
    client.session.cookie_jar.clear()
    with pytest.raises(aiohttp.WSServerHandshakeError) as bad_cookie:
        await client.ws_connect("/ws", headers=forged)
    assert bad_cookie.value.status == 401


async def test_the_board_speaks_textual_serves_protocol(serve) -> None:
    _, client = await serve()
    await log_in(client)
    socket = await client.ws_connect("/ws?width=100&height=30", headers=origin(client))
    await screen_text(socket, "size=100x30")
    await socket.send_str(json.dumps(["stdin", "x"]))
    await screen_text(socket, "keys=1 last=x")
    await socket.send_str(json.dumps(["resize", {"width": 100000, "height": -3}]))
    await screen_text(socket, "size=400x6")  # clamped
    await socket.send_str(json.dumps(["ping", "1234"]))
    async with asyncio.timeout(10):
        while True:
            message = await socket.receive()
            if message.type == aiohttp.WSMsgType.TEXT:
                assert json.loads(message.data) == ["pong", "1234"]
                break
    for odd in ('["focus"]', '["blur"]', '["unknown", 1]', '["stdin", 5]', '["resize", "x"]'):
        await socket.send_str(odd)
    await socket.send_str(json.dumps(["stdin", "y"]))
    await screen_text(socket, "keys=2 last=y")  # still alive after messages it ignores


async def test_a_socket_that_misbehaves_is_closed(serve) -> None:
    _, client = await serve()
    await log_in(client)
    not_json = await client.ws_connect("/ws", headers=origin(client))
    await not_json.send_str("{not json")
    assert await closed(not_json) == 1008
    nested = await client.ws_connect("/ws", headers=origin(client))
    await nested.send_str("[" * 30000 + "]" * 30000)  # under the size limit, past the stack
    assert await closed(nested) == 1008
    too_big = await client.ws_connect("/ws", headers=origin(client))
    await too_big.send_str(json.dumps(["stdin", "x" * (web_server.MESSAGE_LIMIT + 1)]))
    assert await closed(too_big) == 1009
    flood = await client.ws_connect("/ws", headers=origin(client))
    for _ in range(1000):
        await flood.send_str('["focus"]')
    assert await closed(flood) == 1008


async def test_one_login_holds_a_bounded_number_of_boards(serve) -> None:
    server, client = await serve()
    await log_in(client)
    sockets = [
        await client.ws_connect("/ws", headers=origin(client))
        for _ in range(web_server.SOCKETS_PER_SESSION)
    ]
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers=origin(client))
    assert refused.value.status == 429
    assert len(server.terminals) == web_server.SOCKETS_PER_SESSION
    for socket in sockets:
        await socket.close()


async def test_closing_the_tab_lets_the_app_save_then_end(serve) -> None:
    server, client = await serve()
    await log_in(client)
    socket = await client.ws_connect("/ws", headers=origin(client))
    await screen_text(socket, "role=supervisor")
    (terminal,) = server.terminals
    app = terminal.app
    await socket.close()
    async with asyncio.timeout(10):
        while server.terminals:
            await asyncio.sleep(0.05)
    assert terminal.end_reason in ("browser closed", "connection lost")
    assert app is not None and app.connection_lost_calls == 1  # type: ignore[attr-defined]


# -- TLS ---------------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_under_tls_the_board_is_https_wss_with_secure_cookies(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server = WebServer(web_config(tls=WebTls(cert, key)), make_stub_app, listen="127.0.0.1:0")
    await server.start()
    assert server.base_url.startswith("https://127.0.0.1:")
    context = ssl.create_default_context(cafile=str(cert))
    jar = aiohttp.CookieJar(unsafe=True)
    try:
        async with aiohttp.ClientSession(cookie_jar=jar) as client:
            base = server.base_url
            answer = await client.post(
                f"{base}/login",
                data={"name": "li.wei", "password": PASSWORD},
                headers={"Origin": base},
                ssl=context,
                allow_redirects=False,
            )
            assert answer.status == 303
            cookie = answer.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert "max-age" in answer.headers["Strict-Transport-Security"]
            page = await client.get(f"{base}/", ssl=context)
            assert f'data-session-websocket-url="wss://127.0.0.1:{server.port}/ws"' in (
                await page.text()
            )
            plain = await client.post(  # an http: origin is not this https server's
                f"{base}/login",
                data={"name": "li.wei", "password": PASSWORD},
                headers={"Origin": base.replace("https:", "http:")},
                ssl=context,
                allow_redirects=False,
            )
            assert plain.status == 403
            socket = await client.ws_connect(f"wss://127.0.0.1:{server.port}/ws",
                                             headers={"Origin": base}, ssl=context)  # fmt: skip
            await screen_text(socket, "stub user=li.wei role=supervisor")
            await socket.close()
    finally:
        await server.close()


def test_tls_files_that_cannot_be_loaded_are_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("not a key")
    tls = WebTls(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = WebServer(web_config(tls=tls), make_stub_app, listen="127.0.0.1:0")
    with pytest.raises(WebSetupError, match=r"web\.tls: cannot load"):
        asyncio.run(server.start())
