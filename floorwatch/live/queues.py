"""Each queue now: callers waiting, the longest wait, service level, abandon rate and speed of
answer over their windows, each judged against the queue's thresholds. Pure: rows in, figures
out for any `now` the caller gives.

Rows are contact events in a queue: `enter` (the caller starts waiting), `answer` (an agent
took the call) and `abandon` (the caller hung up, or left the queue unanswered). An answer or
abandon row may carry the caller's wait (`wait`, seconds: Asterisk's queue_log says it); without
it the wait is counted from the contact's `enter`.

Definitions (the usual wallboard ones):
- service level: the share of the contacts that left the queue within the window (answered or
  abandoned) that were answered within `answer_within`;
- abandon rate: abandoned / (answered + abandoned) over its window;
- ASA: the mean wait of the calls answered within the service level's window.
A contact still waiting after MAX_WAIT is taken as lost (its last row never came) and no longer
counted as waiting.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from floorwatch.config.types import Better, QueueLimit, QueuesConfig, Threshold
from floorwatch.live.rows import TS
from floorwatch.live.thresholds import Status, evaluate, worst

QUEUE = "queue"
CONTACT = "contact"
EVENT = "event"
WAIT = "wait"
EVENTS = ("enter", "answer", "abandon")
MAX_WAIT = 4 * 3600.0


@dataclass(frozen=True)
class QueueFigures:
    """One queue's KPIs at `now` (None: nothing to measure yet), each with its status."""

    queue: str
    waiting: int
    longest_wait: float | None  # seconds the oldest waiting caller has waited
    oldest_since: float | None  # when that caller entered (the wait ticks from here)
    service_level: float | None  # fraction 0..1
    abandon_rate: float | None
    asa: float | None  # seconds
    answered: int  # in the service level's window
    abandoned: int  # in the abandon rate's window
    statuses: dict[str, Status] = field(default_factory=dict)  # per KPI
    status: Status = Status.NONE


@dataclass
class _Queue:
    waiting: dict[str, float] = field(default_factory=dict)  # contact -> entered at
    outcomes: deque[tuple[float, bool, float]] = field(
        default_factory=deque
    )  # (at, answered, wait)


class QueueBook:
    """Every queue seen, with its waiting callers and recent outcomes."""

    def __init__(self, config: QueuesConfig) -> None:
        self.config = config
        self.queues: dict[str, _Queue] = {}
        self.newest: float | None = None
        limits = [config.defaults, *(c for _, c in config.queues)]
        self._keep = max(
            max(c.service_level.window or 0.0, c.abandon.window or 0.0) for c in limits
        )

    def ingest(self, batch: pd.DataFrame) -> None:
        if not len(batch):
            return
        ordered = batch.sort_values(TS, kind="stable")
        waits = ordered[WAIT].tolist() if WAIT in ordered else [math.nan] * len(ordered)
        for ts, queue, contact, event, wait in zip(
            ordered[TS].tolist(),
            ordered[QUEUE].tolist(),
            ordered[CONTACT].tolist(),
            ordered[EVENT].tolist(),
            waits,
            strict=True,
        ):
            self._event(float(ts), queue, contact, event, wait)
            self.newest = ts if self.newest is None else max(self.newest, ts)

    def _event(self, ts: float, queue: str, contact: str, event: str, wait: float) -> None:
        book = self.queues.setdefault(queue, _Queue())
        if event == "enter":
            book.waiting[contact] = ts
            return
        entered = book.waiting.pop(contact, None)
        if wait is None or not math.isfinite(wait):
            wait = ts - entered if entered is not None else math.nan
        book.outcomes.append((ts, event == "answer", max(0.0, wait)))

    def figures(self, now: float) -> list[QueueFigures]:
        """Every queue's figures at `now`, by queue name."""
        return [self._figures(name, book, now) for name, book in sorted(self.queues.items())]

    def _figures(self, name: str, book: _Queue, now: float) -> QueueFigures:
        config = self.config.for_queue(name)
        self._forget(book, now)
        waiting = [at for at in book.waiting.values() if now - at < MAX_WAIT]
        oldest = min(waiting) if waiting else None
        longest = max(0.0, now - oldest) if oldest is not None else None
        sl_window = _recent(book, now, config.service_level.window)
        ab_window = _recent(book, now, config.abandon.window)
        answered = [wait for _, ok, wait in sl_window if ok]
        within = config.service_level.answer_within or 0.0
        sl = sum(1 for wait in answered if wait <= within) / len(sl_window) if sl_window else None
        abandoned = sum(1 for _, ok, _ in ab_window if not ok)
        abandon_rate = abandoned / len(ab_window) if ab_window else None
        known = [wait for wait in answered if math.isfinite(wait)]
        asa = sum(known) / len(known) if known else None
        statuses = {
            "service_level": _judge(sl, config.service_level, Better.HIGHER),
            "longest_wait": _judge(longest or 0.0, config.longest_wait, Better.LOWER),
            "waiting": _judge(float(len(waiting)), config.waiting, Better.LOWER),
            "abandon_rate": _judge(abandon_rate, config.abandon, Better.LOWER),
        }
        return QueueFigures(
            queue=name,
            waiting=len(waiting),
            longest_wait=longest,
            oldest_since=oldest,
            service_level=sl,
            abandon_rate=abandon_rate,
            asa=asa,
            answered=len(answered),
            abandoned=abandoned,
            statuses=statuses,
            status=worst(statuses.values()),
        )

    def _forget(self, book: _Queue, now: float) -> None:
        while book.outcomes and book.outcomes[0][0] <= now - self._keep:
            book.outcomes.popleft()

    def names(self) -> list[str]:
        return sorted(self.queues)


def _recent(book: _Queue, now: float, window: float | None) -> list[tuple[float, bool, float]]:
    """The outcomes in (now - window, now]."""
    start = now - (window or 0.0)
    return [outcome for outcome in book.outcomes if start < outcome[0] <= now]


def _judge(value: float | None, limit: QueueLimit, better: Better) -> Status:
    if value is None:
        return Status.NONE
    return evaluate(value, Threshold(limit.green, limit.red), better)[0]


def worst_queue(figures: Iterable[QueueFigures]) -> Status:
    return worst(f.status for f in figures)
