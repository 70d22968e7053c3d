"""The metrics engine: aggregations, rolling and 'today' windows with a frozen clock, snapshots.

The helpers at the top (`metric`, `config`, `feed`, `batch`) build configs and row batches directly
(no YAML) and are shared by the board and report tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from floorwatch.config.types import (
    Agg,
    Better,
    Config,
    FeedConfig,
    FieldSpec,
    FieldType,
    FloorConfig,
    MetricConfig,
    MetricFormat,
    Threshold,
)
from floorwatch.live.metrics import PRUNE_EVERY, DayClock, MetricsEngine, first_in_window, quantile
from floorwatch.live.rows import empty_batch

NAN = float("nan")
T0 = 1_750_000_000.0  # a fixed epoch for frozen-clock tests


def metric(
    key: str = "aht",
    field: str = "handle_time",
    agg: Agg | str = Agg.MEAN,
    window: float | None = 900.0,
    better: Better = Better.LOWER,
    green: object = 300.0,
    red: object = 360.0,
    fmt: MetricFormat = MetricFormat.DURATION,
    min_count: int = 1,
    label: str | None = None,
    decimals: int | None = None,
) -> MetricConfig:
    return MetricConfig(
        key=key,
        label=label or key.upper(),
        field=field,
        agg=Agg(agg),
        window=window,
        window_text="today" if window is None else f"{window:g}s",
        better=better,
        threshold=Threshold(green=green, red=red),  # type: ignore[arg-type]
        format=fmt,
        min_count=min_count,
        decimals=decimals,
    )


def feed(fields: Sequence[str] = ("handle_time",), kind: str = "events", name: str = "calls"):
    return FeedConfig(
        name=name,
        path=f"{name}.csv",
        glob=f"/data/{name}.csv",
        format="csv",
        kind=kind,
        time=None,
        agent="agent",
        fields=tuple(FieldSpec(f, f, FieldType.NUMBER) for f in fields),
    )


def config(
    *metrics: MetricConfig,
    feeds: Sequence[FeedConfig] = (),
    timezone: str | None = "UTC",
    day_starts: str = "00:00",
    clock: str = "wall",
    source: Path = Path("/nowhere/floorwatch.yaml"),
    **extra: object,
) -> Config:
    return Config(
        source=source,
        floor=FloorConfig(name="Test floor", timezone=timezone, day_starts=day_starts, clock=clock),
        feeds=tuple(feeds) or (feed(sorted({m.field for m in metrics})),),
        metrics=tuple(metrics) or (metric(),),
        **extra,  # type: ignore[arg-type]
    )


def batch(rows: Sequence[dict[str, object]], fields: Sequence[str] = ("handle_time",)):
    """A batch in the floorwatch.live.rows schema from dicts with ts, agent, optional name/team."""
    frame = empty_batch(list(fields))
    if not rows:
        return frame
    data = {
        "ts": [float(r["ts"]) for r in rows],  # type: ignore[arg-type]
        "agent": [r["agent"] for r in rows],
        "name": [r.get("name") for r in rows],
        "team": [r.get("team") for r in rows],
    }
    for name in fields:
        data[name] = [float(r.get(name, NAN)) for r in rows]  # type: ignore[arg-type]
    return pd.DataFrame(data).astype({name: "float64" for name in fields})


def engine(
    *metrics: MetricConfig,
    timezone: str | None = "UTC",
    day_starts: str = "00:00",
    retain: float = 0.0,
) -> MetricsEngine:
    floor = FloorConfig(timezone=timezone, day_starts=day_starts)
    return MetricsEngine(metrics or (metric(),), floor, retain=retain)


# -- aggregations ----------------------------------------------------------------------------------

VALUES = [120.0, NAN, 300.0, 60.0, NAN, 600.0, 240.0]


def aggregated(agg: Agg, values: Sequence[float]) -> tuple[float | None, int]:
    metrics_engine = engine(metric(agg=agg, window=3600.0))
    rows = [{"ts": T0 + i, "agent": "A1", "handle_time": v} for i, v in enumerate(values)]
    metrics_engine.ingest(batch(rows))
    metrics_engine.advance(T0 + len(values))
    return metrics_engine.value("A1", "aht")


def test_mean_skips_empty_cells() -> None:
    assert aggregated(Agg.MEAN, VALUES) == (pytest.approx((120 + 300 + 60 + 600 + 240) / 5), 5)


def test_sum_skips_empty_cells() -> None:
    assert aggregated(Agg.SUM, VALUES) == (pytest.approx(1320.0), 5)


def test_count_is_rows_carrying_the_field() -> None:
    assert aggregated(Agg.COUNT, VALUES) == (5.0, 5)


def test_rate_is_share_of_true() -> None:
    assert aggregated(Agg.RATE, [1.0, 0.0, NAN, 1.0, 1.0]) == (pytest.approx(0.75), 4)


def test_max() -> None:
    assert aggregated(Agg.MAX, VALUES) == (600.0, 5)


def test_p90_matches_linear_interpolation() -> None:
    present = [v for v in VALUES if v == v]
    assert aggregated(Agg.P90, VALUES) == (pytest.approx(np.percentile(present, 90)), 5)


def test_last_is_the_newest_by_time_not_by_arrival() -> None:
    metrics_engine = engine(metric(agg=Agg.LAST, window=3600.0))
    metrics_engine.ingest(batch([{"ts": T0 + 10, "agent": "A1", "handle_time": 10.0}]))
    metrics_engine.ingest(batch([{"ts": T0 + 5, "agent": "A1", "handle_time": 5.0}]))  # late row
    metrics_engine.ingest(batch([{"ts": T0 + 20, "agent": "A1", "handle_time": NAN}]))  # empty
    metrics_engine.advance(T0 + 30)
    assert metrics_engine.value("A1", "aht") == (10.0, 2)


def test_only_empty_cells_give_no_value() -> None:
    assert aggregated(Agg.MEAN, [NAN, NAN]) == (None, 0)


def test_quantile_edges() -> None:
    assert quantile([5.0], 0.9) == 5.0
    assert quantile([1.0, 2.0], 0.9) == pytest.approx(1.9)


def test_vectorised_ingest_matches_an_independent_groupby() -> None:
    """Shuffled rows, several agents and fields, NaNs: each aggregation equals pandas' own."""
    rng = np.random.default_rng(7)
    n = 5_000
    frame = pd.DataFrame(
        {
            "ts": T0 + rng.uniform(0, 7200, n),
            "agent": rng.choice(["A1", "A2", "A3", "B9"], n),
            "name": None,
            "team": None,
            "handle_time": np.where(rng.random(n) < 0.2, NAN, rng.normal(300, 60, n)),
            "resolved": np.where(rng.random(n) < 0.1, NAN, (rng.random(n) < 0.7) * 1.0),
        }
    )
    metrics = [
        metric("mean", agg=Agg.MEAN, window=3600.0),
        metric("sum", agg=Agg.SUM, window=1800.0),
        metric("max", agg=Agg.MAX, window=3600.0),
        metric("p90", agg=Agg.P90, window=None),
        metric("last", agg=Agg.LAST, window=3600.0),
        metric("rate", field="resolved", agg=Agg.RATE, window=900.0, better=Better.HIGHER),
    ]
    metrics_engine = engine(*metrics)
    # Two batches, the second overlapping the first in time: exercises the merge path.
    metrics_engine.ingest(frame.iloc[: n // 2])
    metrics_engine.ingest(frame.iloc[n // 2 :])
    now = T0 + 7200
    metrics_engine.advance(now)
    day_start = datetime.fromtimestamp(now, ZoneInfo("UTC")).replace(hour=0, minute=0, second=0)
    for m in metrics:
        start = day_start.timestamp() - 1e-9 if m.window is None else now - m.window
        for agent, rows in frame[frame["ts"] > start].groupby("agent"):
            column = rows.sort_values("ts", kind="stable")[m.field].dropna()
            expected = {
                Agg.MEAN: column.mean(),
                Agg.SUM: column.sum(),
                Agg.MAX: column.max(),
                Agg.P90: column.quantile(0.9),
                Agg.LAST: column.iloc[-1] if len(column) else NAN,
                Agg.RATE: (column != 0).mean(),
            }[m.agg]
            value, count = metrics_engine.value(str(agent), m.key)
            assert count == len(column), (m.key, agent)
            assert value == pytest.approx(expected), (m.key, agent)


def test_rows_without_time_or_agent_are_skipped() -> None:
    metrics_engine = engine()
    frame = batch(
        [
            {"ts": T0, "agent": "A1", "handle_time": 100.0},
            {"ts": NAN, "agent": "A1", "handle_time": 900.0},
            {"ts": T0, "agent": None, "handle_time": 900.0},
        ]
    )
    metrics_engine.ingest(frame)
    metrics_engine.advance(T0 + 1)
    assert metrics_engine.value("A1", "aht") == (100.0, 1)
    assert metrics_engine.agents() == {"A1"}


def test_latest_name_and_team_by_time() -> None:
    metrics_engine = engine()
    result = metrics_engine.ingest(
        batch(
            [
                {"ts": T0 + 5, "agent": "A1", "name": "New Name", "team": ""},
                {"ts": T0 + 1, "agent": "A1", "name": "Old Name", "team": "Billing"},
                {"ts": T0 + 9, "agent": "A1", "name": None, "team": None},
                {"ts": T0 + 2, "agent": "A2", "name": None, "team": None},
            ]
        )
    )
    assert result.names == {"A1": "New Name"}
    assert result.teams == {"A1": "Billing"}  # an empty cell is no team, not a new one
    assert result.agents == {"A1", "A2"}


# -- rolling windows and the passing of time ------------------------------------------------------


def test_row_leaves_a_15m_window_after_15m_with_no_new_rows() -> None:
    metrics_engine = engine(metric(window=900.0))
    metrics_engine.ingest(batch([{"ts": T0, "agent": "A1", "handle_time": 400.0}]))
    assert metrics_engine.advance(T0) == {"A1": {"aht"}}
    assert metrics_engine.value("A1", "aht") == (400.0, 1)
    assert metrics_engine.advance(T0 + 899.999) == {}  # nothing to re-read while it stays
    assert metrics_engine.value("A1", "aht") == (400.0, 1)
    assert metrics_engine.advance(T0 + 900) == {"A1": {"aht"}}  # it left exactly at ts + window
    assert metrics_engine.value("A1", "aht") == (None, 0)
    assert metrics_engine.advance(T0 + 2000) == {}


def test_expiry_touches_only_the_agents_whose_rows_left() -> None:
    metrics_engine = engine(metric("aht15", window=900.0), metric("aht60", window=3600.0))
    metrics_engine.ingest(
        batch(
            [
                {"ts": T0, "agent": "A1", "handle_time": 100.0},
                {"ts": T0 + 500, "agent": "A2", "handle_time": 200.0},
                {"ts": T0 + 600, "agent": "A1", "handle_time": 300.0},
            ]
        )
    )
    metrics_engine.advance(T0 + 600)
    assert metrics_engine.advance(T0 + 900) == {"A1": {"aht15"}}
    assert metrics_engine.value("A1", "aht15") == (300.0, 1)
    assert metrics_engine.value("A1", "aht60") == (200.0, 2)
    assert metrics_engine.advance(T0 + 1400) == {"A2": {"aht15"}}
    assert metrics_engine.advance(T0 + 1500) == {"A1": {"aht15"}}
    assert metrics_engine.advance(T0 + 3600) == {"A1": {"aht60"}}


def test_fractional_times_leave_exactly_at_ts_plus_window() -> None:
    times = [T0 + 0.1, T0 + 0.2, T0 + 0.7]
    for moment in times:
        assert first_in_window(times, moment + 900.0, 900.0) == times.index(moment) + 1


def test_time_going_backwards_brings_rows_back() -> None:
    metrics_engine = engine(metric(window=900.0), retain=3600.0)
    metrics_engine.ingest(batch([{"ts": T0, "agent": "A1", "handle_time": 400.0}]))
    metrics_engine.advance(T0 + 1000)
    assert metrics_engine.value("A1", "aht") == (None, 0)
    assert metrics_engine.advance(T0 + 10) == {"A1": {"aht"}}
    assert metrics_engine.value("A1", "aht") == (400.0, 1)
    assert metrics_engine.advance(T0 + 900) == {"A1": {"aht"}}  # and it is scheduled again


def test_out_of_order_rows_are_placed_by_time() -> None:
    metrics_engine = engine(metric(agg=Agg.LAST, window=900.0))
    metrics_engine.ingest(batch([{"ts": T0 + 100, "agent": "A1", "handle_time": 1.0}]))
    metrics_engine.advance(T0 + 100)
    late = [{"ts": T0 + i, "agent": "A1", "handle_time": 2.0} for i in range(0, 40, 2)]
    metrics_engine.ingest(batch(late))  # more than the one-by-one limit: merged
    metrics_engine.ingest(batch([{"ts": T0 + 50, "agent": "A1", "handle_time": 3.0}]))
    metrics_engine.advance(T0 + 100)
    assert metrics_engine.value("A1", "aht") == (1.0, 22)
    # The earliest late row (T0) now leaves first, at T0 + 900.
    assert metrics_engine.advance(T0 + 900) == {"A1": {"aht"}}
    assert metrics_engine.value("A1", "aht")[1] == 21


# -- today ----------------------------------------------------------------------------------------


def test_today_window_starts_at_day_starts_in_the_floor_timezone() -> None:
    zone = ZoneInfo("America/New_York")
    at = lambda d, h, m=0: datetime(2025, 3, d, h, m, tzinfo=zone).timestamp()  # noqa: E731
    metrics_engine = engine(
        metric(window=None, agg=Agg.COUNT), timezone=str(zone), day_starts="06:00"
    )
    metrics_engine.ingest(
        batch(
            [
                {"ts": at(3, 5, 59), "agent": "A1", "handle_time": 1.0},  # yesterday's floor day
                {"ts": at(3, 6, 0), "agent": "A1", "handle_time": 1.0},
                {"ts": at(3, 23, 0), "agent": "A1", "handle_time": 1.0},
            ]
        )
    )
    metrics_engine.advance(at(4, 5, 0))  # before 06:00 the floor day is still the 3rd
    assert metrics_engine.value("A1", "aht") == (2.0, 2)
    assert metrics_engine.advance(at(4, 5, 59)) == {}
    assert metrics_engine.advance(at(4, 6, 0)) == {"A1": {"aht"}}  # rollover re-reads everyone
    assert metrics_engine.value("A1", "aht") == (None, 0)


def test_day_clock_across_a_dst_change() -> None:
    zone = ZoneInfo("America/New_York")
    clock = DayClock("America/New_York", "06:00")
    # Clocks go forward at 02:00 on 2025-03-09 in New York, so the floor day from 06:00 on the
    # 8th is 23 hours long; days still start at 06:00 local.
    noon = datetime(2025, 3, 8, 12, 0, tzinfo=zone).timestamp()
    assert clock.start(noon) == datetime(2025, 3, 8, 6, 0, tzinfo=zone).timestamp()
    next_day = datetime(2025, 3, 9, 6, 0, tzinfo=zone).timestamp()
    assert next_day - clock.start(noon) == 23 * 3600
    assert clock.start(next_day) == next_day
    assert clock.start(next_day - 1) == clock.start(noon)


def test_day_clock_in_local_time_when_no_timezone() -> None:
    clock = DayClock(None, "07:30")
    start = clock.start(T0)
    assert start <= T0 < start + 25 * 3600
    local = datetime.fromtimestamp(start)
    assert (local.hour, local.minute) == (7, 30)


def test_old_events_are_dropped_but_values_unchanged() -> None:
    rows = [{"ts": T0 + i * 60, "agent": "A1", "handle_time": float(i)} for i in range(100)]
    pruned = engine(metric(window=900.0))
    kept_all = engine(metric(window=900.0), retain=1e9)
    pruned.ingest(batch(rows))
    kept_all.ingest(batch(rows))
    for now in (T0 + 30 * 60, T0 + 99 * 60 + PRUNE_EVERY):  # the first advance prunes too
        pruned.advance(now)
        kept_all.advance(now)
        assert pruned.value("A1", "aht") == kept_all.value("A1", "aht")
        # Only rows at least 15 minutes old are gone.
        assert pruned.event_count() == sum(1 for row in rows if row["ts"] >= now - 900)
    assert kept_all.event_count() == 100


def test_events_kept_for_today_survive_pruning() -> None:
    metrics_engine = engine(metric("short", window=60.0), metric("day", window=None))
    day = datetime(2025, 6, 2, tzinfo=ZoneInfo("UTC")).timestamp()
    metrics_engine.ingest(batch([{"ts": day + 10, "agent": "A1", "handle_time": 5.0}]))
    metrics_engine.advance(day + 5 * 3600)
    metrics_engine.advance(day + 5 * 3600 + PRUNE_EVERY)
    assert metrics_engine.value("A1", "day") == (5.0, 1)
    assert metrics_engine.metric_value("A1", "short", day, day + 60) == (5.0, 1)


# -- snapshots and look-backs ---------------------------------------------------------------------


def test_snapshot_keeps_the_newest_value_per_agent() -> None:
    metrics_engine = engine(metric("adh", field="adherence", agg=Agg.MEAN, window=60.0))
    metrics_engine.ingest(
        batch(
            [
                {"ts": T0, "agent": "A1", "adherence": 0.9},
                {"ts": T0 + 10, "agent": "A1", "adherence": 0.8},
                {"ts": T0 + 20, "agent": "A1", "adherence": NAN},  # empty: keeps 0.8
            ],
            fields=["adherence"],
        ),
        snapshot=True,
    )
    metrics_engine.ingest(
        batch([{"ts": T0 + 5, "agent": "A1", "adherence": 0.1}], fields=["adherence"]),
        snapshot=True,
    )  # older than what we have: ignored
    assert metrics_engine.advance(T0 + 3600) == {"A1": {"adh"}}
    assert metrics_engine.value("A1", "adh") == (0.8, 1)  # no window for a snapshot
    assert metrics_engine.value("A2", "adh") == (None, 0)


def test_metric_value_over_an_arbitrary_range() -> None:
    metrics_engine = engine(metric(window=900.0), retain=7200.0)
    rows = [{"ts": T0 + i * 600, "agent": "A1", "handle_time": 100.0 * (i + 1)} for i in range(6)]
    metrics_engine.ingest(batch(rows))
    metrics_engine.advance(T0 + 3000)
    assert metrics_engine.metric_value("A1", "aht", T0, T0 + 1800) == (pytest.approx(200.0), 3)
    assert metrics_engine.metric_value("A1", "aht", T0 + 1800, T0 + 9999) == (
        pytest.approx(500.0),
        3,
    )
    assert metrics_engine.metric_value("A1", "aht", T0 + 10_000, T0 + 20_000) == (None, 0)
    assert metrics_engine.metric_value("nobody", "aht", T0, T0 + 1) == (None, 0)


def test_small_batches_take_the_newest_name_like_large_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The plain loop for a few rows and the vectorised path agree (ties: the later row)."""
    import random

    from floorwatch.live import metrics

    rng = random.Random(5)
    for _ in range(200):
        size = rng.randint(1, 40)
        batch = pd.DataFrame(
            {
                "ts": [float(rng.choice([1, 2, 3, np.nan])) for _ in range(size)],
                "agent": [rng.choice(["A", "B", "C", None]) for _ in range(size)],
                "name": [rng.choice(["x", "y", "", None]) for _ in range(size)],
            }
        )
        ts = batch["ts"].to_numpy(dtype="float64")
        codes, uniques = pd.factorize(batch["agent"], sort=False)
        valid = (codes >= 0) & ~np.isnan(ts)
        order = np.lexsort((ts[valid], codes[valid]))
        agents = [str(agent) for agent in uniques]
        small = metrics._latest_text(batch, "name", valid, order, codes[valid][order], agents)
        monkeypatch.setattr(metrics, "SMALL_TEXT_BATCH", 0)
        large = metrics._latest_text(batch, "name", valid, order, codes[valid][order], agents)
        monkeypatch.undo()
        assert small == large, batch


# -- a live poll's few rows ------------------------------------------------------------------------


@pytest.mark.parametrize("snapshot", [False, True])
def test_small_batches_ingest_exactly_as_the_vectorised_path(
    snapshot: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live poll's batch (<= SMALL_INGEST_ROWS) is ingested row by row in Python: the series,
    snapshots, what is due, the newest time and the latest names and teams must be those the
    vectorised path gives, whatever the order, gaps and ties of the rows."""
    import random

    from floorwatch.live import metrics as metrics_module

    chance = random.Random(11)
    fields = ("handle_time", "csat")
    metrics = (metric(), metric("csat", "csat", Agg.MEAN, green=4.0, red=3.0))
    small, vectorised = engine(*metrics), engine(*metrics)
    for _ in range(300):
        rows = []
        for _ in range(chance.randint(1, 20)):
            rows.append(
                {
                    "ts": chance.choice([T0 + chance.randint(0, 50), NAN]),
                    "agent": chance.choice(["A1", "A2", "A3", None, NAN, ""]),
                    "name": chance.choice(["Ann", "", None, "Bo"]),
                    "team": chance.choice(["North", None]),
                    "handle_time": chance.choice([NAN, 120.0, 300.0]),
                    "csat": chance.choice([NAN, 4.0, 5.0]),
                }
            )
        frame = batch(rows, fields)
        got = small.ingest(frame, snapshot=snapshot)
        monkeypatch.setattr(metrics_module, "SMALL_INGEST_ROWS", 0)
        want = vectorised.ingest(frame, snapshot=snapshot)
        monkeypatch.setattr(metrics_module, "SMALL_INGEST_ROWS", 64)
        assert (got.agents, got.names, got.teams) == (want.agents, want.names, want.teams)
        assert small.newest == vectorised.newest
        assert small._dirty == vectorised._dirty
        assert small._snapshots == vectorised._snapshots
        assert {
            (agent, name): (list(s.ts), list(s.values))
            for agent, by_name in small._series.items()
            for name, s in by_name.items()
        } == {
            (agent, name): (list(s.ts), list(s.values))
            for agent, by_name in vectorised._series.items()
            for name, s in by_name.items()
        }
