"""`floorwatch demo`: the simulator writing real feed files, and the live board watching them."""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floorwatch.config.types import Config

HELP = "run the live board on a simulated floor (real files, written and watched live)"
DESCRIPTION = """\
Starts the simulator appending realistic call events to feed files in a temporary folder (or
--dir), and runs the live board on them with a packaged demo config. Everything is real: files are
written, watched, tailed and parsed. Notes you write go to a demo store in that folder, never to
your real one; the demo store also gets six months of simulated daily figures (up to 500 agents),
so the agent screens show trends over months."""


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
    from floorwatch.config import load_config
    from floorwatch.demo import write_demo_config
    from floorwatch.demo.history import MAX_AGENTS
    from floorwatch.demo.live import FORGOTTEN_BREAK_LEAD_S
    from floorwatch.demo.model import DEMO_SPEED
    from floorwatch.demo.simulator import FloorSimulator
    from floorwatch.store import store_path
    from floorwatch.tui.app import FloorwatchApp

    config_path = write_demo_config(folder)
    simulator = FloorSimulator(
        folder / "feeds", agents=args.agents, seed=args.seed, speed=DEMO_SPEED
    )
    # An agent forgets to come back from a break that began before the board opens: Break turns
    # red (20m) within a minute of the demo's start.
    simulator.forget_a_break(simulator.clock - FORGOTTEN_BREAK_LEAD_S)
    simulator.backfill()
    config = load_config(config_path)
    # Months of daily figures for the agent screens' trends, written while the board starts.
    problems: list[str] = []
    if args.agents <= MAX_AGENTS:
        seeding = threading.Thread(target=seed_history, args=(config, args.seed, problems))
        seeding.daemon = True
        seeding.start()
    stop = threading.Event()
    writer = threading.Thread(
        target=simulator.run, kwargs={"duration": None, "stop": stop}, daemon=True
    )
    writer.start()
    try:
        where = (
            f"Demo: feeds in {folder / 'feeds'}, notes in {store_path(config)} (? shows them again)"
        )
        app = FloorwatchApp(config, wall=args.wall, notice=where)
        app.exit_on_hangup = True
        app.run()
    finally:
        stop.set()
        writer.join(timeout=5)
    for problem in problems:  # said once the screen is back: never over the board
        print(f"floorwatch demo: no trend history ({problem})", file=sys.stderr)
    print(f"floorwatch demo: feeds and demo notes were in {folder}", file=sys.stderr)
    return 0


def seed_history(config: Config, seed: int | None, problems: list[str]) -> None:
    """Today's figures from the backfilled feeds, and simulated months before them, into the
    demo store (best effort: the demo runs without them; what went wrong goes in `problems`)."""
    from floorwatch.demo.history import simulated_history
    from floorwatch.feeds import FloorFeeds
    from floorwatch.live.daily_figures import daily_figures
    from floorwatch.store import StoreError, open_store

    try:
        feeds = FloorFeeds(config)
        updates = [(u.feed, u.rows) for u in feeds.load_all() if len(u.rows)]
        feeds.close()
        today = daily_figures(config, updates)
        with open_store(config) as store:
            store.save_daily_figures(today.itertuples(index=False, name=None))
            store.save_daily_figures(simulated_history(config, today, seed))
    except (StoreError, OSError, ValueError) as error:
        problems.append(str(error))
