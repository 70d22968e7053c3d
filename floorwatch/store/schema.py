"""The notes store's schema: forward migrations, the queries that read notes, and the mapping
between a row and a `Note`. Times are UTC ISO 8601 text with microseconds, so they sort as text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from floorwatch.coaching import Note, NoteDraft, evidence_from_json, evidence_to_json
from floorwatch.coaching.templates import BEST, best_fields, sections_from_json, sections_to_json
from floorwatch.store.goals_schema import GOALS_MIGRATION

# Forward migrations: MIGRATIONS[i] takes a store from user_version i to i + 1. Never edit a
# released step; add a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: notes and their revisions, append-only.
    """
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE revisions (
        note_id INTEGER NOT NULL REFERENCES notes(id),
        revision INTEGER NOT NULL,
        revised_at TEXT NOT NULL,
        revised_by TEXT NOT NULL,
        agent_name TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        behavior TEXT NOT NULL,
        effect TEXT NOT NULL,
        suggestion TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        follow_up_due TEXT,
        kind TEXT NOT NULL,
        tags TEXT NOT NULL,
        visibility TEXT NOT NULL,
        evidence TEXT NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (note_id, revision)
    );
    CREATE INDEX notes_by_agent ON notes (agent, created_at);
    CREATE INDEX notes_by_time ON notes (created_at);
    CREATE TRIGGER notes_append_only_u BEFORE UPDATE ON notes
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER notes_append_only_d BEFORE DELETE ON notes
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER revisions_append_only_u BEFORE UPDATE ON revisions
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER revisions_append_only_d BEFORE DELETE ON revisions
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    """,
    # 2: autosaved drafts, one per agent and author.
    """
    CREATE TABLE drafts (
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        fields TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (agent, author)
    );
    """,
    # 3: closing a follow-up explicitly, with its outcome.
    """
    ALTER TABLE revisions ADD COLUMN follow_up_closed_at TEXT;
    ALTER TABLE revisions ADD COLUMN follow_up_outcome TEXT;
    """,
    # 4: daily figures per agent and metric (floorwatch.live.daily_figures), for trends over months.
    """
    CREATE TABLE daily_figures (
        day TEXT NOT NULL,
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (agent, metric, day)
    ) WITHOUT ROWID;
    """,
    # 5: transitions to red, for the floor's feedback-within-24-hours figure.
    """
    CREATE TABLE reds (
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        red_at TEXT NOT NULL,
        PRIMARY KEY (agent, metric, red_at)
    ) WITHOUT ROWID;
    CREATE INDEX reds_by_time ON reds (red_at);
    """,
    # 6: goals, their ends and weekly check-ins (floorwatch.store.goals), a table family apart.
    GOALS_MIGRATION,
    # 7: GROW and STAR-AR beside BEST: the template, its sections (JSON), and for a STAR-AR case
    # whether it is a good or bad example and its topic (the case library).
    """
    ALTER TABLE revisions ADD COLUMN template TEXT NOT NULL DEFAULT 'best';
    ALTER TABLE revisions ADD COLUMN sections TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE revisions ADD COLUMN example TEXT NOT NULL DEFAULT '';
    ALTER TABLE revisions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

LATEST = """
    SELECT n.id, n.agent, n.author, n.created_at, r.*
    FROM notes n JOIN revisions r ON r.note_id = n.id
    WHERE r.revision = (SELECT MAX(revision) FROM revisions WHERE note_id = n.id)
"""
ALL = "SELECT n.id, n.agent, n.author, n.created_at, r.* FROM notes n JOIN revisions r " \
    "ON r.note_id = n.id"  # fmt: skip


def to_text(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: the store needs aware times")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION in one write transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again inside the lock: another process may have migrated meanwhile.
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for step in MIGRATIONS[version:]:
            for statement in statements(step):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def statements(script: str) -> list[str]:
    """Split a migration into statements (trigger bodies keep their inner semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def note_from_row(row: sqlite3.Row) -> Note:
    keys = row.keys()

    def optional(name: str) -> Any:
        return row[name] if name in keys else None

    observed_at, created_at = from_text(row["observed_at"]), from_text(row["created_at"])
    assert observed_at is not None and created_at is not None
    return Note(
        id=int(row["id"]),
        agent=row["agent"],
        agent_name=row["agent_name"],
        author=row["author"],
        observed_at=observed_at,
        created_at=created_at,
        behavior=row["behavior"],
        effect=row["effect"],
        suggestion=row["suggestion"],
        timeframe=row["timeframe"],
        follow_up_due=from_text(row["follow_up_due"]),
        kind=row["kind"],
        tags=tuple(json.loads(row["tags"])),
        visibility=row["visibility"],
        evidence=evidence_from_json(row["evidence"]),
        revision=int(row["revision"]),
        revised_at=from_text(row["revised_at"]),
        revised_by=row["revised_by"],
        retracted=bool(row["retracted"]),
        reason=row["reason"],
        follow_up_closed_at=from_text(optional("follow_up_closed_at")),
        follow_up_outcome=optional("follow_up_outcome"),
        template=optional("template") or BEST,
        sections=sections_from_json(optional("sections") or "{}"),
        example=optional("example") or "",
        topic=optional("topic") or "",
    )


def insert_revision(
    connection: sqlite3.Connection,
    note_id: int,
    revision: int,
    draft: NoteDraft,
    due: datetime | None,
    author: str,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Append one revision row (the caller holds the write transaction)."""
    behavior, effect, suggestion = best_fields(draft)
    row = {
        "note_id": note_id,
        "revision": revision,
        "revised_at": to_text(now),
        "revised_by": author,
        "agent_name": draft.agent_name or draft.agent,
        "observed_at": to_text(draft.observed_at or now),
        "behavior": behavior,
        "effect": effect,
        "suggestion": suggestion,
        "timeframe": draft.timeframe.strip(),
        "follow_up_due": None if due is None else to_text(due),
        "kind": draft.kind,
        "tags": json.dumps(list(draft.tags), ensure_ascii=False),
        "visibility": draft.visibility,
        "evidence": evidence_to_json(draft.evidence),
        "template": draft.template,
        "sections": sections_to_json(draft.sections),
        "example": draft.example,
        "topic": draft.topic,
        **(extra or {}),
    }
    columns = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    connection.execute(f"INSERT INTO revisions ({columns}) VALUES ({marks})", row)
