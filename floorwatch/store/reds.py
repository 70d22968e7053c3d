"""Transitions to red (agent, metric, when), for the floor's feedback-within-24-hours figure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from floorwatch.store.backend import Database, Tx
from floorwatch.store.notes import from_text, to_text


def record(db: Database, site: str, reds: Iterable[tuple[str, str, datetime]]) -> None:
    rows = [(site, agent, metric, to_text(at)) for agent, metric, at in reds]

    def body(tx: Tx) -> None:
        tx.executemany(
            "INSERT INTO reds (site, agent, metric, red_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            rows,
        )

    db.write("save reds to", body)


def read(db: Database, site: str | None, since: datetime) -> list[tuple[str, str, datetime]]:
    sql, params = "SELECT agent, metric, red_at FROM reds WHERE red_at >= ?", [to_text(since)]
    if site is not None:
        sql += " AND site = ?"
        params.append(site)
    found = []
    for row in db.read(sql + " ORDER BY red_at, agent, metric", params):
        at = from_text(row["red_at"])
        assert at is not None
        found.append((row["agent"], row["metric"], at))
    return found
