"""Did the coaching work? The metric then and now for each follow-up, and before/after a note.

The windows, exactly:

- **Then**: the note's evidence: the metric as the board showed it when the note was written,
  over the metric's own window (`60m`: the hour before; `today`: from the floor day's start).
- **Now** (a follow-up): the same metric over the same window, placed at the check: the window
  of the same length ending at the follow-up's due time (`today`: from the start of the due
  time's floor day to the due time). On the live screens the check is the present moment, and
  the board's value is that window. A follow-up counts once it is due; its outcome is improved,
  worse or same (within 2% of the old value) in the metric's better direction (`follow_up_outcome`).
- **Before / after a note** (per agent, in the report): the metric over the 7 floor days before
  the note's day, and over the 7 floor days after it (the note's own day belongs to neither).

"Coached metrics improved in N of M follow-ups": M counts each (follow-up, evidence metric) with
both a then and a now figure (and at least the metric's min_count rows now); N those improved.
Pure: the figures come from a `Measure`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from floorwatch.coaching.loop import IMPROVED, follow_up_outcome, live
from floorwatch.coaching.notes import Evidence, Note

AROUND_DAYS = 7

# measure(agent, metric key, start, end) -> (value, rows): the metric over start <= t < end
Measure = Callable[[str, str, datetime, datetime], tuple[float | None, int]]
# measure_days(agent, metric key, first day, last day) -> value over those floor days
MeasureDays = Callable[[str, str, date, date], float | None]


@dataclass(frozen=True)
class FollowUpEffect:
    note_id: int
    agent: str
    author: str
    metric: str
    label: str
    then: float | None
    now: float | None
    now_count: int
    window: str  # the evidence's window, as configured
    checked_at: datetime  # the end of the "now" window
    outcome: str | None  # improved | worse | same | None (no figure now)


@dataclass(frozen=True)
class BeforeAfter:
    note_id: int
    agent: str
    metric: str
    day: date  # the note's floor day
    before: float | None  # the 7 floor days before
    after: float | None  # the 7 floor days after
    outcome: str | None


@dataclass(frozen=True)
class Tally:
    improved: int
    of: int

    def text(self) -> str:
        return f"coached metrics improved in {self.improved} of {self.of} follow-ups"


def window_start(window: str, end: datetime, day_start: Callable[[datetime], datetime]) -> datetime:
    """The start of the metric's window ending at `end` ('today': the floor day's start)."""
    if window == "today":
        return day_start(end)
    from floorwatch.config.yaml_nodes import parse_duration_text

    return end - timedelta(seconds=parse_duration_text(window))


def follow_up_effects(
    notes: Iterable[Note],
    measure: Measure,
    first: datetime,
    last: datetime,
    day_start: Callable[[datetime], datetime],
    min_counts: dict[str, int] | None = None,
) -> list[FollowUpEffect]:
    """Each evidence metric of each note whose follow-up fell due in first <= due < last."""
    found = []
    for note in live(notes):
        due = note.follow_up_due
        if due is None or not first <= due < last:
            continue
        for item in note.evidence:
            if item.value is None:
                continue
            start = window_start(item.window, due, day_start)
            value, count = measure(note.agent, item.metric, start, due)
            if count < (min_counts or {}).get(item.metric, 1):
                value = None
            outcome = follow_up_outcome(note, value, item.metric)
            found.append(
                FollowUpEffect(
                    note.id,
                    note.agent,
                    note.author,
                    item.metric,
                    item.label,
                    item.value,
                    value,
                    count,
                    item.window,
                    due,
                    outcome,
                )
            )
    return found


def tally(effects: Iterable[FollowUpEffect]) -> Tally:
    counted = [e for e in effects if e.outcome is not None]
    return Tally(sum(e.outcome == IMPROVED for e in counted), len(counted))


def tallies_by(
    effects: Iterable[FollowUpEffect], key: Callable[[FollowUpEffect], str]
) -> dict[str, Tally]:
    grouped: dict[str, list[FollowUpEffect]] = {}
    for effect in effects:
        grouped.setdefault(key(effect), []).append(effect)
    return {name: tally(items) for name, items in sorted(grouped.items())}


def before_after(
    notes: Iterable[Note],
    measure_days: MeasureDays,
    floor_day: Callable[[datetime], date],
    directions: Mapping[str, str],
) -> list[BeforeAfter]:
    """For each metric a note is about (its evidence, else its tags) that has a direction
    (metric key -> better: lower | higher | band): the 7 floor days before the note's day and
    the 7 after it, and whether it improved."""
    found = []
    for note in live(notes):
        day = floor_day(note.created_at)
        metrics = [e.metric for e in note.evidence] or list(note.tags)
        for metric in dict.fromkeys(m for m in metrics if m in directions):
            before = measure_days(
                note.agent, metric, day - timedelta(days=AROUND_DAYS), day - timedelta(days=1)
            )
            after = measure_days(
                note.agent, metric, day + timedelta(days=1), day + timedelta(days=AROUND_DAYS)
            )
            evidence = next((e for e in note.evidence if e.metric == metric), None)
            evidence = evidence or Evidence(
                metric, metric, None, "none", None, None, "", 0, directions[metric]
            )
            shifted = replace(note, evidence=(replace(evidence, value=before),))
            outcome = follow_up_outcome(shifted, after, metric)
            found.append(BeforeAfter(note.id, note.agent, metric, day, before, after, outcome))
    return found
