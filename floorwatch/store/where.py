"""Where the notes live and who writes them: the config's `notes.url` (PostgreSQL) or
`notes.path` (SQLite), else the user data folder; the author from the config, the environment or
the login."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floorwatch.config.types import Config
    from floorwatch.store.note_store import NoteStore

STORE_FILE = "notes.sqlite3"


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("floorwatch")) / STORE_FILE


def store_path(config: Config | None) -> Path:
    """`notes.path` from the config when set, else the user data dir."""
    if config is not None and config.notes.path is not None:
        path = Path(config.notes.path)
        return path if path.is_absolute() else config.base_dir / path
    return default_store_path()


def store_location(config: Config | None) -> Path | str:
    """`notes.url` when set (PostgreSQL), else the SQLite file `store_path` names."""
    if config is not None and config.notes.url:
        return config.notes.url
    return store_path(config)


def store_site(config: Config | None) -> str:
    """The floor this config's notes belong to (`notes.site`; '' when unset)."""
    return config.notes.site if config is not None and config.notes.site else ""


def open_store(config: Config | None, **options: object) -> NoteStore:
    """The config's store, in its floor's timezone and shift end, for its site."""
    from floorwatch.coaching import floor_timezone
    from floorwatch.store.note_store import NoteStore

    if config is not None:
        options.setdefault("tz", floor_timezone(config.floor.timezone))
        options.setdefault("shift_end", config.floor.shift_end_time)
    options.setdefault("site", store_site(config))
    return NoteStore(store_location(config), **options)  # type: ignore[arg-type]


def resolve_author(config_author: str | None) -> str:
    """Who writes the notes: `notes.author`, else $FLOORWATCH_AUTHOR, else the login name."""
    for candidate in (config_author, os.environ.get("FLOORWATCH_AUTHOR")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container with an unnamed uid)
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
