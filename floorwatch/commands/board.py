"""`floorwatch board --once`: the board as text, JSON or CSV, for scripts and checks."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from floorwatch.cli import UserError
from floorwatch.commands.common import add_config_argument, load

HELP = "print the board once (text, JSON or CSV) and exit"
DESCRIPTION = """\
Reads every feed, evaluates the board as of --at (default: now, per floor.clock; rows after --at
are ignored as if they had not happened yet), prints it worst first, exactly as the live board
orders it, and exits 0. For the live, interactive board use `floorwatch run`."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("board", help=HELP, description=DESCRIPTION)
    add_config_argument(parser)
    parser.add_argument(
        "--once",
        action="store_true",
        help="print once and exit (the only mode; kept explicit for scripts)",
    )
    parser.add_argument(
        "--at",
        metavar="TIMESTAMP",
        help="evaluate as of this time: ISO 8601 (naive = floor timezone) or epoch seconds",
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(handler=run)


def parse_at(text: str, timezone: str | None) -> float:
    """--at as epoch seconds; a naive time is in the floor's timezone (system local if unset)."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--at {text!r} is not an ISO 8601 time or epoch seconds") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone)) if timezone else moment.astimezone()
    return moment.timestamp()


def run(args: argparse.Namespace) -> int:
    from floorwatch.feeds import FloorFeeds
    from floorwatch.live.board import Board, filter_until
    from floorwatch.reports import board as report

    config = load(args.config)
    at = parse_at(args.at, config.floor.timezone) if args.at else None
    feeds = FloorFeeds(config)
    board = Board(config)
    for update in feeds.load_all():
        rows = filter_until(update.rows, at) if at is not None else update.rows
        if len(rows):
            board.ingest(update.feed, rows)
    board.tick(now=at)
    generated_at = board.now if board.now is not None else board.floor_clock.now()
    render = {"text": report.render_text, "json": report.render_json, "csv": report.render_csv}
    output = render[args.format](board, config, feeds.statuses(), generated_at)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0
