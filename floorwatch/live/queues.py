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


class _Window:
    """The outcomes of the last `seconds`, with running sums: a tick costs the outcomes that
    left the window since the last one, never a pass over the hour."""

    def __init__(self, seconds: float, answer_within: float) -> None:
        self.seconds = seconds
        self.answer_within = answer_within
        self.outcomes: deque[tuple[float, bool, float]] = deque()  # (at, answered, wait)
        self.answered = self.abandoned = self.within = self.known = 0
        self.wait_sum = 0.0

    def add(self, outcome: tuple[float, bool, float], sign: int = 1) -> None:
        _, answered, wait = outcome
        if not answered:
            self.abandoned += sign
            return
        self.answered += sign
        self.within += sign if wait <= self.answer_within else 0
        if math.isfinite(wait):
            self.known += sign
            self.wait_sum += sign * wait

    def append(self, outcome: tuple[float, bool, float]) -> None:
        self.outcomes.append(outcome)
        self.add(outcome)

    def advance(self, now: float) -> None:
        while self.outcomes and self.outcomes[0][0] <= now - self.seconds:
            self.add(self.outcomes.popleft(), -1)

    @property
    def total(self) -> int:
        return self.answered + self.abandoned


@dataclass
class _Queue:
    service: _Window
    abandons: _Window
    waiting: dict[str, float] = field(default_factory=dict)  # contact -> entered at


class QueueBook:
    """Every queue seen, with its waiting callers and recent outcomes."""

    def __init__(self, config: QueuesConfig) -> None:
        self.config = config
        self.queues: dict[str, _Queue] = {}
        self.newest: float | None = None

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

    def _book(self, queue: str) -> _Queue:
        book = self.queues.get(queue)
        if book is None:
            config = self.config.for_queue(queue)
            service = config.service_level
            self.queues[queue] = book = _Queue(
                _Window(service.window or 0.0, service.answer_within or 0.0),
                _Window(config.abandon.window or 0.0, 0.0),
            )
        return book

    def _event(self, ts: float, queue: str, contact: str, event: str, wait: float) -> None:
        book = self._book(queue)
        if event == "enter":
            book.waiting[contact] = ts
            return
        entered = book.waiting.pop(contact, None)
        if wait is None or not math.isfinite(wait):
            wait = ts - entered if entered is not None else math.nan
        outcome = (ts, event == "answer", max(0.0, wait) if math.isfinite(wait) else wait)
        book.service.append(outcome)
        book.abandons.append(outcome)

    def figures(self, now: float) -> list[QueueFigures]:
        """Every queue's figures at `now`, by queue name."""
        return [self._figures(name, book, now) for name, book in sorted(self.queues.items())]

    def _figures(self, name: str, book: _Queue, now: float) -> QueueFigures:
        config = self.config.for_queue(name)
        service, abandons = book.service, book.abandons
        service.advance(now)
        abandons.advance(now)
        self._forget_lost(book, now)
        oldest = min(book.waiting.values()) if book.waiting else None
        longest = max(0.0, now - oldest) if oldest is not None else None
        sl = service.within / service.total if service.total else None
        abandon_rate = abandons.abandoned / abandons.total if abandons.total else None
        asa = service.wait_sum / service.known if service.known else None
        waiting = len(book.waiting)
        statuses = {
            "service_level": _judge(sl, config.service_level, Better.HIGHER),
            "longest_wait": _judge(longest or 0.0, config.longest_wait, Better.LOWER),
            "waiting": _judge(float(waiting), config.waiting, Better.LOWER),
            "abandon_rate": _judge(abandon_rate, config.abandon, Better.LOWER),
        }
        return QueueFigures(
            queue=name,
            waiting=waiting,
            longest_wait=longest,
            oldest_since=oldest,
            service_level=sl,
            abandon_rate=abandon_rate,
            asa=asa,
            answered=service.answered,
            abandoned=abandons.abandoned,
            statuses=statuses,
            status=worst(statuses.values()),
        )

    def _forget_lost(self, book: _Queue, now: float) -> None:
        """Callers 'waiting' past MAX_WAIT: their last row never came."""
        if book.waiting and now - min(book.waiting.values()) >= MAX_WAIT:
            book.waiting = {c: at for c, at in book.waiting.items() if now - at < MAX_WAIT}

    def names(self) -> list[str]:
        return sorted(self.queues)


def _judge(value: float | None, limit: QueueLimit, better: Better) -> Status:
    if value is None:
        return Status.NONE
    return evaluate(value, Threshold(limit.green, limit.red), better)[0]


def worst_queue(figures: Iterable[QueueFigures]) -> Status:
    return worst(f.status for f in figures)
