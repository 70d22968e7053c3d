"""Notes and their revisions: append-only rows, the queries that read them, and the mapping
between a row and a `Note`. A note is a row in `notes` plus one row per revision in `revisions`;
an edit, a retraction or closing a follow-up adds a revision and keeps the earlier ones.

Each write carries a save key (a UUID made once per call): when a dropped connection leaves it
unknown whether a commit landed, the retry finds the first attempt's row instead of adding the
note twice."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from floorwatch.coaching import Note, NoteDraft, evidence_from_json, evidence_to_json
from floorwatch.coaching.templates import BEST, best_fields, sections_from_json, sections_to_json
from floorwatch.store.backend import Row, Tx

SELECT = "SELECT n.id, n.agent, n.author, n.created_at, n.site, r.* FROM notes n " \
    "JOIN revisions r ON r.note_id = n.id"  # fmt: skip


@dataclass(frozen=True)
class Reader:
    """Who is reading the notes: a private note is shown only to its author and to managers;
    shared notes to every supervisor."""

    name: str
    manager: bool = False


# The note's latest revision says whether it is private (a note made private later hides its
# earlier, shared revisions too).
_VISIBLE = (
    " AND ((SELECT v.visibility FROM revisions v WHERE v.note_id = n.id"
    " ORDER BY v.revision DESC LIMIT 1) = 'shared' OR n.author = ?)"
)


def visible_to(reader: Reader | None) -> tuple[str, tuple[str, ...]]:
    """The SQL condition (after a WHERE) and its parameter that keep the notes `reader` may
    see; nothing for no reader (the store's own use) or a manager."""
    if reader is None or reader.manager:
        return "", ()
    return _VISIBLE, (reader.name,)


LATEST = f"""
    {SELECT}
    WHERE r.revision = (SELECT MAX(revision) FROM revisions WHERE note_id = n.id)
"""
ALL = f"{SELECT} WHERE 1 = 1"  # callers add ' AND ...'
NOTE_LOCK = 0x466C7278  # pg_advisory_xact_lock(NOTE_LOCK, id): one revision of a note at a time


def to_text(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: the store needs aware times")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def note_from_row(row: Row) -> Note:
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
    tx: Tx,
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
    marks = ", ".join("?" for _ in row)
    tx.execute(f"INSERT INTO revisions ({columns}) VALUES ({marks})", list(row.values()))


def insert_note(
    tx: Tx,
    site: str,
    draft: NoteDraft,
    due: datetime | None,
    author: str,
    now: datetime,
    save_key: str,
) -> int:
    """A new note with its first revision; the id. A retry of a save that did commit returns
    the id it got then, adding nothing."""
    found = tx.one("SELECT id FROM notes WHERE save_key = ?", (save_key,))
    if found is not None:
        return int(found["id"])
    row = tx.one(
        "INSERT INTO notes (site, agent, author, created_at, save_key) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (site, draft.agent, author, to_text(now), save_key),
    )
    assert row is not None  # RETURNING gives the row it inserted
    note_id = int(row["id"])
    insert_revision(tx, note_id, 1, draft, due, author, now)
    return note_id


def latest(tx: Tx, site: str | None, note_id: int, *, lock: bool = False) -> Note | None:
    """The latest revision of a note of this site (any site when None). `lock` holds the note
    until the transaction ends, so two hosts revising it at once queue (PostgreSQL; a SQLite
    write already holds the file)."""
    if lock and tx.dialect == "postgresql":
        # An advisory lock, not SELECT ... FOR UPDATE: that needs the UPDATE privilege, which
        # the everyday role does not have on notes (docs/postgresql.md).
        tx.execute("SELECT pg_advisory_xact_lock(?, ?)", (NOTE_LOCK, note_id % 2_147_483_647))
    sql, params = f"{LATEST} AND n.id = ?", list[Any]([note_id])
    if site is not None:
        sql += " AND n.site = ?"
        params.append(site)
    found = tx.one(sql, params)
    return None if found is None else note_from_row(found)


def revision_saved(tx: Tx, save_key: str) -> bool:
    """Did an earlier attempt of this save commit its revision?"""
    return tx.one("SELECT 1 AS done FROM revisions WHERE save_key = ?", (save_key,)) is not None
