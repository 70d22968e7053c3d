"""Queue KPIs over windows with a frozen clock: waiting, longest wait, SL, abandon rate, ASA."""

from __future__ import annotations

import math

import pandas as pd

from floorwatch.config.types import QueueConfig, QueueLimit, QueuesConfig
from floorwatch.live.queues import QueueBook
from floorwatch.live.thresholds import Status

T0 = 1_700_000_000.0


def events(*items: tuple[float, str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ts": [i[0] for i in items],
            "agent": [None] * len(items),
            "name": [None] * len(items),
            "team": [None] * len(items),
            "queue": [i[1] for i in items],
            "contact": [i[2] for i in items],
            "event": [i[3] for i in items],
            "wait": [i[4] for i in items],
        }
    )


NAN = math.nan


def test_waiting_and_longest_wait_tick_with_the_clock() -> None:
    book = QueueBook(QueuesConfig())
    book.ingest(events((T0, "Sales", "c1", "enter", NAN), (T0 + 10, "Sales", "c2", "enter", NAN)))
    (sales,) = book.figures(T0 + 25)
    assert sales.waiting == 2 and sales.longest_wait == 25
    assert sales.statuses["longest_wait"] is Status.GREEN
    (sales,) = book.figures(T0 + 45)
    assert sales.statuses["longest_wait"] is Status.AMBER
    (sales,) = book.figures(T0 + 61)
    assert sales.statuses["longest_wait"] is Status.RED and sales.status is Status.RED
    book.ingest(events((T0 + 62, "Sales", "c1", "answer", NAN)))
    (sales,) = book.figures(T0 + 62)
    assert sales.waiting == 1 and sales.longest_wait == 52
    assert sales.asa == 62 and sales.service_level == 0.0


def test_service_level_and_abandon_rate_over_their_windows() -> None:
    config = QueueConfig(
        service_level=QueueLimit(0.8, 0.7, window=600.0, answer_within=20.0),
        abandon=QueueLimit(0.05, 0.10, window=300.0),
    )
    book = QueueBook(QueuesConfig(config))
    book.ingest(
        events(
            (T0, "Q", "a", "answer", 5.0),
            (T0 + 100, "Q", "b", "answer", 20.0),  # exactly at answer_within: inside
            (T0 + 200, "Q", "c", "answer", 21.0),
            (T0 + 400, "Q", "d", "abandon", 40.0),
        )
    )
    (q,) = book.figures(T0 + 400)
    assert q.service_level == 2 / 4
    assert q.abandon_rate == 1 / 2  # the 300 s window (T0+100, T0+400] holds c and d
    assert q.asa == (5 + 20 + 21) / 3
    assert q.statuses["service_level"] is Status.RED
    (q,) = book.figures(T0 + 600)  # a has left the service level's window
    assert q.service_level == 1 / 3
    (q,) = book.figures(T0 + 1100)
    assert q.service_level is None and q.abandon_rate is None and q.asa is None


def test_per_queue_thresholds_fill_in_from_defaults() -> None:
    billing = QueueConfig(service_level=QueueLimit(0.8, 0.7, 3600.0, 30.0))
    book = QueueBook(QueuesConfig(QueueConfig(), (("Billing", billing),)))
    book.ingest(events((T0, "Billing", "x", "answer", 25.0), (T0, "Sales", "y", "answer", 25.0)))
    billing_figures, sales_figures = book.figures(T0 + 1)
    assert billing_figures.service_level == 1.0 and sales_figures.service_level == 0.0


def test_a_caller_waiting_for_hours_is_taken_as_lost() -> None:
    book = QueueBook(QueuesConfig())
    book.ingest(events((T0, "Q", "c1", "enter", NAN)))
    (q,) = book.figures(T0 + 5 * 3600)
    assert q.waiting == 0 and q.longest_wait is None
