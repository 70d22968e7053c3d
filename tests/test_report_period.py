"""Periods and figures: a week, a month, the previous one; days the feeds no longer hold filled
exactly from the kept daily figures (row counts), a p90 never rebuilt from daily figures; count
targets over working days; --team."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from floorwatch.cli import main
from floorwatch.config import load_config
from floorwatch.config.types import Agg
from floorwatch.feeds import FloorFeeds
from floorwatch.reports.period import FloorFigures, Period, period_ending
from tests.report_support import write_floor


def test_periods() -> None:
    assert period_ending("day", date(2021, 1, 17)) == Period(
        "day", date(2021, 1, 17), date(2021, 1, 17)
    )
    week = period_ending("week", date(2021, 1, 17))
    assert (week.start, week.days, week.previous().end) == (date(2021, 1, 11), 7, date(2021, 1, 10))
    month = period_ending("month", date(2021, 2, 28))
    assert (month.start, month.previous().start, month.previous().end) == (
        date(2021, 2, 1),
        date(2021, 1, 1),
        date(2021, 1, 31),
    )
    mid = period_ending("month", date(2021, 3, 15))
    assert (mid.start, mid.end) == (date(2021, 2, 16), date(2021, 3, 15))
    assert period_ending("month", date(2021, 1, 31)).previous() == Period(
        "month", date(2020, 12, 1), date(2020, 12, 31)
    )
    with pytest.raises(ValueError):
        period_ending("year", date(2021, 1, 1))


def figures_of(tmp_path: Path, kept: list[tuple[str, str, str, float, int]], drop_before: str):
    config = load_config(write_floor(tmp_path))
    feeds = FloorFeeds(config)
    updates = feeds.load_all()
    feeds.close()
    from floorwatch.live.clock import DayClock
    from floorwatch.live.daily_figures import floor_days

    clock = DayClock("UTC", "00:00")
    batches = []
    for update in updates:  # the feeds "no longer hold" the days before drop_before
        rows = update.rows
        days = floor_days(rows["ts"].to_numpy(), clock)
        batches.append((update.feed, rows[pd.Series(days, index=rows.index) >= drop_before]))
    return config, FloorFigures(config, batches, kept)


def test_kept_days_combine_exactly_with_rows(tmp_path: Path) -> None:
    # A1: 3 calls a day at 400 s to 11-08, then 250 s. Keep 11-01..11-07 as daily figures only.
    kept = [(f"2026-11-0{d}", "A1", "aht", 400.0, 3) for d in range(1, 8)]
    kept += [(f"2026-11-0{d}", "A1", "calls", 3.0, 3) for d in range(1, 8)]
    config, figures = figures_of(tmp_path, kept, "2026-11-08")
    aht = config.metric("aht")
    got = figures.figures(aht, "2026-11-05", "2026-11-11", "agent")["A1"]
    # rows: 11-08 at 400 (3 calls), 11-09..11 at 250 (9 calls); kept: 11-05..07 at 400 (9 calls)
    assert got.count == 21
    assert got.value == pytest.approx((12 * 400 + 9 * 250) / 21, rel=1e-12)
    calls = figures.figures(config.metric("calls"), "2026-11-05", "2026-11-11", "agent")["A1"]
    assert (calls.value, calls.count) == (21.0, 21)
    assert figures.working_days(config.metric("calls"), "2026-11-05", "2026-11-11") == 7


def test_a_p90_is_never_rebuilt_from_daily_figures(tmp_path: Path) -> None:
    kept = [(f"2026-11-0{d}", "A1", "aht", 400.0, 3) for d in range(1, 8)]
    config, figures = figures_of(tmp_path, kept, "2026-11-08")
    from dataclasses import replace

    p90 = replace(config.metric("aht"), agg=Agg.P90)
    mixed = figures.figures(p90, "2026-11-06", "2026-11-09", "agent")["A1"]
    assert mixed.value is None and not mixed.exact
    rows_only = figures.figures(p90, "2026-11-08", "2026-11-09", "agent")["A1"]
    assert rows_only.value == pytest.approx(pd.Series([400.0] * 3 + [250.0] * 3).quantile(0.9))


def test_team_filter_and_count_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_floor(tmp_path))
    store = str(tmp_path / "notes.sqlite3")
    args = [
        "report",
        "--config",
        config,
        "--store",
        store,
        "--format",
        "json",
        "--period",
        "week",
        "--ending",
        "2026-11-14",
    ]
    assert main([*args, "--team", "North"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["floor"]["team"] == "North" and [t["team"] for t in document["teams"]] == [
        "North"
    ]
    calls = document["agents"][0]["metrics"]["calls"]
    assert (calls["value"], calls["target"], calls["status"]) == (21.0, 21.0, "green")  # 3 a day
    assert document["floor"]["metrics"]["calls"]["status"] == "none"  # a total: no per-agent level
    assert main([*args, "--team", "South"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["agents"] == []
    assert "no figures for team South" in captured.err
    assert main([*args[:-1], "2027-01-31"]) == 0
    assert (
        "the latest day with data is 2026-11-14 (try --ending 2026-11-14)"
        in capsys.readouterr().err
    )


def test_daily_series_for_all_agents_equal_one_by_one(tmp_path: Path) -> None:
    kept = [(f"2026-11-0{d}", "A1", "aht", 400.0, 3) for d in range(1, 8)]
    config, figures = figures_of(tmp_path, kept, "2026-11-05")
    for metric in config.metrics:
        together = figures.daily_all(metric, "2026-11-01", "2026-11-14")
        for agent in ("A1", "A2"):
            alone = figures.daily(metric, agent, "2026-11-01", "2026-11-14")
            assert together.get(agent, []) == alone
            assert alone  # every agent has days


# -- --ending's default: the last complete floor day by the floor's clock ----------------------


def data_floor(tmp_path: Path, floor: str) -> Path:
    config = write_floor(tmp_path)
    text = config.read_text().replace('floor: {name: "Constructed floor", timezone: UTC}', floor)
    assert text != config.read_text()
    config.write_text(text)
    return config


def test_ending_defaults_to_the_datas_last_complete_day_on_a_data_clock_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The rows run 2026-11-01..14, the last at 14:00 on the 14th: by the data's clock it is the
    # 14th, still going, so the last complete day is the 13th (whatever the wall clock says).
    config = data_floor(tmp_path, "floor: {name: Replay, timezone: UTC, clock: data}")
    args = ["report", "--config", str(config), "--store", str(tmp_path / "n.sqlite3")]
    assert main([*args, "--format", "json", "--period", "week"]) == 0
    document = json.loads(capsys.readouterr().out)
    period = document["period"]
    assert (period["start"], period["end"]) == ("2026-11-07", "2026-11-13")
    assert document["agents"]  # figures, not an empty report of the wall clock's last week


def test_the_data_clocks_day_starts_at_day_starts(tmp_path: Path) -> None:
    from floorwatch.commands.report import last_complete_day, load_updates

    floor = 'floor: {name: Replay, timezone: UTC, clock: data, day_starts: "15:00"}'
    config = load_config(data_floor(tmp_path, floor))
    # 14:00 on the 14th is before the 14th's floor day starts: still the 13th's, so the 12th.
    assert last_complete_day(config, load_updates(config)) == date(2026, 11, 12)


def test_ending_keeps_the_wall_clocks_yesterday_on_a_live_floor(tmp_path: Path) -> None:
    from floorwatch.commands.report import last_complete_day, load_updates

    live = load_config(write_floor(tmp_path))
    assert live.floor.clock == "wall"
    wall = datetime(2027, 3, 2, 9, 30, tzinfo=UTC).timestamp()
    assert last_complete_day(live, load_updates(live), wall=lambda: wall) == date(2027, 3, 1)
    # A data-clock floor with no rows yet has no day of its own: the wall clock's yesterday.
    replay = load_config(data_floor(tmp_path, "floor: {name: R, timezone: UTC, clock: data}"))
    assert last_complete_day(replay, [], wall=lambda: wall) == date(2027, 3, 1)


def test_report_help_says_what_ending_defaults_to(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the last complete floor day by the floor's clock" in text
    assert "floor.clock: data" in text


def test_goals_checkin_measures_the_datas_last_complete_week_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = data_floor(tmp_path, "floor: {name: Replay, timezone: UTC, clock: data}")
    base = ["--config", str(config), "--store", str(tmp_path / "n.sqlite3")]
    goal = ["--metric", "aht", "--agent", "A2", "--from", "6:40", "--to", "5:00"]
    assert main(["goals", "add", *base, *goal, "--start", "2026-11-01", "--due", "2026-12-31"]) == 0
    capsys.readouterr()
    assert main(["goals", "checkin", *base, "G1"]) == 0
    # A2's week 11-07..11-13 (not the wall clock's last week): 2 days at 400 s, 5 at 350 s
    # -> 364.3 s: 35.7% of the way from 400 to 300.
    assert "36% done" in capsys.readouterr().out
