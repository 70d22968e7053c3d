"""Agent states: time in state, limits at their edges, offline hiding (a frozen clock)."""

from __future__ import annotations

import pandas as pd

from floorwatch.config.types import StateConfig
from floorwatch.live.states import AgentState, StateBook, clock_text
from floorwatch.live.thresholds import Status

STATES = (
    StateConfig("Available", "available"),
    StateConfig("Break", "away", amber=900.0, red=1200.0),
    StateConfig("Offline", "offline"),
)
T0 = 1_700_000_000.0


def rows(*items: tuple[float, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ts": [t for t, _, _, _ in items],
            "agent": [a for _, a, _, _ in items],
            "name": [None] * len(items),
            "team": [None] * len(items),
            "state": [s for _, _, s, _ in items],
            "reason": [r for _, _, _, r in items],
        }
    )


def test_limits_turn_at_their_edges() -> None:
    state = AgentState("Break", "away", T0, amber=900.0, red=1200.0)
    assert state.status(T0 + 899.9) is Status.GREEN
    assert state.status(T0 + 900) is Status.AMBER
    assert state.status(T0 + 1199.99) is Status.AMBER
    assert state.status(T0 + 1200) is Status.RED
    assert AgentState("Available", "available", T0).status(T0 + 99999) is Status.NONE


def test_label_shows_reason_and_time_in_state() -> None:
    state = AgentState("Break", "away", T0, reason="Coffee")
    assert state.label(T0 + 22 * 60 + 14.7) == "Break 22:14 Coffee"
    assert clock_text(3725) == "1:02:05"
    assert AgentState("Break", "away", T0 + 5).label(T0) == "Break 0:00"  # a clock ahead


def test_latest_change_wins_and_unknown_states_are_other() -> None:
    book = StateBook(STATES)
    book.ingest(rows((T0 + 10, "a1", "Break", "Lunch run"), (T0, "a1", "Available", None)))
    assert book.get("a1").name == "Break" and book.get("a1").reason == "Lunch run"
    book.ingest(rows((T0 + 5, "a1", "Available", None)))  # older than the current: ignored
    assert book.get("a1").name == "Break"
    book.ingest(rows((T0 + 20, "a2", "Training", None)))
    assert book.get("a2").category == "other"
    assert "Training" in book.unknown
    assert book.counts()["away"] == 1 and book.counts()["other"] == 1


def test_same_state_again_keeps_time_in_state() -> None:
    book = StateBook(STATES)
    book.ingest(rows((T0, "a1", "Break", None)))
    book.ingest(rows((T0 + 60, "a1", "Break", None)))
    assert book.get("a1").since == T0


def test_advance_names_agents_only_when_their_colour_turns() -> None:
    book = StateBook(STATES)
    book.ingest(rows((T0, "a1", "Break", None), (T0, "a2", "Available", None)))
    assert book.advance(T0) == {"a1", "a2"}
    assert book.advance(T0 + 899) == set()
    assert book.advance(T0 + 900) == {"a1"}
    assert book.advance(T0 + 1000) == set()
    assert book.advance(T0 + 1200) == {"a1"}
    assert book.get("a1").status(T0 + 1200) is Status.RED
    assert book.advance(T0 + 5000) == set()


def test_offline_agents_hide_after_offline_hides() -> None:
    book = StateBook(STATES, offline_hides=600.0)
    book.ingest(rows((T0, "a1", "Offline", None)))
    book.advance(T0)
    assert not book.hidden("a1", T0 + 599)
    assert book.advance(T0 + 599) == set()
    assert book.advance(T0 + 600) == {"a1"}
    assert book.hidden("a1", T0 + 600)
