"""`floorwatch board --once`: the board as text, JSON or CSV, for scripts and checks."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
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
        help="evaluate as of this time: ISO 8601 (naive = floor timezone; a time DST skips is "
        "an error, one it repeats is its first pass) or epoch seconds, 1970 to 2200",
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(handler=run)


# --at reads times in this span: before 1970 no feed has rows, and past 2200 no date library
# this reads with can place a time (pandas stops at 2262).
AT_EARLIEST = 0.0
AT_LATEST = datetime(2200, 1, 1, tzinfo=UTC).timestamp()


def parse_at(text: str, timezone: str | None) -> float:
    """--at as epoch seconds; a naive time is in the floor's timezone (system local if unset).
    A naive time the clocks skip (DST starts) is an error; one they pass twice (DST ends) is
    its first pass, as feed times are read."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = _iso_at(text, timezone)
    if not AT_EARLIEST <= seconds < AT_LATEST:  # NaN fails this too
        raise UserError(
            f"--at {text!r} is out of range: give a time between 1970 and 2200"
            " (ISO 8601 like 2026-03-01T14:00, or epoch seconds)"
        )
    return seconds


def _iso_at(text: str, timezone: str | None) -> float:
    from floorwatch.live.clock import local_moment

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--at {text!r} is not an ISO 8601 time or epoch seconds") from None
    if not 1970 <= moment.year < 2200:
        raise UserError(f"--at {text!r} is out of range: give a time between 1970 and 2200")
    if moment.tzinfo is not None:
        return moment.timestamp()
    zone = ZoneInfo(timezone) if timezone else None
    first = moment.replace(tzinfo=zone, fold=0).timestamp()
    second = moment.replace(tzinfo=zone, fold=1).timestamp()
    if first != second and local_moment(moment.date(), moment.time(), zone) != min(first, second):
        where = timezone or "the system's time zone"
        raise UserError(
            f"--at {text!r} does not exist in {where}: the clocks skip it (daylight saving"
            " time starts); give a time after the jump, or one with an offset like +01:00"
        )
    return min(first, second)  # a repeated time: its first pass


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
