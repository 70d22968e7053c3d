"""`NoteStore`: the one API every caller uses, whichever backend keeps the notes.

`NoteStore(path)` opens the SQLite file; `NoteStore("postgresql://...")` the shared database.
The guarantees are the same on both: a write returns only once committed; notes are
append-only with revisions; the store never holds the caller's text hostage (the draft passed in
is theirs to keep and retry); every failure raises `StoreError` naming the store. `site` is the
floor this store writes and reads; `all_sites=True` reads every floor's notes and reds (a report
across floors).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

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
from floorwatch.store import daily_figures, drafts, notes, reds
from floorwatch.store.backend import Database, Tx
from floorwatch.store.errors import InvalidNote, StoreError
from floorwatch.store.notes import ALL, LATEST, Reader, note_from_row, to_text, visible_to
from floorwatch.store.sqlite import SqliteDatabase

BUSY_TIMEOUT_MS = 5000
# close() waits this long for a read or write under way in another thread: a write waits at
# most BUSY_TIMEOUT_MS for the file lock (or the reconnect budget), then takes milliseconds.
CLOSE_WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000 + 5

Revised = tuple[NoteDraft, datetime | None, dict[str, Any]]


def open_database(location: Path | str, busy_timeout_ms: int, site_filter: str | None) -> Database:
    """The backend for a location: a postgresql:// URL, else a SQLite file path."""
    from floorwatch.store.postgres import is_url

    if is_url(location):
        from floorwatch.store.postgres import PostgresDatabase

        return PostgresDatabase(str(location), site_filter)
    return SqliteDatabase(Path(location), busy_timeout_ms)


class NoteStore:
    """BEST notes, safe across threads, processes and (on PostgreSQL) hosts (see module doc).

    `tz` and `shift_end` are the floor's: they turn a typed timeframe into a due time."""

    def __init__(
        self,
        location: Path | str,
        tz: tzinfo = UTC,
        shift_end: time | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        site: str = "",
        all_sites: bool = False,
    ) -> None:
        self.tz = tz
        self.shift_end = shift_end
        self.site = site
        self.all_sites = all_sites
        self.db = open_database(location, busy_timeout_ms, None if all_sites else site)
        self.where = self.db.where  # the file or URL, for messages
        self.backend = self.db.dialect  # "sqlite" | "postgresql"

    @property
    def path(self) -> Path:
        """The SQLite file (a PostgreSQL store has none)."""
        if not isinstance(self.db, SqliteDatabase):
            raise AttributeError(f"{self.where} is not a file")
        return self.db.path

    @property
    def _read_site(self) -> str | None:
        return None if self.all_sites else self.site

    def exists(self) -> bool:
        """Is there a store yet? (A SQLite file is created by the first write; reading must not
        create a personnel-records file. A PostgreSQL database is there already.)"""
        return self.db.exists()

    def close(self) -> None:
        """Close every connection once no read or write is under way (a worker thread may still
        be saving when the app quits). The store can be used again (it reconnects)."""
        self.db.close(CLOSE_WAIT_SECONDS)

    def quick(self) -> AbstractContextManager[None]:
        """`with store.quick():` calls on this thread try once and fail fast (a UI thread must
        not wait out a server restart); elsewhere a dropped connection is retried."""
        return self.db.quick()

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
        save_key = uuid.uuid4().hex

        def body(tx: Tx) -> int:
            note_id = notes.insert_note(tx, self.site, draft, due, author, now, save_key)
            drafts.delete(tx, self.site, draft.agent, author)
            return note_id

        return self._must_get(self.db.write("save to", body))

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

        def revised(current: Note) -> Revised:
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
        self, note_id: int, author: str, now: datetime, make: Callable[[Note], Revised]
    ) -> Note:
        save_key = uuid.uuid4().hex

        def body(tx: Tx) -> None:
            if notes.revision_saved(tx, save_key):  # a retry of a commit that landed
                return
            current = notes.latest(tx, self._read_site, note_id, lock=True)
            if current is None:
                raise StoreError(f"{self.where}: there is no note {note_id}")
            draft, due, extra = make(current)
            extra.setdefault("retracted", int(current.retracted))
            if current.follow_up_closed_at is not None:
                extra.setdefault("follow_up_closed_at", to_text(current.follow_up_closed_at))
                extra.setdefault("follow_up_outcome", current.follow_up_outcome)
            extra["save_key"] = save_key
            notes.insert_revision(tx, note_id, current.revision + 1, draft, due, author, now, extra)

        self.db.write("save to", body)
        return self._must_get(note_id)

    def _must_get(self, note_id: int) -> Note:
        note = self.get(note_id)
        if note is None:  # cannot happen after our own commit; say so plainly if it does
            raise StoreError(f"{self.where}: note {note_id} vanished after saving")
        return note

    def _site_clause(self, sql: str, params: list[Any]) -> str:
        if self.all_sites:
            return sql
        params.append(self.site)
        return sql + " AND n.site = ?"

    def get(self, note_id: int, reader: Reader | None = None) -> Note | None:
        """The latest revision of a note (retracted ones too), or None (also when `reader` may
        not see it)."""
        visible, who = visible_to(reader)
        params: list[Any] = [note_id, *who]
        sql = self._site_clause(f"{LATEST} AND n.id = ?{visible}", params)
        rows = self.db.read(sql, params)
        return note_from_row(rows[0]) if rows else None

    def notes(
        self,
        agent: str | None = None,
        since: datetime | None = None,
        include_retracted: bool = False,
        reader: Reader | None = None,
    ) -> list[Note]:
        """The latest revision of each note `reader` may see, oldest first; `since` filters on
        created_at."""
        visible, who = visible_to(reader)
        params: list[Any] = [*who]
        sql = self._site_clause(LATEST + visible, params)
        if agent is not None:
            sql += " AND n.agent = ?"
            params.append(agent)
        if since is not None:
            sql += " AND n.created_at >= ?"
            params.append(to_text(since))
        if not include_retracted:
            sql += " AND r.retracted = 0"
        rows = self.db.read(sql + " ORDER BY n.created_at, n.id", params)
        return [note_from_row(row) for row in rows]

    def revisions(self, note_id: int, reader: Reader | None = None) -> list[Note]:
        """Every revision of a note, the original first."""
        visible, who = visible_to(reader)
        params: list[Any] = [note_id, *who]
        sql = self._site_clause(f"{ALL} AND n.id = ?{visible}", params)
        return [note_from_row(row) for row in self.db.read(sql + " ORDER BY r.revision", params)]

    def all_revisions(self, reader: Reader | None = None) -> list[Note]:
        """Every revision of every note (for `notes export --revisions`)."""
        visible, who = visible_to(reader)
        params: list[Any] = [*who]
        sql = self._site_clause(ALL + visible, params) + " ORDER BY n.id, r.revision"
        return [note_from_row(row) for row in self.db.read(sql, params)]

    def open_follow_ups(self, reader: Reader | None = None) -> list[Note]:
        """Every note whose follow-up is still open (rules in coaching.open_follow_ups)."""
        return open_follow_ups(self.notes(reader=reader))

    def follow_ups(
        self, now: datetime, days_ahead: int = 0, reader: Reader | None = None
    ) -> list[FollowUp]:
        """Open follow-ups due by the end of today (floor time), or `days_ahead` days after;
        overdue ones flagged. The same as coaching.due_follow_ups over every note, but reads
        only the candidates and the notes recent enough to be their check-ins."""
        until = end_of_day(now, self.tz) + timedelta(days=days_ahead)
        visible, who = visible_to(reader)
        params: list[Any] = [*who]
        sql = self._site_clause(LATEST + visible, params) + (
            " AND r.retracted = 0 AND r.follow_up_closed_at IS NULL "
            "AND r.follow_up_due IS NOT NULL AND r.follow_up_due < ?"
        )
        params.append(to_text(until))
        candidates = [note_from_row(row) for row in self.db.read(sql, params)]
        dues = [note.follow_up_due for note in candidates if note.follow_up_due is not None]
        if not dues:
            return []
        check_ins = self.notes(since=min(dues) - FOLLOW_UP_EARLY, reader=reader)
        merged = {note.id: note for note in (*candidates, *check_ins)}
        return due_follow_ups(merged.values(), now, self.tz, days_ahead)

    # -- drafts ---------------------------------------------------------------------------------

    def save_draft(self, agent: str, author: str, fields: Mapping[str, str], now: datetime) -> None:
        """Keep what the author has typed for this agent (replacing the previous draft)."""
        drafts.save(self.db, self.site, agent, author, fields, now)

    def load_draft(self, agent: str, author: str) -> tuple[dict[str, str], datetime] | None:
        """The author's saved draft for this agent and when it was saved, or None."""
        return drafts.load(self.db, self.site, agent, author)

    def discard_draft(self, agent: str, author: str) -> None:
        drafts.discard(self.db, self.site, agent, author)

    # -- daily figures --------------------------------------------------------------------------

    def save_daily_figures(self, figures: Iterable[tuple[str, str, str, float, int]]) -> int:
        """Keep (day, agent, metric, value, count) figures, replacing those of the same day,
        agent and metric (a day read again gives its newer figure). Returns how many."""
        return daily_figures.save(self.db, self.site, figures)

    def daily_figures(self, agent: str, since: str) -> list[tuple[str, str, float, int]]:
        """The agent's (day, metric, value, count) figures from day `since` (ISO) on, by day."""
        return daily_figures.read(self.db, self.site, agent, since)

    def figure_agents(self) -> list[str]:
        """Every agent with daily figures, sorted."""
        return daily_figures.agents(self.db, self.site)

    def all_daily_figures(self, first: str, last: str) -> list[tuple[str, str, str, float, int]]:
        """Every (day, agent, metric, value, count) kept for days first..last (ISO, included)."""
        return daily_figures.read_all(self.db, self.site, first, last)

    def figure_days(self) -> set[str]:
        """The floor days that have any daily figure kept."""
        return daily_figures.days(self.db, self.site)

    # -- reds -------------------------------------------------------------------------------------

    def record_reds(self, found: Iterable[tuple[str, str, datetime]]) -> None:
        """Keep transitions to red (agent, metric key, when). The same red seen by several
        boards (every SSH session has one) is kept once."""
        reds.record(self.db, self.site, found)

    def reds(self, since: datetime) -> list[tuple[str, str, datetime]]:
        """Transitions to red at or after `since`, oldest first."""
        return reds.read(self.db, self._read_site, since)

    # -- change detection -----------------------------------------------------------------------

    def change_token(self) -> int:
        """Moves when another connection, process or host commits a note; poll it from one
        thread (SQLite: `PRAGMA data_version`; PostgreSQL: the NOTIFYs heard)."""
        return self.db.change_token()

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` from another thread soon after a note of this site is committed
        anywhere (PostgreSQL's LISTEN/NOTIFY); SQLite has no such push and relies on the poll."""
        self.db.on_change(callback)
