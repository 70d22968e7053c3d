"""`floorwatch goals`: SMART goals and OKR key results, their weekly check-ins and progress."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import Any

from floorwatch.cli import UserError
from floorwatch.commands.common import STORE_HELP, add_config_argument, load

HELP = "SMART goals and OKR key results: add, list, weekly check-in with progress lights"
DESCRIPTION = """\
Goals for the floor, a team or an agent: a metric from a baseline to a target between two dates
(AHT from 5:00 to 3:30 by 2027-01-31). Key results of one --objective form an OKR (3 to 5 of
them). Progress is the share of the way from baseline to target: red below 30%, amber 30-70%,
green above 70%; at the due date it is the score (0.7-0.9 is good; 1.0 should be rare). Goals
come from the config's `goals:` section and from `goals add` (kept in the notes store)."""

EXIT_INVALID, EXIT_STORE = 2, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("goals", help=HELP, description=DESCRIPTION)
    actions = parser.add_subparsers(dest="goals_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="keep a new goal (or key result); prints its key")
    add.add_argument("--metric", required=True, help="a metric key of the config")
    add.add_argument(
        "--from",
        dest="baseline",
        required=True,
        metavar="V",
        help="the baseline, as thresholds are written: 5:00, 85%%, 3.4",
    )
    add.add_argument("--to", dest="target", required=True, metavar="V", help="the target")
    add.add_argument("--due", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--start", metavar="YYYY-MM-DD", help="default: today")
    who = add.add_mutually_exclusive_group()
    who.add_argument("--team", metavar="T", help="a team's goal")
    who.add_argument("--agent", metavar="ID", help="an agent's goal (default: the floor's)")
    add.add_argument(
        "--objective",
        default="",
        metavar="TITLE",
        help="the OKR objective this is a key result of (3-5 per objective)",
    )
    listing = actions.add_parser("list", help="every goal with its latest check-in")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    checkin = actions.add_parser(
        "checkin", help="the weekly check-in: measure each goal now and keep its progress"
    )
    checkin.add_argument("keys", nargs="*", metavar="KEY", help="only these goals (G3, config:1)")
    checkin.add_argument("--value", metavar="V", help="record this value (one goal) instead")
    checkin.add_argument(
        "--ending",
        metavar="YYYY-MM-DD",
        help="the week measured ends this floor day (default: the last complete floor day by"
        " the floor's clock, as for `floorwatch report`)",
    )
    checkin.add_argument("--author", help="default: notes.author, $FLOORWATCH_AUTHOR, login")
    for action in (add, listing, checkin):
        add_config_argument(action)
        action.add_argument("--store", metavar="PATH|URL", help=STORE_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from floorwatch.coaching import floor_timezone
    from floorwatch.commands.common import open_store_from
    from floorwatch.store import StoreError
    from floorwatch.store.goals import GoalBook

    config = load(args.config)
    tz = floor_timezone(config.floor.timezone)
    store = open_store_from(args.store, config, tz=tz)
    book = GoalBook(store)
    try:
        if args.goals_action == "add":
            return _add(args, config, book)
        if args.goals_action == "list":
            return _list(args, config, book)
        return _checkin(args, config, book, tz)
    except StoreError as error:
        raise UserError(str(error), exit_code=EXIT_STORE) from None
    finally:
        store.close()


def parse_level(text: str, metric: Any) -> float:
    """A goal value in the metric's units, as thresholds are written: 5:00 or 300 (seconds),
    85% or 0.85 (a percent metric; a number above 1 means percent), 3.4."""
    from floorwatch.config.metrics_section import clock_seconds
    from floorwatch.config.types import Agg, MetricFormat

    raw = text.strip()
    if metric.format is MetricFormat.DURATION and clock_seconds(raw) is not None:
        return float(clock_seconds(raw))  # type: ignore[arg-type]
    fraction = metric.format is MetricFormat.PERCENT or metric.agg is Agg.RATE
    try:
        if fraction and raw.endswith("%"):
            return float(raw[:-1]) / 100
        value = float(raw)
    except ValueError:
        raise UserError(f"{raw!r} is not a value for {metric.key}", EXIT_INVALID) from None
    return value / 100 if fraction and value > 1 else value


def _add(args: argparse.Namespace, config: Any, book: Any) -> int:
    from floorwatch.coaching.goals import AGENT, FLOOR, TEAM, Goal
    from floorwatch.config.types import Better
    from floorwatch.store import resolve_author

    metric = config.metric(args.metric)
    if metric is None:
        known = ", ".join(m.key for m in config.metrics)
        raise UserError(
            f"--metric {args.metric!r} is not a metric (metrics: {known})", EXIT_INVALID
        )
    if metric.better is Better.BAND:
        raise UserError(
            f"{metric.key} is judged in a band: a goal needs lower or higher", EXIT_INVALID
        )
    baseline, target = parse_level(args.baseline, metric), parse_level(args.target, metric)
    if (target >= baseline) if metric.better is Better.LOWER else (target <= baseline):
        way = "below" if metric.better is Better.LOWER else "above"
        raise UserError(
            f"--to must be {way} --from: {metric.key} is better {metric.better.value}", EXIT_INVALID
        )
    start = _day(args.start, "--start") if args.start else date.today()
    due = _day(args.due, "--due")
    if due <= start:
        raise UserError(f"--due {due} must be after --start {start}", EXIT_INVALID)
    scope, who = (
        (AGENT, args.agent) if args.agent else (TEAM, args.team) if args.team else (FLOOR, "")
    )
    objective = args.objective.strip()
    if objective:
        from floorwatch.coaching.goals import KEY_RESULTS_MAX

        already = [g for g in _all_goals(config, book) if g.objective == objective]
        if len(already) >= KEY_RESULTS_MAX:
            raise UserError(
                f"objective {objective!r} has {len(already)} key results already: "
                f"an objective has 3 to {KEY_RESULTS_MAX}",
                EXIT_INVALID,
            )
    goal = Goal("", scope, who, metric.key, baseline, target, start, due, objective)
    saved = book.add(goal, resolve_author(config.notes.author), datetime.now(UTC))
    print(saved.key)
    same = [g for g in book.goals() if g.objective and g.objective == saved.objective]
    if saved.objective and len(same) < 3:
        print(
            f"objective {saved.objective!r} has {len(same)} key result(s): add "
            f"{3 - len(same)} more (3-5)",
            file=sys.stderr,
        )
    return 0


def _all_goals(config: Any, book: Any) -> list[Any]:
    return [*config.goals, *book.goals()]


def _list(args: argparse.Namespace, config: Any, book: Any) -> int:
    from floorwatch.coaching.goals import key_results_problem

    goals = _all_goals(config, book)
    latest = {c.goal_key: c for c in book.check_ins()}
    if args.format == "json":
        rows = [_goal_record(goal, latest.get(goal.key)) for goal in goals]
        from floorwatch.text.safe import json_text

        sys.stdout.write(json_text(rows) + "\n")
        return 0
    if not goals:
        print("No goals: add them under goals: in the config, or with `floorwatch goals add`.")
        return 0
    counts: dict[str, int] = {}
    for goal in goals:
        if goal.objective:
            counts[goal.objective] = counts.get(goal.objective, 0) + 1
    shown: set[str] = set()
    for goal in goals:
        if goal.objective and goal.objective not in shown:
            shown.add(goal.objective)
            problem = key_results_problem(counts[goal.objective])
            print(f"Objective: {_clean(goal.objective)}" + (f" ({problem})" if problem else ""))
        indent = "  " if goal.objective else ""
        print(indent + _goal_line(config, goal, latest.get(goal.key)))
    return 0


def _goal_line(config: Any, goal: Any, check: Any) -> str:
    from floorwatch.reports.render import LIGHT_WORDS, percent, show

    metric = config.metric(goal.metric)
    fmt = metric.format.value if metric else "number"
    who = "floor" if goal.scope == "floor" else f"{goal.scope} {_clean(goal.who)}"
    line = (
        f"{goal.key}  {who}: {goal.metric} from {show(goal.baseline, fmt)} to "
        f"{show(goal.target, fmt)}, {goal.start} to {goal.due}"
    )
    if check is None:
        return line + "  (no check-in yet)"
    when = check.checked_at.astimezone().strftime("%Y-%m-%d")
    return (
        line + f"  checked {when}: {show(check.value, fmt)}, {percent(check.progress)} done "
        f"{LIGHT_WORDS.get(check.light, '-')}"
    )


def _goal_record(goal: Any, check: Any) -> dict[str, Any]:
    return {
        "key": goal.key,
        "scope": goal.scope,
        "who": goal.who,
        "metric": goal.metric,
        "baseline": goal.baseline,
        "target": goal.target,
        "start": goal.start.isoformat(),
        "due": goal.due.isoformat(),
        "objective": goal.objective,
        "source": goal.source,
        "checked_at": check.checked_at.isoformat() if check else None,
        "value": check.value if check else None,
        "progress": check.progress if check else None,
        "light": check.light if check else None,
    }


def _checkin(args: argparse.Namespace, config: Any, book: Any, tz: Any) -> int:
    from floorwatch.coaching.goals import goal_status
    from floorwatch.commands.report import last_complete_day, load_updates
    from floorwatch.store import resolve_author

    goals = _all_goals(config, book)
    if args.keys:
        unknown = sorted(set(args.keys) - {g.key for g in goals})
        if unknown:
            raise UserError(
                f"no goal {', '.join(unknown)} (see `floorwatch goals list`)", EXIT_INVALID
            )
        goals = [g for g in goals if g.key in args.keys]
    if not goals:
        print("No goals to check in.")
        return 0
    author = args.author or resolve_author(config.notes.author)
    now = datetime.now(UTC)
    # With floor.clock: data the feeds' rows say what day it is (they are read once).
    updates = load_updates(config) if not args.ending and config.floor.clock == "data" else None
    ending = (
        _day(args.ending, "--ending") if args.ending else last_complete_day(config, updates or [])
    )
    if args.value is not None:
        if len(goals) != 1:
            raise UserError(
                "--value records one goal: name it (floorwatch goals checkin G3 --value 4:10)",
                EXIT_INVALID,
            )
        metric = config.metric(goals[0].metric)
        values: dict[str, float | None] = {
            goals[0].key: parse_level(args.value, metric) if metric else float(args.value)
        }
    else:
        values = _measure(config, book.store, goals, ending, tz, updates)
    for goal in goals:
        check = book.check_in(goal, values.get(goal.key), author, now)
        status = goal_status(goal, check.value, ending)
        line = _goal_line(config, goal, check)
        if status.score is not None:
            from floorwatch.coaching.goals import score_verdict

            line += f"; due: score {status.score:.2f} ({score_verdict(status.score)})"
        print(line)
    return 0


def _measure(
    config: Any, store: Any, goals: list[Any], ending: date, tz: Any, updates: Any = None
) -> dict[str, float | None]:
    """Each goal's metric over the week ending `ending` (7 floor days), for its scope (from
    `updates` when the feeds were read already)."""
    from floorwatch.commands.report import build
    from floorwatch.reports.period import period_ending

    week = period_ending("week", ending)
    review = build(config, store, week, None, tz, charts=False, updates=updates)
    values = {}
    document = review.document
    for goal in goals:
        if goal.scope == "floor":
            cell = document["floor"]["metrics"].get(goal.metric)
        elif goal.scope == "team":
            team = next((t for t in document["teams"] if t["team"] == goal.who), None)
            cell = team["metrics"].get(goal.metric) if team else None
        else:
            agent = next((a for a in document["agents"] if a["agent"] == goal.who), None)
            cell = agent["metrics"].get(goal.metric) if agent else None
        values[goal.key] = None if cell is None else cell["value"]
    return values


def _clean(text: str) -> str:
    from floorwatch.text.safe import clean_text

    return clean_text(text)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date (YYYY-MM-DD)", EXIT_INVALID) from None
