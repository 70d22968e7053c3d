"""The pre-conversation analyses: comparison with the team, gap to green, strengths and focus."""

from __future__ import annotations

from dataclasses import replace

import pytest

from floorwatch.coaching.analysis import analyse_agent
from floorwatch.live.thresholds import Status
from tests.app_support import AGENTS, HOSTILE_NAMES, build_board


@pytest.fixture(scope="module")
def board():  # type: ignore[no-untyped-def]
    return build_board()[0]


def analyse(board, agent: str):  # type: ignore[no-untyped-def]
    return analyse_agent(agent, board.rows, board.config.metrics, board.threshold)


def by_key(analysis):  # type: ignore[no-untyped-def]
    return {c.metric.key: c for c in analysis.comparisons}


def test_a_red_agent_beside_the_team_average_and_its_best(board) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(board, "A001")  # Li Wei, north: handle time 5:30
    aht = by_key(analysis)["aht"]
    north = [a.aht for a in AGENTS if a.team == "north"]
    assert aht.status is Status.RED
    assert aht.team_mean == pytest.approx(sum(north) / len(north))
    assert (aht.best, aht.best_name) == (195, "Priya Nair")
    assert (aht.rank, aht.ranked) == (len(north), len(north))  # the slowest of the team
    assert aht.gap == pytest.approx(330 - 210)  # 2:00 over the 3:30 green level
    assert [m.key for m in analysis.weaknesses] == ["aht"]
    assert {"asa", "csat"} <= {m.key for m in analysis.strengths}
    assert analysis.focus is not None and analysis.focus.startswith("start with AHT; praise ")


def test_fast_but_unhappy_customers_is_coached_on_communication(board) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(board, "A005")  # Jonas Berg: handle time 3:25, CSAT 85 (amber)
    assert "aht" in {m.key for m in analysis.strengths}
    assert [m.key for m in analysis.weaknesses] == ["csat"]
    assert analysis.focus == (
        "AHT fine but CSAT behind: coach on communication and quality, not speed"
    )
    csat = by_key(analysis)["csat"]
    assert csat.gap == pytest.approx(90 - 85) and csat.best_name == "Priya Nair"


def test_weaknesses_come_red_first_then_the_furthest_past_green(board) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(board, "A007")  # red everywhere, alone in its team
    statuses = [by_key(analysis)[m.key].status for m in analysis.weaknesses]
    assert statuses == sorted(statuses, key=lambda s: s is not Status.RED)
    assert analysis.strengths == ()
    aht = by_key(analysis)["aht"]
    assert (aht.rank, aht.ranked, aht.best_name) == (1, 1, HOSTILE_NAMES[0])


def test_a_green_metric_is_no_gap_and_an_unknown_agent_no_analysis(board) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(board, "A006")  # Mei Chen: green on everything
    assert all(c.gap == 0 for c in analysis.comparisons)
    assert analysis.weaknesses == () and analysis.focus.startswith("praise ")
    assert analyse(board, "nobody") is None


def test_equal_values_share_a_rank(board) -> None:  # type: ignore[no-untyped-def]
    fcr = by_key(analyse(board, "A005"))["fcr"]  # every north agent resolved 9 calls of 10
    assert (fcr.rank, fcr.ranked) == (1, 5)


def test_a_slow_agent_is_not_told_speed_is_fine(board) -> None:  # type: ignore[no-untyped-def]
    """Fast on one clock (ASA) but slow on another (AHT, red): start with AHT, not quality."""
    slow = [replace(a, aht=330, asa=8, csat=85) if a.agent == "A005" else a for a in AGENTS]
    analysis = analyse(build_board(agents=slow)[0], "A005")
    assert "asa" in {m.key for m in analysis.strengths}  # quick to answer ...
    assert [m.key for m in analysis.weaknesses] == ["aht", "csat"]  # ... but long calls
    assert analysis.focus is not None and analysis.focus.startswith("start with AHT")
