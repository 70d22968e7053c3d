"""`floorwatch check`: validate the config, resolve the feed paths, and report bad feed rows."""

from __future__ import annotations

import argparse
import glob
import sys

from floorwatch.commands.common import add_config_argument, config_path

HELP = "validate the config and report what the feed files hold now"
DESCRIPTION = """\
Validates the config and resolves the feed paths. A valid config exits 0 with a short summary
(feeds, files matched, rows read and rejected, metrics) and the first rejected rows of each file
as path:line: reason, and names the raw states a states feed holds that `states:` does not
list. An invalid config exits 2 and prints every problem as path:line:col: message."""

MAX_ERRORS_SHOWN = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help=HELP, description=DESCRIPTION)
    add_config_argument(parser)
    parser.add_argument(
        "--no-read", action="store_true", help="only validate the config; don't read the feeds"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.config import load_config_with_warnings

    path = config_path(args.config)
    config, warnings = load_config_with_warnings(path)
    for warning in warnings:
        print(warning, file=sys.stderr)
    print(f"{path}: ok: floor {config.floor.name!r}")
    for feed in config.feeds:
        matched = sorted(glob.glob(feed.glob))
        shape = f"{feed.format}, {feed.kind}"
        print(f"  feed {feed.name}: {feed.path} ({shape}): {len(matched)} file(s)")
    metrics = ", ".join(
        f"{m.key} ({m.agg.value} {m.field}, {m.window_text})" for m in config.metrics
    )
    print(f"  metrics: {metrics}")
    if not args.no_read:
        report_feed_rows(config)
    return 0


def report_feed_rows(config) -> None:
    """Read every file once, as the board would, and print rows, rejects and their reasons."""
    from floorwatch.feeds import FloorFeeds

    feeds = FloorFeeds(config)
    updates = feeds.load_all()
    for status in feeds.statuses():
        print(f"  {status.path}: {status.rows} rows, {status.rejected} rejected")
        for reason in status.errors[:MAX_ERRORS_SHOWN]:
            print(f"    {reason}")
        if status.rejected > MAX_ERRORS_SHOWN:
            print(f"    ... and {status.rejected - MAX_ERRORS_SHOWN} more")
    report_unknown_states(config, updates)


def report_unknown_states(config, updates) -> None:  # type: ignore[no-untyped-def]
    """States feeds' raw states that `states:` does not list: said once each."""
    from floorwatch.live.states import STATE

    known = {state.name for state in config.states}
    for feed in config.feeds:
        if feed.kind != "states":
            continue
        seen: dict[str, None] = {}
        for update in updates:
            if update.feed.name == feed.name and STATE in update.rows:
                seen.update(dict.fromkeys(update.rows[STATE].tolist()))
        unknown = [name for name in seen if name not in known]
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            said = "states not in `states:` (shown as they are, category other)"
            print(f"  feed {feed.name}: {said}: {names}")
