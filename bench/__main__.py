"""`python -m bench [--full] [--quick]`: every end-to-end benchmark of issue 7, one table.

floorwatch (`floorwatch run`) and the naive baseline (`bench/naive_board.py`) run on the same
simulated floor in the same terminal sizes, one after the other, in the same run; the table gives
each figure's median and spread, the value its target is judged on, the target, the naive board's
value and floorwatch's ratio to it. The default run shortens the issue's durations (printed in the
last column) to finish in a few minutes on 2 cores; `--full` uses the issue's durations and the
full day (1,000,000 rows) for every benchmark; `--quick` is the seconds-long smoke variant.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import suite
from bench.profile import summarise as summarise_profile
from bench.report import machine, markdown_table, text_table

REPO = Path(__file__).resolve().parents[1]
OTHERS = (
    "bench_config.py",
    "bench_ingest.py",
    "bench_ssh.py",
    "bench_web.py",
)  # other engineers' benchmarks, run after ours


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help="the issue's durations (about 45 min)")
    size.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help=f"comma-separated subset of: {', '.join(suite.BENCHMARKS)}",
    )
    parser.add_argument(
        "--boards",
        default="floorwatch,naive",
        metavar="NAMES",
        help="which boards to run: floorwatch, naive or both (default)",
    )
    parser.add_argument(
        "--others",
        action="store_true",
        help=f"also run {' and '.join(OTHERS)} (other benchmarks in bench/) afterwards",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a plan field (repeatable), e.g. steady_s=60 or appends=100",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="add to floorwatch's environment (repeatable), e.g. to compare watcher settings",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run floorwatch under py-spy, write its stacks to DIR and print where time goes "
        "(py-spy's own cost is then in the figures: not for the README)",
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the floors in DIR (default: a temp dir)"
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the Markdown table here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = suite.Plan.full() if args.full else suite.Plan.quick() if args.quick else suite.Plan()
    try:
        plan = plan.override(args.set)
    except ValueError as error:
        print(f"python -m bench: --set: {error}", file=sys.stderr)
        return 2
    if args.profile:
        plan = replace(plan, name=f"{plan.name}, PROFILED", profile=Path(args.profile).resolve())
    only = args.only.split(",") if args.only else list(suite.BENCHMARKS)
    unknown = [name for name in only if name not in suite.BENCHMARKS]
    if unknown:
        print(f"python -m bench: unknown benchmark {', '.join(unknown)}", file=sys.stderr)
        return 2
    env = dict(item.split("=", 1) for item in args.env if "=" in item)
    boards = suite.boards(args.boards.split(","), env)
    started = time.monotonic()
    where = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="floorwatch-bench-"))
    try:
        figures = suite.run(plan, only, boards, where, log=_log)
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
    about = machine()
    print()
    print(f"floorwatch benchmarks - {about} - {plan.describe()}")
    if env:
        print("floorwatch environment: " + " ".join(f"{k}={v}" for k, v in sorted(env.items())))
    print(text_table(figures))
    markdown = markdown_table(figures, about)
    print()
    print(markdown)
    if args.markdown:
        Path(args.markdown).write_text(markdown + "\n", encoding="utf-8")
    if plan.profile is not None:
        for raw in sorted(plan.profile.glob("*.txt")):
            print()
            print(summarise_profile(raw))
    print(f"\n(took {time.monotonic() - started:.0f} s)")
    if args.others:
        _run_others(args)
    return 0


def _run_others(args: argparse.Namespace) -> None:
    for name in OTHERS:
        path = REPO / "bench" / name
        if not path.exists():
            _log(f"{name}: not there yet, skipped")
            continue
        print(f"\n## {name}\n", flush=True)
        extra = ["--quick"] if args.quick else []
        subprocess.run([sys.executable, str(path), *extra], cwd=REPO, check=False)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
