"""Smoke runs of issue 18's figures: bench_config.py (a big overrides file, before and now) and
bench_ssh.py --flood (another session's answer during a flood). They run and print every figure;
no timing assertions: speed is judged by the benchmarks, not by unit tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str) -> str:
    result = subprocess.run(
        [sys.executable, *argv], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_bench_config_quick_measures_before_and_now() -> None:
    output = run("bench/bench_config.py", "--quick")
    assert "20,000 overrides" in output
    for variant in ("before", "now"):
        line = next(line for line in output.splitlines() if line.startswith(variant))
        seconds, rss = float(line.split()[1]), float(line.split()[-1])
        assert seconds > 0 and rss > 0


@pytest.mark.skipif(sys.platform != "linux", reason="the server runs as a child process")
def test_bench_ssh_flood_quick_measures_both_answers() -> None:
    output = run("bench/bench_ssh.py", "--flood", "--quick")
    for label in ("quiet", "during a 200 KB flood"):
        line = next(line for line in output.splitlines() if line.startswith(label))
        median, worst = (float(x) for x in line.split()[-2:])
        assert 0 <= median <= worst
