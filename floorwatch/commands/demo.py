"""`floorwatch demo`: the simulator writing real feed files, and the live board watching them."""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

HELP = "run the live board on a simulated floor (real files, written and watched live)"
DESCRIPTION = """\
Starts the simulator appending realistic call events to feed files in a temporary folder (or
--dir), and runs the live board on them with a packaged demo config. Everything is real: files are
written, watched, tailed and parsed. Notes you write go to a demo store in that folder, never to
your real one."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help=HELP, description=DESCRIPTION)
    parser.add_argument("--agents", type=int, default=40, metavar="N", help="agents (default 40)")
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="deterministic run")
    parser.add_argument(
        "--dir", metavar="DIR", help="write the feeds and the demo store here (kept afterwards)"
    )
    parser.add_argument(
        "--wall", action="store_true", help="show the read-only, auto-paging wall mode"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.cli import UserError

    if args.agents < 1:
        raise UserError("--agents must be at least 1")
    if args.dir:
        folder = Path(args.dir).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        return run_in(folder, args)
    with tempfile.TemporaryDirectory(prefix="floorwatch-demo-") as temporary:
        return run_in(Path(temporary), args)


def run_in(folder: Path, args: argparse.Namespace) -> int:
    from floorwatch.app import FloorwatchApp
    from floorwatch.config import load_config
    from floorwatch.demo import write_demo_config
    from floorwatch.demo.model import DEMO_SPEED
    from floorwatch.feeds.simulator import FloorSimulator

    config_path = write_demo_config(folder)
    simulator = FloorSimulator(
        folder / "feeds", agents=args.agents, seed=args.seed, speed=DEMO_SPEED
    )
    simulator.backfill()
    stop = threading.Event()
    writer = threading.Thread(
        target=simulator.run, kwargs={"duration": None, "stop": stop}, daemon=True
    )
    writer.start()
    try:
        app = FloorwatchApp(load_config(config_path), wall=args.wall)
        app.exit_on_hangup = True
        app.run()
    finally:
        stop.set()
        writer.join(timeout=5)
    print(f"floorwatch demo: feeds and demo notes were in {folder}", file=sys.stderr)
    return 0
