"""Smoke run of bench/bench_ingest.py: it runs and fills its table (no timing assertions)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from bench import bench_ingest
from bench.bench_ingest import Plan

REPO = Path(__file__).resolve().parents[1]


def test_a_tiny_run_measures_every_figure(tmp_path: Path) -> None:
    plan = Plan(cold_rows=2_000, cold_runs=1, sizes=(100, 1_000), repeats=2)
    cold, appends = bench_ingest.run(plan, tmp_path)
    assert cold["rows"] == 2_000
    for key in ("seconds", "rows_per_s", "naive_seconds", "naive_rows_per_s"):
        assert cold[key] > 0 and math.isfinite(cold[key])
    assert [row["size"] for row in appends] == [100, 1_000]
    assert all(row["incremental_ms"] > 0 and row["naive_ms"] > 0 for row in appends)
    table = bench_ingest.table(cold, appends, plan)
    assert "file of 1,000 rows" in table and table.count("x |") == 2
    assert list(tmp_path.iterdir()) == []  # the files it wrote are gone


def test_the_quick_variant_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_ingest.py"), "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "cold load, 20,000 rows" in done.stdout
    assert "naive / floorwatch" in done.stdout
