"""Closing the coaching loop: open follow-ups, feedback within 24 h of a red, praise 3:1,
coaching cadence, follow-up outcomes and the board's per-agent indicator. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from floorwatch.coaching.notes import IMPROVEMENT, PRAISE, Evidence, FollowUp, Note
from floorwatch.config.types import Better

PRAISE_TARGET = 3.0  # praise : corrective, per the method
FEEDBACK_WITHIN = timedelta(hours=24)
# A later note on the same agent and metric closes a follow-up when written no earlier than this
# before the follow-up was due: that note is the check-in.
FOLLOW_UP_EARLY = timedelta(days=1)


def live(notes: Iterable[Note]) -> list[Note]:
    """The notes that count: not retracted."""
    return [note for note in notes if not note.retracted]


def open_follow_ups(notes: Iterable[Note]) -> list[Note]:
    """Notes whose follow-up is still open, soonest due first.

    A follow-up closes when the note is closed explicitly (`NoteStore.close_follow_up`), when the
    note is retracted, or when a later note on the same agent about the same metric (a shared
    tag; or both untagged) is written no earlier than FOLLOW_UP_EARLY before the due time: that
    later note is the check-in, and it carries its own follow-up."""
    current = live(notes)
    by_agent: dict[str, list[Note]] = {}
    for note in current:
        by_agent.setdefault(note.agent, []).append(note)
    still_open = [
        note
        for note in current
        if note.follow_up_due is not None
        and note.follow_up_closed_at is None
        and not any(_checks_in(later, note) for later in by_agent[note.agent])
    ]
    return sorted(still_open, key=lambda note: (note.follow_up_due, note.id))


def _checks_in(later: Note, note: Note) -> bool:
    assert note.follow_up_due is not None
    if later.id == note.id or later.created_at <= note.created_at:
        return False
    same_subject = bool(set(later.tags) & set(note.tags)) or not (later.tags or note.tags)
    return same_subject and later.created_at >= note.follow_up_due - FOLLOW_UP_EARLY


def end_of_day(now: datetime, tz: tzinfo) -> datetime:
    """Midnight at the end of `now`'s day on the floor."""
    return datetime.combine(now.astimezone(tz).date() + timedelta(days=1), time(), tz)


def due_follow_ups(
    notes: Iterable[Note], now: datetime, tz: tzinfo, days_ahead: int = 0
) -> list[FollowUp]:
    """Open follow-ups due by the end of today (floor time), overdue ones flagged; with
    `days_ahead`, also those due in that many days after today (the week's upcoming ones)."""
    until = end_of_day(now, tz) + timedelta(days=days_ahead)
    return [
        FollowUp(note=note, due=note.follow_up_due, overdue=note.follow_up_due < now)
        for note in open_follow_ups(notes)
        if note.follow_up_due is not None and note.follow_up_due < until
    ]


class RedFeedback(NamedTuple):
    """Whether a transition to red got feedback within 24 hours."""

    agent: str
    metric: str
    red_at: datetime
    note_id: int | None  # the first note on the agent within 24 h of the red
    state: str  # given | missed | pending (less than 24 h ago, no note yet)


def feedback_within_24h(
    reds: Iterable[Any], notes: Iterable[Note], now: datetime | None = None
) -> list[RedFeedback]:
    """For each transition to red (anything with `.agent`, `.metric` and `.at`, epoch seconds or
    an aware datetime: board.Transition fits), the first note on that agent written within 24 h
    after it. Without `now`, a red with no note counts as missed."""
    by_agent: dict[str, list[Note]] = {}
    for note in sorted(live(notes), key=lambda n: n.created_at):
        by_agent.setdefault(note.agent, []).append(note)
    found = []
    for red in reds:
        at = _aware(red.at)
        given = next(
            (n for n in by_agent.get(red.agent, ()) if at <= n.created_at <= at + FEEDBACK_WITHIN),
            None,
        )
        if given is not None:
            state = "given"
        elif now is not None and now < at + FEEDBACK_WITHIN:
            state = "pending"
        else:
            state = "missed"
        found.append(RedFeedback(red.agent, red.metric, at, given.id if given else None, state))
    return found


def _aware(at: float | datetime) -> datetime:
    return at if isinstance(at, datetime) else datetime.fromtimestamp(at, UTC)


class PraiseRatio(NamedTuple):
    praise: int
    improvement: int
    ratio: float | None  # praise per improvement note; None when there is no improvement note

    @property
    def on_target(self) -> bool:
        """At least PRAISE_TARGET praise notes per corrective one (and at least one note)."""
        if self.ratio is None:
            return self.praise > 0
        return self.ratio >= PRAISE_TARGET


def praise_ratio(
    notes: Iterable[Note], agent: str | None = None, since: datetime | None = None
) -> PraiseRatio:
    """Praise and improvement notes (of one agent, or all) created at or after `since`."""
    chosen = [
        note
        for note in live(notes)
        if (agent is None or note.agent == agent) and (since is None or note.created_at >= since)
    ]
    praise = sum(note.kind == PRAISE for note in chosen)
    improvement = sum(note.kind == IMPROVEMENT for note in chosen)
    return PraiseRatio(praise, improvement, praise / improvement if improvement else None)


@dataclass(frozen=True)
class CadenceDue:
    """An agent who is due (or overdue) a coaching touchpoint."""

    agent: str
    rule: str  # 'first coaching' | 'weekly (new hire)' | 'monthly touchpoint'
    due: datetime
    overdue: bool
    last_note: datetime | None


NEW_HIRE_FIRST = timedelta(days=7)
NEW_HIRE_PERIOD = timedelta(days=30)
NEW_HIRE_EVERY = timedelta(days=7)
TOUCHPOINT_EVERY = timedelta(days=30)
CADENCE_LEAD = timedelta(days=2)  # list an agent this long before the touchpoint is due


def cadence(
    hire_dates: Mapping[str, date | str | None],
    notes: Iterable[Note],
    now: datetime,
    tz: tzinfo,
    lead: timedelta = CADENCE_LEAD,
) -> list[CadenceDue]:
    """Who is due a coaching note, most overdue first. New hires: the first note within 7 days of
    the hire date, then one a week during the first month. Everyone: a touchpoint a month (an
    agent with no note at all is due now). Any note that is not retracted counts."""
    latest: dict[str, datetime] = {}
    for note in live(notes):
        if note.agent not in latest or note.created_at > latest[note.agent]:
            latest[note.agent] = note.created_at
    found = []
    for agent, hired in hire_dates.items():
        rule, due = _next_touchpoint(_hire_start(hired, tz), latest.get(agent), now)
        if now >= due - lead:
            found.append(CadenceDue(agent, rule, due, now > due, latest.get(agent)))
    return sorted(found, key=lambda item: (item.due, item.agent))


def _hire_start(hired: date | str | None, tz: tzinfo) -> datetime | None:
    if hired is None or hired == "":
        return None
    day = hired if isinstance(hired, date) else date.fromisoformat(hired)
    return datetime.combine(day, time(), tz)


def _next_touchpoint(
    hired: datetime | None, last: datetime | None, now: datetime
) -> tuple[str, datetime]:
    if hired is not None and now < hired + NEW_HIRE_PERIOD:
        if last is None or last < hired:
            return "first coaching", hired + NEW_HIRE_FIRST
        return "weekly (new hire)", last + NEW_HIRE_EVERY
    if last is None:
        return "monthly touchpoint", now
    return "monthly touchpoint", last + TOUCHPOINT_EVERY


IMPROVED, WORSE, SAME = "improved", "worse", "same"


def follow_up_outcome(
    note: Note, value_now: float | None, metric: str | None = None, tolerance: float = 0.02
) -> str | None:
    """improved | worse | same: the metric now against the note's evidence (the first item, or
    the one for `metric`), in the metric's better direction. Changes within `tolerance` (a
    fraction of the old value) are 'same'. None when there is nothing to compare."""
    item = next((e for e in note.evidence if metric is None or e.metric == metric), None)
    if item is None or item.value is None or value_now is None:
        return None
    before, after = _badness(item, item.value), _badness(item, value_now)
    if abs(after - before) <= tolerance * max(abs(item.value), 1e-9):
        return SAME
    return IMPROVED if after < before else WORSE


def _badness(item: Evidence, value: float) -> float:
    """Bigger is worse: the value itself (lower better), its negative (higher better), or the
    distance outside the green band."""
    if item.better == Better.HIGHER.value:
        return -value
    if item.better == Better.BAND.value and isinstance(item.green, tuple):
        low, high = item.green
        return max(low - value, value - high, 0.0)
    return value


@dataclass(frozen=True)
class Indicator:
    """What the board's notes column shows for one agent."""

    noted_today: bool = False
    due: int = 0  # open follow-ups due later today
    overdue: int = 0

    GLYPHS = {"overdue": ("!", "!"), "due": ("◷", "d"), "noted": ("✎", "n")}

    def text(self, ascii_only: bool = False) -> str:
        """Up to three one-cell glyphs, most urgent first: '!◷✎' ('!dn' in ASCII)."""
        pick = 1 if ascii_only else 0
        shown = (("overdue", self.overdue), ("due", self.due), ("noted", self.noted_today))
        return "".join(self.GLYPHS[name][pick] for name, present in shown if present)

    def describe(self) -> str:
        """The same in words, for a tooltip or the legend."""
        parts = []
        if self.overdue:
            parts.append(f"{self.overdue} follow-up{'s' * (self.overdue > 1)} overdue")
        if self.due:
            parts.append(f"{self.due} follow-up{'s' * (self.due > 1)} due today")
        if self.noted_today:
            parts.append("note given today")
        return "; ".join(parts)


def agent_indicators(
    notes: Iterable[Note], follow_ups: Iterable[FollowUp], now: datetime, tz: tzinfo
) -> dict[str, Indicator]:
    """Per agent with anything to show: a note given today (floor time), follow-ups due today,
    follow-ups overdue. `follow_ups` as from `due_follow_ups` / `NoteStore.follow_ups`."""
    today = now.astimezone(tz).date()
    noted = {n.agent for n in live(notes) if n.created_at.astimezone(tz).date() == today}
    due: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for follow_up in follow_ups:
        counter = overdue if follow_up.due < now else due
        counter[follow_up.note.agent] = counter.get(follow_up.note.agent, 0) + 1
    return {
        agent: Indicator(agent in noted, due.get(agent, 0), overdue.get(agent, 0))
        for agent in noted | due.keys() | overdue.keys()
    }
