"""Tried as a new user would: configs written from the README for the two real data sets, replayed
on the data clock; `check` passes and `board --once` agrees with an independent pandas
computation of the same figures, the floor's time and when each red began."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from floorwatch.cli import run_handler
from floorwatch.commands import board as board_command
from floorwatch.commands import check as check_command

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
BANK = REALDATA / "anonymous_bank_feb1999.tsv"
HELPDESK = REALDATA / "call_center_2021q1.csv"

pytestmark = pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata is missing")

BANK_CONFIG = f"""\
floor: {{name: "Anonymous Bank", timezone: Asia/Jerusalem, clock: data}}
feeds:
  - name: bank
    path: {BANK}
    format: tsv
    time: {{columns: [date, ser_exit], format: "%y%m%d %H:%M:%S"}}
    agent: server
    where: {{outcome: [AGENT]}}
    exclude_agents: [NO_SERVER]
    fields:
      handle_time: {{column: ser_time, type: seconds}}
metrics:
  aht: {{field: handle_time, agg: mean, window: today, better: lower, green: 180, red: 240}}
  calls: {{field: handle_time, agg: count, window: today, better: higher, green: 40, red: 20}}
"""

HELPDESK_CONFIG = f"""\
floor: {{name: "Help desk", timezone: UTC, clock: data}}
feeds:
  - name: helpdesk
    path: {HELPDESK}
    time: {{columns: [Date, Time]}}
    agent: Agent
    fields:
      resolved: {{column: Resolved, type: bool}}
      answer_speed: {{column: Speed of answer in seconds, type: seconds}}
      satisfaction: {{column: Satisfaction rating, type: number}}
metrics:
  fcr: {{field: resolved, agg: rate, window: today, better: higher, green: 75%, red: 65%}}
  asa: {{field: answer_speed, agg: mean, window: today, better: lower, green: 60, red: 90}}
  csat: {{field: satisfaction, agg: mean, window: today, better: higher, green: 3.5, red: 3}}
"""


def floorwatch(module, *argv: str) -> int:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser(prog="floorwatch")
    module.register(parser.add_subparsers(dest="command"))
    return run_handler(parser.parse_args(list(argv)))


def board_json(config: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert floorwatch(check_command, "check", "--config", str(config)) == 0
    capsys.readouterr()
    assert floorwatch(board_command, "board", "--once", "--format", "json", "--config",
                      str(config)) == 0  # fmt: skip
    return json.loads(capsys.readouterr().out)


def red_starts(day: pd.DataFrame, red_of: dict) -> dict[str, pd.Timestamp]:
    """Per agent red at the day's last moment: when that red began. Statuses change only when a
    row arrives ('today' windows), so the status after each row is read from the rows so far."""
    starts = {}
    for agent, rows in day.groupby("agent", sort=False):
        rows = rows.sort_values("ts", kind="stable")
        red = pd.Series(False, index=rows.index)
        for column, (agg, is_red) in red_of.items():
            present = rows[column].notna()
            counted = present.cumsum()
            if agg == "count":
                so_far = counted.astype(float)
            else:  # the mean (a rate is the mean of 0/1); rows without a value are skipped
                so_far = rows[column].expanding().mean().ffill()
            red |= (counted > 0) & is_red(so_far)
        at = rows.groupby("ts", sort=True).tail(1)  # the status once every row of a moment is in
        flags = red.loc[at.index].to_numpy()
        if not flags[-1]:
            continue
        calm = [i for i, flag in enumerate(flags) if not flag]
        first = calm[-1] + 1 if calm else 0
        starts[str(agent)] = at["ts"].iloc[first]
    return starts


def test_the_bank_replay_agrees_with_pandas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bank.yaml"
    config.write_text(BANK_CONFIG)
    document = board_json(config, capsys)

    frame = pd.read_csv(BANK, sep="\t", dtype=str)
    frame = frame[(frame["outcome"] == "AGENT") & (frame["server"] != "NO_SERVER")]
    stamps = pd.to_datetime(frame["date"] + " " + frame["ser_exit"], format="%y%m%d %H:%M:%S")
    frame = frame.assign(
        ts=stamps.dt.tz_localize("Asia/Jerusalem"), agent=frame["server"],
        handle=frame["ser_time"].astype(float),
    )  # fmt: skip
    newest = frame["ts"].max()
    # The data clock: the board is at the newest call, in the floor's zone.
    assert datetime.fromisoformat(document["generated_at"]) == newest.to_pydatetime()
    day = frame[frame["ts"].dt.date == newest.date()]
    expected = day.groupby("agent")["handle"].agg(["mean", "count"])
    agents = {a["agent"]: a for a in document["agents"]}
    assert set(agents) == set(expected.index)
    for agent, row in expected.iterrows():
        metrics = agents[agent]["metrics"]
        assert metrics["aht"]["value"] == pytest.approx(row["mean"])
        assert metrics["aht"]["count"] == metrics["calls"]["count"] == row["count"]
        assert metrics["calls"]["value"] == row["count"]
    starts = red_starts(
        day.assign(aht=day["handle"], calls=day["handle"]),
        {"aht": ("mean", lambda mean: mean > 240), "calls": ("count", lambda n: n < 20)},
    )
    reds = {a: x for a, x in agents.items() if x["status"] == "red"}
    assert reds and set(reds) == set(starts)
    for agent, item in reds.items():
        assert datetime.fromisoformat(item["red_since"]) == starts[agent].to_pydatetime(), agent


def test_the_help_desk_replay_agrees_with_pandas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "helpdesk.yaml"
    config.write_text(HELPDESK_CONFIG)
    document = board_json(config, capsys)

    frame = pd.read_csv(HELPDESK, encoding="utf-8-sig", dtype=str)
    frame = frame.assign(
        ts=pd.to_datetime(frame["Date"] + " " + frame["Time"]).dt.tz_localize("UTC"),
        agent=frame["Agent"],
        fcr=frame["Resolved"].map({"Y": 1.0, "N": 0.0}),
        asa=pd.to_numeric(frame["Speed of answer in seconds"], errors="coerce"),
        csat=pd.to_numeric(frame["Satisfaction rating"], errors="coerce"),
    )
    newest = frame["ts"].max()
    assert datetime.fromisoformat(document["generated_at"]) == newest.to_pydatetime()
    day = frame[frame["ts"].dt.date == newest.date()]
    agents = {a["agent"]: a for a in document["agents"]}
    assert set(agents) == set(day["agent"])
    for agent, rows in day.groupby("agent"):
        metrics = agents[agent]["metrics"]
        for key in ("fcr", "asa", "csat"):
            values = rows[key].dropna()
            assert metrics[key]["count"] == len(values), (agent, key)
            if len(values):
                assert metrics[key]["value"] == pytest.approx(values.mean()), (agent, key)
    starts = red_starts(
        day,
        {
            "fcr": ("mean", lambda rate: rate < 0.65),
            "asa": ("mean", lambda mean: mean > 90),
            "csat": ("mean", lambda mean: mean < 3),
        },
    )
    reds = {a: x for a, x in agents.items() if x["status"] == "red"}
    assert reds and set(reds) == set(starts)
    for agent, item in reds.items():
        assert datetime.fromisoformat(item["red_since"]) == starts[agent].to_pydatetime(), agent
