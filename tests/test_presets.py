"""Vendor exports by name: each preset reads a sample file written with the vendor's documented
header (tests/fixtures/presets), with no column typing in the config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from floorwatch.config import ConfigError, load_config
from floorwatch.config.presets import PRESETS
from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from floorwatch.live.thresholds import Status

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "presets"


def floor_for(tmp_path: Path, preset: str, extra: str = "", metrics: str = "") -> Board:
    shutil.copy(SAMPLES / f"{preset}.csv", tmp_path / f"{preset}.csv")
    (tmp_path / "floorwatch.yaml").write_text(
        f"""
floor: {{timezone: UTC}}
feeds:
  - name: export
    path: {preset}.csv
    preset: {preset}
{extra}
metrics:
{metrics or "  talk: {field: talk_time, agg: mean, better: lower, green: 300}"}
"""
    )
    config = load_config(tmp_path / "floorwatch.yaml")
    board = Board(config)
    feeds = FloorFeeds(config)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick(1_772_445_600.0)  # 2026-03-02 10:00 UTC
    board.statuses = feeds.statuses()  # type: ignore[attr-defined]
    return board


def test_every_preset_has_a_sample_with_its_header() -> None:
    for name, preset in PRESETS.items():
        header = (SAMPLES / f"{name}.csv").read_text().splitlines()[0].split(",")
        assert tuple(header) == preset.header


def test_five9_call_log(tmp_path: Path) -> None:
    metrics = """  talk: {field: talk_time, agg: mean, better: lower, green: 300, red: 400}
  acw: {field: acw_time, agg: mean, better: lower, green: 60, red: 90}"""
    board = floor_for(tmp_path, "five9_call_log", metrics=metrics)
    (status,) = board.statuses  # type: ignore[attr-defined]
    assert status.rows == 2 and status.rejected == 1
    assert "talk_time 'bad' is not a duration" in status.errors[0]
    jane = board.rows["jsmith@acme.com"]
    assert jane.name == "Jane Smith" and jane.team == "Inbound Billing"
    assert jane.cells["talk"].value == 242.0 and jane.cells["acw"].value == 61.0
    assert board.rows["mlee@acme.com"].cells["talk"].status is Status.RED


def test_amazon_connect_agent_activity_audit(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "five9_call_log.csv", tmp_path / "calls.csv")
    extra = """  - {name: calls, path: calls.csv, preset: five9_call_log}
states:
  Available: {category: available}
  Connected: {category: on_contact}
  "After contact work": {category: after_contact_work, amber: 60s, red: 120s}
  Break: {category: away, amber: 15m, red: 20m}"""
    board = floor_for(tmp_path, "amazon_connect_agent_activity", extra=extra)
    assert all(s.rejected == 0 for s in board.statuses if s.feed == "export")  # type: ignore[attr-defined]
    jsmith, mlee = board.rows["jsmith"].state, board.rows["mlee"].state
    assert jsmith is not None and jsmith.category == "after_contact_work"
    assert jsmith.status(board.now) is Status.RED  # 50:50 in ACW
    assert mlee is not None and mlee.name == "Break" and board.rows["mlee"].status is Status.RED


def test_genesys_agent_performance(tmp_path: Path) -> None:
    metrics = """  aht: {field: handle_time, agg: last, better: lower, green: 300, red: 360}
  answered: {field: answered, agg: last, better: higher, green: 8}"""
    board = floor_for(tmp_path, "genesys_agent_performance", metrics=metrics)
    jane = board.rows["Jane Smith"]
    assert jane.cells["aht"].value == 290.0  # the latest interval's
    assert jane.cells["answered"].value == 10.0
    assert board.rows["Min Lee"].cells["aht"].status is Status.RED


def test_an_unknown_preset_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "floorwatch.yaml").write_text(
        "feeds:\n  - {name: x, path: x.csv, preset: five9}\n"
        "metrics:\n  a: {field: talk_time, agg: mean, better: lower, green: 3}\n"
    )
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "floorwatch.yaml")
    assert "feeds[0].preset must be one of five9_call_log" in str(error.value)
