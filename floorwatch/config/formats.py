"""The feed formats a config may name, and the file names that tell a format without `format:`.

One registry, written by `floorwatch.feeds.register_parser`: registering a parser registers its
name here, so `floorwatch check` accepts every format that can be parsed and nothing else. The
built-in parsers' names are known before floorwatch.feeds is imported (config stays light: no
pandas), and a test holds them equal to the parsers the feeds package builds in.
"""

from __future__ import annotations

from pathlib import Path

BUILTIN_FORMATS = ("csv", "tsv", "jsonl", "queue_log")
_FORMATS: dict[str, None] = dict.fromkeys(BUILTIN_FORMATS)  # ordered: as registered
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def format_names() -> tuple[str, ...]:
    """Every format a feed may name, built-in first, then as registered."""
    return tuple(_FORMATS)


def add_format(name: str, extensions: tuple[str, ...] = ()) -> None:
    """Accept `format: name` (and guess it for paths ending in one of `extensions`)."""
    _FORMATS.setdefault(name, None)
    for extension in extensions:
        _EXTENSIONS[extension.lower()] = name


def guess_format(path_text: str) -> str | None:
    """The format a feed's path tells: Asterisk's queue_log by name, others by extension."""
    name = Path(path_text).name.lower()
    if "queue_log" in name:
        return "queue_log"
    return _EXTENSIONS.get(Path(name).suffix)
