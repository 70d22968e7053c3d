"""The packaged demo: its config (demo.yaml), simulated roster, model and day writer.

`floorwatch demo` writes the config into a folder with `write_demo_config(folder)` and runs the
simulator on `folder / "feeds"`; the config's feed globs are relative to the config's folder.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

CONFIG_NAME = "floorwatch-demo.yaml"
FEEDS_FOLDER = "feeds"
# demo.yaml's paths into the feed folder, as packaged: (value in the file, file or glob).
_FEED_PATHS = (
    ("feeds/calls-*.csv", "calls-*.csv"),
    ("feeds/status.jsonl", "status.jsonl"),
    ("feeds/states.csv", "states.csv"),
    ("feeds/queue.csv", "queue.csv"),
    ("feeds/roster.csv", "roster.csv"),
)


def packaged_config_text() -> str:
    """demo.yaml exactly as packaged."""
    return resources.files(__package__).joinpath("demo.yaml").read_text(encoding="utf-8")


def demo_config_text(feed_dir: Path, config_dir: Path | None = None) -> str:
    """The demo config for a simulator writing into `feed_dir`, to be saved in `config_dir`.

    `config_dir` defaults to the feed folder's parent. Feed paths are relative to `config_dir`
    when the feeds are below it, absolute otherwise; the demo notes store sits in `config_dir`.
    """
    config_dir = Path(config_dir) if config_dir is not None else Path(feed_dir).parent
    text = packaged_config_text()
    for packaged, name in _FEED_PATHS:
        text = _replace_value(text, packaged, _place(Path(feed_dir) / name, config_dir))
    return text


def write_demo_config(folder: Path) -> Path:
    """Write the demo config into `folder` for a simulator writing into `folder / "feeds"`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_NAME
    path.write_text(demo_config_text(folder / FEEDS_FOLDER, folder), encoding="utf-8")
    return path


def _place(target: Path, config_dir: Path) -> str:
    """A path for the YAML file: relative when below the config's folder; always quoted."""
    try:
        text = target.resolve().relative_to(config_dir.resolve()).as_posix()
    except ValueError:
        text = str(target.resolve())
    if os.sep != "/":
        text = text.replace(os.sep, "/")
    # JSON strings are valid YAML double-quoted scalars: safe for any character in a path.
    return json.dumps(text, ensure_ascii=False)


def _replace_value(text: str, old: str, new: str) -> str:
    """Replace the one YAML value `old` (after 'key: '); fail loudly if demo.yaml changed shape."""
    needle = f": {old}"
    if text.count(needle) != 1:
        raise RuntimeError(f"demo.yaml: expected exactly one value {old!r}")
    return text.replace(needle, f": {new}")
