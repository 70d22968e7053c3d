"""`WebServer`: the login form, the kiosk URL and a board per browser tab, on aiohttp.

Routes: `/login` (form, POST to log in), `/logout` (POST), `/` (a supervisor's board), `/wall`
(`?token=` a wall TV's kiosk URL), `/ws` (the terminal's WebSocket, any role, by its session
cookie), `/static/` (textual-serve's packaged front end) and `/assets/` (this package's).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web

from floorwatch.config.types import WebConfig
from floorwatch.ssh.server import format_peer, parse_listen
from floorwatch.ssh.session import AppFactory
from floorwatch.web import pages
from floorwatch.web.auth import Accounts, FailureLimit, Person, Session, SessionBook
from floorwatch.web.terminal import BrowserTerminal, clamp_size

log = logging.getLogger("floorwatch.web")

COOKIE = "floorwatch_session"
STATIC = Path(textual_serve.__file__).parent / "static"
ASSETS = Path(__file__).parent / "assets"

MAX_SOCKETS = 64  # open boards on the whole server
SOCKETS_PER_SESSION = 4  # tabs one login may hold open
MESSAGE_LIMIT = 64 * 1024  # bytes in one WebSocket message (a paste)
FORM_LIMIT = 8 * 1024  # bytes in a login form
HEARTBEAT_SECONDS = 30.0  # a vanished browser is noticed within a minute
SWEEP_SECONDS = 30.0
CLOSE_SECONDS = 15.0
# Failed logins: per name (guessing one person's password) and per address (spraying).
NAME_FAILURES, ADDRESS_FAILURES, FAILURE_WINDOW = 5, 20, 15 * 60.0

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)


class WebSetupError(Exception):
    """The web configuration cannot be used; the message says what to fix."""


def to_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class WebServer:
    """The browser front door of one floor: each tab gets `app_factory(session)`."""

    def __init__(
        self,
        config: WebConfig,
        app_factory: AppFactory,
        *,
        title: str = "floorwatch",
        listen: str | None = None,
        max_sockets: int = MAX_SOCKETS,
    ) -> None:
        self.config = config
        self.accounts = Accounts(config)
        if not len(self.accounts):
            raise WebSetupError("web.users is empty: nobody could log in. Add a user.")
        self.host, self.port = parse_listen(listen or config.listen)
        self.app_factory = app_factory
        self.title = title
        self.max_sockets = max_sockets
        self.sessions = SessionBook(config.session_expiry)
        self.name_failures = FailureLimit(NAME_FAILURES, FAILURE_WINDOW)
        self.address_failures = FailureLimit(ADDRESS_FAILURES, FAILURE_WINDOW)
        self.terminals: set[BrowserTerminal] = set()
        self.secure = config.tls is not None or (config.public_url or "").startswith("https:")
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._streams: tuple[Any, Any] | None = None

    # -- the aiohttp application ----------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(client_max_size=FORM_LIMIT, middlewares=[self._headers])
        app.add_routes(
            [
                web.get("/", self.board),
                web.get("/login", self.login_form),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/wall", self.wall),
                web.get("/ws", self.websocket),
                web.static("/static", STATIC),
                web.static("/assets", ASSETS),
            ]
        )
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as refusal:  # redirects and refusals carry the headers too
            self._secure_headers(request, refusal.headers)
            raise
        self._secure_headers(request, response.headers)
        return response

    def _secure_headers(self, request: web.Request, headers: Any) -> None:
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # The kiosk URL holds a token: never sent to another site. (no-referrer would make
        # browsers send "Origin: null" with our own forms.)
        headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith(("/static/", "/assets/")):
            headers.setdefault("Cache-Control", "no-store")
        if self.config.tls is not None:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")

    async def start(self) -> None:
        context = self._ssl_context()
        self._streams = (sys.stdout, sys.stderr)
        self._runner = web.AppRunner(self.application(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=context)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            raise WebSetupError(
                f"cannot listen on {self.host}:{self.port}: {error.strerror or error}"
            ) from None
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        log.info("listening on %s", self.base_url)

    def _ssl_context(self) -> ssl.SSLContext | None:
        tls = self.config.tls
        if tls is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(tls.cert, tls.key)
        except (OSError, ssl.SSLError) as error:
            raise WebSetupError(f"web.tls: cannot load {tls.cert} / {tls.key}: {error}") from None
        return context

    @property
    def base_url(self) -> str:
        """The address browsers use: `web.public_url`, else what the server listens on."""
        if self.config.public_url:
            return self.config.public_url
        scheme = "https" if self.config.tls is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    async def close(self) -> None:
        """Stop listening, end every tab cleanly (apps may save drafts), then return."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        terminals = list(self.terminals)
        for terminal in terminals:
            terminal.end("server shutting down")
        if terminals:
            await asyncio.wait(
                [asyncio.ensure_future(t.wait()) for t in terminals], timeout=CLOSE_SECONDS
            )
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            self.expire_sessions()

    def expire_sessions(self) -> None:
        """End expired sessions and their open boards; forget old login failures."""
        for session in self.sessions.expired():
            log.info("session of %s expired", session.person.name)
            self._end_sockets(session, "session expired")
        self.name_failures.sweep()
        self.address_failures.sweep()

    # -- who is asking --------------------------------------------------------------------------

    def session_of(self, request: web.Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    def same_origin(self, request: web.Request) -> bool:
        """The request comes from one of our own pages (WebSocket upgrades and form posts).

        Browsers always send Origin with both; its host must be the one the browser asked for
        (or `web.public_url`), so a page on another site can neither open a board with the
        user's cookie nor post a form here.
        """
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return False
        if self.config.public_url:
            return origin == self.config.public_url
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or (self.config.tls and parts.scheme != "https"):
            return False
        return parts.netloc.lower() == (request.host or "").lower()

    def _set_cookie(self, response: web.StreamResponse, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            session.id,
            max_age=int(self.sessions.lifetime),
            path="/",
            httponly=True,
            secure=self.secure,
            samesite="Strict",
        )

    @staticmethod
    def _peer(request: web.Request) -> str:
        transport = request.transport
        return format_peer(transport.get_extra_info("peername") if transport else None)

    # -- pages ----------------------------------------------------------------------------------

    async def board(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None:
            raise web.HTTPSeeOther("/login")
        if session.person.role == "wall":
            # A wall's cookie (or token) opens the wall and nothing else.
            return self._refuse(403, "Wall display", "This browser is a wall display.")
        return self._terminal_page(request, session.person)

    async def wall(self, request: web.Request) -> web.StreamResponse:
        address = request.remote or "unknown"
        if self.address_failures.retry_after(address):
            return self._refuse(429, "Too many attempts", "Too many wrong kiosk links; wait.")
        person = self.accounts.wall_for_token(request.query.get("token", ""))
        if person is None:
            self.address_failures.failed(address)
            log.warning("refused wall from %s: wrong or missing token", self._peer(request))
            return self._refuse(403, "Not a kiosk link", "This kiosk link is not valid.")
        session = self.sessions.start(person)
        log.info("wall %s opened from %s", person.name, self._peer(request))
        response = self._terminal_page(request, person)
        self._set_cookie(response, session)
        return response

    def _terminal_page(self, request: web.Request, person: Person) -> web.Response:
        scheme = "wss" if (self.secure or request.secure) else "ws"
        host = urlsplit(self.config.public_url).netloc if self.config.public_url else request.host
        font_size = min(max(to_int(request.query.get("fontsize"), 16), 8), 48)
        text = pages.terminal_page(
            title=self.title,
            user=person.name,
            role=person.role,
            websocket_url=f"{scheme}://{host}/ws",
            font_size=font_size,
        )
        return web.Response(text=text, content_type="text/html")

    def _refuse(self, status: int, title: str, message: str) -> web.Response:
        return web.Response(
            status=status, text=pages.refusal_page(title, message), content_type="text/html"
        )

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is not None and session.person.role != "wall":
            raise web.HTTPSeeOther("/")
        return web.Response(text=pages.login_page(), content_type="text/html")

    async def login(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            log.warning("refused login from %s: foreign origin", self._peer(request))
            return self._refuse(403, "Refused", "Log in from floorwatch's own page.")
        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        address = request.remote or "unknown"
        wait = max(self.name_failures.retry_after(name), self.address_failures.retry_after(address))
        if wait:
            log.warning("refused login %r from %s: too many failures", name, self._peer(request))
            message = f"Too many failed logins. Try again in {int(wait / 60) + 1} minutes."
            response = web.Response(
                status=429, text=pages.login_page(message, name), content_type="text/html"
            )
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        loop = asyncio.get_running_loop()
        person = await loop.run_in_executor(None, self.accounts.check_password, name, password)
        if person is None:
            self.name_failures.failed(name)
            self.address_failures.failed(address)
            log.warning("failed login %r from %s", name, self._peer(request))
            return web.Response(
                status=401,
                text=pages.login_page("Wrong name or password.", name),
                content_type="text/html",
            )
        session = self.sessions.start(person)
        log.info("login %s from %s", person.name, self._peer(request))
        response = web.Response(status=303, headers={"Location": "/"})
        self._set_cookie(response, session)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            return self._refuse(403, "Refused", "Log out from floorwatch's own page.")
        session_id = request.cookies.get(COOKIE)
        session = self.sessions.end(session_id) if session_id else None
        if session is not None:
            log.info("logout %s", session.person.name)
            self._end_sockets(session, "logged out")
        response = web.Response(status=303, headers={"Location": "/login"})
        response.del_cookie(COOKIE, path="/")
        return response

    def _end_sockets(self, session: Session, reason: str) -> None:
        for terminal in list(session.sockets):
            assert isinstance(terminal, BrowserTerminal)
            terminal.end(reason)

    # -- the terminal's WebSocket ---------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        peer = self._peer(request)
        if not self.same_origin(request):
            log.warning(
                "refused board from %s: origin %r", peer, request.headers.get("Origin", "")[:100]
            )
            raise web.HTTPForbidden(text="refused: this board opens only from its own page")
        session = self.session_of(request)
        if session is None:
            log.warning("refused board from %s: not logged in", peer)
            raise web.HTTPUnauthorized(text="refused: log in first")
        if len(self.terminals) >= self.max_sockets:
            log.warning("refused board for %s: server full", session.person.name)
            raise web.HTTPServiceUnavailable(text="the server has too many boards open")
        if len(session.sockets) >= SOCKETS_PER_SESSION:
            raise web.HTTPTooManyRequests(text="too many boards open for this login")
        size = clamp_size(
            to_int(request.query.get("width"), 80), to_int(request.query.get("height"), 24)
        )
        socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MESSAGE_LIMIT)
        await socket.prepare(request)
        terminal = BrowserTerminal(socket, request.transport, session.person, peer, size)
        self.terminals.add(terminal)
        session.sockets.add(terminal)
        person = session.person
        log.info("board start %s (%s) from %s: %dx%d", person.name, person.role, peer, *size)
        reader = asyncio.get_running_loop().create_task(self._read(socket, terminal))
        try:
            terminal.start(self.app_factory)
            app_task = asyncio.ensure_future(terminal.wait())
            await asyncio.wait([reader, app_task], return_when=asyncio.FIRST_COMPLETED)
            if reader.done():
                failed = reader.cancelled() or reader.exception() is not None
                terminal.end("connection error" if failed else reader.result() or "browser closed")
            await terminal.wait()
        finally:
            # aiohttp cancels this handler when the browser drops the connection: the app
            # must still be ended (and allowed to save a draft), never left running.
            if terminal.running:
                terminal.end("connection lost")
                await asyncio.shield(terminal.wait())
            reader.cancel()
            await terminal.channel.close()
            await socket.close()
            self.terminals.discard(terminal)
            session.sockets.discard(terminal)
            self._release_streams()
            log.info("board end %s from %s: %s", person.name, peer, terminal.end_reason)
        return socket

    async def _read(self, socket: web.WebSocketResponse, terminal: BrowserTerminal) -> str | None:
        """Hand the page's messages to the terminal; the reason the page went, if it did."""
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                problem = terminal.receive(message.data)
                if problem is not None:
                    log.warning("closing board of %s: %s", terminal.person.name, problem)
                    await socket.close(code=1008, message=problem.encode())
                    return problem
            elif message.type == WSMsgType.ERROR:
                return f"connection error: {socket.exception()}"
        if socket.close_code == 1009:
            return "message too big"
        return None

    def _release_streams(self) -> None:
        if not self.terminals and self._streams is not None:
            # Each running Textual app redirects sys.stdout/stderr to its own capture and
            # restores what it found; apps that overlap restore each other's. Put back ours.
            sys.stdout, sys.stderr = self._streams
