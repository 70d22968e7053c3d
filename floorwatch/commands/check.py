"""`floorwatch check`: validate the config, resolve the feed paths, and report bad feed rows.

`check` fails (exit 2) when the data does, not only the config: a column the config names that a
file's header lacks (at that column's place in the config, with the header's closest name), and
a feed file whose every row is rejected. It also says how many rows `where` and
`exclude_agents` left out.
"""

from __future__ import annotations

import argparse
import csv
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from floorwatch.commands.common import add_config_argument, config_path

if TYPE_CHECKING:
    from yaml.nodes import Node

    from floorwatch.config.types import Config, FeedConfig
    from floorwatch.feeds import FeedUpdate

HELP = "validate the config and report what the feed files hold now"
DESCRIPTION = """\
Validates the config and resolves the feed paths, then reads every feed file as the board would.
Exits 0 with a short summary (feeds, files matched, rows read, rejected and left out by where /
exclude_agents, metrics), the first rejected rows of each file as path:line: reason, and the raw
states a states feed holds that `states:` does not list. Exits 2 with every problem as
path:line:col: message when the config is invalid, or when the data does not fit it: a column
the config names that a file's header lacks, a file whose every row is rejected."""

MAX_ERRORS_SHOWN = 10
EXIT_PROBLEMS = 2


@dataclass(frozen=True)
class DataProblem:
    """Something in the data the config does not fit, placed at the config line it concerns."""

    config: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.config}:{self.line}:{self.col}: {self.message}"


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
    from floorwatch.feeds.discover import feed_files

    folders = [f.glob for f in config.feeds]
    for feed in config.feeds:
        matched = feed_files(feed.glob, folders, follow_symlinks=feed.follow_symlinks)
        shape = f"{feed.format}, {feed.kind}"
        print(f"  feed {feed.name}: {feed.path} ({shape}): {len(matched)} file(s)")
    metrics = ", ".join(
        f"{m.key} ({m.agg.value} {m.field}, {m.window_text})" for m in config.metrics
    )
    print(f"  metrics: {metrics}")
    if config.goals:
        objectives = {goal.objective for goal in config.goals if goal.objective}
        print(f"  goals: {len(config.goals)} ({len(objectives)} OKR objective(s))")
    if args.no_read:
        return 0
    problems = header_problems(config, path)
    said = {problem.message.split(" has no column ")[0] for problem in problems}
    problems += report_feed_rows(config, path, said)
    for problem in problems:
        print(problem, file=sys.stderr)
    return EXIT_PROBLEMS if problems else 0


def report_feed_rows(
    config: Config, shown_path: Path, said: set[str] | frozenset[str] = frozenset()
) -> list[DataProblem]:
    """Read every file once, as the board would, and print rows, rejects and their reasons;
    the files whose every row was rejected come back as problems."""
    from floorwatch.feeds import FloorFeeds

    problems: list[DataProblem] = []
    feeds = FloorFeeds(config)
    try:
        updates = feeds.load_all()
        statuses = list(feeds.statuses())
    finally:
        feeds.close()
    left_out = filtered_rows(config, statuses)
    for status in statuses:
        dropped = left_out.get(str(status.path), 0)
        kept = f", {dropped:,} left out by where/exclude_agents" if dropped else ""
        print(f"  {status.path}: {status.rows:,} rows, {status.rejected:,} rejected{kept}")
        shown = status.errors[:MAX_ERRORS_SHOWN]
        for reason in shown:
            print(f"    {reason}")
        # The reasons kept are one per rejected row, plus file problems (a bad header): the
        # rows not shown are the rejected ones beyond those shown.
        row_reasons = sum(1 for reason in shown if _is_row_reason(reason, status.path))
        more = status.rejected - row_reasons
        if more > 0:
            print(f"    ... and {more:,} more rejected rows")
        header_said = f"feed {status.feed}: the header of {status.path}" in said
        if status.rejected and not status.rows and not header_said:
            feed = next(f for f in config.feeds if f.name == status.feed)
            line, col = _place(shown_path, config, feed, None)
            first = status.errors[0] if status.errors else "?"
            problems.append(
                DataProblem(
                    shown_path, line, col,
                    f"feed {feed.name}: every row of {status.path} was rejected "
                    f"({status.rejected:,}); the first: {first}",
                )
            )  # fmt: skip
    report_unknown_states(config, updates)
    return problems


def report_unknown_states(config: Config, updates: Iterable[FeedUpdate]) -> None:
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


def _is_row_reason(reason: str, path: object) -> bool:
    """'file:12: reason' (a row) rather than 'file: reason' or the header's problem (the whole
    file: its rows are rejected without a reason each)."""
    rest = reason[len(str(path)) :] if reason.startswith(str(path)) else reason
    head = rest.split(":", 2)
    return len(head) >= 3 and head[1].strip().isdigit() and "the header" not in head[2]


def filtered_rows(config: Config, statuses: Iterable[object]) -> dict[str, int]:
    """Per file (as its status names it): the rows `where` and `exclude_agents` left out, by
    reading the filtered feeds again without their filters."""
    from floorwatch.feeds import FloorFeeds

    filtering = [f for f in config.feeds if f.where or f.exclude_agents]
    if not filtering:
        return {}
    names = {f.name for f in filtering}
    unfiltered = tuple(
        replace(f, where=(), exclude_agents=()) if f.name in names else f for f in config.feeds
    )
    feeds = FloorFeeds(replace(config, feeds=unfiltered))
    try:
        feeds.load_all()
        everything = {str(s.path): s.rows for s in feeds.statuses() if s.feed in names}
    finally:
        feeds.close()
    kept = {str(s.path): s.rows for s in statuses if s.feed in names}  # type: ignore[attr-defined]
    return {path: rows - kept.get(path, 0) for path, rows in everything.items()}


# -- headers ---------------------------------------------------------------------------------------


def header_problems(config: Config, shown_path: Path) -> list[DataProblem]:
    """Every column a CSV/TSV feed names that a matched file's header lacks, placed at the
    column's name in the config, naming the file and the header's closest name."""
    from floorwatch.feeds.discover import feed_files

    problems: list[DataProblem] = []
    folders = [f.glob for f in config.feeds]
    for feed in config.feeds:
        if feed.format not in ("csv", "tsv"):
            continue
        # The feeds' own walk: each file once, no link out of the feed folders followed.
        for file in feed_files(feed.glob, folders, follow_symlinks=feed.follow_symlinks):
            header = read_header(Path(file), feed)
            if header is None:
                continue
            lowered = {name.lower() for name in header}
            columns = named_columns(feed)
            if not any(c in header or c.lower() in lowered for c in columns):
                # None of the feed's columns: not a feed file (a link to a system file, a
                # report dropped in the folder); its first line is never shown.
                line, col = _place(shown_path, config, feed, None)
                problems.append(
                    DataProblem(
                        shown_path, line, col,
                        f"feed {feed.name}: {_shown(file, config)} is not a file of this feed:"
                        " its first line names none of its columns",
                    )
                )  # fmt: skip
                continue
            for column in columns:
                if column in header or column.lower() in lowered:
                    continue
                line, col = _place(shown_path, config, feed, column)
                hint = _closest(column, header)
                problems.append(
                    DataProblem(
                        shown_path, line, col,
                        f"feed {feed.name}: the header of {_shown(file, config)} has no column "
                        f"{column!r}{hint}",
                    )
                )  # fmt: skip
    return problems


def named_columns(feed: FeedConfig) -> list[str]:
    """The columns the feed's config names, each once, in the order a reader meets them."""
    named = [*(feed.time.columns if feed.time else ()), feed.agent]
    named += [column for column in (feed.name_column, feed.team_column) if column]
    named += [column for column, _ in feed.where] + [spec.column for spec in feed.fields]
    named += [column for _, column in feed.text_columns()]
    return [column for column in dict.fromkeys(named) if column]


def read_header(path: Path, feed: FeedConfig) -> list[str] | None:
    """The first line of a CSV/TSV file as column names (None: empty or unreadable)."""
    try:  # non-blocking, and only a regular file: a FIFO swapped in must not hang `check`
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            first = file.readline(1 << 20)
    except OSError:
        return None
    finally:
        os.close(fd)
    text = first.decode("utf-8", errors="replace").removeprefix("\ufeff").rstrip("\r\n")
    if not text.strip():
        return None
    delimiter = feed.delimiter or ("\t" if feed.format == "tsv" else ",")
    return [name.strip() for name in next(csv.reader([text], delimiter=delimiter))]


def _closest(column: str, header: list[str]) -> str:
    import difflib

    from floorwatch.text.search import fold

    folded = {fold(name): name for name in header}
    close = difflib.get_close_matches(fold(column), list(folded), n=1, cutoff=0.5)
    if not close:
        return f" (it has: {', '.join(header)})"
    return f"; did you mean {folded[close[0]]!r}?"


def _shown(file: str, config: Config) -> str:
    try:
        return str(Path(file).relative_to(config.base_dir))
    except ValueError:
        return file


def _place(
    shown_path: Path, config: Config, feed: FeedConfig, column: str | None
) -> tuple[int, int]:
    """The 1-based line and column in the config of `column`'s name in `feed` (of its `path`
    when column is None; the feed's start when not found)."""
    from floorwatch.config.yaml_nodes import compose_file, scalar_named

    root = compose_file(config.source)
    item = _feed_node(root, config.feeds.index(feed))
    if item is None:
        return 1, 1
    found = scalar_named(item, column if column is not None else feed.path)
    mark = (found or item).start_mark
    return mark.line + 1, mark.column + 1


def _feed_node(root: Node, index: int) -> Node | None:
    from yaml.nodes import MappingNode, SequenceNode

    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if getattr(key, "value", None) == "feeds" and isinstance(value, SequenceNode):
            return value.value[index] if index < len(value.value) else None
    return None
