"""What several subcommands share: finding and loading the config, opening the notes store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorwatch.cli import UserError
from floorwatch.config.types import Config

if TYPE_CHECKING:
    from floorwatch.live.clock import FloorClock
    from floorwatch.store import NoteStore, StoreChoice

NO_CONFIG_MESSAGE = """\
No floorwatch config found. floorwatch looks for --config PATH, then $FLOORWATCH_CONFIG, then
./floorwatch.yaml, then floorwatch.yaml in your user config folder ({user_dir}). To see a live
board right away, run `floorwatch demo`; to set up your own floor, copy config/floorwatch.yaml
from the floorwatch repository, point its feeds at your files and check it with
`floorwatch check --config floorwatch.yaml`."""


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="the floor's YAML config (default: $FLOORWATCH_CONFIG, ./floorwatch.yaml, "
        "then the user config folder)",
    )


def config_path(explicit: str | None) -> Path:
    """The config file to use, or a UserError that says where we looked and what to do."""
    import platformdirs

    from floorwatch.config import find_config

    path = find_config(explicit)
    if path is None:
        user_dir = platformdirs.user_config_dir("floorwatch")
        raise UserError(NO_CONFIG_MESSAGE.format(user_dir=user_dir))
    if explicit and not Path(explicit).exists():
        raise UserError(f"{explicit}: no such config file")
    return path


def load(explicit: str | None) -> Config:
    """Find and load the config; problems are raised as ConfigError (printed by the CLI)."""
    from floorwatch.config import load_config

    return load_config(config_path(explicit))


def add_verbose_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="say which notes store is read (on stderr)"
    )


def floor_clock(config: Config | None) -> FloorClock:
    """The floor's clock for a command. With `floor.clock: data` the floor's now is the newest
    row in the feeds (the board's time in a replay), so the feeds are read to find it."""
    from floorwatch.config.types import FloorConfig
    from floorwatch.live.clock import FloorClock

    clock = FloorClock(config.floor if config is not None else FloorConfig())
    if config is not None and clock.follows_data:
        newest = newest_row_time(config)
        clock.follow(lambda: newest)
    return clock


def newest_row_time(config: Config) -> float | None:
    """The newest row time in the config's feeds (None without rows)."""
    from floorwatch.feeds import FloorFeeds
    from floorwatch.live.rows import TS

    feeds = FloorFeeds(config)
    try:
        times = [float(u.rows[TS].max()) for u in feeds.load_all() if len(u.rows)]
    finally:
        feeds.close()
    times = [t for t in times if t == t]  # NaN: rows without a time
    return max(times) if times else None


def known_agents(config: Config) -> dict[str, str]:
    """Every agent id the roster or the feeds know, with a display name (reads the feeds)."""
    from floorwatch.feeds import FloorFeeds
    from floorwatch.feeds.roster import RosterError, load_roster
    from floorwatch.live.rows import AGENT, NAME

    known: dict[str, str] = {}
    if config.roster is not None:
        path = config.roster if config.roster.is_absolute() else config.base_dir / config.roster
        try:
            for entry in load_roster(path).entries.values():
                known[entry.agent_id] = entry.name or entry.agent_id
        except RosterError:
            pass  # `floorwatch check` reports it; the feeds still name agents
    feeds = FloorFeeds(config)
    try:
        for update in feeds.load_all():
            rows = update.rows
            if not len(rows):
                continue
            for agent in rows[AGENT].dropna().astype(str).unique().tolist():
                known.setdefault(agent, agent)
            if NAME in rows:
                named = rows[[AGENT, NAME]].dropna().drop_duplicates(AGENT, keep="last")
                for agent, name in named.itertuples(index=False, name=None):
                    if known.get(str(agent)) == str(agent) and name:
                        known[str(agent)] = str(name)
    finally:
        feeds.close()
    return known


def did_you_mean(word: str, choices: list[str] | dict[str, str]) -> str:
    """' (did you mean 'X'?)' for the closest choice, ignoring case and accents, or ''."""
    import difflib

    from floorwatch.text.search import fold

    options = list(choices)
    folded = {fold(option): option for option in options}
    close = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


STORE_HELP = "the notes file or postgresql:// URL (default: notes.url or notes.path)"


def store_argument(text: str, flag: str = "--store") -> Path | str:
    """--store: a postgresql:// URL (refused when it holds a password), else a file path."""
    from floorwatch.config.loader import notes_url_problem

    if text.startswith(("postgresql://", "postgres://")):
        problem = notes_url_problem(text)
        if problem is not None:
            raise UserError(f"{flag} {problem}")
        return text
    return Path(text)


def store_choice(store: str | None, config: Config | None) -> StoreChoice:
    """Which notes store a command reads: --store (a file or a postgresql:// URL), else the
    config's (`choose_store`)."""
    from floorwatch.store import StoreChoice, choose_store

    return StoreChoice(store_argument(store), "--store") if store else choose_store(config)


def open_store_from(
    store: str | None, config: Config | None, verbose: bool = False, **options: Any
) -> NoteStore:
    """The notes store --store names, else the config's: in the config's floor time and shift
    end, for its site (`options` override any of them). Its notice (a legacy store kept) and,
    with `verbose`, which store it is and why, go to stderr."""
    import sys

    from floorwatch.store import NoteStore, store_site

    choice = store_choice(store, config)
    if choice.notice:
        print(f"floorwatch: {choice.notice}", file=sys.stderr)
    if verbose:
        print(f"floorwatch: notes store {choice.path} ({choice.why})", file=sys.stderr)
    if config is not None:
        from floorwatch.coaching import floor_timezone

        options.setdefault("tz", floor_timezone(config.floor.timezone))
        options.setdefault("shift_end", config.floor.shift_end_time)
    options.setdefault("site", store_site(config))
    return NoteStore(choice.path, **options)
