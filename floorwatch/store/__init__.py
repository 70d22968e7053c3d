"""The notes store: BEST notes that are never lost, behind one `NoteStore` API.

- `note_store.py`  the API (`NoteStore`): notes, drafts, daily figures, reds, change detection
- `notes.py`, `drafts.py`, `daily_figures.py`, `reds.py`  one module per table family: its SQL
- `migrations.py`  the schema as forward migrations, the same versions on both backends
- `backend.py`     what backends share: a connection per thread, transactions, reconnects
- `sqlite.py`      the default: one private file (WAL, synchronous=FULL), one host
- `postgres.py`    a shared PostgreSQL database (psycopg 3), LISTEN/NOTIFY for live sync
- `transfer.py`    copying a store into another (`floorwatch notes migrate --to URL`)
- `where.py`       which store a config names (and why), and who the author is

Append-only: an edit, a retraction or closing a follow-up adds a revision and keeps the earlier
ones; the database refuses any UPDATE or DELETE of notes and revisions. Only drafts are deleted.
Times are stored as UTC ISO 8601 text with microseconds (so they also sort as text).
"""

from __future__ import annotations

from floorwatch.store.errors import InvalidNote, StoreError
from floorwatch.store.migrations import MIGRATIONS, SCHEMA_VERSION
from floorwatch.store.note_store import BUSY_TIMEOUT_MS, CLOSE_WAIT_SECONDS, NoteStore
from floorwatch.store.notes import Reader, from_text, to_text, visible_to
from floorwatch.store.where import (
    STORE_FILE,
    StoreChoice,
    choose_store,
    default_store_path,
    floor_store_path,
    open_store,
    resolve_author,
    store_location,
    store_path,
    store_site,
)

__all__ = [
    "BUSY_TIMEOUT_MS", "CLOSE_WAIT_SECONDS", "MIGRATIONS", "SCHEMA_VERSION", "STORE_FILE",
    "InvalidNote", "NoteStore", "Reader", "StoreChoice", "StoreError", "choose_store",
    "default_store_path", "floor_store_path", "from_text", "open_store", "resolve_author",
    "store_location", "store_path", "store_site", "to_text", "visible_to",
]  # fmt: skip
