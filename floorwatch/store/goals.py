"""Goals kept in the notes store: their own tables (`goals`, `goal_ends`, `goal_checkins`),
apart from notes. A goal is written once and never edited: ending it early is a row in
`goal_ends`; each weekly check-in is a row in `goal_checkins` (the value measured, its progress
and light, who checked in and when). Goals from the config's `goals:` section are not stored;
their check-ins are, under their `config:N` key. Like every table, goals and check-ins carry
the store's site, so floors sharing a database keep their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from floorwatch.coaching.goals import Goal, light
from floorwatch.store.backend import Tx
from floorwatch.store.notes import from_text, to_text

if TYPE_CHECKING:
    from floorwatch.store import NoteStore


@dataclass(frozen=True)
class CheckIn:
    goal_key: str
    checked_at: datetime
    value: float | None
    progress: float | None
    light: str | None
    checked_by: str
    comment: str = ""


class GoalBook:
    """The goals and check-ins of one notes store (its site)."""

    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def add(self, goal: Goal, author: str, now: datetime) -> Goal:
        """Keep a new goal; returns it with its `G<id>` key. A retry after a dropped connection
        finds the first attempt by its save key instead of keeping the goal twice."""
        save_key = uuid.uuid4().hex
        site = self.store.site

        def body(tx: Tx) -> int:
            found = tx.one("SELECT id FROM goals WHERE save_key = ?", (save_key,))
            if found is not None:
                return int(found["id"])
            row = tx.one(
                "INSERT INTO goals (site, scope, who, metric, baseline, target, start_day, "
                "due_day, objective, created_at, created_by, save_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    site,
                    goal.scope,
                    goal.who,
                    goal.metric,
                    goal.baseline,
                    goal.target,
                    goal.start.isoformat(),
                    goal.due.isoformat(),
                    goal.objective,
                    to_text(now),
                    author,
                    save_key,
                ),
            )
            assert row is not None
            return int(row["id"])

        goal_id = self.store.db.write("save a goal to", body)
        return Goal(**{**goal.__dict__, "key": f"G{goal_id}", "source": "store"})

    def end(self, key: str, author: str, now: datetime, reason: str) -> None:
        goal_id = _goal_id(key)

        def body(tx: Tx) -> None:
            tx.execute(
                "INSERT INTO goal_ends (goal_id, ended_at, ended_by, reason) "
                "SELECT id, ?, ?, ? FROM goals WHERE id = ? AND site = ? ON CONFLICT DO NOTHING",
                (to_text(now), author, reason, goal_id, self.store.site),
            )

        self.store.db.write("end a goal in", body)

    def goals(self, include_ended: bool = False) -> list[Goal]:
        """Every stored goal of this site, oldest first (ended ones only when asked)."""
        if not self.store.exists():  # reading never creates a store
            return []
        sql = "SELECT g.* FROM goals g WHERE g.site = ?"
        if not include_ended:
            sql += " AND g.id NOT IN (SELECT goal_id FROM goal_ends)"
        rows = self.store.db.read(sql + " ORDER BY g.id", (self.store.site,))
        return [
            Goal(
                key=f"G{row['id']}",
                scope=row["scope"],
                who=row["who"],
                metric=row["metric"],
                baseline=float(row["baseline"]),
                target=float(row["target"]),
                start=date.fromisoformat(row["start_day"]),
                due=date.fromisoformat(row["due_day"]),
                objective=row["objective"],
            )
            for row in rows
        ]

    def check_in(
        self,
        goal: Goal,
        value: float | None,
        author: str,
        now: datetime,
        comment: str = "",
    ) -> CheckIn:
        """Keep the week's check-in: the value measured and the progress it makes."""
        share = goal.progress(value)
        check = CheckIn(goal.key, now, value, share, light(share), author, comment)

        def body(tx: Tx) -> None:
            tx.execute(
                "INSERT INTO goal_checkins (site, goal_key, checked_at, value, progress, light, "
                "checked_by, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (site, goal_key, checked_at) DO UPDATE SET "
                "value = excluded.value, progress = excluded.progress, light = excluded.light",
                (self.store.site, goal.key, to_text(now), value, share, check.light, author,
                 comment),
            )  # fmt: skip

        self.store.db.write("save a check-in to", body)
        return check

    def check_ins(self, key: str | None = None) -> list[CheckIn]:
        """Check-ins (of one goal, or all) of this site, oldest first."""
        if not self.store.exists():
            return []
        sql, params = "SELECT * FROM goal_checkins WHERE site = ?", [self.store.site]
        if key is not None:
            sql += " AND goal_key = ?"
            params.append(key)
        rows = self.store.db.read(sql + " ORDER BY checked_at, goal_key", params)
        return [_check_in(row) for row in rows]


def _check_in(row: Any) -> CheckIn:
    at = from_text(row["checked_at"])
    assert at is not None
    return CheckIn(
        row["goal_key"],
        at,
        None if row["value"] is None else float(row["value"]),
        None if row["progress"] is None else float(row["progress"]),
        row["light"],
        row["checked_by"],
        row["comment"],
    )


def _goal_id(key: str) -> int:
    if not (key.startswith("G") and key[1:].isdigit()):
        raise ValueError(f"{key!r} is not a stored goal (G and a number, as `goals list` shows)")
    return int(key[1:])
