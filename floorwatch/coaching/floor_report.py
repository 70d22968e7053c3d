"""The floor's coaching at a glance, for the weekly review: the method's rules over every note.

Per author (each supervisor) and for the floor: praise against improvement notes over the last
days (target 3:1); the reds that got feedback within 24 hours, and those that did not; the agents
due or overdue a touchpoint by the cadence (new hires weekly in their first month, everyone
monthly); the follow-ups past due. Pure: notes, reds, hire dates and a time in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from floorwatch.coaching.loop import (
    CadenceDue,
    PraiseRatio,
    RedFeedback,
    cadence,
    feedback_within_24h,
    live,
    open_follow_ups,
    praise_ratio,
)
from floorwatch.coaching.notes import Note

REPORT_DAYS = 30


@dataclass(frozen=True)
class AuthorLine:
    author: str
    notes: int  # live notes in the period
    agents: int  # distinct agents they were about
    ratio: PraiseRatio


@dataclass(frozen=True)
class FloorCoaching:
    since: datetime
    authors: tuple[AuthorLine, ...]  # most notes first
    floor: PraiseRatio
    due: tuple[CadenceDue, ...]  # most overdue first
    overdue_follow_ups: tuple[Note, ...]  # longest overdue first
    names: Mapping[str, str]  # agent id -> display name (roster, else the latest note's)
    reds: tuple[RedFeedback, ...] = ()  # each red of the period: feedback given, missed, pending

    def red_count(self, state: str) -> int:
        return sum(red.state == state for red in self.reds)


def floor_coaching(
    notes: Iterable[Note],
    hire_dates: Mapping[str, date | str | None],
    names: Mapping[str, str],
    now: datetime,
    tz: tzinfo,
    days: int = REPORT_DAYS,
    reds: Iterable[tuple[str, str, datetime]] = (),
) -> FloorCoaching:
    """`hire_dates` and `names` come from the roster; agents only met in notes count too.
    `reds` are the transitions to red the floor kept: (agent, metric key, when)."""
    notes = live(notes)
    since = now - timedelta(days=days)
    recent = [note for note in notes if note.created_at >= since]
    by_author: dict[str, list[Note]] = {}
    for note in recent:
        by_author.setdefault(note.author, []).append(note)
    authors = sorted(
        (
            AuthorLine(author, len(mine), len({n.agent for n in mine}), praise_ratio(mine))
            for author, mine in by_author.items()
        ),
        key=lambda line: (-line.notes, line.author),
    )
    everyone: dict[str, date | str | None] = {note.agent: None for note in notes}
    everyone.update(hire_dates)
    shown = {note.agent: note.agent_name for note in sorted(notes, key=lambda n: n.created_at)}
    shown.update({agent: name for agent, name in names.items() if name})
    overdue = [
        note
        for note in open_follow_ups(notes)
        if note.follow_up_due is not None and note.follow_up_due < now
    ]
    return FloorCoaching(
        since=since,
        authors=tuple(authors),
        floor=praise_ratio(recent),
        due=tuple(item for item in cadence(everyone, notes, now, tz) if item.due <= now),
        overdue_follow_ups=tuple(overdue),
        names={agent: name for agent, name in shown.items() if name},
        reds=tuple(feedback_within_24h(_reds_since(reds, since), notes, now)),
    )


@dataclass(frozen=True)
class _Red:
    agent: str
    metric: str
    at: datetime


def _reds_since(reds: Iterable[tuple[str, str, datetime]], since: datetime) -> list[_Red]:
    return [_Red(agent, metric, at) for agent, metric, at in reds if at >= since]
