"""Daily figures per agent and metric (floorwatch.live.daily_figures), for trends over months."""

from __future__ import annotations

from collections.abc import Iterable

from floorwatch.store.backend import Database, Tx


def save(db: Database, site: str, figures: Iterable[tuple[str, str, str, float, int]]) -> int:
    rows = [(site, d, a, m, float(v), int(c)) for d, a, m, v, c in figures]

    def body(tx: Tx) -> None:
        tx.executemany(
            "INSERT INTO daily_figures (site, day, agent, metric, value, count) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site, agent, metric, day) DO UPDATE SET "
            "value = excluded.value, count = excluded.count",
            rows,
        )

    db.write("save daily figures to", body)
    return len(rows)


def read(db: Database, site: str, agent: str, since: str) -> list[tuple[str, str, float, int]]:
    rows = db.read(
        "SELECT day, metric, value, count FROM daily_figures "
        "WHERE site = ? AND agent = ? AND day >= ? ORDER BY day, metric",
        (site, agent, since),
    )
    return [(r["day"], r["metric"], float(r["value"]), int(r["count"])) for r in rows]


def agents(db: Database, site: str) -> list[str]:
    rows = db.read(
        "SELECT DISTINCT agent FROM daily_figures WHERE site = ? ORDER BY agent", (site,)
    )
    return [row["agent"] for row in rows]


def read_all(
    db: Database, site: str, first: str, last: str
) -> list[tuple[str, str, str, float, int]]:
    rows = db.read(
        "SELECT day, agent, metric, value, count FROM daily_figures "
        "WHERE site = ? AND day >= ? AND day <= ? ORDER BY day, agent, metric",
        (site, first, last),
    )
    return [(r["day"], r["agent"], r["metric"], float(r["value"]), int(r["count"])) for r in rows]


def days(db: Database, site: str) -> set[str]:
    return {
        r["day"] for r in db.read("SELECT DISTINCT day FROM daily_figures WHERE site = ?", (site,))
    }
