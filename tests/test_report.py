"""`board --once` renderers: the JSON contract, the text table, the CSV, value formatting."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from floorwatch.config.types import Agg, Better, MetricFormat
from floorwatch.live.board import Board
from floorwatch.reports.board import (
    format_transition,
    render_csv,
    render_json,
    render_text,
)
from floorwatch.text.values import format_value
from tests.test_metrics import NAN, T0, batch, config, feed, metric

FIELDS = ("handle_time", "resolved")
CALLS = feed(FIELDS)
METRICS = (
    metric("aht", "handle_time", Agg.MEAN, 3600.0, Better.LOWER, 300.0, 360.0, label="AHT"),
    metric(
        "fcr", "resolved", Agg.RATE, 3600.0, Better.HIGHER, 0.8, 0.7, MetricFormat.PERCENT,
        label="FCR",
    ),
)  # fmt: skip
HOSTILE = "[bold red]X[/] [/oops] [@click=app.quit]Y"


@dataclass
class Status:
    """Stands in for floorwatch.feeds.FileStatus (only the attributes the renderers read)."""

    feed: str
    path: str
    rows: int
    rejected: int
    errors: list[str] = field(default_factory=list)


STATUSES = [
    Status(
        "calls", "feeds/site-a.csv", 5, 1, ["feeds/site-a.csv:3: handle_time 'abc' is not a number"]
    )
]


def sample(timezone: str = "Europe/Paris") -> tuple[Board, object]:
    cfg = config(*METRICS, feeds=(CALLS,), timezone=timezone)
    board = Board(cfg)
    rows = [
        {"ts": T0, "agent": "A1", "name": "Li Wei", "team": "Billing", "handle_time": 312.0,
         "resolved": 1.0},
        {"ts": T0, "agent": "A2", "name": HOSTILE, "team": "=cmd|' /C calc'!A0",
         "handle_time": 200.0, "resolved": 1.0},
        {"ts": T0, "agent": "A3", "name": "Ana\x1b]0;pwned\x07", "handle_time": 500.0,
         "resolved": 0.0},
        {"ts": T0, "agent": "A4", "name": "Mia", "resolved": 1.0},
    ]  # fmt: skip
    board.ingest(CALLS, batch(rows, FIELDS))
    board.tick(now=T0 + 60)
    return board, cfg


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (None, MetricFormat.DURATION, "-"),
        (NAN, MetricFormat.NUMBER, "-"),
        (0.0, MetricFormat.DURATION, "0:00"),
        (59.6, MetricFormat.DURATION, "1:00"),
        (312.0, MetricFormat.DURATION, "5:12"),
        (3725.0, MetricFormat.DURATION, "1:02:05"),
        (-65.0, MetricFormat.DURATION, "-1:05"),
        (0.85, MetricFormat.PERCENT, "85%"),
        (0.8749, MetricFormat.PERCENT, "87.5%"),
        (1.0, MetricFormat.PERCENT, "100%"),
        (12.0, MetricFormat.NUMBER, "12"),
        (4.5, MetricFormat.NUMBER, "4.5"),
        (3.14159, MetricFormat.NUMBER, "3.1"),  # one decimal: CSAT 91.4 beside 90
        (91.43, MetricFormat.NUMBER, "91.4"),
        (12345.0, MetricFormat.NUMBER, "12,345"),
    ],
)
def test_format_value(value: float | None, fmt: MetricFormat, text: str) -> None:
    assert format_value(value, fmt) == text


def test_decimals_make_a_column_read_evenly() -> None:
    assert format_value(91.0, MetricFormat.NUMBER, 1) == "91.0"
    assert format_value(91.43, MetricFormat.NUMBER, 0) == "91"
    assert format_value(0.85, MetricFormat.PERCENT, 2) == "85.00%"
    assert format_value(312.25, MetricFormat.DURATION, 1) == "5:12.2"


def test_a_value_that_reads_as_its_bound_shows_why_it_is_red() -> None:
    from floorwatch.text.values import metric_value

    compl = metric(
        "compl", "complaint", Agg.RATE, 3600.0, Better.LOWER, 0.01, 0.02, MetricFormat.PERCENT,
        label="Compl",
    )  # fmt: skip
    assert metric_value(0.0204, compl, 0.02) == "2.04%"  # not '2%' beside 'red > 2%'
    assert metric_value(0.0204, compl) == "2%"  # green or no bound: the usual digits
    assert metric_value(0.0304, compl, 0.02) == "3%"  # reads apart already
    aht = METRICS[0]
    assert metric_value(360.4, aht, 360.0) == "6:00.4"
    csat = metric(
        "csat", "csat", Agg.MEAN, 3600.0, Better.HIGHER, 90.0, 85.0, MetricFormat.NUMBER, decimals=1
    )
    assert metric_value(84.96, csat, 85.0) == "84.96"  # 85.0 would read as the bound


def test_text_cells_show_the_digits_that_tell() -> None:
    compl = metric(
        "compl", "resolved", Agg.RATE, 3600.0, Better.LOWER, 0.01, 0.02, MetricFormat.PERCENT,
        label="Compl",
    )  # fmt: skip
    cfg = config(compl, feeds=(CALLS,))
    board = Board(cfg)
    rows = [{"ts": T0 + i, "agent": "A1", "resolved": 1.0 if i < 51 else 0.0} for i in range(2500)]
    board.ingest(CALLS, batch(rows, FIELDS))
    board.tick(now=T0 + 2600)
    assert board.rows["A1"].cells["compl"].status.word == "RED"
    text = render_text(board, cfg, [], T0 + 2600)  # type: ignore[arg-type]
    assert "2.04% ■" in text


def test_json_contract_shape_and_order() -> None:
    board, cfg = sample()
    document = json.loads(render_json(board, cfg, STATUSES, T0 + 60))  # type: ignore[arg-type]
    assert set(document) == {"generated_at", "floor", "clock", "queues", "agents", "feeds"}
    assert document["clock"] == "wall"
    assert document["queues"] == []  # no queue feed
    assert document["floor"] == "Test floor"
    generated = datetime.fromisoformat(document["generated_at"])
    assert generated.timestamp() == T0 + 60 and generated.utcoffset() is not None
    assert (
        [a["agent"] for a in document["agents"]] == board.sorted_ids() == ["A3", "A1", "A2", "A4"]
    )
    for agent in document["agents"]:
        assert set(agent) == {"agent", "name", "team", "status", "red_since", "state", "metrics"}
        assert (agent["red_since"] is None) == (agent["status"] != "red")
        assert agent["status"] in {"red", "amber", "green", "none"}
        assert list(agent["metrics"]) == ["aht", "fcr"]
        for cell in agent["metrics"].values():
            assert set(cell) == {"value", "status", "count"}
            assert cell["value"] is None or isinstance(cell["value"], float)
            assert isinstance(cell["count"], int)
    a1 = document["agents"][1]
    assert a1 == {
        "agent": "A1",
        "name": "Li Wei",
        "team": "Billing",
        "status": "amber",
        "red_since": None,
        "state": None,  # no states feed
        "metrics": {
            "aht": {"value": 312.0, "status": "amber", "count": 1},  # seconds, not "5:12"
            "fcr": {"value": 1.0, "status": "green", "count": 1},  # a fraction, not 100
        },
    }
    a4 = document["agents"][3]
    assert a4["team"] is None and a4["metrics"]["aht"] == {
        "value": None,
        "status": "none",
        "count": 0,
    }
    assert document["agents"][2]["name"] == HOSTILE  # data, exactly as given
    assert document["feeds"] == [
        {
            "path": "feeds/site-a.csv",
            "rows": 5,
            "rejected": 1,
            "errors": ["feeds/site-a.csv:3: handle_time 'abc' is not a number"],
        }
    ]


def test_json_keeps_terminal_controls_escaped() -> None:
    board, cfg = sample()
    text = render_json(board, cfg, [], T0)  # type: ignore[arg-type]
    assert "\x1b" not in text and "\x07" not in text
    assert json.loads(text)["feeds"] == []


def test_text_table_is_aligned_worst_first_and_plain() -> None:
    board, cfg = sample()
    text = render_text(board, cfg, STATUSES, T0 + 60)  # type: ignore[arg-type]
    lines = text.splitlines()
    assert lines[0].startswith("Test floor  ") and "■ RED 1" in lines[0] and "● GREEN 2" in lines[0]
    header = lines[2]
    assert header.split()[:4] == ["STATUS", "AGENT", "NAME", "TEAM"] and "AHT" in header
    table = lines[3:7]
    assert [line.split()[2] for line in table] == ["A3", "A1", "A2", "A4"]
    assert table[0].startswith("■ RED") and table[1].startswith("▲ AMBER")
    assert "8:20 ■" in table[0] and "5:12 ▲" in table[1] and "100% ●" in table[1]
    assert HOSTILE in table[2]  # markup-like names are just characters
    assert "\x1b" not in text and "\x07" not in text and "Ana]0;pwned" in text
    # Columns line up: every metric column ends at the same place as its header.
    aht_end = header.index("AHT") + len("AHT")
    assert all(line[aht_end - 1] != " " for line in table)
    assert "RED SINCE" in header and table[0].rstrip().endswith(
        datetime.fromtimestamp(T0, board_zone()).strftime("%H:%M")  # its row's time, not now
    )
    assert "Team averages:" in text and "Billing: AHT 5:12" in text
    assert "calls: feeds/site-a.csv  5 rows, 1 rejected" in text
    assert "    feeds/site-a.csv:3: handle_time 'abc' is not a number" in text


def board_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


def test_text_with_no_agents() -> None:
    cfg = config(*METRICS, feeds=(CALLS,))
    board = Board(cfg)
    board.tick(now=T0)
    text = render_text(board, cfg, [], T0)  # type: ignore[arg-type]
    assert "(no agents with rows in their windows)" in text


def test_csv_round_trips_in_base_units() -> None:
    board, cfg = sample()
    text = render_csv(board, cfg, STATUSES, T0 + 60)  # type: ignore[arg-type]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "status", "agent", "name", "team", "aht", "aht_status", "aht_count",
        "fcr", "fcr_status", "fcr_count", "red_since",
    ]  # fmt: skip
    assert [r["agent"] for r in rows] == board.sorted_ids()
    a1 = next(r for r in rows if r["agent"] == "A1")
    assert (float(a1["aht"]), a1["aht_status"], a1["aht_count"]) == (312.0, "amber", "1")
    a4 = next(r for r in rows if r["agent"] == "A4")
    assert (a4["aht"], a4["aht_status"], a4["aht_count"]) == ("", "none", "0")
    a3 = next(r for r in rows if r["agent"] == "A3")
    assert datetime.fromisoformat(a3["red_since"]).timestamp() == T0  # the row that made it red
    a2 = next(r for r in rows if r["agent"] == "A2")
    assert a2["team"] == "'=cmd|' /C calc'!A0"  # a spreadsheet must not run it
    assert a2["name"] == HOSTILE


def test_transition_lines_name_the_bound_crossed() -> None:
    cfg = config(*METRICS, feeds=(CALLS,), timezone="Europe/Paris")
    board = Board(cfg)
    board.ingest(
        CALLS, batch([{"ts": T0, "agent": "A1", "name": "Li Wei", "handle_time": 312.0}], FIELDS)
    )
    board.tick(now=T0)
    board.ingest(
        CALLS, batch([{"ts": T0 + 1, "agent": "A1", "handle_time": 500.0, "resolved": 0.0}], FIELDS)
    )
    delta = board.tick(now=T0 + 60)
    clock = datetime.fromtimestamp(T0 + 60, board_zone()).strftime("%H:%M")
    lines = sorted(format_transition(t, board) for t in delta.transitions)
    assert lines == [
        f"{clock} Li Wei AHT 6:46 > 6:00 RED",
        f"{clock} Li Wei FCR 0% < 70% RED",
    ]
    first = board_with_band()
    assert [format_transition(t, first) for t in first.tick(now=T0).transitions] == [
        f"{datetime.fromtimestamp(T0).strftime('%H:%M')} A9 OCC 80% outside 85%-95% AMBER"
    ]


def test_a_value_just_past_its_bound_never_reads_as_the_bound() -> None:
    cfg = config(*METRICS, feeds=(CALLS,), timezone="Europe/Paris")
    board = Board(cfg)
    row = {"ts": T0, "agent": "A2", "name": "Ana", "handle_time": 360.4}
    board.ingest(CALLS, batch([row], FIELDS))
    (line,) = [format_transition(t, board) for t in board.tick(now=T0).transitions]
    assert line.endswith("Ana AHT 6:00.4 > 6:00 RED")  # not '6:00 > 6:00'


def board_with_band() -> Board:
    occupancy = metric(
        "occ", "resolved", Agg.MEAN, 60.0, Better.BAND, (0.85, 0.95), (0.75, 1.0),
        MetricFormat.PERCENT, label="OCC",
    )  # fmt: skip
    board = Board(config(occupancy, feeds=(CALLS,), timezone=None))
    board.ingest(CALLS, batch([{"ts": T0, "agent": "A9", "resolved": 0.8}], FIELDS))
    return board
