"""What several subcommands share: finding and loading the config, opening the notes store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorwatch.cli import UserError
from floorwatch.config.types import Config

if TYPE_CHECKING:
    from floorwatch.store import NoteStore

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


def open_store_from(store: str | None, config: Config | None, **options: Any) -> NoteStore:
    """The notes store --store names (a file or a URL), else the config's: in the config's
    floor time and shift end, for its site (`options` override any of them)."""
    from floorwatch.store import NoteStore, open_store, store_site

    if store is None:
        return open_store(config, **options)
    if config is not None:
        from floorwatch.coaching import floor_timezone

        options.setdefault("tz", floor_timezone(config.floor.timezone))
        options.setdefault("shift_end", config.floor.shift_end_time)
    options.setdefault("site", store_site(config))
    return NoteStore(store_argument(store), **options)
