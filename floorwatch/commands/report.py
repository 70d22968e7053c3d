"""`floorwatch report`: the period report for the weekly and monthly reviews."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from floorwatch.cli import UserError
from floorwatch.commands.common import STORE_HELP, add_config_argument, load

HELP = "the weekly or monthly review: figures, ranks, improvers, goals, coaching (md/html/csv/json)"
DESCRIPTION = """\
The period report for the review: per team and agent, each metric over the period beside the
previous period and the target, its status and rank (a leaderboard per metric), the top
improvers, the goals and their progress, and the coaching (notes, praise ratio per supervisor,
feedback within 24 h of reds, follow-ups: did the coached metric improve). Figures are each
metric's own aggregation over the period's rows (never an average of daily averages), read
from the feeds; days the feeds no longer hold come from the daily figures in the notes store.
HTML adds a growth curve per agent and metric with the notes marked (one file, no network).
--ending is the period's last floor day: a week is the 7 days to it, a month the days since the
same date a month before (ending on a month's last day: that month). By default it is the last
complete floor day by the floor's clock: yesterday on a live floor; with floor.clock: data (a
replay, an export) the day before the newest row's day, so the data's own last full day."""

EXIT_STORE = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help=HELP, description=DESCRIPTION)
    add_config_argument(parser)
    parser.add_argument("--period", choices=("day", "week", "month"), default="week")
    parser.add_argument(
        "--ending",
        metavar="YYYY-MM-DD",
        help="the period's last day (default: the last complete floor day by the floor's clock:"
        " yesterday, or with floor.clock: data the day before the newest row's)",
    )
    parser.add_argument("--team", metavar="T", help="only this team")
    parser.add_argument("--format", choices=("md", "html", "csv", "json"), default="md")
    parser.add_argument("--out", metavar="PATH", help="write here (default: standard output)")
    parser.add_argument("--store", metavar="PATH|URL", help=STORE_HELP)
    parser.add_argument(
        "--role",
        choices=("supervisor", "manager"),
        help="others' private notes count only for a manager (default: notes.role)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.coaching import floor_timezone
    from floorwatch.commands.common import open_store_from
    from floorwatch.reports.period import period_ending
    from floorwatch.store import StoreError

    config = load(args.config)
    tz = floor_timezone(config.floor.timezone)
    updates = load_updates(config)
    ending = _day(args.ending) if args.ending else last_complete_day(config, updates)
    period = period_ending(args.period, ending)
    store = open_store_from(args.store, config, tz=tz)
    try:
        reader = report_reader(config, getattr(args, "role", None))
        review = build(
            config, store, period, args.team, tz, charts=args.format == "html", reader=reader,
            updates=updates,
        )  # fmt: skip
    except StoreError as error:
        raise UserError(str(error), exit_code=EXIT_STORE) from None
    finally:
        store.close()
    if not review.document["agents"]:
        latest = review.document.get("latest_day")
        hint = f"; the latest day with data is {latest} (try --ending {latest})" if latest else ""
        team = f" for team {args.team}" if args.team else ""
        print(
            f"floorwatch report: no figures{team} for {period.start}..{period.end}{hint}",
            file=sys.stderr,
        )
    text = render(review, args.format)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{args.format} report {period.start}..{period.end} written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def load_updates(config: Any) -> list[Any]:
    """Every row the feeds hold now (one `FeedUpdate` per file)."""
    from floorwatch.feeds import FloorFeeds

    feeds = FloorFeeds(config)
    try:
        return list(feeds.load_all())
    finally:
        feeds.close()


def last_complete_day(config: Any, updates: Any, wall: Any = None) -> date:
    """The floor day before today by the floor's clock: the wall clock's yesterday, or with
    `floor.clock: data` the day before the newest row's floor day (the wall clock's yesterday
    when there are no rows). Days start at `floor.day_starts` in `floor.timezone`."""
    import time

    from floorwatch.live.clock import FloorClock

    times = [float(u.rows["ts"].max()) for u in updates if len(u.rows) and "ts" in u.rows]
    newest = max(times) if times else None
    clock = FloorClock(config.floor, wall=wall or time.time, data=lambda: newest)
    return clock.today() - timedelta(days=1)


def report_reader(config: Any, role: str | None) -> Any:
    """Whose notes the report may use: a private note counts for its author and managers."""
    from floorwatch.store import Reader, resolve_author

    role = role or config.notes.role
    return Reader(resolve_author(config.notes.author), manager=role == "manager")


def build(
    config: Any,
    store: Any,
    period: Any,
    team: str | None,
    tz: Any,
    charts: bool = True,
    reader: Any = None,
    updates: Any = None,
) -> Any:
    """Read the feeds (unless `updates` has their rows), the store's daily figures, notes, reds
    and goals; build the review (with the growth curves' series when `charts`: only HTML draws
    them)."""
    from floorwatch.commands.notes import _roster_facts
    from floorwatch.reports.period import CHART_SPAN_DAYS, FloorFigures
    from floorwatch.reports.review import ReviewInputs, build_review
    from floorwatch.store.goals import GoalBook

    if updates is None:
        updates = load_updates(config)
    hire_dates, names = _roster_facts(config)
    exists = store.exists()  # a report never creates a store
    first = (period.previous().start - timedelta(days=CHART_SPAN_DAYS)).isoformat()
    kept = store.all_daily_figures(first, period.end.isoformat()) if exists else []
    roster_teams = _roster_teams(config)
    figures = FloorFigures(config, [(u.feed, u.rows) for u in updates], kept, roster_teams)
    inputs = ReviewInputs(
        notes=store.notes(reader=reader) if exists else [],
        reds=store.reds(datetime.combine(period.start, datetime.min.time(), tz)) if exists else [],
        goals=[*config.goals, *GoalBook(store).goals()],
        names={**_feed_names(updates), **{a: n for a, n in names.items() if n}},
        hire_dates=hire_dates,
        team=team,
    )
    review = build_review(config, figures, period, inputs, tz, charts=charts)
    review.document["latest_day"] = figures.last_day()
    return review


def render(review: Any, fmt: str) -> str:
    from floorwatch.reports.html import render_html
    from floorwatch.reports.render import render_csv, render_json, render_markdown

    if fmt == "html":
        return render_html(review)
    if fmt == "json":
        return render_json(review.document)
    if fmt == "csv":
        return render_csv(review.document)
    return render_markdown(review.document)


def _feed_names(updates: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for update in updates:
        rows = update.rows
        if len(rows) and "name" in rows:
            named = rows.dropna(subset=["name"])
            names.update(dict(zip(named["agent"], named["name"], strict=True)))
    return names


def _roster_teams(config: Any) -> dict[str, str | None]:
    from floorwatch.feeds.roster import RosterError, load_roster

    if config.roster is None or not Path(config.roster).exists():
        return {}
    try:
        roster = load_roster(config.roster)
    except RosterError:
        return {}
    return {e.agent_id: e.team for e in roster.entries.values()}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--ending {text!r} is not a date (YYYY-MM-DD)") from None
