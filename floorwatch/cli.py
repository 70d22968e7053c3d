"""`floorwatch` subcommands.

Each subcommand lives in its own module under `floorwatch.commands` and exposes
`register(subparsers)`, which adds its parser and sets `handler`. Heavy imports (pandas, Textual)
happen inside the handlers, so `floorwatch --help` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from floorwatch import __version__

# In the order `--help` lists them.
COMMANDS = (
    "run",
    "demo",
    "board",
    "report",
    "goals",
    "notes",
    "history",
    "check",
    "simulate",
    "serve",
    "web",
)

DESCRIPTION = """\
A live traffic-light floor monitor for contact-center supervisors: it tails the metric feeds
your dialer and ACD append to, shows every agent green / amber / red against your thresholds,
and keeps the BEST coaching notes you write."""

EPILOG = """\
Start with `floorwatch demo` to see a simulated floor, then copy config/floorwatch.yaml,
point its feeds at your files and run `floorwatch check` and `floorwatch run`."""


class UserError(Exception):
    """A mistake the user can fix: printed as a message, never as a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="floorwatch",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"floorwatch {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"floorwatch.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return run_handler(args)


def run_handler(args: argparse.Namespace) -> int:
    """Run a subcommand, turning the user's mistakes into messages and exit codes."""
    from floorwatch.config import ConfigError

    try:
        return int(args.handler(args) or 0)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except UserError as error:
        print(f"floorwatch: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `floorwatch board --once | head`
        return 0
