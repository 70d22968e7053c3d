"""Notes store benchmark (issue 17): a save's latency on each backend, and how long a note takes
to reach another host through PostgreSQL's LISTEN/NOTIFY.

    python -m bench.bench_store            # 200 saves per backend, 50 propagations
    python -m bench.bench_store --quick    # a seconds-long smoke run of the same
    FLOORWATCH_TEST_PG_URL=postgresql://... python -m bench.bench_store   # an existing server

Figures, all in the same run on the same machine:
- save: `NoteStore.add` of one BEST note (validate, one transaction acknowledged only after the
  commit is durable, read back), median and 95th percentile of N, on a SQLite file (WAL,
  synchronous=FULL) and on PostgreSQL (synchronous_commit=on) over its unix socket.
- propagation: one host saves a note; the other host's store hears the NOTIFY (`on_change`) and
  reads the note back. Median and worst of N, from the start of the save.
Without $FLOORWATCH_TEST_PG_URL a throwaway cluster is started with scripts/pg and removed after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from floorwatch.coaching import NoteDraft
from floorwatch.store import NoteStore

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 30, 9, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    saves: int = 200
    propagations: int = 50


def _draft(number: int) -> NoteDraft:
    return NoteDraft(
        agent=f"A{number % 40:03d}",
        behavior=f"call {number}: 15 s of silence after the customer's question",
        effect="the customer asked twice whether anyone was there",
        suggestion="say: let me check that, one moment please",
        timeframe="+1d",
        tags=("aht",),
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def saves(location: Path | str, count: int) -> dict[str, float]:
    """Milliseconds per `add`, after one warm-up save (connection and schema)."""
    with NoteStore(location) as store:
        store.add(_draft(0), "bench", NOW)
        times = []
        for number in range(count):
            started = time.perf_counter()
            store.add(_draft(number), "bench", NOW)
            times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "p95_ms": _percentile(times, 0.95), "n": count}


def propagation(url: str, count: int) -> dict[str, float]:
    """Milliseconds from the start of a save on one host until the other host heard the NOTIFY,
    and until it had read the note back."""
    writer, reader = (
        NoteStore(url, site="bench-propagation"),
        NoteStore(url, site="bench-propagation"),
    )
    heard = threading.Event()
    reader.on_change(heard.set)
    reader.change_token()  # listening
    writer.add(_draft(0), "bench", NOW)
    time.sleep(0.2)
    heard_ms, read_ms = [], []
    for number in range(count):
        heard.clear()
        started = time.perf_counter()
        note = writer.add(_draft(number), "bench", NOW)
        if not heard.wait(10):
            raise RuntimeError("no NOTIFY within 10 s")
        heard_ms.append((time.perf_counter() - started) * 1000)
        if reader.get(note.id) is None:
            raise RuntimeError(f"note {note.id} heard of but not readable")
        read_ms.append((time.perf_counter() - started) * 1000)
    writer.close()
    reader.close()
    return {
        "heard_median_ms": statistics.median(heard_ms),
        "heard_max_ms": max(heard_ms),
        "read_median_ms": statistics.median(read_ms),
        "read_max_ms": max(read_ms),
        "n": count,
    }


def run(plan: Plan, folder: Path, url: str) -> dict[str, dict[str, float]]:
    return {
        "sqlite": saves(folder / "bench.sqlite3", plan.saves),
        "postgresql": saves(url, plan.saves),
        "propagation": propagation(url, plan.propagations),
    }


def table(results: dict[str, dict[str, float]]) -> str:
    lite, pg, spread = results["sqlite"], results["postgresql"], results["propagation"]
    return "\n".join([
        "| figure | median | spread | n |",
        "|---|---|---|---|",
        f"| save, SQLite (WAL, synchronous=FULL) | {lite['median_ms']:.2f} ms | "
        f"p95 {lite['p95_ms']:.2f} ms | {lite['n']:.0f} |",
        f"| save, PostgreSQL (synchronous_commit=on) | {pg['median_ms']:.2f} ms | "
        f"p95 {pg['p95_ms']:.2f} ms | {pg['n']:.0f} |",
        f"| another host hears the NOTIFY (from the save's start) | "
        f"{spread['heard_median_ms']:.2f} ms | max {spread['heard_max_ms']:.2f} ms | "
        f"{spread['n']:.0f} |",
        f"| ... and has read the note | {spread['read_median_ms']:.2f} ms | "
        f"max {spread['read_max_ms']:.2f} ms | {spread['n']:.0f} |",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_store", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    plan = Plan(saves=20, propagations=5) if args.quick else Plan()
    url = os.environ.get("FLOORWATCH_TEST_PG_URL")
    cluster = None
    if not url:
        started = subprocess.run(
            [str(REPO / "scripts" / "pg"), "start"], capture_output=True, text=True, check=True
        )
        found = dict(
            line.removeprefix("export ").split("=", 1)
            for line in started.stdout.split("\n")
            if line
        )
        url, cluster = (
            found["FLOORWATCH_TEST_PG_URL"].strip("'"),
            found["FLOORWATCH_TEST_PG_DIR"].strip("'"),
        )
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = run(plan, Path(folder), url)
    finally:
        if cluster:
            subprocess.run([str(REPO / "scripts" / "pg"), "stop", cluster], check=False)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
