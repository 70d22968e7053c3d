"""The notes store: BEST notes in one SQLite file that never loses a note.

- The file (and its -wal/-shm companions) is created private, mode 0600: these are personnel
  records. WAL journal, `synchronous=FULL` (a commit is on disk when it returns), `BEGIN
  IMMEDIATE` for every write (writers queue instead of failing half-way) and a busy timeout, so
  several floorwatch processes, one per SSH session, can share the file.
- Append-only: a note is a row in `notes` plus one row per revision in `revisions`; an edit,
  a retraction or closing a follow-up adds a revision and keeps the earlier ones. Triggers refuse
  any UPDATE or DELETE of those tables. Only drafts are ever deleted.
- Threads: each thread gets its own connection (the UI reads on its thread while a worker
  writes); connections are opened with `check_same_thread=False` only so that `close()` can close
  them all, and are never shared between threads. A forked child opens its own.
- Every failure of the file (read-only, disk full, locked past the timeout, not a database)
  raises `StoreError` with a message naming the file. The store never holds the caller's text
  hostage: the draft the caller passed in is theirs to keep and retry.
- Times are stored as UTC ISO 8601 text with microseconds (so they also sort as text).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorwatch.coaching import (
    FOLLOW_UP_EARLY,
    FollowUp,
    Note,
    NoteDraft,
    due_follow_ups,
    end_of_day,
    open_follow_ups,
    parse_timeframe,
    validate_draft,
    with_fields,
)
from floorwatch.store.schema import (
    ALL,
    LATEST,
    MIGRATIONS,
    SCHEMA_VERSION,
    from_text,
    insert_revision,
    migrate,
    note_from_row,
    to_text,
)

if TYPE_CHECKING:
    from floorwatch.config.types import Config

__all__ = [
    "BUSY_TIMEOUT_MS", "MIGRATIONS", "SCHEMA_VERSION", "STORE_FILE", "InvalidNote", "NoteStore",
    "StoreChoice", "StoreError", "choose_store", "default_store_path", "floor_store_path",
    "from_text", "resolve_author", "store_path", "to_text",
]  # fmt: skip

STORE_FILE = "notes.sqlite3"
BUSY_TIMEOUT_MS = 5000
# close() waits this long for a read or write under way in another thread: a write waits at
# most BUSY_TIMEOUT_MS for the file lock, then takes milliseconds.
CLOSE_WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000 + 5

log = logging.getLogger(__name__)

_UMASK_LOCK = threading.Lock()  # the umask is per process: set it for one connect at a time


class StoreError(Exception):
    """The notes file cannot be read or written; the message says which file and why."""


class InvalidNote(ValueError):
    """A draft that cannot be saved; `problems` maps field names to messages."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)


def default_store_path() -> Path:
    """The store of notes written without a config (and, before floorwatch kept one store per
    config, of every floor): `notes.sqlite3` in the user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("floorwatch")) / STORE_FILE


def floor_store_path(config: Config) -> Path:
    """A config's own default store: `floors/<floor name>-<8 hex>.sqlite3` in the user data
    folder, the hex from the config file's absolute path, so two configs (two floors, or one
    floor's test and live configs) never share notes unless `notes.path` says so."""
    import platformdirs

    source = str(Path(config.source).expanduser().resolve())
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", config.floor.name.casefold()).strip("-")[:40] or "floor"
    return Path(platformdirs.user_data_dir("floorwatch")) / "floors" / f"{slug}-{digest}.sqlite3"


@dataclass(frozen=True)
class StoreChoice:
    """Which notes file a command or the board uses, and why (for `--verbose` and the header)."""

    path: Path
    why: str  # 'notes.path', 'this config's own store', 'the shared legacy store', ...
    notice: str | None = None  # something the user should be told (a legacy store kept)


def choose_store(config: Config | None) -> StoreChoice:
    """The notes store: `notes.path` when set; without a config, `notes.sqlite3` in the user
    data folder; else the config's own store (`floor_store_path`), except that a legacy shared
    `notes.sqlite3` that exists while the config's own does not is kept (its notes are not
    orphaned), with a notice saying how to give the floor its own."""
    if config is None:
        return StoreChoice(default_store_path(), "no config: the user data folder's store")
    if config.notes.path is not None:
        path = Path(config.notes.path).expanduser()
        return StoreChoice(path if path.is_absolute() else config.base_dir / path, "notes.path")
    own, legacy = floor_store_path(config), default_store_path()
    if legacy.exists() and not own.exists():
        notice = (
            f"notes: using the existing store {legacy}, shared by every config that sets no "
            f"notes.path; set notes.path in {config.source} to keep this floor's notes apart "
            f"(e.g. notes.path: {own}, after moving the file there)"
        )
        return StoreChoice(legacy, "the shared store from before per-config stores", notice)
    return StoreChoice(own, "this config's own store (set notes.path to choose another)")


def store_path(config: Config | None) -> Path:
    """The notes file for `config` (see `choose_store`)."""
    return choose_store(config).path


def resolve_author(config_author: str | None) -> str:
    """Who writes the notes: `notes.author`, else $FLOORWATCH_AUTHOR, else the login name."""
    for candidate in (config_author, os.environ.get("FLOORWATCH_AUTHOR")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container with an unnamed uid)
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class NoteStore:
    """BEST notes in one SQLite file, safe across threads and processes (see module doc).

    `tz` and `shift_end` are the floor's: they turn a typed timeframe into a due time."""

    def __init__(
        self,
        path: Path | str,
        tz: tzinfo = UTC,
        shift_end: time | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = Path(path)
        self.tz = tz
        self.shift_end = shift_end
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition()  # guards _busy: reads and writes under way
        self._busy = 0
        self._ready = False
        self._pid = os.getpid()

    # -- connections ----------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if os.getpid() != self._pid:  # forked: the parent's connections are not ours to use
            self._local, self._connections, self._ready = threading.local(), [], False
            self._pid = os.getpid()
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            with self._errors("open"):
                connection = self._connect()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        if not self._ready:
            with self._lock, self._errors("open"):
                if not self._ready:
                    self._prepare(connection)
                    self._ready = True
        return connection

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
                f"{self.path}: written by a newer floorwatch (schema {version}, this one knows "
                f"up to {SCHEMA_VERSION}); upgrade floorwatch to open it"
            )
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        if version < SCHEMA_VERSION:
            migrate(connection)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except sqlite3.Error as error:
            raise StoreError(self._explain(action, str(error))) from error
        except OSError as error:
            reason = error.strerror or str(error)
            raise StoreError(f"{self.path}: cannot {action} the notes store: {reason}") from error

    def _explain(self, action: str, message: str) -> str:
        lowered = message.lower()
        where = f"{self.path}: cannot {action} the notes store"
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
    def _write(self, action: str = "save to") -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE ... COMMIT; returns only once committed."""
        with self._in_use():
            connection = self._connection()
            with self._errors(action):
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._in_use():
            connection = self._connection()
            with self._errors("read"):
                return connection.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close every thread's connection, once no read or write is under way (a worker thread
        may still be saving when the app quits). The store can be used again (it reconnects)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout=CLOSE_WAIT_SECONDS):
                log.warning("%s: still in use after %g s; left open", self.path, CLOSE_WAIT_SECONDS)
                return
            with self._lock:
                for connection in self._connections:
                    connection.close()
                self._connections.clear()
                self._local = threading.local()

    def __enter__(self) -> NoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- notes ----------------------------------------------------------------------------------

    def add(self, draft: NoteDraft, author: str, now: datetime) -> Note:
        """Save a new note (and clear the author's draft for that agent, in the same
        transaction). Raises InvalidNote (nothing saved) or StoreError."""
        problems = validate_draft(draft, now, self.tz, self.shift_end)
        if problems:
            raise InvalidNote(problems)
        due = self._due(draft, now)
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT INTO notes (agent, author, created_at) VALUES (?, ?, ?)",
                (draft.agent, author, to_text(now)),
            )
            note_id = int(cursor.lastrowid or 0)
            insert_revision(connection, note_id, 1, draft, due, author, now)
            connection.execute(
                "DELETE FROM drafts WHERE agent = ? AND author = ?", (draft.agent, author)
            )
        return self._must_get(note_id)

    def revise(
        self,
        note_id: int,
        changes: NoteDraft | Mapping[str, Any],
        author: str,
        now: datetime,
        reason: str = "",
    ) -> Note:
        """Add a revision with new field values (a whole draft, or only the changed fields).
        A changed timeframe is resolved again from `now`; an unchanged one keeps its due time."""

        def revised(current: Note) -> tuple[NoteDraft, datetime | None, dict[str, Any]]:
            base = current.draft()
            draft = changes if isinstance(changes, NoteDraft) else with_fields(base, changes)
            draft = replace(draft, agent=current.agent)  # a note never moves to another agent
            problems = validate_draft(draft, now, self.tz, self.shift_end)
            keep_due = draft.timeframe.strip() == current.timeframe.strip()
            if keep_due:  # its due time may have passed since; that is no reason to refuse
                problems.pop("timeframe", None)
            if problems:
                raise InvalidNote(problems)
            due = current.follow_up_due if keep_due else self._due(draft, now)
            return draft, due, {"reason": reason}

        return self._append(note_id, author, now, revised)

    def retract(self, note_id: int, author: str, now: datetime, reason: str) -> Note:
        """Withdraw a note: a revision marked retracted (the text stays in the history)."""
        return self._append(
            note_id,
            author,
            now,
            lambda c: (c.draft(), c.follow_up_due, {"retracted": 1, "reason": reason}),
        )

    def close_follow_up(self, note_id: int, author: str, now: datetime, outcome: str) -> Note:
        """Mark a note's follow-up done, with its outcome (improved / worse / same / free text)."""
        return self._append(
            note_id,
            author,
            now,
            lambda c: (
                c.draft(),
                c.follow_up_due,
                {"follow_up_closed_at": to_text(now), "follow_up_outcome": outcome},
            ),
        )

    def _due(self, draft: NoteDraft, now: datetime) -> datetime | None:
        if not draft.timeframe.strip():  # a STAR-AR case: no check to come
            return None
        return parse_timeframe(draft.timeframe, now, self.tz, self.shift_end)

    def _append(
        self,
        note_id: int,
        author: str,
        now: datetime,
        make: Callable[[Note], tuple[NoteDraft, datetime | None, dict[str, Any]]],
    ) -> Note:
        with self._write() as connection:
            current = self._fetch_latest(connection, note_id)
            if current is None:
                raise StoreError(f"{self.path}: there is no note {note_id}")
            draft, due, extra = make(current)
            extra.setdefault("retracted", int(current.retracted))
            if current.follow_up_closed_at is not None:
                extra.setdefault("follow_up_closed_at", to_text(current.follow_up_closed_at))
                extra.setdefault("follow_up_outcome", current.follow_up_outcome)
            insert_revision(
                connection, note_id, current.revision + 1, draft, due, author, now, extra
            )
        return self._must_get(note_id)

    def _fetch_latest(self, connection: sqlite3.Connection, note_id: int) -> Note | None:
        found = connection.execute(f"{LATEST} AND n.id = ?", (note_id,)).fetchone()
        return None if found is None else note_from_row(found)

    def _must_get(self, note_id: int) -> Note:
        note = self.get(note_id)
        if note is None:  # cannot happen after our own commit; say so plainly if it does
            raise StoreError(f"{self.path}: note {note_id} vanished after saving")
        return note

    def get(self, note_id: int) -> Note | None:
        """The latest revision of a note (retracted ones too), or None."""
        rows = self._read(f"{LATEST} AND n.id = ?", (note_id,))
        return note_from_row(rows[0]) if rows else None

    def notes(
        self,
        agent: str | None = None,
        since: datetime | None = None,
        include_retracted: bool = False,
    ) -> list[Note]:
        """The latest revision of each note, oldest first; `since` filters on created_at."""
        sql, params = LATEST, []
        if agent is not None:
            sql += " AND n.agent = ?"
            params.append(agent)
        if since is not None:
            sql += " AND n.created_at >= ?"
            params.append(to_text(since))
        if not include_retracted:
            sql += " AND r.retracted = 0"
        rows = self._read(sql + " ORDER BY n.created_at, n.id", tuple(params))
        return [note_from_row(row) for row in rows]

    def revisions(self, note_id: int) -> list[Note]:
        """Every revision of a note, the original first."""
        rows = self._read(f"{ALL} WHERE n.id = ? ORDER BY r.revision", (note_id,))
        return [note_from_row(row) for row in rows]

    def all_revisions(self) -> list[Note]:
        """Every revision of every note (for `notes export --revisions`)."""
        return [note_from_row(row) for row in self._read(f"{ALL} ORDER BY n.id, r.revision")]

    def open_follow_ups(self) -> list[Note]:
        """Every note whose follow-up is still open (rules in coaching.open_follow_ups)."""
        return open_follow_ups(self.notes())

    def follow_ups(self, now: datetime, days_ahead: int = 0) -> list[FollowUp]:
        """Open follow-ups due by the end of today (floor time), or `days_ahead` days after;
        overdue ones flagged. The same as coaching.due_follow_ups over every note, but reads
        only the candidates and the notes recent enough to be their check-ins."""
        until = end_of_day(now, self.tz) + timedelta(days=days_ahead)
        rows = self._read(
            f"{LATEST} AND r.retracted = 0 AND r.follow_up_closed_at IS NULL "
            "AND r.follow_up_due IS NOT NULL AND r.follow_up_due < ?",
            (to_text(until),),
        )
        candidates = [note_from_row(row) for row in rows]
        dues = [note.follow_up_due for note in candidates if note.follow_up_due is not None]
        if not dues:
            return []
        check_ins = self.notes(since=min(dues) - FOLLOW_UP_EARLY)
        merged = {note.id: note for note in (*candidates, *check_ins)}
        return due_follow_ups(merged.values(), now, self.tz, days_ahead)

    # -- drafts ---------------------------------------------------------------------------------

    def save_draft(self, agent: str, author: str, fields: Mapping[str, str], now: datetime) -> None:
        """Keep what the author has typed for this agent (replacing the previous draft)."""
        text = json.dumps(dict(fields), ensure_ascii=False)
        with self._write("save a draft to") as connection:
            connection.execute(
                "INSERT INTO drafts (agent, author, fields, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (agent, author) DO UPDATE SET fields = excluded.fields, "
                "saved_at = excluded.saved_at",
                (agent, author, text, to_text(now)),
            )

    def load_draft(self, agent: str, author: str) -> tuple[dict[str, str], datetime] | None:
        """The author's saved draft for this agent and when it was saved, or None."""
        rows = self._read(
            "SELECT fields, saved_at FROM drafts WHERE agent = ? AND author = ?", (agent, author)
        )
        if not rows:
            return None
        fields = json.loads(rows[0]["fields"])
        saved_at = from_text(rows[0]["saved_at"])
        assert saved_at is not None
        return {str(k): str(v) for k, v in fields.items()}, saved_at

    def discard_draft(self, agent: str, author: str) -> None:
        with self._write("discard a draft in") as connection:
            connection.execute("DELETE FROM drafts WHERE agent = ? AND author = ?", (agent, author))

    # -- daily figures --------------------------------------------------------------------------

    def save_daily_figures(self, figures: Iterable[tuple[str, str, str, float, int]]) -> int:
        """Keep (day, agent, metric, value, count) figures, replacing those of the same day,
        agent and metric (a day read again gives its newer figure). Returns how many."""
        rows = [(d, a, m, float(v), int(c)) for d, a, m, v, c in figures]
        with self._write("save daily figures to") as connection:
            connection.executemany(
                "INSERT INTO daily_figures (day, agent, metric, value, count) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent, metric, day) DO UPDATE SET "
                "value = excluded.value, count = excluded.count",
                rows,
            )
        return len(rows)

    def daily_figures(self, agent: str, since: str) -> list[tuple[str, str, float, int]]:
        """The agent's (day, metric, value, count) figures from day `since` (ISO) on, by day."""
        rows = self._read(
            "SELECT day, metric, value, count FROM daily_figures "
            "WHERE agent = ? AND day >= ? ORDER BY day",
            (agent, since),
        )
        return [(r["day"], r["metric"], r["value"], r["count"]) for r in rows]

    def all_daily_figures(self, first: str, last: str) -> list[tuple[str, str, str, float, int]]:
        """Every (day, agent, metric, value, count) kept for days first..last (ISO, included)."""
        rows = self._read(
            "SELECT day, agent, metric, value, count FROM daily_figures "
            "WHERE day >= ? AND day <= ? ORDER BY day",
            (first, last),
        )
        return [(r["day"], r["agent"], r["metric"], r["value"], r["count"]) for r in rows]

    def figure_days(self) -> set[str]:
        """The floor days that have any daily figure kept."""
        return {row["day"] for row in self._read("SELECT DISTINCT day FROM daily_figures")}

    def figure_agents(self) -> list[str]:
        """Every agent with daily figures, sorted."""
        rows = self._read("SELECT DISTINCT agent FROM daily_figures ORDER BY agent")
        return [r["agent"] for r in rows]

    # -- reds -------------------------------------------------------------------------------------

    def record_reds(self, reds: Iterable[tuple[str, str, datetime]]) -> None:
        """Keep transitions to red (agent, metric key, when). The same red seen by several
        boards (every SSH session has one) is kept once."""
        rows = [(agent, metric, to_text(at)) for agent, metric, at in reds]
        with self._write("save reds to") as connection:
            connection.executemany(
                "INSERT OR IGNORE INTO reds (agent, metric, red_at) VALUES (?, ?, ?)", rows
            )

    def reds(self, since: datetime) -> list[tuple[str, str, datetime]]:
        """Transitions to red at or after `since`, oldest first."""
        rows = self._read(
            "SELECT agent, metric, red_at FROM reds WHERE red_at >= ? ORDER BY red_at",
            (to_text(since),),
        )
        found = []
        for row in rows:
            at = from_text(row["red_at"])
            assert at is not None
            found.append((row["agent"], row["metric"], at))
        return found

    # -- change detection -----------------------------------------------------------------------

    def data_version(self) -> int:
        """Changes when another connection (process or thread) commits; poll it (e.g. every
        second) from one thread to notice other supervisors' notes."""
        return int(self._read("PRAGMA data_version")[0][0])
