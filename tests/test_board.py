"""The board model: rows, statuses, deltas, transitions, order, summaries, roster."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorwatch.config.types import Agg, Better, MetricFormat, Threshold
from floorwatch.feeds.roster import Roster, RosterEntry, RosterError, load_roster
from floorwatch.live.board import Board, BoardDelta, filter_until
from floorwatch.live.thresholds import Status
from tests.test_metrics import NAN, T0, batch, config, feed, metric

CALLS = feed(("handle_time", "resolved"))


def aht(**overrides: object):
    return metric("aht", "handle_time", Agg.MEAN, 900.0, Better.LOWER, 300.0, 360.0, **overrides)


def fcr(**overrides: object):
    settings: dict = dict(better=Better.HIGHER, green=0.8, red=0.7, fmt=MetricFormat.PERCENT)
    return metric("fcr", "resolved", Agg.RATE, 3600.0, **(settings | overrides))


def board_with(*rows: dict, metrics=None, **config_options) -> Board:
    board = Board(config(*(metrics or (aht(), fcr())), feeds=(CALLS,), **config_options))
    if rows:
        board.ingest(CALLS, batch(list(rows), CALLS_FIELDS))
    return board


CALLS_FIELDS = ("handle_time", "resolved")


def call(agent: str, ts: float, handle_time: float = NAN, resolved: float = NAN, **labels):
    return {"ts": ts, "agent": agent, "handle_time": handle_time, "resolved": resolved, **labels}


# -- cells and statuses ---------------------------------------------------------------------------


def test_a_row_per_agent_with_cells_and_worst_status() -> None:
    board = board_with(
        call("A1", T0, 200.0, 1.0),
        call("A1", T0 + 1, 400.0, 0.0),  # mean AHT 300 -> green; FCR 50% -> red
        call("A2", T0 + 2, 330.0, 1.0),  # amber, green
    )
    delta = board.tick(now=T0 + 10)
    assert delta.added == {"A1", "A2"} and not delta.changed and delta.first
    a1 = board.rows["A1"]
    assert a1.cells["aht"].value == pytest.approx(300.0)
    assert a1.cells["aht"].status is Status.GREEN
    assert a1.cells["fcr"].value == pytest.approx(0.5)
    assert a1.cells["fcr"].status is Status.RED
    assert a1.status is Status.RED and a1.red_since == T0 + 1  # the row that turned FCR red
    assert board.rows["A2"].status is Status.AMBER
    assert list(a1.cells) == ["aht", "fcr"]  # config order


def test_min_count_guard_shows_the_value_without_a_status() -> None:
    board = board_with(call("A1", T0, 900.0), metrics=(aht(min_count=3),))
    board.tick(now=T0 + 1)
    cell = board.rows["A1"].cells["aht"]
    assert (cell.value, cell.count, cell.status) == (900.0, 1, Status.NONE)
    assert board.rows["A1"].status is Status.NONE
    board.ingest(CALLS, batch([call("A1", T0 + 2, 900.0), call("A1", T0 + 3, 900.0)], CALLS_FIELDS))
    board.tick(now=T0 + 4)
    assert board.rows["A1"].cells["aht"].status is Status.RED


def test_team_and_agent_overrides_apply_by_team_from_the_feed() -> None:
    overrides = {
        "team_thresholds": {"Onboarding": {"aht": Threshold(green=420.0, red=540.0)}},
        "agent_thresholds": {"A3": {"aht": Threshold(green=350.0, red=None)}},
    }
    board = board_with(
        call("A1", T0, 400.0, team="Billing"),
        call("A2", T0, 400.0, team="Onboarding"),
        call("A3", T0, 400.0, team="Onboarding"),  # green 350 own, red 540 from the team
        metrics=(aht(),),
        **overrides,
    )
    board.tick(now=T0 + 1)
    assert board.rows["A1"].status is Status.RED
    assert board.rows["A2"].status is Status.GREEN
    assert board.rows["A3"].status is Status.AMBER
    # A3 moves team in the feed: thresholds follow it, even though no value changed.
    board.ingest(CALLS, batch([call("A3", T0 + 2, team="Billing")], CALLS_FIELDS))
    delta = board.tick(now=T0 + 3)
    assert delta.changed == {"A3"}
    assert board.rows["A3"].team == "Billing"
    assert board.rows["A3"].status is Status.RED  # green 350 own, red 360 from the metric


def test_band_metric_on_the_board() -> None:
    occupancy = metric(
        "occ", "resolved", Agg.MEAN, 3600.0, Better.BAND, (0.85, 0.95), (0.75, 1.0),
        MetricFormat.PERCENT,
    )  # fmt: skip
    board = board_with(
        call("A1", T0, resolved=0.9), call("A2", T0, resolved=0.8), call("A3", T0, resolved=0.5),
        metrics=(occupancy,),
    )  # fmt: skip
    board.tick(now=T0 + 1)
    assert [board.rows[a].status for a in ("A1", "A2", "A3")] == [
        Status.GREEN,
        Status.AMBER,
        Status.RED,
    ]


def test_snapshot_feed_cells() -> None:
    snapshot_feed = feed(("adherence",), kind="snapshot", name="state")
    adherence = metric(
        "adh", "adherence", Agg.MEAN, 900.0, Better.HIGHER, 0.9, 0.8, MetricFormat.PERCENT
    )
    board = Board(config(adherence, feeds=(snapshot_feed,)))
    rows = [
        {"ts": T0, "agent": "A1", "adherence": 0.95},
        {"ts": T0, "agent": "A2", "adherence": 0.5},
    ]
    board.ingest(snapshot_feed, batch(rows, ["adherence"]))
    board.tick(now=T0 + 5000)  # long past the window: a snapshot is the current state
    assert board.rows["A1"].cells["adh"].count == 1
    assert board.rows["A2"].status is Status.RED
    board.ingest(
        snapshot_feed, batch([{"ts": T0 + 1, "agent": "A2", "adherence": 0.92}], ["adherence"])
    )
    delta = board.tick(now=T0 + 5001)
    assert delta.changed == {"A2"} and board.rows["A2"].status is Status.GREEN


# -- time and deltas ------------------------------------------------------------------------------


def test_a_row_leaving_the_window_produces_a_delta_with_a_frozen_clock() -> None:
    board = board_with(
        call("A1", T0, 200.0), call("A1", T0 + 300, 500.0), call("A2", T0 + 300, 100.0),
        metrics=(aht(),),
    )  # fmt: skip
    board.tick(now=T0 + 300)
    assert board.rows["A1"].status is Status.AMBER  # mean 350
    assert board.tick(now=T0 + 899).empty
    delta = board.tick(now=T0 + 900)  # the 200 s call leaves the 15-minute window
    assert delta.changed == {"A1"} and not delta.added and not delta.removed
    assert board.rows["A1"].cells["aht"].value == 500.0
    assert board.rows["A1"].status is Status.RED
    assert [(t.agent, t.metric, t.old, t.new, t.value) for t in delta.transitions] == [
        ("A1", "aht", Status.AMBER, Status.RED, 500.0)
    ]
    assert delta.now == T0 + 900 and not delta.first
    # At T0 + 1200 every row is gone: agents leave the board.
    delta = board.tick(now=T0 + 1200)
    assert delta.removed == {"A1", "A2"} and board.rows == {}


def test_deltas_list_only_changed_agents() -> None:
    agents = [f"A{i}" for i in range(50)]
    board = board_with(*(call(a, T0, 200.0, 1.0) for a in agents))
    board.tick(now=T0 + 1)
    before = dict(board.rows)
    board.ingest(
        CALLS, batch([call("A7", T0 + 2, 1000.0), call("A9", T0 + 2, 200.0)], CALLS_FIELDS)
    )
    delta = board.tick(now=T0 + 3)
    # A9's mean stayed 200 but its count moved: a changed row too; the 48 others are not listed.
    assert delta.changed == {"A7", "A9"}
    assert {a for a in agents if board.rows[a] != before[a]} == {"A7", "A9"}
    assert [t.agent for t in delta.transitions] == ["A7"]
    assert board.tick(now=T0 + 4).empty  # nothing happened


def test_added_agent_transitions_from_none() -> None:
    board = board_with(call("A1", T0, 200.0))
    board.tick(now=T0)
    board.ingest(CALLS, batch([call("B1", T0 + 1, 999.0)], CALLS_FIELDS))
    delta = board.tick(now=T0 + 2)
    assert delta.added == {"B1"} and not delta.changed
    assert [(t.agent, t.old, t.new) for t in delta.transitions] == [("B1", Status.NONE, Status.RED)]


def test_red_since_is_kept_while_red_and_cleared_after() -> None:
    board = board_with(call("A1", T0, 500.0), metrics=(aht(),))
    board.tick(now=T0 + 5)
    assert board.rows["A1"].red_since == T0
    board.ingest(CALLS, batch([call("A1", T0 + 10, 600.0)], CALLS_FIELDS))
    board.tick(now=T0 + 20)
    assert board.rows["A1"].red_since == T0
    board.ingest(CALLS, batch([call("A1", T0 + 30, 0.0)] * 8, CALLS_FIELDS))
    delta = board.tick(now=T0 + 40)
    assert board.rows["A1"].status is Status.GREEN and board.rows["A1"].red_since is None
    assert [(t.old, t.new) for t in delta.transitions] == [(Status.RED, Status.GREEN)]


def test_a_red_found_at_start_gets_its_true_start_from_the_rows() -> None:
    board = board_with(
        call("A1", T0, 200.0),
        call("A1", T0 + 60, 900.0),  # mean 550: red from here on
        call("A1", T0 + 120, 400.0),
        metrics=(aht(),),
    )
    board.tick(now=T0 + 300)
    assert board.rows["A1"].red_since == T0 + 60 and not board.rows["A1"].red_at_start
    # Later, rows come as they happen: a red begins when the board sees it.
    board.ingest(CALLS, batch([call("B1", T0 + 306, 999.0)], CALLS_FIELDS))
    board.tick(now=T0 + 310)
    assert board.rows["B1"].red_since == T0 + 310 and not board.rows["B1"].red_at_start
    assert board.rows["A1"].red_since == T0 + 60


def test_a_red_start_follows_rolling_windows_and_overrides() -> None:
    short = metric("aht", "handle_time", Agg.MEAN, 60.0, Better.LOWER, 300.0, 360.0)
    rows = [call(agent, T0 + offset, value) for agent in ("A1", "A2")
            for offset, value in ((0, 100.0), (30, 500.0))]  # fmt: skip
    board = board_with(
        *rows, metrics=(short,), agent_thresholds={"A2": {"aht": Threshold(green=None, red=250.0)}}
    )
    board.tick(now=T0 + 80)
    # A1: mean 300 (green) until the 100 s call leaves the 60 s window at T0 + 60, not at a row.
    assert board.rows["A1"].red_since == T0 + 60
    # A2's own red bound (250) makes the same mean of 300 red at once.
    assert board.rows["A2"].red_since == T0 + 30


def test_today_rollover_in_the_floor_timezone_empties_the_board() -> None:
    zone = ZoneInfo("Asia/Tokyo")
    day = datetime(2025, 6, 2, 8, 0, tzinfo=zone).timestamp()
    today = metric("calls", "handle_time", Agg.COUNT, None, Better.HIGHER, 3.0, 1.0)
    board = board_with(
        call("A1", day, 100.0), call("A1", day + 60, 100.0), metrics=(today,),
        timezone="Asia/Tokyo", day_starts="07:00",
    )  # fmt: skip
    board.tick(now=day + 3600)
    assert board.rows["A1"].cells["calls"].value == 2.0
    assert board.tick(now=datetime(2025, 6, 3, 6, 59, tzinfo=zone).timestamp()).empty
    delta = board.tick(now=datetime(2025, 6, 3, 7, 0, tzinfo=zone).timestamp())
    assert delta.removed == {"A1"}


def test_data_clock_uses_the_newest_row() -> None:
    board = board_with(call("A1", T0, 200.0), metrics=(aht(),), clock="data")
    board.clock = lambda: pytest.fail("the wall clock must not be read")  # type: ignore[assignment]
    assert board.tick().now == T0
    board.ingest(CALLS, batch([call("A2", T0 + 1000, 200.0)], CALLS_FIELDS))
    delta = board.tick()
    assert delta.now == T0 + 1000 and delta.removed == {"A1"}


def test_wall_clock_is_the_injected_clock() -> None:
    board = board_with(call("A1", T0, 200.0), metrics=(aht(),))
    board.clock = lambda: T0 + 60
    assert board.tick().now == T0 + 60 and "A1" in board.rows


def test_filter_until_ignores_rows_after_at() -> None:
    rows = batch(
        [call("A1", T0, 100.0), call("A1", T0 + 10, 900.0), call("A2", T0 + 11, 1.0)], CALLS_FIELDS
    )
    kept = filter_until(rows, T0 + 10)
    assert kept["ts"].tolist() == [T0, T0 + 10]
    assert filter_until(rows, T0 + 100) is rows


def test_stale_feeds_mark_their_cells() -> None:
    board = board_with(call("A1", T0, 200.0, 1.0))
    board.tick(now=T0)
    board.set_stale({"calls"})
    delta = board.tick(now=T0 + 1)
    assert delta.changed == {"A1"}
    assert all(cell.stale for cell in board.rows["A1"].cells.values())
    board.set_stale(set())
    board.tick(now=T0 + 2)
    assert not any(cell.stale for cell in board.rows["A1"].cells.values())


# -- order and views ------------------------------------------------------------------------------


def sample_board() -> Board:
    board = board_with(
        call("R1", T0, 500.0, 1.0, name="Zed"),  # red, aht excess (500-300)/60
        call("R2", T0, 400.0, 1.0, name="Amy"),  # red, smaller excess
        call("R3", T0, 400.0, 1.0, name="Amy"),  # tie with R2: broken by id
        call("Y1", T0, 330.0, 1.0, name="Bob", team="Billing"),  # amber
        call("G1", T0, 100.0, 1.0, name="Cat", team="Billing"),  # green
        call("G2", T0, 100.0, 1.0, name="ann", team="Billing"),  # green, sorts before Cat
        call("N1", T0, resolved=1.0, name="Dan"),  # no AHT, FCR green -> green
        metrics=(aht(), fcr(min_count=2)),  # one call is too few for FCR: NONE for everyone
    )
    board.ingest(CALLS, batch([call("N2", T0, resolved=1.0, name="Eve")], CALLS_FIELDS))
    board.tick(now=T0 + 1)
    return board


def test_status_order_worst_first_then_excess_then_name_then_id() -> None:
    board = sample_board()
    assert board.rows["N2"].status is Status.NONE
    assert board.sorted_ids() == ["R1", "R2", "R3", "Y1", "G2", "G1", "N1", "N2"]


def test_order_is_stable_when_other_agents_change() -> None:
    board = sample_board()
    before = board.sorted_ids()
    board.ingest(CALLS, batch([call("Y1", T0 + 2, 330.0)], CALLS_FIELDS))  # same value again
    board.tick(now=T0 + 3)
    assert board.sorted_ids() == before
    board.ingest(CALLS, batch([call("G1", T0 + 2, 1000.0)], CALLS_FIELDS))  # G1 turns red
    board.tick(now=T0 + 4)
    after = board.sorted_ids()
    assert after[0] == "G1" and [a for a in after if a != "G1"] == [a for a in before if a != "G1"]


def test_filters_by_team_and_status() -> None:
    board = sample_board()
    assert board.sorted_ids(team="Billing") == ["Y1", "G2", "G1"]
    assert board.sorted_ids(only=[Status.RED]) == ["R1", "R2", "R3"]
    assert board.sorted_ids(team="Billing", only={Status.GREEN}) == ["G2", "G1"]
    assert board.teams() == ["Billing"]


def test_sort_by_name_and_by_metric() -> None:
    board = sample_board()
    assert board.sorted_ids("name") == ["R2", "R3", "G2", "Y1", "G1", "N1", "N2", "R1"]
    # AHT worst first; agents without an AHT value last.
    assert board.sorted_ids("aht") == ["R1", "R2", "R3", "Y1", "G2", "G1", "N1", "N2"]
    with pytest.raises(ValueError, match="unknown sort"):
        board.sorted_ids("nope")


def test_counts_and_team_summary() -> None:
    board = sample_board()
    assert board.counts() == {Status.RED: 3, Status.AMBER: 1, Status.GREEN: 2, Status.NONE: 2}
    assert board.counts("Billing") == {
        Status.RED: 0,
        Status.AMBER: 1,
        Status.GREEN: 2,
        Status.NONE: 0,
    }
    summary = board.team_summary()
    assert set(summary) == {"Billing"}
    value, status = summary["Billing"]["aht"]
    assert value == pytest.approx((330 + 100 + 100) / 3) and status is Status.GREEN
    assert summary["Billing"]["fcr"] == (None, Status.NONE)  # below min_count everywhere
    floor_aht = board.floor_summary()["aht"]
    assert floor_aht[0] == pytest.approx((500 + 400 + 400 + 330 + 100 + 100) / 6)
    assert floor_aht[1] is Status.AMBER


def test_cached_views_follow_changes() -> None:
    board = sample_board()
    assert board.counts()[Status.RED] == 3
    board.ingest(CALLS, batch([call("G1", T0 + 2, 1000.0)], CALLS_FIELDS))
    board.tick(now=T0 + 3)
    assert board.counts()[Status.RED] == 4
    assert board.sorted_ids()[0] == "G1"


def test_metric_value_look_back() -> None:
    board = Board(config(aht(), feeds=(CALLS,)), retain=7200.0)
    rows = [call("A1", T0 + i * 600, 100.0 * (i + 1)) for i in range(6)]
    board.ingest(CALLS, batch(rows, CALLS_FIELDS))
    board.tick(now=T0 + 3000)
    assert board.metric_value("A1", "aht", T0, T0 + 1200) == (pytest.approx(150.0), 2)


# -- names, teams and the roster ------------------------------------------------------------------


def write_roster(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_names_come_first_then_feed_then_id(tmp_path: Path) -> None:
    roster_path = write_roster(
        tmp_path / "roster.csv",
        "\ufeffagent_id,name,team,hire_date,supervisor\n"
        "A1,Li Wei,Billing,2024-02-01,Grace\n"
        "A2,,,,\n",
    )
    board = board_with(
        call("A1", T0, 100.0, name="feed name", team="Feed team"),
        call("A2", T0, 100.0, name="Feed Two", team="Tech"),
        call("A3", T0, 100.0),
        roster=Path(roster_path.name),  # relative: read next to the config
        source=tmp_path / "floorwatch.yaml",
    )
    board.tick(now=T0 + 1)
    a1, a2, a3 = (board.rows[a] for a in ("A1", "A2", "A3"))
    assert (a1.name, a1.team, a1.hire_date) == ("Li Wei", "Billing", "2024-02-01")
    assert (a2.name, a2.team, a2.hire_date) == ("Feed Two", "Tech", None)
    assert (a3.name, a3.team) == ("A3", None)
    assert board.problems == []


def test_feed_name_updates_reach_the_row() -> None:
    board = board_with(call("A1", T0, 100.0, name="Old"))
    board.tick(now=T0 + 1)
    board.ingest(CALLS, batch([call("A1", T0 + 2, name="New")], CALLS_FIELDS))
    delta = board.tick(now=T0 + 3)
    assert delta.changed == {"A1"} and board.rows["A1"].name == "New"


def test_missing_roster_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    board = board_with(call("A1", T0, 100.0), roster=tmp_path / "nope.csv")
    board.tick(now=T0 + 1)
    assert board.rows["A1"].name == "A1"
    assert len(board.problems) == 1 and "nope.csv" in board.problems[0]


def test_roster_bad_rows_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write_roster(
        tmp_path / "roster.csv",
        "agent_id,name,team,hire_date\r\n"
        "A1,Ann\x1b[31m,Billing,2024-13-01\r\n"
        ",Nobody,Billing,\r\n"
        "\r\n"
        "A1,Again,Billing,\r\n"
        'A2,"Bob \u202eevil",Tech,2023-05-06\r\n',
    )
    roster = load_roster(path)
    assert roster.get("A1") == RosterEntry("A1", "Ann[31m", "Billing", None, None)
    assert roster.get("A2") == RosterEntry("A2", "Bob evil", "Tech", "2023-05-06", None)
    assert roster.problems == [
        f"{path}:2: hire_date '2024-13-01' is not a date (YYYY-MM-DD)",
        f"{path}:3: no agent_id; row skipped",
        f"{path}:5: agent A1 is listed twice; kept the first",
    ]


def test_roster_without_agent_id_column(tmp_path: Path) -> None:
    path = write_roster(tmp_path / "roster.csv", "id,name\nA1,Ann\n")
    with pytest.raises(RosterError, match=r"roster.csv:1: .*agent_id"):
        load_roster(path)
    with pytest.raises(RosterError, match="empty"):
        load_roster(write_roster(tmp_path / "empty.csv", ""))


def test_roster_given_directly() -> None:
    roster = Roster({"A1": RosterEntry("A1", name="Direct")})
    board = Board(config(aht(), feeds=(CALLS,)), roster=roster)
    board.ingest(CALLS, batch([call("A1", T0, 100.0)], CALLS_FIELDS))
    board.tick(now=T0)
    assert board.rows["A1"].name == "Direct"


# -- real data ------------------------------------------------------------------------------------

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.mark.skipif(not (REALDATA / "anonymous_bank_feb1999.tsv").exists(), reason="no realdata")
def test_real_bank_calls_match_an_independent_computation() -> None:
    """February 1999 at a real bank's call center, replayed to 15 Feb 12:00: per agent, AHT
    today, p90 queue wait over 60 minutes and calls today equal a plain pandas computation."""
    import pandas as pd

    raw = pd.read_csv(REALDATA / "anonymous_bank_feb1999.tsv", sep="\t", dtype=str)
    raw = raw[(raw["outcome"] == "AGENT") & (raw["server"] != "NO_SERVER")]
    moments = pd.to_datetime(raw["date"] + " " + raw["ser_exit"], format="%y%m%d %H:%M:%S")
    zone = "Asia/Jerusalem"
    rows = pd.DataFrame(
        {
            "ts": moments.dt.tz_localize(zone).map(lambda m: m.timestamp()).astype("float64"),
            "agent": raw["server"].to_numpy(),
            "name": None,
            "team": None,
            "handle_time": raw["ser_time"].astype("float64").to_numpy(),
            "resolved": raw["q_time"].astype("float64").to_numpy(),  # queue wait, as a field
        }
    )
    metrics = (
        metric("aht", "handle_time", Agg.MEAN, None, Better.LOWER, 180.0, 240.0),
        metric("wait", "resolved", Agg.P90, 3600.0, Better.LOWER, 30.0, 60.0),
        metric("calls", "handle_time", Agg.COUNT, None, Better.HIGHER, 40.0, 20.0),
    )
    at = datetime(1999, 2, 15, 12, 0, tzinfo=ZoneInfo(zone)).timestamp()
    day_start = datetime(1999, 2, 15, 0, 0, tzinfo=ZoneInfo(zone)).timestamp()
    board = Board(config(*metrics, feeds=(CALLS,), timezone=zone))
    board.ingest(CALLS, filter_until(rows, at))
    board.tick(now=at)

    today = rows[(rows["ts"] >= day_start) & (rows["ts"] <= at)]
    hour = rows[(rows["ts"] > at - 3600) & (rows["ts"] <= at)]
    assert len(today["agent"].unique()) > 5  # a real working morning
    assert set(board.rows) == set(today["agent"])
    for agent, calls in today.groupby("agent"):
        cells = board.rows[str(agent)].cells
        assert cells["aht"].value == pytest.approx(calls["handle_time"].mean())
        assert cells["calls"].value == len(calls)
        waits = hour.loc[hour["agent"] == agent, "resolved"]
        if len(waits):
            assert cells["wait"].value == pytest.approx(waits.quantile(0.9))
            assert cells["wait"].count == len(waits)
        else:
            assert (cells["wait"].value, cells["wait"].count) == (None, 0)


def test_merged_deltas_equal_one_delta_over_the_same_span() -> None:
    """Three agents; over two ticks A1 comes and goes, A2 changes, A3 is added then changes."""

    def run(ticks: list[float]):
        board = board_with(call("A2", T0, 100.0), metrics=(aht(),))
        board.tick(now=T0)
        board.ingest(
            CALLS, batch([call("A1", T0 + 1, 100.0), call("A3", T0 + 1, 100.0)], CALLS_FIELDS)
        )
        deltas = []
        for moment in ticks:
            if moment == ticks[-1]:
                board.ingest(CALLS, batch([call("A2", T0 + 2, 900.0)], CALLS_FIELDS))
                board.ingest(CALLS, batch([call("A3", T0 + 2, 999.0)], CALLS_FIELDS))
            deltas.append(board.tick(now=moment))
        return deltas

    first, second = run([T0 + 1, T0 + 901])  # A1 and A3 arrive; A1 leaves, A2 and A3 change
    merged = first.merge(second)
    (single,) = run([T0 + 901])
    assert (merged.changed, merged.added, merged.removed) == (
        single.changed,
        single.added,
        single.removed,
    )
    assert merged.now == T0 + 901
    empty = BoardDelta()
    assert empty.merge(first) == first.merge(empty) == first
    again = BoardDelta(removed=frozenset({"X"})).merge(BoardDelta(added=frozenset({"X"})))
    assert again.changed == {"X"} and not again.added and not again.removed


def test_a_metric_sort_orders_by_the_value_whatever_the_overrides_and_after_updates() -> None:
    # A3 has a lenient own threshold: green at 700 s, so it is green with the highest AHT.
    lenient = {"A3": {"aht": Threshold(green=700.0, red=800.0)}}
    board = board_with(
        call("A1", T0, 400.0), call("A2", T0, 320.0), call("A3", T0, 600.0),
        call("A4", T0, 200.0), call("A5", T0, 350.0), metrics=(aht(),), agent_thresholds=lenient,
    )  # fmt: skip
    board.tick(now=T0 + 1)
    assert board.rows["A3"].status is Status.GREEN and board.rows["A1"].status is Status.RED
    assert board.sorted_ids("aht") == ["A3", "A1", "A5", "A2", "A4"]  # 600, 400, 350, 320, 200
    board.ingest(CALLS, batch([call("A4", T0 + 2, 1400.0)], CALLS_FIELDS))  # A4: mean 800
    board.tick(now=T0 + 3)
    assert board.sorted_ids("aht") == ["A4", "A3", "A1", "A5", "A2"]
    # Higher is better: the lowest first.
    board = board_with(
        call("B1", T0, resolved=1.0), call("B2", T0, resolved=0.0), call("B2", T0, resolved=1.0),
        metrics=(fcr(min_count=1),), team_thresholds={},
    )  # fmt: skip
    board.tick(now=T0 + 1)
    assert board.sorted_ids("fcr") == ["B2", "B1"]


def test_a_red_start_on_a_today_metric_is_found_before_the_next_day_starts() -> None:
    today = metric("aht", "handle_time", Agg.MEAN, None, Better.LOWER, 300.0, 360.0)
    board = board_with(call("A1", T0, 200.0), call("A1", T0 + 600, 900.0), metrics=(today,))
    board.tick(now=T0 + 900)
    row = board.rows["A1"]
    assert row.red_since == T0 + 600 and not row.red_at_start


def test_a_live_floor_shows_its_first_board_then_settles_when_the_reds_began() -> None:
    short = metric("aht", "handle_time", Agg.MEAN, 60.0, Better.LOWER, 300.0, 360.0)
    board = board_with(
        call("A1", T0, 100.0), call("A1", T0 + 30, 500.0), call("G1", T0 + 40, 100.0),
        metrics=(short,),
    )  # fmt: skip
    board.defer_red_starts = True
    board.tick(now=T0 + 80)
    first = board.rows["A1"]
    assert (first.red_since, first.red_at_start) == (T0 + 80, True)  # '<' until settled
    delta = board.settle_red_starts()
    assert delta.changed == {"A1"}
    assert (board.rows["A1"].red_since, board.rows["A1"].red_at_start) == (T0 + 60, False)
    assert board.settle_red_starts().empty  # once
