"""Daily figures (live.daily_figures), their store, and `floorwatch history` on real data."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from floorwatch.config import load_config
from floorwatch.feeds import FloorFeeds
from floorwatch.live.daily_figures import daily_figures, floor_days
from floorwatch.live.metrics import DayClock, MetricsEngine
from floorwatch.store import NoteStore

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "call_center_2021q1.csv"
REPO = Path(__file__).resolve().parents[1]

# The help desk of the real 2021 data, with every aggregation somewhere.
CONFIG = f"""\
floor: {{name: Help desk, timezone: Europe/Paris, day_starts: "08:00"}}
feeds:
  - name: calls
    path: {REALDATA}
    format: csv
    time: {{columns: [Date, Time]}}
    agent: Agent
    fields:
      resolved: {{column: Resolved, type: bool}}
      answer_time: {{column: Speed of answer in seconds, type: seconds}}
      talk: {{column: AvgTalkDuration, type: duration}}
      csat: {{column: Satisfaction rating, type: number}}
metrics:
  talk: {{field: talk, agg: mean, window: today, better: lower, green: 240, red: 360}}
  fcr: {{field: resolved, agg: rate, window: today, better: higher, green: 80%, red: 70%}}
  csat: {{field: csat, agg: last, window: today, better: higher, green: 3.5, red: 3}}
  asa90: {{field: answer_time, agg: p90, window: today, better: lower, green: 60, red: 100}}
  slowest: {{field: answer_time, agg: max, window: today, better: lower, green: 100, red: 120}}
  calls: {{field: talk, agg: count, window: today, better: higher, green: 20, red: 10}}
  talked: {{field: talk, agg: sum, window: today, better: higher, green: 5000, red: 2000}}
"""

needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata is missing")


def write_config(folder: Path) -> Path:
    path = folder / "floorwatch.yaml"
    path.write_text(CONFIG)
    return path


@needs_realdata
def test_each_days_figure_is_what_the_engine_gives_over_that_day(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    updates = [u for u in FloorFeeds(config).load_all() if len(u.rows)]
    figures = daily_figures(config, [(u.feed, u.rows) for u in updates])
    engine = MetricsEngine(config.metrics, config.floor)
    for update in updates:
        engine.ingest(update.rows)
    zone = ZoneInfo("Europe/Paris")
    assert figures["day"].nunique() >= 85 and figures["agent"].nunique() == 8
    checked = 0
    for day in ("2021-01-04", "2021-02-15", "2021-03-31"):
        start = datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=8), zone)
        end = start + timedelta(days=1)  # the next 08:00 on the wall clock
        for row in figures[figures["day"] == day].itertuples():
            value, count = engine.metric_value(
                row.agent, row.metric, start.timestamp(), end.timestamp()
            )
            assert (row.value, row.count) == (pytest.approx(value), count), row
            checked += 1
    assert checked >= 3 * 8 * 6  # every metric of every agent on those days


def test_a_time_before_day_starts_belongs_to_the_day_before() -> None:
    clock = DayClock("Europe/Paris", "06:00")
    moments = ["2024-03-31 05:59:59", "2024-03-31 06:00:00", "2024-10-27 05:30:00"]  # DST days
    ts = pd.to_datetime(moments).tz_localize("Europe/Paris").map(lambda t: t.timestamp())
    assert floor_days(ts.to_numpy(dtype="float64"), clock).tolist() == [
        "2024-03-30", "2024-03-31", "2024-10-26",
    ]  # fmt: skip


def test_the_store_keeps_figures_and_a_day_read_again_replaces_its_own(tmp_path: Path) -> None:
    store = NoteStore(tmp_path / "notes.db")
    store.save_daily_figures(
        [("2024-01-02", "A1", "aht", 200.0, 10), ("2024-01-03", "A1", "aht", 190.0, 12)]
    )
    store.save_daily_figures(
        [("2024-01-03", "A1", "aht", 180.0, 14), ("2024-01-03", "A2", "aht", 99.0, 1)]
    )
    assert store.daily_figures("A1", "2024-01-01") == [
        ("2024-01-02", "aht", 200.0, 10), ("2024-01-03", "aht", 180.0, 14),
    ]  # fmt: skip
    assert store.daily_figures("A1", "2024-01-03") == [("2024-01-03", "aht", 180.0, 14)]
    store.close()


@needs_realdata
def test_history_build_then_show_on_three_months_of_real_calls(tmp_path: Path) -> None:
    config, store = write_config(tmp_path), tmp_path / "notes.db"
    common = ["--config", str(config), "--store", str(store)]

    def floorwatch(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "floorwatch", "history", *args, *common],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    built = floorwatch("build")
    assert "days 2021-01-01..2021-03-31, 8 agents" in built
    assert floorwatch("build").splitlines()[0] == built.splitlines()[0]  # idempotent
    shown = floorwatch("show", "Diane", "--today", "2021-03-31")
    assert shown.startswith("Diane: trends to 2021-03-31")
    fcr = next(line for line in shown.splitlines() if line.strip().startswith("FCR:"))
    assert "3 months: " in fcr and "6 months: " in fcr and "not enough history" not in fcr
    early = floorwatch("show", "Diane", "--today", "2021-01-05")
    assert "not enough history" in early
    store.unlink()
    missing = floorwatch("show", "Diane", "--today", "2021-03-31")
    assert "no daily figures since 2020-09-29: `floorwatch history build` keeps them" in missing
    assert not store.exists()


def _history(*argv: str) -> int:
    import argparse

    from floorwatch.cli import run_handler
    from floorwatch.commands import history

    parser = argparse.ArgumentParser(prog="floorwatch")
    history.register(parser.add_subparsers(dest="command"))
    return run_handler(parser.parse_args(["history", *argv]))


@needs_realdata
def test_history_show_for_an_agent_nobody_knows_says_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    common = ["--config", str(config), "--store", str(tmp_path / "notes.db")]
    assert _history("show", "Dianne", *common) == 2
    err = capsys.readouterr().err
    assert "no agent 'Dianne'" in err and "did you mean 'Diane'?" in err
    assert _history("show", "Diane", "--today", "2021-03-31", *common) == 0  # known: no figures
    assert not (tmp_path / "notes.db").exists()


@needs_realdata
def test_history_show_on_the_data_clock_speaks_the_datas_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "floorwatch.yaml"
    path.write_text(CONFIG.replace('day_starts: "08:00"}', 'day_starts: "08:00", clock: data}'))
    assert _history("show", "Diane", "--config", str(path), "--store", str(tmp_path / "n.db")) == 0
    out = capsys.readouterr().out
    # The newest call is on 2021-03-31: the replay's today, not the machine's.
    assert out.startswith("Diane: trends to 2021-03-31")
    assert "no daily figures since 2020-09-29" in out
