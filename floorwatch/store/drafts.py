"""Autosaved drafts: what an author has typed for an agent, one per site, agent and author.
The only rows ever deleted (when the note is saved or the draft discarded)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from floorwatch.store.backend import Database, Tx
from floorwatch.store.notes import from_text, to_text


def save(db: Database, site: str, agent: str, author: str, fields: Mapping[str, str],
         now: datetime) -> None:  # fmt: skip
    text = json.dumps(dict(fields), ensure_ascii=False)

    def body(tx: Tx) -> None:
        tx.execute(
            "INSERT INTO drafts (site, agent, author, fields, saved_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (site, agent, author) DO UPDATE SET fields = excluded.fields, "
            "saved_at = excluded.saved_at",
            (site, agent, author, text, to_text(now)),
        )

    db.write("save a draft to", body)


def load(
    db: Database, site: str, agent: str, author: str
) -> tuple[dict[str, str], datetime] | None:
    rows = db.read(
        "SELECT fields, saved_at FROM drafts WHERE site = ? AND agent = ? AND author = ?",
        (site, agent, author),
    )
    if not rows:
        return None
    fields = json.loads(rows[0]["fields"])
    saved_at = from_text(rows[0]["saved_at"])
    assert saved_at is not None
    return {str(k): str(v) for k, v in fields.items()}, saved_at


def delete(tx: Tx, site: str, agent: str, author: str) -> None:
    """Inside the caller's transaction (saving the note clears its draft in the same one)."""
    tx.execute(
        "DELETE FROM drafts WHERE site = ? AND agent = ? AND author = ?", (site, agent, author)
    )


def discard(db: Database, site: str, agent: str, author: str) -> None:
    db.write("discard a draft in", lambda tx: delete(tx, site, agent, author))
