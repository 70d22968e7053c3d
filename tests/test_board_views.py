"""The incremental orders and team sums agree with a full re-sort and re-average, tick after
tick, as agents change values, change teams, join and (by the window) leave."""

from __future__ import annotations

import random
from dataclasses import replace

from floorwatch.live.thresholds import Status
from tests.app_support import AGENTS, NOW, build_board, calls_frame, load_fixture_config


def full_order(board, sort: str) -> list[str]:  # type: ignore[no-untyped-def]
    key = board._sort_key(sort)
    return [row.agent for row in sorted(board.rows.values(), key=lambda r: (*key(r), r.agent))]


def full_summary(board, team: str | None) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    means: dict[str, float | None] = {}
    for key, metric in board.metrics.items():
        values = [
            cell.value
            for row in board.rows.values()
            if team is None or row.team == team
            if (cell := row.cells[key]).value is not None and cell.count >= metric.min_count
        ]
        means[key] = sum(values) / len(values) if values else None
    return means


def close(a: dict[str, float | None], b: dict[str, float | None]) -> bool:
    return all(
        (a[k] is None and b[k] is None) or abs(a[k] - b[k]) < 1e-6  # type: ignore[operator]
        for k in a
    )


def test_orders_and_summaries_follow_every_tick() -> None:
    config = load_fixture_config()
    board, _ = build_board(config)
    order_clock = [0.0]  # frozen: the calm worst-first order re-ranks only when it is moved on
    board.order_clock = lambda: order_clock[0]
    calls = next(feed for feed in config.feeds if feed.name == "calls")
    sorts = ["status", "name", *board.metrics]
    for sort in sorts:  # the indexes exist before the changes come
        board.sorted_ids(sort)
    board.team_summary()
    rng = random.Random(11)
    now = NOW
    extra = [replace(AGENTS[0], agent=f"N{i:02}", name=f"New {i}") for i in range(8)]
    for step in range(40):
        now += 60
        changed = rng.sample([*AGENTS, *extra], 5)
        changed = [
            replace(
                agent,
                aht=rng.uniform(100, 600),
                asa=rng.uniform(1, 50),
                team=rng.choice(["north", "south", "east"]),
            )
            for agent in changed
        ]
        board.ingest(calls, calls_frame(changed, now, calls=rng.randint(1, 4)))
        reranked = step % 2 == 0
        if reranked:
            order_clock[0] += config.floor.rerank_seconds
        board.tick(now=now)
        for sort in sorts:
            if sort == "status" and not reranked:  # held rows: colours in order, the set exact
                calm = board.sorted_ids(sort)
                assert sorted(calm) == sorted(board.rows), step
                statuses = [board.rows[a].status for a in calm]
                assert statuses == sorted(statuses, reverse=True), step
                continue
            assert board.sorted_ids(sort) == full_order(board, sort), (step, sort)
        red = board.sorted_ids("status", only=[Status.RED])
        assert red == [a for a in board.sorted_ids("status") if board.rows[a].status is Status.RED]
        north = board.sorted_ids("aht", team="north")
        assert north == [a for a in full_order(board, "aht") if board.rows[a].team == "north"]
        summary = board.team_summary()
        assert set(summary) == {row.team for row in board.rows.values() if row.team}
        for team, metrics in summary.items():
            assert close({k: v for k, (v, _) in metrics.items()}, full_summary(board, team))
        floor = {k: v for k, (v, _) in board.floor_summary().items()}
        assert close(floor, full_summary(board, None))
