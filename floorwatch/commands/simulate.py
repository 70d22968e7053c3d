"""`floorwatch simulate`: the demo's feed simulator on its own (tests and benchmarks use it)."""

from __future__ import annotations

import argparse

HELP = "write realistic simulated feed files into a folder, live"
DESCRIPTION = """\
Appends realistic call events (and agent status snapshots) to feed files in --out, one line at a
time, the way a dialer or ACD export does: 40 agents in 3 teams by default, some drifting into
amber and red over minutes and recovering. --seed makes the output deterministic."""


def register(subparsers: argparse._SubParsersAction) -> None:
    from floorwatch.demo.simulator import add_simulate_arguments

    parser = subparsers.add_parser("simulate", help=HELP, description=DESCRIPTION)
    add_simulate_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.demo.simulator import run_simulate

    return run_simulate(args)
