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
    plan = Plan(cold_rows=2_000, cold_runs=1, sizes=(100, 1_000), repeats=2, queue_log_lines=600)
    cold, appends, queue_log = bench_ingest.run(plan, tmp_path)
    assert cold["rows"] == 2_000
    for key in ("seconds", "rows_per_s", "naive_seconds", "naive_rows_per_s"):
        assert cold[key] > 0 and math.isfinite(cold[key])
    assert [row["size"] for row in appends] == [100, 1_000]
    assert all(row["incremental_ms"] > 0 and row["naive_ms"] > 0 for row in appends)
    assert queue_log is not None and 500 <= queue_log["lines"] <= 700
    assert 0 < queue_log["rows"] < queue_log["lines"] and queue_log["seconds"] > 0
    table = bench_ingest.table(cold, appends, plan, queue_log)
    assert "file of 1,000 rows" in table and table.count("x |") == 2
    assert "queue_log cold load" in table
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
    assert "queue_log cold load, " in done.stdout
