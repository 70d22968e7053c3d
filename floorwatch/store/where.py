"""Where the notes live and who writes them: the config's `notes.url` (PostgreSQL) or
`notes.path` (SQLite), else the config's own file in the user data folder; the author from the
config, the environment or the login."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floorwatch.config.types import Config
    from floorwatch.store.note_store import NoteStore

STORE_FILE = "notes.sqlite3"


def default_store_path() -> Path:
    """The store of notes written without a config (and, before floorwatch kept one store per
    config, of every floor): `notes.sqlite3` in the user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("floorwatch")) / STORE_FILE


def floor_store_path(config: Config) -> Path:
    """A config's own default store: `floors/<floor name>-<8 hex>.sqlite3` in the user data
    folder, the hex from the config file's absolute path, so two configs (two floors, or one
    floor's test and live configs) never share notes unless `notes.path` says so."""
    import platformdirs

    source = str(Path(config.source).expanduser().resolve())
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", config.floor.name.casefold()).strip("-")[:40] or "floor"
    return Path(platformdirs.user_data_dir("floorwatch")) / "floors" / f"{slug}-{digest}.sqlite3"


@dataclass(frozen=True)
class StoreChoice:
    """Which notes store a command or the board uses, and why (for `--verbose` and the header).
    `path` is the SQLite file, or the postgresql:// URL of a shared store."""

    path: Path | str
    why: str  # 'notes.url', 'notes.path', 'this config's own store', ...
    notice: str | None = None  # something the user should be told (a legacy store kept)


def choose_store(config: Config | None) -> StoreChoice:
    """The notes store: `notes.url` (PostgreSQL) or `notes.path` when set; without a config,
    `notes.sqlite3` in the user data folder; else the config's own store (`floor_store_path`),
    except that a legacy shared `notes.sqlite3` that exists while the config's own does not is
    kept (its notes are not orphaned), with a notice saying how to give the floor its own."""
    if config is not None and config.notes.url:
        return StoreChoice(config.notes.url, "notes.url")
    return _file_choice(config)


def _file_choice(config: Config | None) -> StoreChoice:
    if config is None:
        return StoreChoice(default_store_path(), "no config: the user data folder's store")
    if config.notes.path is not None:
        path = Path(config.notes.path).expanduser()
        return StoreChoice(path if path.is_absolute() else config.base_dir / path, "notes.path")
    own, legacy = floor_store_path(config), default_store_path()
    if legacy.exists() and not own.exists():
        notice = (
            f"notes: using the existing store {legacy}, shared by every config that sets no "
            f"notes.path; set notes.path in {config.source} to keep this floor's notes apart "
            f"(e.g. notes.path: {own}, after moving the file there)"
        )
        return StoreChoice(legacy, "the shared store from before per-config stores", notice)
    return StoreChoice(own, "this config's own store (set notes.path to choose another)")


def store_path(config: Config | None) -> Path:
    """The SQLite file for `config` (see `choose_store`; `notes.url` aside)."""
    return Path(_file_choice(config).path)


def store_location(config: Config | None) -> Path | str:
    """`notes.url` when set (PostgreSQL), else the SQLite file `store_path` names."""
    return choose_store(config).path


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
    return NoteStore(choose_store(config).path, **options)  # type: ignore[arg-type]


def resolve_author(config_author: str | None) -> str:
    """Who writes the notes: `notes.author`, else $FLOORWATCH_AUTHOR, else the login name."""
    for candidate in (config_author, os.environ.get("FLOORWATCH_AUTHOR")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container with an unnamed uid)
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
