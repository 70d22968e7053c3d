"""Smoke run of bench/bench_web.py: it serves the real board to idle web clients and fills its
table (no figure is judged here; speed is the benchmark's business)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_quick_variant_measures_web_sessions() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_web.py"), "--quick", "--web-only"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = re.findall(r"^web\s+fw\s+(\d+)\s+([\d.]+)\s+[\d.]+\s+([\d.]+)", done.stdout, re.M)
    assert [int(sessions) for sessions, _, _ in rows] == [0, 1, 2], done.stdout
    assert all(float(rss) > 50 for _, rss, _ in rows)  # a real server process was measured
