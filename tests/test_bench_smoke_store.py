"""Smoke run of bench/bench_store.py on a real PostgreSQL: it runs and fills its table (no
timing assertions: speed is judged by the benchmark, not by unit tests)."""

from __future__ import annotations

import math
from pathlib import Path

from bench import bench_store
from bench.bench_store import Plan


def test_a_tiny_run_measures_every_figure(tmp_path: Path, pg_url: str) -> None:
    results = bench_store.run(Plan(saves=3, propagations=2), tmp_path, pg_url)
    for backend in ("sqlite", "postgresql"):
        assert results[backend]["n"] == 3
        assert 0 < results[backend]["median_ms"] <= results[backend]["p95_ms"]
    spread = results["propagation"]
    assert spread["n"] == 2 and math.isfinite(spread["read_max_ms"])
    assert 0 < spread["heard_median_ms"] <= spread["read_median_ms"]
    assert "save, PostgreSQL" in bench_store.table(results)
