"""Feed ingestion benchmark (issue 3): cold load, and the cost of one append as files grow.

    python -m bench.bench_ingest            # 1,000,000-row cold load; appends to 1k/100k/1M rows
    python -m bench.bench_ingest --quick    # a seconds-long smoke run of the same

Figures, all on the same machine in the same run:
- cold load: `FloorFeeds.load_all()` of one CSV of N call events (the demo's columns), rows/s,
  best of a few runs; beside it `pandas.read_csv` of the same file (no conversion, no checks).
- one append: 10 rows written and flushed to a file of 1k, 100k, 1M rows, then `poll()`; the
  median of several repeats. Beside it, the naive approach: `pandas.read_csv` of the whole file
  on each change, and the ratio naive / incremental. Flat incremental cost is the point.
- queue_log cold load: an Asterisk queue_log of N lines (per call ENTERQUEUE, CONNECT and a
  COMPLETE*, a RINGNOANSWER for one call in ten), best of a few runs; beside it
  `pandas.read_csv(sep="|")` of the same file (split only: no events picked, nothing converted).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from floorwatch.config.types import (
    Config,
    FeedConfig,
    FieldSpec,
    FieldType,
    FloorConfig,
    TimeSpec,
)
from floorwatch.feeds import FeedUpdate, FloorFeeds

T = TypeVar("T")

COLUMNS = "ended_at,agent_id,agent_name,team,handle_s,answer_s,resolved,csat,complaint\n"
TEAMS = ("Billing", "Tech Support", "Onboarding")


@dataclass(frozen=True)
class Plan:
    cold_rows: int
    cold_runs: int
    sizes: tuple[int, ...]
    repeats: int
    appended: int = 10

    queue_log_lines: int = 0

    @classmethod
    def full(cls) -> Plan:
        return cls(
            cold_rows=1_000_000, cold_runs=3, sizes=(1_000, 100_000, 1_000_000), repeats=15,
            queue_log_lines=1_000_000,
        )  # fmt: skip

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            cold_rows=20_000, cold_runs=1, sizes=(1_000, 10_000, 50_000), repeats=3,
            queue_log_lines=20_000,
        )  # fmt: skip


def feed_config(folder: Path, name: str) -> FeedConfig:
    return FeedConfig(
        name="calls",
        path=name,
        glob=str(folder / name),
        format="csv",
        kind="events",
        time=TimeSpec(("ended_at",)),
        agent="agent_id",
        fields=(
            FieldSpec("handle_time", "handle_s", FieldType.SECONDS),
            FieldSpec("answer_time", "answer_s", FieldType.SECONDS),
            FieldSpec("resolved", "resolved", FieldType.BOOL),
            FieldSpec("csat", "csat", FieldType.NUMBER),
            FieldSpec("complaint", "complaint", FieldType.BOOL),
        ),
        name_column="agent_name",
        team_column="team",
    )


def queue_log_config(folder: Path, name: str) -> FeedConfig:
    return FeedConfig(
        name="asterisk",
        path=name,
        glob=str(folder / name),
        format="queue_log",
        kind="events",
        time=TimeSpec(("time",)),
        agent="agent",
        fields=(
            FieldSpec("talk_time", "talk_s", FieldType.SECONDS),
            FieldSpec("answer_time", "wait_s", FieldType.SECONDS),
            FieldSpec("transferred", "transferred", FieldType.BOOL),
            FieldSpec("missed_ring", "ring_s", FieldType.SECONDS),
        ),
        team_column="queue",
    )


def floor(folder: Path, name: str, feed: FeedConfig | None = None) -> FloorFeeds:
    config = Config(
        source=folder / "floorwatch.yaml",
        floor=FloorConfig(timezone="UTC"),
        feeds=(feed or feed_config(folder, name),),
        metrics=(),
    )
    return FloorFeeds(config)


def call_rows(count: int, seed: int, start: float = 1_700_000_000.0) -> str:
    """`count` call events as CSV lines, vectorised (a million in a couple of seconds)."""
    rng = np.random.default_rng(seed)
    ended = start + np.sort(rng.uniform(0, 12 * 3600, count))
    stamps = pd.to_datetime(ended, unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    agents = rng.integers(1, 2001, count)
    csat = rng.integers(60, 101, count).astype(str).astype(object)
    csat[rng.random(count) < 0.7] = ""  # most calls get no survey
    frame = pd.DataFrame(
        {
            "ended_at": stamps,
            "agent_id": [f"A{a:04d}" for a in agents],
            "agent_name": [f"Agent {a}" for a in agents],
            "team": np.array(TEAMS, dtype=object)[agents % 3],
            "handle_s": rng.integers(30, 900, count),
            "answer_s": rng.integers(0, 60, count),
            "resolved": np.where(rng.random(count) < 0.85, "Y", "N"),
            "csat": csat,
            "complaint": np.where(rng.random(count) < 0.01, "Y", "N"),
        }
    )
    return frame.to_csv(index=False, header=False, lineterminator="\n")


def write_file(path: Path, count: int, seed: int) -> None:
    path.write_text(COLUMNS + call_rows(count, seed), encoding="utf-8")


def queue_log_text(lines: int, seed: int, start: int = 1_700_000_000) -> tuple[str, int]:
    """About `lines` queue_log lines, and how many of them are call outcomes (rows)."""
    rng = np.random.default_rng(seed)
    calls = max(1, lines * 10 // 31)  # 3 lines a call, plus a RINGNOANSWER for one in ten
    entered = start + np.sort(rng.integers(0, 12 * 3600, calls))
    agents, waits, talks = (rng.integers(low, high, calls) for low, high in
                            ((1000, 3000), (0, 60), (30, 900)))  # fmt: skip
    ended = rng.choice(["COMPLETEAGENT", "COMPLETECALLER"], calls)
    out, outcomes = [], 0
    for call, (t, agent, wait, talk, end) in enumerate(
        zip(entered.tolist(), agents.tolist(), waits.tolist(), talks.tolist(), ended, strict=True)
    ):
        cid = f"{t}.{call}"
        out.append(f"{t}|{cid}|support|NONE|ENTERQUEUE||555{call % 10_000:04d}|1\n")
        if call % 10 == 0:
            out.append(f"{t + 1}|{cid}|support|PJSIP/{agent + 1}|RINGNOANSWER|15000\n")
            outcomes += 1
        out.append(f"{t + wait}|{cid}|support|PJSIP/{agent}|CONNECT|{wait}|{cid}|3\n")
        out.append(f"{t + wait + talk}|{cid}|support|PJSIP/{agent}|{end}|{wait}|{talk}|1\n")
        outcomes += 1
    return "".join(out), outcomes


def queue_log_load(folder: Path, plan: Plan) -> dict[str, float]:
    path = folder / "queue_log"
    text, outcomes = queue_log_text(plan.queue_log_lines, seed=3)
    path.write_text(text, encoding="utf-8")
    lines = text.count("\n")
    loads, naive = [], []
    for _ in range(plan.cold_runs):
        feeds = floor(folder, path.name, queue_log_config(folder, path.name))
        seconds, updates = timed(feeds.load_all)
        feeds.close()
        assert rows_read(updates) == outcomes
        loads.append(seconds)
        split = timed(lambda: pd.read_csv(path, sep="|", header=None, names=range(10)))
        naive.append(split[0])
    path.unlink()
    return {
        "lines": lines,
        "rows": outcomes,
        "seconds": min(loads),
        "lines_per_s": lines / min(loads),
        "naive_seconds": min(naive),
    }


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def rows_read(updates: list[FeedUpdate]) -> int:
    return sum(len(update.rows) for update in updates)


def cold_load(folder: Path, plan: Plan) -> dict[str, float]:
    path = folder / "cold.csv"
    write_file(path, plan.cold_rows, seed=1)
    loads, naive = [], []
    for _ in range(plan.cold_runs):
        feeds = floor(folder, path.name)
        seconds, updates = timed(feeds.load_all)
        feeds.close()
        assert rows_read(updates) == plan.cold_rows
        loads.append(seconds)
        naive.append(timed(lambda: pd.read_csv(path))[0])
    path.unlink()
    return {
        "rows": plan.cold_rows,
        "seconds": min(loads),
        "rows_per_s": plan.cold_rows / min(loads),
        "naive_seconds": min(naive),
        "naive_rows_per_s": plan.cold_rows / min(naive),
    }


def one_append(folder: Path, size: int, plan: Plan) -> dict[str, float]:
    path = folder / f"calls-{size}.csv"
    write_file(path, size, seed=size)
    feeds = floor(folder, path.name)
    feeds.load_all()
    incremental, naive = [], []
    for repeat in range(plan.repeats):
        rows = call_rows(plan.appended, seed=10_000 + repeat, start=1_700_050_000.0 + repeat)
        with path.open("a", encoding="utf-8") as file:
            file.write(rows)
            file.flush()
        seconds, updates = timed(feeds.poll)
        assert rows_read(updates) == plan.appended
        incremental.append(seconds)
        naive.append(timed(lambda: pd.read_csv(path))[0])
    feeds.close()
    path.unlink()
    return {
        "size": size,
        "incremental_ms": statistics.median(incremental) * 1000,
        "naive_ms": statistics.median(naive) * 1000,
    }


def table(
    cold: dict[str, float],
    appends: list[dict[str, float]],
    plan: Plan,
    queue_log: dict[str, float] | None = None,
) -> str:
    lines = [
        f"| cold load, {cold['rows']:,.0f} rows | floorwatch | naive read_csv |",
        "| --- | ---: | ---: |",
        f"| seconds | {cold['seconds']:.2f} | {cold['naive_seconds']:.2f} |",
        f"| rows/s | {cold['rows_per_s']:,.0f} | {cold['naive_rows_per_s']:,.0f} |",
        "",
        f"| one append of {plan.appended} rows (median of {plan.repeats}) | floorwatch poll() "
        "| naive: read_csv whole file | naive / floorwatch |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in appends:
        ratio = row["naive_ms"] / row["incremental_ms"]
        lines.append(
            f"| file of {row['size']:,.0f} rows | {row['incremental_ms']:.2f} ms "
            f"| {row['naive_ms']:.2f} ms | {ratio:,.1f}x |"
        )
    if queue_log:
        lines += [
            "",
            f"| queue_log cold load, {queue_log['lines']:,.0f} lines -> {queue_log['rows']:,.0f} "
            "rows | floorwatch | naive read_csv(sep='|') |",
            "| --- | ---: | ---: |",
            f"| seconds | {queue_log['seconds']:.2f} | {queue_log['naive_seconds']:.2f} |",
            f"| lines/s | {queue_log['lines_per_s']:,.0f} | "
            f"{queue_log['lines'] / queue_log['naive_seconds']:,.0f} |",
        ]
    return "\n".join(lines)


Figures = tuple[dict[str, float], list[dict[str, float]], dict[str, float] | None]


def run(plan: Plan, folder: Path | None = None) -> Figures:
    """Cold load, appends, and the queue_log cold load (None when the plan has no lines)."""
    with tempfile.TemporaryDirectory(prefix="floorwatch-bench-ingest-", dir=folder) as temp:
        where = Path(temp)
        cold = cold_load(where, plan)
        appends = [one_append(where, size, plan) for size in plan.sizes]
        queue_log = queue_log_load(where, plan) if plan.queue_log_lines else None
    return cold, appends, queue_log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan.full()
    started = time.monotonic()
    cold, appends, queue_log = run(plan)
    cpus = os.cpu_count()
    print(f"floorwatch feed ingestion, {time.strftime('%Y-%m-%d')}, {cpus} CPUs, Python "
          f"{sys.version.split()[0]}, pandas {pd.__version__}\n")  # fmt: skip
    print(table(cold, appends, plan, queue_log))
    print(f"\n(took {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
