"""The PostgreSQL backend: one database shared by every floorwatch host (psycopg 3).

- `notes.url: postgresql://user@host/db`. The password is never in the URL (nor the config):
  libpq reads `$PGPASSWORD` or `~/.pgpass` itself. A URL holding one is refused.
- Every connection runs with `synchronous_commit = on`, whatever the server's default: a write
  is acknowledged only once its commit is on the server's disk.
- Schema: the same versions as the SQLite file (`migrations.POSTGRESQL`), kept in
  `floorwatch_schema`; forward migrations run in one transaction under an advisory lock, so two
  hosts starting at once migrate once and a failed step leaves the schema as it was.
- Live sync: each note or revision NOTIFYs `floorwatch_notes` with its site when it commits
  (a trigger, so any writer counts). A dedicated connection LISTENs on its own thread; when it
  drops, it reconnects and counts that as a change (a note may have come meanwhile).
- A dropped connection (server restarted, network cut) is reopened and the read or write run
  again for up to RECONNECT_SECONDS (backend.py); every write is safe to repeat (save keys), so
  a save is retried or reported, never lost and never doubled.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from floorwatch.store import migrations
from floorwatch.store.backend import Database, Tx
from floorwatch.store.errors import StoreError

T = TypeVar("T")
log = logging.getLogger(__name__)

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT = 10  # seconds for one attempt to reach the server
QUICK_CONNECT_TIMEOUT = 2  # the same, for a UI thread's call (Database.quick)
LISTEN_READY_SECONDS = 5.0  # change_token() waits this long for the first LISTEN
# Connections a store keeps for reads and writes (besides its LISTEN connection): a board's
# worker threads take turns rather than each holding one, so a `serve` host with 20 sessions
# needs 20 x 3, not 20 x 8, of the server's max_connections.
POOL_SIZE = 2
POOL_WAIT_SECONDS = 30.0
MIGRATION_LOCK = 0x466C7277  # pg_advisory_xact_lock key: 'Flrw'
# Connection refused, server starting or shutting down: worth a retry. A refused login or a
# missing database is not (nothing will change by waiting).
PERMANENT = ("password authentication failed", "no password supplied", "does not exist",
             "role \"", "permission denied", "pg_hba.conf")  # fmt: skip


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def url_problem(url: str) -> str | None:
    """Why this URL cannot be a notes store's (None when it can)."""
    if not is_url(url):
        return "must start with postgresql://"
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error as error:
        return f"is not a PostgreSQL URL ({error})"
    if parts.get("password"):
        return (
            "must not hold a password: put it in $PGPASSWORD or ~/.pgpass "
            "(the config file is not a place for secrets)"
        )
    return None


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, site_filter: str | None) -> None:
        problem = url_problem(url)
        if problem is not None:
            raise StoreError(f"notes store URL {masked_url(url)} {problem}")
        super().__init__(url)
        self.url = url
        self.site_filter = site_filter  # notifications of this site only; None: every site
        self._changes = 0
        self._callbacks: list[Callable[[], None]] = []
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop_listener = threading.Event()
        self._listen_error = ""
        self._pool: list[psycopg.Connection[Any]] = []  # idle connections, the freshest last
        self._slots = threading.BoundedSemaphore(POOL_SIZE)

    # -- the pool ---------------------------------------------------------------------------------

    def _checkout(self) -> psycopg.Connection[Any]:
        if os.getpid() != self._pid:  # forked: the parent's connections are not ours to use
            self._pool, self._connections, self._ready = [], [], False
            self._slots = threading.BoundedSemaphore(POOL_SIZE)
            self._listener, self._pid = None, os.getpid()
        if not self._slots.acquire(timeout=POOL_WAIT_SECONDS):
            raise StoreError(f"{self.where}: all {POOL_SIZE} connections stayed busy")
        try:
            with self._lock:
                connection = self._pool.pop() if self._pool else None
            if connection is None or connection.closed:
                with self._errors("open"):
                    connection = self._connect()
                with self._lock:
                    self._connections.append(connection)
            self._prepare_once(connection)
        except BaseException:
            self._slots.release()
            raise
        return connection

    def _checkin(self, connection: psycopg.Connection[Any]) -> None:
        if connection.broken or connection.closed:
            self._discard(connection)
            return
        with self._lock:
            self._pool.append(connection)
        self._slots.release()

    def _discard(self, connection: psycopg.Connection[Any]) -> None:
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        with suppress(Exception):
            connection.close()
        self._slots.release()

    def close(self, wait_seconds: float) -> None:
        super().close(wait_seconds)
        with self._lock:
            self._pool = [c for c in self._pool if c in self._connections]

    # -- connections -----------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        connection = psycopg.connect(
            self.url,
            autocommit=True,  # reads are one statement each; writes say BEGIN/COMMIT
            row_factory=dict_row,
            connect_timeout=QUICK_CONNECT_TIMEOUT if self.in_a_hurry else CONNECT_TIMEOUT,
            application_name="floorwatch",
        )
        connection.execute("SET synchronous_commit = on")
        return connection

    def _prepare(self, connection: psycopg.Connection[Any]) -> None:
        """Forward migrations when the schema is behind; a store that is up to date needs no
        lock and no DDL (so the everyday role may lack the right to create tables)."""
        steps = migrations.POSTGRESQL
        version = self._version(connection)
        if version == len(steps):
            return
        self._refuse_newer(version, len(steps))
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            # Read again under the lock: another host may have migrated meanwhile (a plain
            # statement, not to_regclass: the catalog cache may not have seen its commit yet).
            connection.execute(
                "CREATE TABLE IF NOT EXISTS floorwatch_schema (version INTEGER NOT NULL)"
            )
            row = connection.execute("SELECT version FROM floorwatch_schema").fetchone()
            if row is None:
                connection.execute("INSERT INTO floorwatch_schema VALUES (0)")
            version = 0 if row is None else int(row["version"])
            self._refuse_newer(version, len(steps))
            for step in steps[version:]:
                connection.execute(step)
            connection.execute("UPDATE floorwatch_schema SET version = %s", (len(steps),))

    @staticmethod
    def _version(connection: psycopg.Connection[Any]) -> int:
        exists = connection.execute("SELECT to_regclass('floorwatch_schema') AS t").fetchone()
        if exists is None or exists["t"] is None:
            return 0
        row = connection.execute("SELECT version FROM floorwatch_schema").fetchone()
        return 0 if row is None else int(row["version"])

    def _refuse_newer(self, version: int, known: int) -> None:
        if version > known:
            raise StoreError(
                f"{self.where}: written by a newer floorwatch (schema {version}, this one "
                f"knows up to {known}); upgrade floorwatch to use it"
            )

    def _transaction(self, connection: psycopg.Connection[Any], body: Callable[[Tx], T]) -> T:
        with connection.transaction():
            return body(Tx(connection, self.dialect))

    def _transient(self, error: BaseException | None) -> bool:
        if not isinstance(error, psycopg.OperationalError):
            return False
        message = str(error).lower()
        return not any(word in message for word in PERMANENT)

    def _explain(self, action: str, error: BaseException) -> str | None:
        if not isinstance(error, psycopg.Error):
            return None
        where = f"{self.where}: cannot {action} the notes store"
        message = " ".join(str(error).split())
        lowered = message.lower()
        if "password" in lowered or "pg_hba.conf" in lowered:
            return (
                f"{where}: the server refused the login ({message}); the password comes from "
                "$PGPASSWORD or ~/.pgpass, never from the config"
            )
        if isinstance(error, psycopg.OperationalError):
            return f"{where}: the PostgreSQL server cannot be reached ({message})"
        return f"{where}: {message}"

    # -- live sync --------------------------------------------------------------------------------

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)
        self._start_listener()

    def change_token(self) -> int:
        """How many changes the LISTEN connection has seen (and reconnects it went through)."""
        self._start_listener()
        if not self._listening.wait(LISTEN_READY_SECONDS):
            raise StoreError(
                f"{self.where}: cannot listen for other hosts' notes ({self._listen_error}); "
                "still trying"
            )
        return self._changes

    def _start_listener(self) -> None:
        with self._lock:
            if self._listener is not None and self._listener.is_alive():
                return
            self._stop_listener.clear()
            self._listener = threading.Thread(
                target=self._listen, name="notes-listener", daemon=True
            )
            self._listener.start()

    def stop_listening(self) -> None:
        self._stop_listener.set()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=5)
        self._listener = None
        self._listening.clear()

    def _changed(self) -> None:
        self._changes += 1
        for callback in list(self._callbacks):
            try:
                callback()
            except Exception:  # a listener's bug must not stop the sync
                log.exception("notes change callback failed")

    def _listen(self) -> None:
        pause, first = 0.1, True
        while not self._stop_listener.is_set():
            try:
                with psycopg.connect(
                    self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                    application_name="floorwatch listener",
                ) as connection:  # fmt: skip
                    connection.execute(f"LISTEN {migrations.NOTIFY_CHANNEL}")
                    if not first:  # notes may have come while we were away
                        self._changed()
                    first, pause = False, 0.1
                    self._listening.set()
                    while not self._stop_listener.is_set():
                        for notice in connection.notifies(timeout=0.5):
                            if self.site_filter is None or notice.payload == self.site_filter:
                                self._changed()
            except psycopg.Error as error:
                self._listening.clear()
                self._listen_error = " ".join(str(error).split())
                log.info("%s: listener lost (%s); reconnecting", self.where, self._listen_error)
                self._stop_listener.wait(pause)
                pause = min(pause * 2, 1.0)
        self._listening.clear()


def masked_url(url: str) -> str:
    """The URL for a message, its password (if any) masked."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return "(unreadable)"
    password = parts.get("password")
    return url.replace(str(password), "***") if password else url
