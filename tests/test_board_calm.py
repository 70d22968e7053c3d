"""The calm worst-first order: red before amber before green, the worst first, but a row holds
its place through value changes that keep its colour, unless it passes a neighbour by a clear
margin or the re-rank interval (`floor.rerank_seconds`) passes. Clocks are frozen."""

from __future__ import annotations

from dataclasses import dataclass, replace

from floorwatch.live.indexes import CLEAR_MARGIN, CalmSortIndex
from floorwatch.live.thresholds import Status
from tests.app_support import AGENTS, NOW, build_board, calls_frame, load_fixture_config


@dataclass(frozen=True)
class Row:
    status: int  # higher is worse
    excess: float
    name: str


def key(row: Row) -> tuple[object, ...]:
    return (-row.status, -row.excess, row.name)


RED, AMBER = 3, 2


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def calm(rows: dict[str, Row], clock: Clock, seconds: float = 10.0) -> CalmSortIndex:
    return CalmSortIndex(key, rows, seconds=seconds, clock=clock)


def floor_of_three() -> dict[str, Row]:
    return {
        "a": Row(RED, 3.0, "a"),
        "b": Row(RED, 2.0, "b"),
        "c": Row(RED, 1.0, "c"),
        "d": Row(AMBER, 0.5, "d"),
    }


def test_a_value_change_that_keeps_the_colour_does_not_move_the_row() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock)
    rows["b"] = Row(RED, 3.1, "b")  # passes a, but by less than a clear margin
    index.update(["b"], rows)
    assert index.ids() == ["a", "b", "c", "d"]
    rows["c"] = Row(RED, 1.9, "c")  # creeps up to b, passes nothing
    index.update(["c"], rows)
    assert index.ids() == ["a", "b", "c", "d"]


def test_passing_a_neighbour_by_a_clear_margin_moves_the_row_at_once() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock)
    rows["b"] = Row(RED, 3.0 + 0.1 * 3.0 + 0.01, "b")  # a tenth of a's 3.0, and a bit
    index.update(["b"], rows)
    assert index.ids() == ["b", "a", "c", "d"]
    rows["b"] = Row(RED, 1.0 - CLEAR_MARGIN - 0.01, "b")  # falls clearly below c
    index.update(["b"], rows)
    assert index.ids() == ["a", "c", "b", "d"]


def test_a_change_of_colour_moves_the_row_at_once() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock)
    rows["a"] = Row(AMBER, 0.6, "a")  # red -> amber: below every red, above the lesser amber
    index.update(["a"], rows)
    assert index.ids() == ["b", "c", "a", "d"]
    rows["d"] = Row(RED, 0.1, "d")  # amber -> red, however small its excess
    index.update(["d"], rows)
    assert index.ids() == ["b", "c", "d", "a"]


def test_held_rows_take_their_places_when_the_rerank_interval_passes() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock, seconds=10.0)
    rows["c"] = Row(RED, 2.1, "c")
    index.update(["c"], rows)
    assert index.ids() == ["a", "b", "c", "d"]
    clock.now += 9.9
    assert index.rerank_if_due() == set()
    assert index.ids() == ["a", "b", "c", "d"]
    clock.now += 0.1
    assert index.rerank_if_due() == {"c"}
    assert index.ids() == ["a", "c", "b", "d"]
    clock.now += 10
    assert index.rerank_if_due() == set()  # nothing held: nothing to place


def test_a_row_back_at_its_place_or_removed_is_no_longer_held() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock)
    rows["c"] = Row(RED, 2.1, "c")
    index.update(["c"], rows)
    rows["c"] = Row(RED, 1.0, "c")
    index.update(["c"], rows)
    rows["b"] = Row(RED, 3.1, "b")
    index.update(["b"], rows)
    del rows["b"]
    index.update(["b"], rows)
    clock.now += 10
    assert index.rerank_if_due() == set()
    assert index.ids() == ["a", "c", "d"]


def test_neighbours_are_judged_by_the_values_shown_not_their_held_places() -> None:
    rows, clock = floor_of_three(), Clock()
    index = calm(rows, clock)
    rows["a"] = Row(RED, 2.2, "a")  # held above b, though now only a little worse
    index.update(["a"], rows)
    rows["b"] = Row(RED, 2.3, "b")  # passes a's 2.2 by less than the margin: both stay
    index.update(["b"], rows)
    assert index.ids() == ["a", "b", "c", "d"]
    rows["b"] = Row(RED, 2.5, "b")  # clearly passes the 2.2 shown above it: they swap
    index.update(["b"], rows)
    assert index.ids() == ["b", "a", "c", "d"]
    clock.now += 10
    assert index.rerank_if_due() == set()  # both took their true places


# -- on the board --------------------------------------------------------------------------------


def red_on_aht(agent: str, name: str, aht: float):  # type: ignore[no-untyped-def]
    return replace(AGENTS[2], agent=agent, name=name, aht=aht)  # otherwise green


def test_the_board_holds_a_red_row_then_reranks_it_after_rerank_seconds() -> None:
    config = load_fixture_config()
    config = replace(config, floor=replace(config.floor, rerank_seconds=30.0))
    agents = [red_on_aht("X1", "Xavier", 330), red_on_aht("Y1", "Yara", 325)]
    board, _ = build_board(config, agents)
    clock = Clock()
    board.order_clock = clock
    assert board.sorted_ids("status")[:2] == ["X1", "Y1"]
    # Yara's hour mean goes to 335 (10 more calls at 345): worse than Xavier, by a hair.
    board.ingest(config.feeds[0], calls_frame([red_on_aht("Y1", "Yara", 345)], NOW))
    delta = board.tick(now=NOW)
    assert delta.changed == {"Y1"}
    assert board.rows["Y1"].status is board.rows["X1"].status is Status.RED
    assert board.rows["Y1"].excess > board.rows["X1"].excess
    assert board.sorted_ids("status")[:2] == ["X1", "Y1"]  # held
    clock.now += 10  # the default interval, but this floor says 30 s
    assert board.tick(now=NOW).moved == frozenset()
    assert board.sorted_ids("status")[:2] == ["X1", "Y1"]
    clock.now += 20
    delta = board.tick(now=NOW)
    assert delta.moved == {"Y1"} and not delta.empty
    assert board.sorted_ids("status")[:2] == ["Y1", "X1"]


def test_the_board_moves_a_row_that_turns_red_at_once() -> None:
    config = load_fixture_config()
    agents = [red_on_aht("X1", "Xavier", 330), red_on_aht("Z1", "Zoe", 205)]
    board, _ = build_board(config, agents)
    board.order_clock = Clock()
    assert board.sorted_ids("status")[:2] == ["X1", "Z1"]
    assert board.rows["Z1"].status is not Status.RED
    board.ingest(config.feeds[0], calls_frame([red_on_aht("Z1", "Zoe", 900)], NOW))
    board.tick(now=NOW)
    assert board.rows["Z1"].status is Status.RED
    assert board.sorted_ids("status")[:2] == ["Z1", "X1"]


def test_the_ids_kept_row_by_row_match_the_order_built_from_scratch() -> None:
    """ids() is moved in step with the keys (no rebuild per update): after any mix of changes,
    arrivals, departures, held rows and re-ranks it reads as the keys do."""
    import random

    from floorwatch.live.indexes import SortIndex

    chance = random.Random(7)
    rows = {f"a{i}": Row(chance.choice((RED, AMBER, 1)), chance.random() * 5, f"a{i}")
            for i in range(60)}  # fmt: skip
    clock = Clock()
    for index in (calm(rows, clock), SortIndex(key, rows)):
        index.ids()  # kept from here on
        for _ in range(400):
            agent = f"a{chance.randrange(80)}"
            if chance.random() < 0.1:
                rows.pop(agent, None)
            else:
                status = chance.choice((RED, AMBER, 1))
                rows[agent] = Row(status, chance.random() * 5, agent)
            index.update([agent], rows)
            if isinstance(index, CalmSortIndex) and chance.random() < 0.05:
                clock.now += 11.0
                index.rerank_if_due()
            assert index.ids() == [placed[-1] for placed in index._keys]
