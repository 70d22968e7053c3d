"""`floorwatch run`: the live board on your floor's feeds."""

from __future__ import annotations

import argparse
from dataclasses import replace

from floorwatch.cli import UserError
from floorwatch.commands.common import add_config_argument, load

HELP = "the live board: tail the feeds and show every agent green / amber / red"
DESCRIPTION = """\
Watches the feed files named in the config and shows a live board: one row per agent, one
column per metric, worst first. Press ? for the keys. --wall shows the read-only wall mode:
big counts, no keys but q, pages that turn by themselves."""
THEMES = ("dark", "light", "colorblind")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help=HELP, description=DESCRIPTION)
    add_config_argument(parser)
    parser.add_argument("--wall", action="store_true", help="read-only, auto-paging wall mode")
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=10.0,
        metavar="N",
        help="wall mode: turn the page every N seconds (default 10)",
    )
    parser.add_argument("--author", metavar="NAME", help="who notes are written as")
    parser.add_argument(
        "--role",
        choices=("supervisor", "manager"),
        help="a manager also reads other supervisors' private notes (default: notes.role)",
    )
    parser.add_argument(
        "--theme", choices=THEMES, help="colours (default: floor.theme in the config)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.page_seconds > 0:
        raise UserError("--page-seconds must be a positive number of seconds")
    config = load(args.config)
    if args.theme:
        config = replace(config, floor=replace(config.floor, theme=args.theme))
    from floorwatch.tui.app import FloorwatchApp

    try:
        app = FloorwatchApp(
            config,
            wall=args.wall,
            page_seconds=args.page_seconds,
            author=args.author,
            role=getattr(args, "role", None),
        )
    except OSError as error:  # a feed folder that cannot be read, and the like
        raise UserError(f"cannot watch the feeds: {error}") from None
    app.exit_on_hangup = True
    from floorwatch.live.day_keeper import DayKeeper

    floor = app.floor  # each closed day's figures, for the trends and reports
    keeper = DayKeeper(  # a floor that says nothing of its rows (a test's) is never read again
        config,
        earliest=lambda: getattr(floor, "earliest", None),
        newest=lambda: getattr(floor, "newest", None),
        loaded=lambda: bool(getattr(floor, "loaded", True)),
    )
    keeper.start()
    try:
        app.run()
    finally:
        keeper.stop()
    return 0
