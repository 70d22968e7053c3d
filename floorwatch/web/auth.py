"""Who may open the board in a browser: passwords, kiosk tokens, sessions and failure limits.

Secrets never sit in the config: supervisors' and managers' passwords as argon2id hashes, wall
TVs' kiosk tokens (256 random bits, so a plain SHA-256 is enough) as `sha256:<hex>`. A login
makes a session: a random id in an HttpOnly cookie, kept in this process's memory only, ended by
logout, by its expiry or by a restart of the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from floorwatch.config.types import WebConfig
from floorwatch.ssh.auth import Person
from floorwatch.ssh.session import ROLES, Role

__all__ = [
    "Accounts",
    "FailureLimit",
    "Person",
    "Session",
    "SessionBook",
    "hash_password",
    "hash_token",
    "new_token",
]

TOKEN_BYTES = 32
PER_PERSON = 16  # live sessions one person (or one wall) may hold
PASSWORD_LIMIT = 1024  # characters; argon2 hashes anything, but a login form has no need of more

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, with a fresh salt, for `web.users[].password_hash`."""
    return _hasher.hash(password)


def new_token() -> str:
    """A kiosk token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The `token_hash` kept in the config for a kiosk token."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8", errors="replace")).hexdigest()


class Accounts:
    """The people of `web.users`: supervisors and managers by password, walls by token."""

    def __init__(self, web: WebConfig) -> None:
        self._passwords: dict[str, str] = {}
        self._tokens: list[tuple[str, Person]] = []
        self.people: dict[str, Person] = {}
        for user in web.users:
            role: Role = user.role if user.role in ROLES else "wall"  # type: ignore[assignment]
            person = Person(user.name, role, user.teams)
            self.people[user.name] = person
            if person.role != "wall" and user.password_hash:
                self._passwords[user.name] = user.password_hash
            elif person.role == "wall" and user.token_hash:
                self._tokens.append((user.token_hash, person))
        # Unknown names are checked against this, so they take as long as known ones.
        self._decoy = hash_password(secrets.token_hex(16))

    def __len__(self) -> int:
        return len(self.people)

    def check_password(self, name: str, password: str) -> Person | None:
        """The supervisor (or manager) `name` if `password` is theirs. Slow on purpose (argon2):
        run it in a thread. Walls have no password and never log in here."""
        stored = self._passwords.get(name)
        if len(password) > PASSWORD_LIMIT:
            return None
        try:
            _hasher.verify(stored or self._decoy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return self.people[name] if stored else None

    def wall_for_token(self, token: str) -> Person | None:
        """The wall whose kiosk token this is; every stored hash is compared in constant time."""
        digest = hash_token(token)
        found = None
        for token_hash, person in self._tokens:
            if hmac.compare_digest(token_hash, digest):
                found = person
        return found


@dataclass
class Session:
    """One login: a supervisor's (or manager's) browser, or a wall TV that opened its kiosk
    URL."""

    id: str
    person: Person
    expires: float  # on the monotonic clock
    sockets: set[object] = field(default_factory=set)  # its open board connections


class SessionBook:
    """Live sessions by cookie value; a session past its expiry is gone."""

    def __init__(self, lifetime: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.lifetime = lifetime
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def start(self, person: Person) -> Session:
        """A new session; a person's oldest is dropped past `PER_PERSON` (a kiosk reloading all
        night, or logins repeated by a script, never pile up sessions in memory)."""
        mine = [s for s in self._sessions.values() if s.person.name == person.name]
        for old in mine[: max(0, len(mine) - PER_PERSON + 1)]:
            del self._sessions[old.id]
        session = Session(secrets.token_urlsafe(32), person, self._clock() + self.lifetime)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if self._clock() >= session.expires:
            del self._sessions[session_id]
            return None
        return session

    def end(self, session_id: str) -> Session | None:
        return self._sessions.pop(session_id, None)

    def expired(self) -> list[Session]:
        """Take out and return every session past its expiry."""
        now = self._clock()
        gone = [s for s in self._sessions.values() if now >= s.expires]
        for session in gone:
            del self._sessions[session.id]
        return gone


class FailureLimit:
    """At most `limit` failures per key (a name, an address) in a sliding `window` of seconds.

    A key at its limit is refused without its password even being checked, until its oldest
    failure leaves the window; a success does not wipe the count (that would let a guesser who
    also knows one password go on for ever).
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        times = self._recent(key)
        if times is None or len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.window - self._clock())

    def failed(self, key: str) -> None:
        times = self._recent(key)
        if times is None:
            times = self._failures[key] = deque()
        times.append(self._clock())

    def sweep(self) -> None:
        """Forget keys whose failures have all left the window (keys come from strangers)."""
        for key in list(self._failures):
            self._recent(key)

    def _recent(self, key: str) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        horizon = self._clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def __len__(self) -> int:
        return len(self._failures)
