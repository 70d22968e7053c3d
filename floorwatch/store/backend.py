"""What every backend of the notes store shares: a connection per thread, one write transaction
at a time per call (acknowledged only once committed), reads, `close()` that waits for work under
way, and reconnecting after a dropped connection.

A backend (`sqlite.SqliteDatabase`, `postgres.PostgresDatabase`) says how to connect, how to
bring the schema forward, how to run a transaction and which failures are worth a retry. The
table families (`notes`, `drafts`, `daily_figures`, `reds`) write their SQL once, with `?`
placeholders, against a `Tx`; the PostgreSQL backend turns `?` into `%s`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from floorwatch.store.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")
Row = Any  # sqlite3.Row or a psycopg dict row: both give row["column"] and row.keys()

# How long a call keeps trying to reach a server that dropped the connection (a restart takes a
# few seconds) before it reports the failure; the caller's text is never lost either way.
RECONNECT_SECONDS = 20.0
RETRY_PAUSES = (0.05, 0.1, 0.2, 0.5, 1.0)  # then 1 s between attempts


@lru_cache(maxsize=256)
def pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class Tx:
    """One connection inside a transaction (or a read), speaking `?` placeholders."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return pyformat(sql) if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(row) for row in rows]
        if not rows:
            return
        if self.dialect == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self.connection.executemany(sql, rows)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.execute(sql, params).fetchone()


class Database(ABC):
    """A notes database: connections per thread, transactions, reconnects (see module doc)."""

    dialect: ClassVar[str]

    def __init__(self, where: str) -> None:
        self.where = where  # for messages: the file, or the URL (never holding a password)
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition()  # guards _busy: reads and writes under way
        self._busy = 0
        self._ready = False
        self._pid = os.getpid()
        self.reconnects = 0  # connections dropped and opened again (shown by tests and docs)
        # Retries are for a connection that dropped; a store never reached fails at once.
        self.connected_once = False

    # -- what a backend provides -----------------------------------------------------------------

    @abstractmethod
    def _connect(self) -> Any:
        """A new connection (raise the driver's error or OSError; `_errors` explains it)."""

    @abstractmethod
    def _prepare(self, connection: Any) -> None:
        """Bring the schema forward (once per Database object)."""

    @abstractmethod
    def _transaction(self, connection: Any, body: Callable[[Tx], T]) -> T:
        """Run `body` in one write transaction; return only once it is committed."""

    @abstractmethod
    def _explain(self, action: str, error: BaseException) -> str | None:
        """A message for a driver error, or None when it is not the driver's."""

    def _transient(self, error: BaseException | None) -> bool:
        """Is this a dropped or refused connection, worth reconnecting for?"""
        return False

    def exists(self) -> bool:
        """Is there a store already? (Reading must not create a personnel-records file.)"""
        return True

    @abstractmethod
    def change_token(self) -> int:
        """A number that moves when another connection commits (poll it from one thread)."""

    def on_change(self, callback: Callable[[], None]) -> None:  # noqa: B027 (optional)
        """Call `callback` (from another thread) soon after anyone commits a note; a backend
        without notifications does nothing, and the caller's poll of `change_token` finds it."""

    def stop_listening(self) -> None:  # noqa: B027 (optional)
        """Stop what `on_change` started."""

    # -- connections ----------------------------------------------------------------------------

    def _connection(self) -> Any:
        if os.getpid() != self._pid:  # forked: the parent's connections are not ours to use
            self._local, self._connections, self._ready = threading.local(), [], False
            self._pid = os.getpid()
        connection = getattr(self._local, "connection", None)
        if connection is None:
            with self._errors("open"):
                connection = self._connect()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        self._prepare_once(connection)
        return connection

    def _prepare_once(self, connection: Any) -> None:
        """Prepare the database (migrations) on the first connection any thread opens."""
        if not self._ready:
            with self._lock, self._errors("open"):
                if not self._ready:
                    self._prepare(connection)
                    self._ready = True

    def _drop(self) -> None:
        """Forget this thread's connection (it broke); the next call opens a new one."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is None:
            return
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        with suppress(Exception):  # already broken: closing it is a courtesy
            connection.close()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except OSError as error:
            reason = error.strerror or str(error)
            raise StoreError(f"{self.where}: cannot {action} the notes store: {reason}") from error
        except Exception as error:
            message = self._explain(action, error)
            if message is None:
                raise
            raise StoreError(message) from error

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        """Mark a read or write under way: `close()` waits for it (closing a connection another
        thread is using crashes SQLite's C code, not just the statement)."""
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    @contextmanager
    def quick(self) -> Iterator[None]:
        """Calls made inside (on this thread) try once and fail fast instead of retrying: for
        the few reads and writes a UI makes on its own thread, which must not freeze it."""
        before = getattr(self._local, "quick", False)
        self._local.quick = True
        try:
            yield
        finally:
            self._local.quick = before

    @property
    def in_a_hurry(self) -> bool:
        return bool(getattr(self._local, "quick", False))

    def _checkout(self) -> Any:
        """A connection for one call (SQLite: this thread's own)."""
        return self._connection()

    def _checkin(self, connection: Any) -> None:  # noqa: B027 (a pool overrides it)
        """The call is done with `connection` (it stays this thread's)."""

    def _discard(self, connection: Any) -> None:
        """`connection` broke: close it; the next call opens another."""
        self._drop()

    def _attempts(self, action: str, run: Callable[[Any], T]) -> T:
        """Run `run(connection)`; after a dropped connection, reconnect and run it again until
        RECONNECT_SECONDS have passed, then raise the StoreError. `run` must be safe to repeat
        (every write is: see the save keys in `notes`)."""
        give_up: float | None = None
        attempt = 0
        while True:
            connection = None
            try:
                connection = self._checkout()
                with self._errors(action):
                    result = run(connection)
            except StoreError as error:
                transient = self._transient(error.__cause__)
                if connection is not None:
                    (self._discard if transient else self._checkin)(connection)
                if not transient:
                    raise
                if self.in_a_hurry:
                    raise StoreError(f"{error} (not retried here; try again)") from error.__cause__
                if not self.connected_once:  # a wrong host or port: waiting will not fix it
                    raise
                now = time.monotonic()
                give_up = give_up if give_up is not None else now + RECONNECT_SECONDS
                if now >= give_up:
                    unsaved = "" if action == "read" else "; nothing was saved by this attempt"
                    raise StoreError(
                        f"{error} (still failing after {RECONNECT_SECONDS:g} s of retries{unsaved})"
                    ) from error.__cause__
                pause = RETRY_PAUSES[min(attempt, len(RETRY_PAUSES) - 1)]
                log.info("%s: connection lost (%s); retrying in %g s", self.where, error, pause)
                attempt += 1
                self.reconnects += 1
                time.sleep(pause)
                continue
            except BaseException:  # the call's own failure (InvalidNote...): the link is fine
                if connection is not None:
                    self._checkin(connection)
                raise
            self.connected_once = True
            self._checkin(connection)
            return result

    # -- what the table families use -------------------------------------------------------------

    def write(self, action: str, body: Callable[[Tx], T]) -> T:
        """Run `body` in one write transaction; returns only once committed. `action` words the
        error ('save to', 'save a draft to'...)."""
        with self._in_use():
            return self._attempts(action, lambda c: self._transaction(c, body))

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._in_use():
            return self._attempts("read", lambda c: Tx(c, self.dialect).all(sql, params))

    def close(self, wait_seconds: float) -> None:
        """Close every thread's connection, once no read or write is under way (a worker thread
        may still be saving when the app quits). The database can be used again (it
        reconnects)."""
        self.stop_listening()
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout=wait_seconds):
                log.warning("%s: still in use after %g s; left open", self.where, wait_seconds)
                return
            with self._lock:
                for connection in self._connections:
                    connection.close()
                self._connections.clear()
                self._local = threading.local()
