"""The SQLite backend: one file that never loses a note (the default, embedded store).

- The file (and its -wal/-shm companions) is created private, mode 0600: these are personnel
  records. WAL journal, `synchronous=FULL` (a commit is on disk when it returns), `BEGIN
  IMMEDIATE` for every write (writers queue instead of failing half-way) and a busy timeout, so
  several floorwatch processes on one host, one per SSH session, can share the file. (Not on a
  network share: WAL needs every process on one host. Several hosts share PostgreSQL.)
- Threads: each thread gets its own connection (the UI reads on its thread while a worker
  writes); connections are opened with `check_same_thread=False` only so that `close()` can close
  them all, and are never shared between threads. A forked child opens its own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from floorwatch.store.backend import Database, Tx
from floorwatch.store.errors import StoreError
from floorwatch.store.migrations import SCHEMA_VERSION, SQLITE, statements

T = TypeVar("T")
_UMASK_LOCK = threading.Lock()  # the umask is per process: set it for one connect at a time


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        super().__init__(str(path))
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms

    def exists(self) -> bool:
        return self.path.exists()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            # Created 0600 before SQLite touches it; SQLite gives -wal/-shm the same mode.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        with _UMASK_LOCK:
            old = os.umask(0o077)
            try:
                connection = sqlite3.connect(
                    self.path,
                    timeout=self.busy_timeout_ms / 1000,
                    isolation_level=None,  # we say BEGIN IMMEDIATE / COMMIT ourselves
                    check_same_thread=False,  # only so close() can close it; never shared
                )
            finally:
                os.umask(old)
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """WAL mode and forward migrations, once per store object."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.where}: written by a newer floorwatch (schema {version}, this one knows "
                f"up to {SCHEMA_VERSION}); upgrade floorwatch to open it"
            )
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        if version < SCHEMA_VERSION:
            migrate(connection)

    def _transaction(self, connection: sqlite3.Connection, body: Callable[[Tx], T]) -> T:
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = body(Tx(connection, self.dialect))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return result

    def _explain(self, action: str, error: BaseException) -> str | None:
        if not isinstance(error, sqlite3.Error):
            return None
        message = str(error)
        lowered = message.lower()
        where = f"{self.where}: cannot {action} the notes store"
        if "readonly" in lowered or "read-only" in lowered:
            return f"{where}: the file or its folder is read-only (check their permissions)"
        if "disk is full" in lowered or "disk i/o" in lowered:
            return f"{where}: the disk is full or failing ({message})"
        if "locked" in lowered or "busy" in lowered:
            seconds = self.busy_timeout_ms / 1000
            return f"{where}: another floorwatch kept it locked for more than {seconds:g} s"
        if "not a database" in lowered or "malformed" in lowered:
            return f"{where}: the file is not a floorwatch notes store ({message})"
        if "unable to open" in lowered:
            return f"{where}: the file or its folder cannot be opened or written ({message})"
        return f"{where}: {message}"

    def change_token(self) -> int:
        """SQLite's data_version: moves when another connection (process or thread) commits."""
        return int(self.read("PRAGMA data_version")[0][0])


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION in one write transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again inside the lock: another process may have migrated meanwhile.
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for step in SQLITE[version:]:
            for statement in statements(step):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
