"""The naive live board a team would script instead of floorwatch: the benchmarks' baseline.

On every change in the feed folder (watchfiles, its default settings) it re-reads every feed file
with pandas, recomputes every agent's aggregates from scratch, sorts worst first and redraws the
whole table with a Rich `Live` in the alternate screen. It refreshes only when something changed
(no 4-per-second auto refresh), which is the kindest reading of "naive": its idle cost is the
watcher's, and every byte it writes follows a change.

It reads the simulator's layout (`calls-*.csv`, `status.jsonl`) with the demo config's thresholds
hard-coded, as such a script would. Run: python -m bench.naive_board --feeds DIR
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import watchfiles
from rich import box
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Target:
    """One column of the board: a demo-config metric with its thresholds."""

    key: str
    label: str
    better: str  # lower | higher
    green: float
    red: float
    min_count: int
    format: str  # duration | number | percent


TARGETS = (
    Target("aht", "AHT", "lower", 210, 300, 3, "duration"),
    Target("csat", "CSAT", "higher", 90, 80, 3, "number"),
    Target("fcr", "FCR", "higher", 0.85, 0.75, 5, "percent"),
    Target("asa", "ASA", "lower", 20, 30, 3, "duration"),
    Target("complaints", "Compl", "lower", 0.005, 0.02, 20, "percent"),
    Target("adherence", "Adh", "higher", 0.90, 0.80, 1, "percent"),
)
STYLES = {3: "bold white on red", 2: "black on yellow", 1: "black on green", 0: "dim"}
WINDOW = pd.Timedelta(minutes=60)


def read_calls(feeds: Path) -> pd.DataFrame:
    frames = [pd.read_csv(path) for path in sorted(feeds.glob("calls-*.csv"))]
    calls = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if len(calls):
        calls["ts"] = pd.to_datetime(calls["ended_at"], format="ISO8601", utc=True)
    return calls


def read_status(feeds: Path) -> pd.DataFrame:
    path = feeds / "status.jsonl"
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(columns=["agent_id", "adherence"])
    return pd.read_json(path, lines=True)


def aggregate(calls: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Per agent: name, team and every metric's value and count (AHT and ASA over the last hour
    of data, the rest over the whole day)."""
    if not len(calls):
        return pd.DataFrame()
    calls = calls.assign(
        fcr=(calls["resolved"] == "Y").astype(float),
        complaints=(calls["complaint"] == "Y").astype(float),
    )
    day = calls.groupby("agent_id")
    recent = calls[calls["ts"] > calls["ts"].max() - WINDOW].groupby("agent_id")
    board = pd.DataFrame({"name": day["agent_name"].last(), "team": day["team"].last()})
    for key, column, group in (
        ("aht", "handle_s", recent),
        ("asa", "answer_s", recent),
        ("csat", "csat", day),
        ("fcr", "fcr", day),
        ("complaints", "complaints", day),
    ):
        board[key] = group[column].mean()
        board[f"{key}_n"] = group[column].count()
    last = status.groupby("agent_id")["adherence"].last() if len(status) else pd.Series()
    board["adherence"] = last
    board["adherence_n"] = last.notna().astype(int)
    return board


def judge(value: float, count: float, target: Target) -> tuple[int, float]:
    """(status 0 none / 1 green / 2 amber / 3 red, how far past green in green-red gaps)."""
    if value is None or math.isnan(value) or math.isnan(count) or count < target.min_count:
        return 0, 0.0
    past = value - target.green if target.better == "lower" else target.green - value
    gap = abs(target.red - target.green)
    excess = max(0.0, past / gap)
    if excess >= 1.0:
        return 3, excess
    return (2 if excess > 0 else 1), excess


def render(value: float, target: Target) -> str:
    if value is None or math.isnan(value):
        return "-"
    if target.format == "duration":
        return f"{int(value) // 60}:{int(value) % 60:02d}"
    if target.format == "percent":
        return f"{value:.0%}"
    return f"{value:.0f}"


def build_table(board: pd.DataFrame, height: int) -> Group:
    """The worst `height - 4` agents as a Rich table (names are Text: never markup)."""
    rows = []
    for agent, record in board.iterrows():
        judged = [judge(record[t.key], record[f"{t.key}_n"], t) for t in TARGETS]
        worst = max(status for status, _ in judged)
        rows.append(
            (-worst, -sum(excess for _, excess in judged), str(record["name"]), agent, judged)
        )
    rows.sort(key=lambda row: row[:4])
    table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False)
    table.add_column("Agent", no_wrap=True, min_width=14, ratio=3)
    table.add_column("Team", no_wrap=True, ratio=2)
    for target in TARGETS:
        table.add_column(target.label, justify="right", no_wrap=True)
    record_of = board.to_dict("index")
    for _, _, name, agent, judged in rows[: max(1, height - 4)]:
        record = record_of[agent]
        cells = [
            Text(render(record[t.key], t), style=STYLES[status])
            for t, (status, _) in zip(TARGETS, judged, strict=True)
        ]
        table.add_row(Text(name), Text(str(record["team"])), *cells)
    reds = sum(1 for row in rows if row[0] == -3)
    title = Text(f"naive board - {len(rows)} agents, {reds} red", style="bold")
    return Group(title, table)


def redraw(live: Live, console: Console, feeds: Path) -> None:
    board = aggregate(read_calls(feeds), read_status(feeds))
    live.update(build_table(board, console.size.height), refresh=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="naive_board", description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", required=True, type=Path, help="the simulator's feed folder")
    args = parser.parse_args(argv)
    if not args.feeds.is_dir():
        print(f"naive_board: {args.feeds}: not a folder", file=sys.stderr)
        return 2
    console = Console()
    with Live(console=console, screen=True, auto_refresh=False) as live:
        redraw(live, console, args.feeds)
        for _changes in watchfiles.watch(args.feeds, raise_interrupt=False):
            redraw(live, console, args.feeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
