"""Copying one notes store into another, row for row (`floorwatch notes migrate --to URL`:
a SQLite file into PostgreSQL). Every table (notes and revisions, drafts, daily figures, reds,
goals with their ends and check-ins), every site, every revision, ids kept.

Lossless and checked: the copy runs in one transaction on the target, then a SHA-256 over every
row of every table (columns by name, rows by key, values as JSON) is computed on both sides and
must agree. A target that already holds exactly these rows is left alone (running it again is
harmless); a target holding anything else is refused, never merged into.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from floorwatch.store.backend import Tx
from floorwatch.store.errors import StoreError
from floorwatch.store.note_store import NoteStore

# Each table's columns, and the columns that order its rows (its key).
REVISION_COLUMNS = [
    "note_id",
    "revision",
    "revised_at",
    "revised_by",
    "agent_name",
    "observed_at",
    "behavior",
    "effect",
    "suggestion",
    "timeframe",
    "follow_up_due",
    "kind",
    "tags",
    "visibility",
    "evidence",
    "retracted",
    "reason",
    "follow_up_closed_at",
    "follow_up_outcome",
    "template",
    "sections",
    "example",
    "topic",
    "save_key",
]
GOAL_COLUMNS = [
    "id",
    "site",
    "scope",
    "who",
    "metric",
    "baseline",
    "target",
    "start_day",
    "due_day",
    "objective",
    "created_at",
    "created_by",
    "save_key",
]
CHECK_IN_COLUMNS = [
    "site",
    "goal_key",
    "checked_at",
    "value",
    "progress",
    "light",
    "checked_by",
    "comment",
]
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "notes": (("id", "site", "agent", "author", "created_at", "save_key"), ("id",)),
    "revisions": (tuple(REVISION_COLUMNS), ("note_id", "revision")),
    "drafts": (("site", "agent", "author", "fields", "saved_at"), ("site", "agent", "author")),
    "daily_figures": (
        ("site", "day", "agent", "metric", "value", "count"),
        ("site", "agent", "metric", "day"),
    ),
    "reds": (("site", "agent", "metric", "red_at"), ("site", "agent", "metric", "red_at")),
    "goals": (tuple(GOAL_COLUMNS), ("id",)),
    "goal_ends": (("goal_id", "ended_at", "ended_by", "reason"), ("goal_id",)),
    "goal_checkins": (tuple(CHECK_IN_COLUMNS), ("site", "goal_key", "checked_at")),
}


@dataclass(frozen=True)
class Copied:
    """What a copy moved: rows per table, the checksum both stores agree on, and whether the
    target already held it all (nothing written)."""

    counts: dict[str, int]
    checksum: str
    already_there: bool


def table_rows(store: NoteStore, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table (every site), as tuples in COLUMNS order, sorted by key (in Python,
    so two databases with different collations agree)."""
    columns, key = COLUMNS[table]
    rows = store.db.read(f"SELECT {', '.join(columns)} FROM {table}")
    positions = [columns.index(name) for name in key]
    found = [tuple(_plain(row[name]) for name in columns) for row in rows]
    return sorted(found, key=lambda row: tuple(row[i] for i in positions))


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, float) else value


def checksum(tables: Mapping[str, Sequence[tuple[Any, ...]]]) -> str:
    digest = hashlib.sha256()
    for table in COLUMNS:
        digest.update(f"{table}:{COLUMNS[table][0]}\n".encode())
        for row in tables[table]:
            digest.update(json.dumps(row, ensure_ascii=False).encode())
            digest.update(b"\n")
    return digest.hexdigest()


def snapshot(store: NoteStore) -> dict[str, list[tuple[Any, ...]]]:
    return {table: table_rows(store, table) for table in COLUMNS}


def with_site(
    rows: dict[str, list[tuple[Any, ...]]], site: str
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows with no site ('', a store that one floor had to itself) given `site`."""
    named: dict[str, list[tuple[Any, ...]]] = {}
    for table, found in rows.items():
        columns = COLUMNS[table][0]
        if "site" not in columns:
            named[table] = found
            continue
        at = columns.index("site")
        named[table] = [
            (*row[:at], site, *row[at + 1 :]) if row[at] == "" else row for row in found
        ]
    return named


def copy_store(source: NoteStore, target: NoteStore, site: str | None = None) -> Copied:
    """Copy every row of `source` into `target` (see module doc); with `site`, the rows without
    one get it (a floor's own file joining a database floors share). Raises StoreError when the
    target holds other rows, or when the checksums disagree after the copy."""
    rows = snapshot(source)
    if site is not None:
        rows = with_site(rows, site)
    counts = {table: len(found) for table, found in rows.items()}
    expected = checksum(rows)
    present = snapshot(target)
    if any(present.values()):
        if checksum(present) == expected:
            return Copied(counts, expected, already_there=True)
        held = ", ".join(f"{len(found)} {table}" for table, found in present.items() if found)
        raise StoreError(
            f"{target.where}: refusing to copy into a store that is not empty ({held}); "
            "copy into an empty database (nothing is merged)"
        )

    def body(tx: Tx) -> None:
        for table, (columns, _) in COLUMNS.items():
            marks = ", ".join("?" for _ in columns)
            tx.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows[table]
            )
        if tx.dialect == "postgresql":
            # Ids were copied as they were: new notes and goals continue after the highest.
            for table in ("notes", "goals"):
                if rows[table]:
                    tx.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) "
                        f"FROM {table}"
                    )

    target.db.write("copy into", body)
    found = checksum(snapshot(target))
    if found != expected:
        raise StoreError(
            f"{target.where}: the copy does not match its source (checksum {found} against "
            f"{expected}); nothing should be trusted in the target"
        )
    return Copied(counts, expected, already_there=False)
