"""`floorwatch history`: daily figures per agent and metric, kept for trends over months.

`build` reads every feed file the config matches (as `floorwatch check` does), works out each
metric's figure per agent and floor day (`floorwatch.live.daily_figures`), and keeps them in the
notes store, replacing the figures of the days it read again. `run` and `serve` keep each
closed day's figures themselves (floorwatch.live.day_keeper); `build` backfills what the feeds
hold, e.g. when setting up a floor or after a gap.
`show` prints one agent's trends as the agent screen does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from floorwatch.cli import UserError
from floorwatch.commands.common import (
    STORE_HELP,
    add_config_argument,
    add_verbose_argument,
    did_you_mean,
    floor_clock,
    known_agents,
    load,
)

HELP = "keep daily figures for trends over months (build), or show an agent's trends"
DESCRIPTION = """\
Daily figures per agent and metric, kept in the notes store for the trends over three and six
months on the agent screen. `build` reads every feed file the config matches now and saves each
metric's figure per agent and floor day (a day read again replaces its figures). `run` and
`serve` keep each closed day's figures themselves, so `build` is for backfills.
`show AGENT` prints that agent's trends."""

EXIT_STORE = 1
EXIT_UNKNOWN = 2  # an agent nobody knows


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("history", help=HELP, description=DESCRIPTION)
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="read the feeds and keep their daily figures")
    show = actions.add_parser("show", help="an agent's trends over three and six months")
    show.add_argument("agent", metavar="AGENT", help="the agent id")
    show.add_argument("--today", metavar="YYYY-MM-DD", help="the spans' last day (default: today)")
    for action in (build, show):
        add_config_argument(action)
        add_verbose_argument(action)
        action.add_argument("--store", metavar="PATH|URL", help=STORE_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.commands.common import open_store_from
    from floorwatch.store import StoreError

    config = load(args.config)
    store = open_store_from(args.store, config, verbose=args.verbose)
    try:
        if args.history_action == "build":
            return _build(config, store)
        today = _day(args.today) if args.today else floor_clock(config).today()
        return _show(config, store, args.agent, today)
    except StoreError as error:
        print(f"floorwatch history: {error}", file=sys.stderr)
        return EXIT_STORE
    finally:
        store.close()


def _build(config, store) -> int:  # type: ignore[no-untyped-def]
    from floorwatch.feeds import FloorFeeds
    from floorwatch.live.daily_figures import DAY, daily_figures

    feeds = FloorFeeds(config)
    updates = feeds.load_all()
    feeds.close()
    figures = daily_figures(config, [(u.feed, u.rows) for u in updates if len(u.rows)])
    saved = store.save_daily_figures(figures.itertuples(index=False, name=None))
    if not saved:
        print("no figures: the feeds hold no rows for the configured metrics")
        return 0
    days = sorted(set(figures[DAY]))
    agents = figures["agent"].nunique()
    print(f"{saved:,} figures kept ({len(days)} days {days[0]}..{days[-1]}, {agents:,} agents) "
          f"in {store.where}")  # fmt: skip
    return 0


def _show(config, store, agent: str, today: date) -> int:  # type: ignore[no-untyped-def]
    from floorwatch.coaching.trend import metric_trends, span_start
    from floorwatch.text.safe import clean_text

    since = span_start(today).isoformat()
    # Reading must not create a store (a personnel-records file) where there is none.
    exists = store.exists()
    figures = store.daily_figures(agent, since) if exists else []
    if not figures:
        kept = store.figure_agents() if exists else []
        known = {**{a: a for a in kept}, **known_agents(config)}
        if agent not in known:
            raise UserError(
                f"no agent {clean_text(agent)!r} in the feeds, the roster or the daily "
                f"figures{did_you_mean(agent, known)}",
                exit_code=EXIT_UNKNOWN,
            )
    print(f"{clean_text(agent)}: trends to {today.isoformat()}")
    if not figures:
        print(f"  no daily figures since {since}: `floorwatch history build` keeps them")
    for metric, trends in metric_trends(figures, config.metrics, today):
        print(f"  {metric.label}: " + "; ".join(t.text() for t in trends))
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--today {text!r} is not a date (YYYY-MM-DD)") from None
