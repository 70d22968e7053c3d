"""Real call-center files read through a config, checked against an independent computation.

The expected figures are computed here with the csv module and the standard library only (no
pandas, nothing from floorwatch), straight from the files in ../shared/realdata.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from floorwatch.config import load_config
from floorwatch.feeds import FloorFeeds

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
CONFIG = Path(__file__).resolve().parent / "fixtures" / "feeds" / "realdata.yaml"
BANK = REALDATA / "anonymous_bank_feb1999.tsv"
HELPDESK = REALDATA / "call_center_2021q1.csv"
ZONE = ZoneInfo("Asia/Jerusalem")

pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def rows() -> dict[str, pd.DataFrame]:
    feeds = FloorFeeds(load_config(CONFIG))
    by_feed: dict[str, list[pd.DataFrame]] = defaultdict(list)
    for update in feeds.load_all():
        by_feed[update.feed.name].append(update.rows)
    for status in feeds.statuses():
        assert (status.rejected, status.errors, status.missing) == (0, [], False)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in by_feed.items()}


def per_agent(frame: pd.DataFrame, field: str) -> dict[str, tuple[int, float]]:
    """(count of values, mean) per agent, from floorwatch's rows."""
    result = {}
    for agent, group in frame.groupby("agent"):
        values = group[field].dropna()
        result[str(agent)] = (len(values), float(values.mean()) if len(values) else float("nan"))
    return result


def expected(values: dict[str, list[float]]) -> dict[str, tuple[int, float]]:
    return {
        agent: (len(v), statistics.fmean(v) if v else float("nan")) for agent, v in values.items()
    }


def assert_same(got: dict[str, tuple[int, float]], want: dict[str, tuple[int, float]]) -> None:
    assert sorted(got) == sorted(want)
    for agent, (count, mean) in want.items():
        assert got[agent][0] == count, agent
        if count:
            assert got[agent][1] == pytest.approx(mean, rel=1e-12), agent


def read_bank() -> list[dict[str, str]]:
    with BANK.open(newline="", encoding="utf-8") as file:
        return [
            row
            for row in csv.DictReader(file, delimiter="\t")
            if row["outcome"] == "AGENT" and row["server"] != "NO_SERVER"
        ]


def test_bank_rows_per_agent(rows: dict[str, pd.DataFrame]) -> None:
    bank = read_bank()
    handle: dict[str, list[float]] = defaultdict(list)
    wait: dict[str, list[float]] = defaultdict(list)
    for row in bank:
        handle[row["server"]].append(float(row["ser_time"]))
        wait[row["server"]].append(float(row["q_time"]))
    frame = rows["bank"]
    assert len(frame) == len(bank)
    assert len(handle) == 24  # the README's 24 named agents
    assert_same(per_agent(frame, "handle_time"), expected(handle))
    assert_same(per_agent(frame, "wait"), expected(wait))


def test_bank_times_are_local_service_ends(rows: dict[str, pd.DataFrame]) -> None:
    bank = read_bank()
    want = [
        datetime.strptime(f"{row['date']} {row['ser_exit']}", "%y%m%d %H:%M:%S")
        .replace(tzinfo=ZONE)
        .timestamp()
        for row in bank
    ]
    assert rows["bank"]["ts"].tolist() == want


def test_helpdesk_rows_per_agent(rows: dict[str, pd.DataFrame]) -> None:
    raw = HELPDESK.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark is really there
    with HELPDESK.open(newline="", encoding="utf-8-sig") as file:
        calls = list(csv.DictReader(file))
    series: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in calls:
        agent = row["Agent"]
        for name, column in (("answered", "Answered (Y/N)"), ("resolved", "Resolved")):
            series[name][agent].append(1.0 if row[column] == "Y" else 0.0)
        if row["Speed of answer in seconds"]:
            series["answer_speed"][agent].append(float(row["Speed of answer in seconds"]))
        if row["AvgTalkDuration"]:
            hours, minutes, seconds = (int(p) for p in row["AvgTalkDuration"].split(":"))
            series["talk_time"][agent].append(hours * 3600 + minutes * 60 + seconds)
        if row["Satisfaction rating"]:
            series["satisfaction"][agent].append(float(row["Satisfaction rating"]))
    frame = rows["helpdesk"]
    assert len(frame) == len(calls) == 5000
    for name, values in series.items():
        assert_same(per_agent(frame, name), expected(values))
    # unanswered calls have no rating: missing values, not zeros and not rejections
    unanswered = sum(1 for row in calls if row["Answered (Y/N)"] == "N")
    assert unanswered > 0
    assert int(frame["satisfaction"].isna().sum()) == unanswered
    first = datetime.fromisoformat(f"{calls[0]['Date']} {calls[0]['Time']}").replace(tzinfo=ZONE)
    assert frame["ts"].iloc[0] == first.timestamp()
