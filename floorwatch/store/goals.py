"""Goals kept in the notes store: their own tables (`goals`, `goal_checkins`), apart from notes.

`GOALS_MIGRATION` is one forward step of `schema.MIGRATIONS`. A goal is written once and never
edited: ending it early is a row in `goal_ends`; each weekly check-in is a row in
`goal_checkins` (the value measured, its progress and light, who checked in and when). Goals from
the config's `goals:` section are not stored; their check-ins are, under their `config:N` key.

Port notes (for another database): four plain tables, no triggers; times are UTC ISO 8601 text,
days ISO dates; `GoalBook` uses only `NoteStore._read` and `NoteStore._write`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from floorwatch.coaching.goals import Goal, light
from floorwatch.store.schema import from_text, to_text

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
    """The goals and check-ins of one notes store."""

    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def add(self, goal: Goal, author: str, now: datetime) -> Goal:
        """Keep a new goal; returns it with its `G<id>` key."""
        with self.store._write("save a goal to") as connection:
            cursor = connection.execute(
                "INSERT INTO goals (scope, who, metric, baseline, target, start_day, due_day, "
                "objective, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                ),
            )
            goal_id = int(cursor.lastrowid or 0)
        return Goal(**{**goal.__dict__, "key": f"G{goal_id}", "source": "store"})

    def end(self, key: str, author: str, now: datetime, reason: str) -> None:
        with self.store._write("end a goal in") as connection:
            connection.execute(
                "INSERT OR IGNORE INTO goal_ends (goal_id, ended_at, ended_by, reason) "
                "VALUES (?, ?, ?, ?)",
                (_goal_id(key), to_text(now), author, reason),
            )

    def goals(self, include_ended: bool = False) -> list[Goal]:
        """Every stored goal, oldest first (ended ones only when asked)."""
        if not self.store.path.exists():  # reading never creates a store
            return []
        sql = "SELECT g.* FROM goals g"
        if not include_ended:
            sql += " WHERE g.id NOT IN (SELECT goal_id FROM goal_ends)"
        rows = self.store._read(sql + " ORDER BY g.id")
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
        with self.store._write("save a check-in to") as connection:
            connection.execute(
                "INSERT INTO goal_checkins (goal_key, checked_at, value, progress, light, "
                "checked_by, comment) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                "value = excluded.value, progress = excluded.progress, light = excluded.light",
                (goal.key, to_text(now), value, share, check.light, author, comment),
            )
        return check

    def check_ins(self, key: str | None = None) -> list[CheckIn]:
        """Check-ins (of one goal, or all), oldest first."""
        if not self.store.path.exists():
            return []
        sql, params = "SELECT * FROM goal_checkins", cast(tuple[str, ...], ())
        if key is not None:
            sql, params = sql + " WHERE goal_key = ?", (key,)
        rows = self.store._read(sql + " ORDER BY checked_at", params)
        found = []
        for row in rows:
            at = from_text(row["checked_at"])
            assert at is not None
            found.append(
                CheckIn(
                    row["goal_key"],
                    at,
                    row["value"],
                    row["progress"],
                    row["light"],
                    row["checked_by"],
                    row["comment"],
                )
            )
        return found


def _goal_id(key: str) -> int:
    if not (key.startswith("G") and key[1:].isdigit()):
        raise ValueError(f"{key!r} is not a stored goal (G and a number, as `goals list` shows)")
    return int(key[1:])
