"""Issue 18.8: a 200,000-entry thresholds override file is validated in seconds (the figures are
in bench/bench_config.py), and a bad entry deep inside it is still reported at path:line:col."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from floorwatch.config import ConfigError, load_config
from floorwatch.config.types import Threshold

ENTRIES = 200_000
HEAD = """\
floor: {name: Big floor, timezone: UTC}
feeds:
  - name: calls
    path: feeds/calls.csv
    format: csv
    time: {column: ended_at}
    agent: agent_id
    fields:
      handle_time: {column: handle_s, type: seconds}
metrics:
  aht: {field: handle_time, agg: mean, window: today, better: lower, green: "5:00", red: "10:00"}
thresholds:
  agents:
"""


def override_line(number: int) -> str:
    return f'    A{number:06d}: {{aht: {{green: "4:{number % 60:02d}", red: "9:00"}}}}\n'


def write_overrides(folder: Path, entries: int = ENTRIES, bad: int | None = None) -> Path:
    """A config whose thresholds.agents holds `entries` overrides; entry `bad` is not a time."""
    (folder / "feeds").mkdir(parents=True, exist_ok=True)
    path = folder / "floorwatch.yaml"
    lines = [override_line(n) for n in range(entries)]
    if bad is not None:
        lines[bad] = f'    A{bad:06d}: {{aht: {{green: "fast", red: "9:00"}}}}\n'
    path.write_text(HEAD + "".join(lines))
    return path


def test_a_200000_entry_override_file_is_validated(tmp_path: Path) -> None:
    config = load_config(write_overrides(tmp_path))
    assert len(config.agent_thresholds) == ENTRIES
    assert config.agent_thresholds["A000061"] == {"aht": Threshold(241.0, 540.0)}
    assert config.agent_thresholds["A199999"]["aht"].green == 4 * 60 + 199_999 % 60
    assert gc.isenabled()  # the collector paused while reading is back on


def test_a_bad_entry_deep_in_a_200000_entry_file_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write_overrides(tmp_path, bad=150_000)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = HEAD.count("\n") + 150_000 + 1
    column = len("    A150000: {aht: {green: ") + 1
    assert str(caught.value) == (
        f"{path}:{line}:{column}: thresholds.agents.A150000.aht.green must be a number of "
        "seconds or m:ss (got 'fast')"
    )
    assert gc.isenabled()


def test_remembered_levels_and_tags_do_not_change_what_is_read(tmp_path: Path) -> None:
    # The same texts as numbers, clocks and strings, read in one file: each keeps its meaning.
    (tmp_path / "feeds").mkdir()
    path = tmp_path / "floorwatch.yaml"
    path.write_text(
        HEAD
        + '    A1: {aht: {green: "4:00", red: 540}}\n'
        + "    A2: {aht: {green: 240, red: 9:00}}\n"
        + '    A3: {aht: {green: 4m, red: "540"}}\n'
        + "    A4: {aht: {green: '4:00', red: yes}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [p.message for p in caught.value.problems] == [
        "thresholds.agents.A4.aht.red must be a number of seconds or m:ss (got 'yes')"
    ]
    path.write_text(path.read_text().replace("red: yes", "red: 9:00"))
    config = load_config(path)
    for agent in ("A1", "A2", "A3", "A4"):
        assert config.agent_thresholds[agent] == {"aht": Threshold(240.0, 540.0)}
