"""A format registered with `register_parser` is a real format: the config accepts its name (and
its extension), `floorwatch check` reads its files, and the built-in names are the parsers'."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from floorwatch.cli import main
from floorwatch.config import ConfigError, load_config
from floorwatch.config import formats as config_formats
from floorwatch.config.types import FeedConfig
from floorwatch.feeds import register_parser
from floorwatch.feeds.formats import registry
from floorwatch.feeds.formats.csv import CsvParser
from floorwatch.feeds.formats.registry import FileParser, ParseContext

CONFIG = """\
feeds:
  - name: calls
    path: {path}
{format}    time: {{column: ended_at}}
    agent: agent_id
    fields:
      handle: {{column: handle_s, type: seconds}}
metrics:
  aht: {{field: handle, agg: mean, better: lower, green: 300}}
"""
ROWS = "ended_at|agent_id|handle_s\n2026-11-30T10:00:00|A1|240\n2026-11-30T10:05:00|A2|320\n"


def pipe_parser(feed: FeedConfig, context: ParseContext) -> FileParser:
    """Pipe-separated values: the CSV parser with '|' as its delimiter."""
    return CsvParser(replace(feed, delimiter="|"), context)


@pytest.fixture
def psv() -> Iterator[None]:
    """`psv` registered for the test, then forgotten (the registries are process-wide)."""
    parsers, formats = dict(registry.PARSERS), dict(config_formats._FORMATS)
    extensions = dict(config_formats._EXTENSIONS)
    register_parser("psv", pipe_parser, extensions=(".psv",))
    yield
    registry.PARSERS.clear()
    registry.PARSERS.update(parsers)
    config_formats._FORMATS.clear()
    config_formats._FORMATS.update(formats)
    config_formats._EXTENSIONS.clear()
    config_formats._EXTENSIONS.update(extensions)


def write(tmp_path: Path, path: str, fmt: str | None) -> Path:
    (tmp_path / "calls.psv").write_text(ROWS, encoding="utf-8")
    line = f"    format: {fmt}\n" if fmt else ""
    config = tmp_path / "floorwatch.yaml"
    config.write_text(CONFIG.format(path=path, format=line), encoding="utf-8")
    return config


def test_an_unregistered_format_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, "calls.psv", "psv"))
    assert "psv" in str(raised.value) and "csv, tsv, jsonl, queue_log" in str(raised.value)


@pytest.mark.usefixtures("psv")
@pytest.mark.parametrize("fmt", ["psv", None])  # named, or told by the registered extension
def test_a_registered_format_passes_check_and_its_rows_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str | None
) -> None:
    config = write(tmp_path, "calls.psv", fmt)
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "feed calls: calls.psv (psv, events): 1 file(s)" in out
    assert "calls.psv: 2 rows, 0 rejected" in out


@pytest.mark.usefixtures("psv")
def test_the_config_lists_a_registered_format_among_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, "calls.psv", "psvv"))
    assert "psv" in config_formats.format_names()
    assert "'psvv'" in str(raised.value) and "psv" in str(raised.value).split("'psvv'")[1]


def test_the_config_knows_exactly_the_built_in_parsers() -> None:
    assert set(registry.builtin_parsers()) == set(config_formats.BUILTIN_FORMATS)
