"""`floorwatch notes`: list, export and add BEST coaching notes from the shell.

The store is found as the app finds it: `--store PATH|URL`, else the config's `notes.url` or
`notes.path`, else the config's own file in the user data dir. The config (`--config`,
$FLOORWATCH_CONFIG, ./floorwatch.yaml, the user config folder) is optional here: without one,
times are shown in the system's timezone.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from floorwatch.cli import UserError
from floorwatch.commands.common import (
    add_config_argument,
    add_verbose_argument,
    did_you_mean,
    floor_clock,
    known_agents,
)
from floorwatch.text.safe import clean_text, csv_cell, json_text

if TYPE_CHECKING:
    from floorwatch.coaching import Note
    from floorwatch.config.types import Config
    from floorwatch.live.clock import FloorClock
    from floorwatch.store import NoteStore, Reader

HELP = "coaching notes (BEST, GROW, STAR-AR): list, export, add, report; the case library"
DESCRIPTION = """\
The coaching notes supervisors write on the board: BEST feedback (Behavior, Effect, Suggestion,
Timeframe), GROW conversations and STAR-AR case reviews (the good and bad examples are the case
library: `list --cases`), kept in the notes store: --store PATH|URL, else notes.url (PostgreSQL)
or notes.path (a SQLite file) in the config, else the config's own file in the user data folder.
Notes are never deleted: an edit or a retraction is a new revision. `migrate --to URL` copies a
SQLite store into PostgreSQL."""

EXIT_INVALID = 2  # the user's input (a field, a date) is wrong
MISSED_SHOWN = 20  # the latest reds without feedback that `notes report` lists
EXIT_STORE = 1  # the store cannot be read or written


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("notes", help=HELP, description=DESCRIPTION)
    actions = parser.add_subparsers(dest="notes_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the notes, oldest first (latest revision of each)")
    _add_store_arguments(listing)
    listing.add_argument("--agent", metavar="ID", help="only this agent's notes")
    listing.add_argument(
        "--since",
        metavar="DATE",
        help="only notes written since: 2026-11-30, '2026-11-30 14:00', today, 7d (days ago)",
    )
    listing.add_argument("--format", choices=("text", "json", "csv"), default="text")
    listing.add_argument("--all", action="store_true", help="include retracted notes")
    listing.add_argument(
        "--cases",
        action="store_true",
        help="the case library: STAR-AR cases marked a good or bad example, by metric and topic",
    )
    listing.add_argument("--example", choices=("good", "bad"), help="with --cases: only these")
    listing.add_argument("--metric", metavar="KEY", help="with --cases: only cases tagged KEY")
    listing.add_argument("--topic", metavar="TEXT", help="with --cases: only this topic")
    listing.set_defaults(handler=run_list)

    export = actions.add_parser(
        "export", help="every note (retracted ones flagged) as JSON or CSV, for records"
    )
    _add_store_arguments(export)
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument(
        "--revisions", action="store_true", help="every revision, not only the latest"
    )
    export.set_defaults(handler=run_export)

    report = actions.add_parser(
        "report",
        help="the floor's coaching: praise ratio per supervisor, touchpoints due, "
        "follow-ups overdue",
        description=REPORT_DESCRIPTION,
    )
    _add_store_arguments(report)
    report.add_argument("--days", type=int, default=30, metavar="N", help="the period (30)")
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.set_defaults(handler=run_report)

    migrate = actions.add_parser(
        "migrate", help="copy the notes store into PostgreSQL (counts and a checksum printed)",
        description=MIGRATE_DESCRIPTION,
    )  # fmt: skip
    _add_store_arguments(migrate, sites=False)
    migrate.add_argument(
        "--to", metavar="URL", required=True, help="postgresql://user@host/db (an empty database)"
    )
    migrate.add_argument(
        "--as-site",
        metavar="NAME",
        help="give the copied rows that have no site this floor's name (its notes.site in the "
        "shared database's config)",
    )
    migrate.set_defaults(handler=run_migrate)

    add = actions.add_parser(
        "add", help="write a note (for scripts); prints its id", description=ADD_DESCRIPTION
    )
    _add_store_arguments(add)
    add.add_argument("--agent", metavar="ID", required=True)
    add.add_argument("--name", metavar="NAME", default="", help="the agent's display name")
    add.add_argument(
        "--template",
        choices=("best", "grow", "star-ar"),
        default="best",
        help="best (Behavior, Effect, Suggestion), grow (a coaching conversation) or star-ar "
        "(a case review)",
    )
    add.add_argument("--behavior", default="", help="BEST: the observable fact (required)")
    add.add_argument("--effect", default="", help="BEST: its impact on customer, team, business")
    add.add_argument("--suggestion", default="", help="BEST: the change (required to improve)")
    from floorwatch.coaching.templates import GROW, SECTIONS, STAR_AR

    for template in (GROW, STAR_AR):
        for name, label, hint in SECTIONS[template]:
            add.add_argument(f"--{name}", default="", help=f"{template.upper()}: {label}: {hint}")
    add.add_argument(
        "--example",
        choices=("good", "bad"),
        default="",
        help="STAR-AR: a good or bad example, for the case library",
    )
    add.add_argument("--topic", default="", help="STAR-AR: the product, problem or customer type")
    add.add_argument(
        "--timeframe", default="", help="when to check again: +1d, tomorrow, 2026-11-30 (required)"
    )
    add.add_argument("--kind", choices=("improvement", "praise"), default="improvement")
    add.add_argument("--tags", default="", metavar="A,B", help="metric keys, comma-separated")
    add.add_argument(
        "--visibility",
        choices=("private", "shared"),
        help="private: you and managers see it; shared: every supervisor (default: "
        "notes.default_visibility, private)",
    )
    add.add_argument("--author", help="default: notes.author, $FLOORWATCH_AUTHOR, login name")
    add.add_argument(
        "--force", action="store_true", help="write it even for an agent no feed or roster knows"
    )
    add.set_defaults(handler=run_add)


REPORT_DESCRIPTION = """\
The coaching method's rules over every note, for the weekly review: praise against improvement
notes per supervisor and for the floor over the last --days (target 3:1); the reds the floor
kept (run and serve keep them) that got a note within 24 hours and those that missed it; the
agents due or overdue a touchpoint (new hires: a first note within a week, then weekly for a
month; everyone: monthly), from the roster's hire dates when the config has a roster; the
follow-ups past due."""

MIGRATE_DESCRIPTION = """\
Copies every note, revision, draft, daily figure, red, goal and check-in of the store (--store,
else the config's) into the PostgreSQL database --to, in one transaction, keeping ids, sites and
times (--as-site NAME: rows without a site get NAME, for a floor joining a shared database).
Prints the rows per table and a SHA-256 checksum that the source and the copy agree on. Running
it again against the same copy changes nothing; a database holding other notes is refused. The
password comes from $PGPASSWORD or ~/.pgpass, never from the URL."""

ADD_DESCRIPTION = """\
Writes one note with the same checks as the board's panel. BEST (the default): --behavior and
--timeframe are required, and --suggestion for an improvement note. --template grow: --goal,
--reality, --will and --timeframe required (--options too, ideally). --template star-ar: a case
review: --situation, --action, --result required (--task, --analysis, --reinforcement; the
timeframe is optional), --example good|bad and --topic put it in the case library (`notes list
--cases`). Prints the new note's id. Exits 2 with one message per field when the note is
incomplete, 1 when the store cannot be written."""


def _add_store_arguments(parser: argparse.ArgumentParser, sites: bool = True) -> None:
    add_config_argument(parser)
    add_verbose_argument(parser)
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
        help="the notes file or postgresql:// URL (default: notes.url or notes.path, or the "
        "config's own store in the data folder)",
    )
    if not sites:
        return
    parser.add_argument(
        "--site", metavar="NAME", help="the floor whose notes these are (default: notes.site)"
    )
    parser.add_argument(
        "--all-sites",
        action="store_true",
        help="every floor sharing the store (reading only; a note is written to --site)",
    )
    parser.add_argument(
        "--role",
        choices=("supervisor", "manager"),
        help="private notes are shown to their author and to a manager (default: notes.role)",
    )


# -- context --------------------------------------------------------------------------------------


@dataclass
class Context:
    store: NoteStore
    tz: tzinfo
    config: Config | None
    reader: Reader | None = None  # whose eyes: a private note is shown to its author, managers
    _clock: FloorClock | None = None

    @property
    def default_visibility(self) -> str:
        return self.config.notes.default_visibility if self.config else "private"

    @property
    def config_author(self) -> str | None:
        return self.config.notes.author if self.config else None

    def now(self) -> datetime:
        """The floor's now (with `floor.clock: data`, the newest row in the feeds: replays)."""
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def day_start(self, now: datetime) -> datetime:
        """When the floor day holding `now` began (floor.day_starts, in the floor's zone)."""
        return self.clock.day_start_moment(now.timestamp())

    @property
    def clock(self) -> FloorClock:
        if self._clock is None:
            self._clock = floor_clock(self.config)
        return self._clock


def open_context(args: argparse.Namespace) -> Context:
    from floorwatch.coaching import floor_timezone
    from floorwatch.commands.common import open_store_from
    from floorwatch.config.types import FloorConfig
    from floorwatch.store import Reader, resolve_author

    config = _optional_config(args.config)
    floor = config.floor if config else FloorConfig()
    tz = floor_timezone(floor.timezone)
    # The floor's shift end, exactly as the board's panel reads 'end of shift' and 'tomorrow'.
    options: dict[str, Any] = {"tz": tz, "shift_end": floor.shift_end_time}
    options["all_sites"] = bool(getattr(args, "all_sites", False))
    if getattr(args, "site", None) is not None:
        options["site"] = args.site
    verbose = bool(getattr(args, "verbose", False))
    store = open_store_from(args.store, config, verbose=verbose, **options)
    notes = config.notes if config else None
    role = getattr(args, "role", None) or (notes.role if notes else "supervisor")
    name = getattr(args, "author", None) or resolve_author(notes.author if notes else None)
    return Context(store, tz, config, Reader(name, manager=role == "manager"))


def _no_store(context: Context, fmt: str) -> bool:
    """Say so (and print an empty list) when the store does not exist: reading never creates
    one. True when there was none."""
    if context.store.exists():
        return False
    print(f"floorwatch notes: no notes store at {context.store.where} (no note written yet)",
          file=sys.stderr)  # fmt: skip
    _write({"json": "[]", "csv": render([], "csv", context.tz)}.get(fmt, "No notes."))
    return True


def _optional_config(explicit: str | None) -> Config | None:
    """The config when there is one; notes work without (store in the data dir, system time)."""
    from floorwatch.commands.common import load
    from floorwatch.config import find_config

    if explicit is None and find_config(None) is None:
        return None
    return load(explicit)


def _store_errors(action: Any) -> Any:
    """Run a handler, turning store failures into a message and exit 1."""

    def handler(args: argparse.Namespace) -> int:
        from floorwatch.store import StoreError

        try:
            return int(action(args))
        except StoreError as error:
            raise UserError(str(error), exit_code=EXIT_STORE) from None

    handler.__doc__ = action.__doc__
    return handler


# -- list and export ------------------------------------------------------------------------------


@_store_errors
def run_list(args: argparse.Namespace) -> int:
    """`notes list`: latest revisions, filtered."""
    context = open_context(args)
    since = None
    if args.since:
        now = context.now()
        since = parse_since(args.since, now, context.tz, context.day_start(now))
    if _no_store(context, args.format):
        return 0
    with context.store as store:
        notes = store.notes(
            agent=args.agent, since=since, include_retracted=args.all, reader=context.reader
        )
    if args.cases:
        notes = case_library(notes, args.example, args.metric, args.topic)
        if args.format == "text":
            _write(cases_text(notes, context.tz))
            return 0
    _write(render(notes, args.format, context.tz))
    return 0


def case_library(
    notes: list[Note], example: str | None, metric: str | None, topic: str | None
) -> list[Note]:
    """STAR-AR cases marked good or bad, ordered by metric tag, then topic, then time."""
    from floorwatch.coaching.templates import STAR_AR

    cases = [
        n
        for n in notes
        if n.template == STAR_AR
        and n.example
        and (example is None or n.example == example)
        and (metric is None or metric in n.tags)
        and (topic is None or n.topic.strip().lower() == topic.strip().lower())
    ]
    return sorted(cases, key=lambda n: (",".join(n.tags), n.topic.lower(), n.created_at, n.id))


def cases_text(notes: list[Note], tz: tzinfo) -> str:
    """The case library for a terminal: grouped under `metric / topic` headings."""

    if not notes:
        return (
            "No cases: mark a STAR-AR note a good or bad example "
            "(notes add --template star-ar --example good).\n"
        )
    lines: list[str] = []
    heading = None
    for note in notes:
        current = f"{', '.join(note.tags) or 'no metric'} / {note.topic or 'no topic'}"
        if current != heading:
            heading = current
            lines.append(f"== {clean_text(current)}")
        lines.append(_note_text(note, tz).rstrip("\n"))
    return "\n".join(lines) + "\n"


@_store_errors
def run_export(args: argparse.Namespace) -> int:
    """`notes export`: every note (or revision), retracted ones included and flagged."""
    context = open_context(args)
    if _no_store(context, args.format):
        return 0
    with context.store as store:
        reader = context.reader
        if args.revisions:
            notes = store.all_revisions(reader=reader)
        else:
            notes = store.notes(include_retracted=True, reader=reader)
    _write(render(notes, args.format, context.tz))
    return 0


def render(notes: list[Note], fmt: str, tz: tzinfo) -> str:
    if fmt == "json":
        return to_json(notes, tz)
    if fmt == "csv":
        return to_csv(notes, tz)
    return to_text(notes, tz)


def to_json(notes: Iterable[Note], tz: tzinfo) -> str:
    from floorwatch.coaching import note_record

    return json_text([note_record(note, tz) for note in notes])


def to_csv(notes: Iterable[Note], tz: tzinfo) -> str:
    """One line per note; tags comma-separated, evidence as JSON; cells a spreadsheet would run
    as a formula get a leading apostrophe."""
    from floorwatch.coaching import RECORD_KEYS, REVISION_KEYS, note_record

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = RECORD_KEYS + REVISION_KEYS
    writer.writerow(keys)
    for note in notes:
        record = note_record(note, tz)
        record["tags"] = ",".join(record["tags"])
        record["evidence"] = json_text(record["evidence"], indent=None)
        record["sections"] = json_text(record["sections"], indent=None)
        writer.writerow([csv_cell(record[key]) for key in keys])
    return out.getvalue()


def to_text(notes: list[Note], tz: tzinfo) -> str:
    """Notes for a terminal; text from the store is stripped of control characters first."""
    if not notes:
        return "No notes.\n"
    return "\n".join(_note_text(note, tz) for note in notes)


def _note_text(note: Note, tz: tzinfo) -> str:
    from floorwatch.coaching import evidence_text

    created = note.created_at.astimezone(tz)
    head = [
        f"#{note.id}",
        f"{created:%Y-%m-%d %H:%M}",
        clean_text(note.agent),
        clean_text(note.agent_name),
        note.kind,
        note.visibility,
        f"by {clean_text(note.author)}",
    ]
    if note.revision > 1:
        head.append(f"(revision {note.revision} by {clean_text(note.revised_by)})")
    if note.retracted:
        head.append(f"RETRACTED: {clean_text(note.reason)}")
    from floorwatch.coaching.templates import BEST, TITLES, label

    if note.template != BEST:
        head.append(TITLES.get(note.template, note.template))
    if note.example:
        head.append(f"{note.example} example: {clean_text(note.topic) or 'no topic'}")
    lines = ["  ".join(head)]
    if note.template == BEST or not note.sections:
        sections = [
            ("Behavior", note.behavior),
            ("Effect", note.effect),
            ("Suggestion", note.suggestion),
        ]
    else:
        sections = [(label(note.template, n), text) for n, text in note.sections if text.strip()]
    for title, text in sections:
        lines += _field_lines(title, text)
    if note.follow_up_due is not None:
        due = note.follow_up_due.astimezone(tz)
        state = f"closed: {clean_text(note.follow_up_outcome or '')}" if note.follow_up_closed_at \
            else "open"  # fmt: skip
        lines.append(f"  Follow-up:  {due:%Y-%m-%d %H:%M} ({clean_text(note.timeframe)}), {state}")
    for item in note.evidence:
        lines.append(f"  Evidence:   {clean_text(evidence_text(item))}")
    if note.tags:
        lines.append(f"  Tags:       {clean_text(', '.join(note.tags))}")
    return "\n".join(lines) + "\n"


def _field_lines(label: str, text: str) -> list[str]:
    rows = [clean_text(line) for line in text.splitlines()] or [""]
    first = f"  {label + ':':<12}{rows[0]}".rstrip()
    return [first, *(f"  {'':<12}{row}".rstrip() for row in rows[1:])]


def parse_since(
    text: str, now: datetime, tz: tzinfo, day_start: datetime | None = None
) -> datetime:
    """--since: an ISO date (its start, floor time) or date-time, 'today' (the floor day's
    start, `day_start`, when given: floor.day_starts), or 'Nd'/'Nw' ago."""
    words = text.strip().lower()
    local_today = now.astimezone(tz).date()
    if words == "today":
        return day_start or datetime.combine(local_today, time(), tz)
    if words[:-1].isdigit() and words[-1:] in ("d", "w"):
        days = int(words[:-1]) * (7 if words.endswith("w") else 1)
        return datetime.combine(local_today - timedelta(days=days), time(), tz)
    try:
        if len(words) == 10:
            return datetime.combine(date.fromisoformat(words), time(), tz)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"--since {text!r}: use a date (2026-11-30), a date-time ('2026-11-30 14:00'), "
            "today, or 7d / 2w for days or weeks ago",
            exit_code=EXIT_INVALID,
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


# -- report ---------------------------------------------------------------------------------------


@_store_errors
def run_report(args: argparse.Namespace) -> int:
    """`notes report`: the floor's coaching against the method's rules."""
    from floorwatch.coaching.floor_report import floor_coaching

    if args.days < 1:
        raise UserError("--days must be at least 1", exit_code=EXIT_INVALID)
    context = open_context(args)
    hire_dates, names = _roster_facts(context.config)
    now = context.now()
    with context.store as store:
        exists = store.exists()  # a report never creates a store
        notes = store.notes(reader=context.reader) if exists else []
        reds = store.reds(now - timedelta(days=args.days)) if exists else []
    report = floor_coaching(notes, hire_dates, names, now, context.tz, args.days, reds)
    if args.format == "json":
        _write(json_text(report_record(report, context.tz)) + "\n")
    else:
        _write(report_text(report, context.tz))
    return 0


def _roster_facts(config: Config | None) -> tuple[dict[str, str | None], dict[str, str]]:
    """Hire dates and names by agent id from the config's roster (empty without one)."""
    from floorwatch.feeds.roster import RosterError, load_roster

    if config is None or config.roster is None:
        return {}, {}
    try:
        roster = load_roster(config.roster)
    except RosterError as error:
        raise UserError(str(error), exit_code=EXIT_INVALID) from None
    entries = roster.entries.values()
    return {e.agent_id: e.hire_date for e in entries}, {e.agent_id: e.name or "" for e in entries}


def _ratio_text(ratio: Any) -> str:
    from floorwatch.coaching.loop import PRAISE_TARGET

    if not ratio.praise and not ratio.improvement:
        return "no notes"
    shown = "no improvement notes" if ratio.ratio is None else f"{ratio.ratio:.1f}:1"
    verdict = "on target" if ratio.on_target else f"below {PRAISE_TARGET:g}:1"
    return f"praise {ratio.praise} : improvement {ratio.improvement} ({shown}, {verdict})"


def report_text(report: Any, tz: tzinfo) -> str:
    """The report for a terminal; names and authors from the store are cleaned first."""
    from floorwatch.text.plural import plural

    def who(agent: str) -> str:
        name = report.names.get(agent)
        return clean_text(f"{agent} {name}" if name and name != agent else agent)

    since = report.since.astimezone(tz)
    lines = [f"Coaching since {since:%a %d %b %Y %H:%M}", f"  floor: {_ratio_text(report.floor)}"]
    for line in report.authors:
        lines.append(
            f"  {clean_text(line.author)}: {plural(line.notes, 'note')} on "
            f"{plural(line.agents, 'agent')}, "
            f"{_ratio_text(line.ratio)}"
        )
    given, missed = report.red_count("given"), report.red_count("missed")
    pending = report.red_count("pending")
    share = f" ({100 * given / (given + missed):.0f}%)" if given + missed else ""
    lines.append(
        f"Feedback within 24 h of a red: given {given} of {given + missed}{share}, "
        f"missed {missed}, pending {pending}"
    )
    for red in [red for red in report.reds if red.state == "missed"][-MISSED_SHOWN:]:
        at = red.red_at.astimezone(tz)
        lines.append(
            f"  missed: {who(red.agent)} {clean_text(red.metric)} red at {at:%a %d %b %H:%M}"
        )
    lines.append(f"Touchpoints due: {len(report.due)}")
    for item in report.due:
        last = item.last_note.astimezone(tz).strftime("%d %b") if item.last_note else None
        state = "overdue since" if item.overdue else "due"
        when = item.due.astimezone(tz).strftime("%a %d %b")
        noted = f"last note {last}" if last else "no note yet"
        lines.append(f"  {who(item.agent)}: {item.rule}, {state} {when}, {noted}")
    lines.append(f"Follow-ups overdue: {len(report.overdue_follow_ups)}")
    for note in report.overdue_follow_ups:
        due = note.follow_up_due.astimezone(tz)
        lines.append(
            f"  #{note.id} {who(note.agent)}: due {due:%a %d %b %H:%M} "
            f"({clean_text(note.timeframe)}), by {clean_text(note.author)}"
        )
    return "\n".join(lines) + "\n"


def report_record(report: Any, tz: tzinfo) -> dict[str, Any]:
    """The report as JSON-ready data (times in the floor's zone, ISO 8601)."""

    def when(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment else None

    def ratio(value: Any) -> dict[str, Any]:
        return {
            "praise": value.praise,
            "improvement": value.improvement,
            "ratio": value.ratio,
            "on_target": value.on_target,
        }

    due = [
        {
            "agent": item.agent,
            "name": report.names.get(item.agent),
            "rule": item.rule,
            "due": when(item.due),
            "overdue": item.overdue,
            "last_note": when(item.last_note),
        }
        for item in report.due
    ]
    overdue = [
        {
            "id": note.id,
            "agent": note.agent,
            "name": report.names.get(note.agent),
            "due": when(note.follow_up_due),
            "author": note.author,
            "timeframe": note.timeframe,
        }
        for note in report.overdue_follow_ups
    ]
    authors = [
        {"author": a.author, "notes": a.notes, "agents": a.agents, **ratio(a.ratio)}
        for a in report.authors
    ]
    reds = [
        {
            "agent": r.agent,
            "metric": r.metric,
            "red_at": when(r.red_at),
            "state": r.state,
            "note_id": r.note_id,
        }
        for r in report.reds
    ]
    return {
        "since": when(report.since),
        "floor": ratio(report.floor),
        "reds": reds,
        "authors": authors,
        "touchpoints_due": due,
        "follow_ups_overdue": overdue,
    }


# -- migrate --------------------------------------------------------------------------------------


@_store_errors
def run_migrate(args: argparse.Namespace) -> int:
    """`notes migrate --to URL`: copy the store, print counts and the checksum."""
    from floorwatch.commands.common import store_argument
    from floorwatch.store import NoteStore
    from floorwatch.store.transfer import copy_store

    target_url = store_argument(args.to, "--to")
    if not isinstance(target_url, str):
        raise UserError(f"--to {args.to!r} must be a postgresql:// URL", exit_code=EXIT_INVALID)
    context = open_context(args)
    with context.store as source:
        if not source.exists():
            raise UserError(f"{source.where}: there is no notes store to copy", EXIT_STORE)
        with NoteStore(target_url) as target:
            copied = copy_store(source, target, args.as_site)
    verb = "already holds" if copied.already_there else "copied"
    named = f" (as site {args.as_site!r})" if args.as_site is not None else ""
    print(f"{source.where} -> {target.where}: {verb}{named}")
    for table, count in copied.counts.items():
        print(f"  {table:<14}{count:>9}")
    agree = "the target already matched" if copied.already_there else "source and copy agree"
    print(f"checksum sha256:{copied.checksum} ({agree})")
    return 0


# -- add ------------------------------------------------------------------------------------------


@_store_errors
def run_add(args: argparse.Namespace) -> int:
    """`notes add`: validate like the panel, save, print the id."""
    from floorwatch.coaching import NoteDraft, parse_tags
    from floorwatch.coaching.templates import BEST, make_sections, section_names
    from floorwatch.store import InvalidNote, resolve_author

    context = open_context(args)
    sections = () if args.template == BEST else make_sections(args.template, vars(args))
    stray = [
        f"--{name}"
        for name in (
            "behavior",
            "effect",
            "suggestion",
            "goal",
            "reality",
            "options",
            "will",
            "situation",
            "task",
            "action",
            "result",
            "analysis",
            "reinforcement",
        )
        if getattr(args, name) and name not in section_names(args.template)
    ]
    if stray:
        print(
            f"floorwatch notes add: {', '.join(stray)} not in a {args.template} note "
            f"(its sections: {', '.join(section_names(args.template))})",
            file=sys.stderr,
        )
        return EXIT_INVALID
    draft = NoteDraft(
        agent=args.agent.strip(),
        agent_name=args.name.strip() or args.agent.strip(),
        behavior=args.behavior,
        effect=args.effect,
        suggestion=args.suggestion,
        timeframe=args.timeframe,
        kind=args.kind,
        tags=parse_tags(args.tags),
        visibility=args.visibility or context.default_visibility,
        template=args.template,
        sections=sections,
        example=args.example,
        topic=args.topic.strip(),
    )
    author = args.author or resolve_author(context.config_author)
    if not args.force and context.config is not None:
        known = known_agents(context.config)
        if draft.agent not in known:
            print(
                f"floorwatch notes add: --agent {draft.agent!r}: no feed or roster knows this "
                f"agent{did_you_mean(draft.agent, known)}; add --force to write the note anyway",
                file=sys.stderr,
            )
            return EXIT_INVALID
    try:
        with context.store as store:
            note = store.add(draft, author, context.now())
    except InvalidNote as invalid:
        for name, message in invalid.problems.items():
            print(f"floorwatch notes add: --{name}: {message}", file=sys.stderr)
        return EXIT_INVALID
    print(note.id)
    return 0


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
