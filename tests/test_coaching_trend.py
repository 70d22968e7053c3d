"""Trends over three and six months from daily figures: better, worse, steady, swinging, turned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from floorwatch.coaching.trend import metric_trends, trend
from floorwatch.config.types import Agg, Better, MetricConfig, MetricFormat, Threshold

TODAY = date(2024, 6, 30)


def metric(better: Better = Better.LOWER, key: str = "aht") -> MetricConfig:
    return MetricConfig(
        key=key, label=key.upper(), field=key, agg=Agg.MEAN, window=3600.0, window_text="60m",
        better=better, threshold=Threshold(210.0, 300.0), format=MetricFormat.DURATION,
    )  # fmt: skip


def daily(by_month: dict[int, float], count: int = 20) -> list[tuple[date, float, int]]:
    """A figure every day of the 2024 months given, each month at its value."""
    days = []
    day = date(2024, 1, 1)
    while day <= TODAY:
        if day.month in by_month:
            days.append((day, by_month[day.month], count))
        day += timedelta(days=1)
    return days


def test_a_handle_time_coming_down_is_better_and_going_up_worse() -> None:
    falling = daily({4: 300, 5: 260, 6: 220})
    assert trend(metric(), falling, TODAY, 3).direction == "better"
    assert trend(metric(Better.HIGHER), falling, TODAY, 3).direction == "worse"
    shown = trend(metric(), falling, TODAY, 3).text()
    assert shown == "3 months: better (5:00 -> 3:40)"


def test_small_moves_are_steady_and_up_and_down_is_swinging() -> None:
    assert trend(metric(), daily({4: 200, 5: 203, 6: 201}), TODAY, 3).direction == "steady"
    swings = daily({1: 200, 2: 260, 3: 200, 4: 260, 5: 200, 6: 260})
    assert trend(metric(), swings, TODAY, 6).direction == "swinging"


def test_where_it_turned_is_the_worst_month_inside_the_span() -> None:
    v_shape = daily({1: 220, 2: 250, 3: 300, 4: 260, 5: 230, 6: 200})
    six = trend(metric(), v_shape, TODAY, 6)
    assert six.turned == "turned for the better in Mar 2024"
    assert six.direction == "better"  # 3:40 in January, 3:20 in June
    fall = daily({1: 210, 2: 200, 3: 190, 4: 240, 5: 270, 6: 300})
    assert trend(metric(), fall, TODAY, 6).turned == "turned for the worse in Mar 2024"


def test_the_turn_is_worded_to_agree_with_the_direction() -> None:
    # Better overall (5:00 -> 4:50) though past its best month: not 'better ... for the worse'.
    peak = daily({1: 300, 2: 250, 3: 200, 4: 240, 5: 270, 6: 290})
    shown = trend(metric(), peak, TODAY, 6)
    assert shown.direction == "better"
    assert shown.turned == "slipping since its best month, Mar 2024"
    # Steady overall after a bad spell: not 'steady ... turned for the better'.
    dip = daily({1: 220, 2: 221, 3: 290, 4: 222, 5: 221, 6: 220})
    steady = trend(metric(), dip, TODAY, 6)
    assert steady.direction == "steady" and "for the better" not in steady.text()
    assert steady.text().endswith("back from its worst month, Mar 2024")
    worse = daily({1: 200, 2: 240, 3: 300, 4: 280, 5: 260, 6: 250})
    assert (
        trend(metric(), worse, TODAY, 6)
        .text()
        .endswith("worse (3:20 -> 4:10), recovering since its worst month, Mar 2024")
    )


def test_too_few_days_or_a_single_month_is_no_trend() -> None:
    few = daily({6: 200})[:5]
    assert trend(metric(), few, TODAY, 3).text() == "3 months: not enough history (5 days)"
    one_month = daily({6: 200})
    assert trend(metric(), one_month, TODAY, 3).direction == "no history"


def test_busier_days_weigh_more_in_a_month() -> None:
    days = daily({5: 200}) + [(date(2024, 6, d), 400.0 if d == 1 else 200.0, 200 if d == 1 else 1)
                              for d in range(1, 16)]  # fmt: skip
    june = trend(metric(), days, TODAY, 3).last
    assert june is not None and june > 380  # the 200-call day outweighs fourteen 1-call days


def test_figures_from_the_store_become_trends_per_metric() -> None:
    figures = [(d.isoformat(), "aht", v, c) for d, v, c in daily({4: 300, 5: 260, 6: 220})]
    figures += [(d.isoformat(), "csat", v, c) for d, v, c in daily({4: 80, 5: 85, 6: 90})]
    (_, aht_spans), (_, csat_spans) = metric_trends(
        figures, [metric(), metric(Better.HIGHER, "csat"), metric(key="fcr")], TODAY
    )
    assert [t.direction for t in aht_spans] == ["better", "better"]
    assert [t.direction for t in csat_spans] == ["better", "better"]
    # FCR has no figures: no line for it


def test_a_change_counts_against_the_green_to_red_gap() -> None:
    csat = replace(metric(Better.HIGHER, "csat"), threshold=Threshold(90.0, 80.0))
    rising = daily({4: 82.8, 5: 84.0, 6: 86.2})  # 3.4 points: a third of the 10-point gap
    assert trend(csat, rising, TODAY, 3).direction == "better"
    assert trend(csat, daily({4: 85.0, 5: 85.5, 6: 85.5}), TODAY, 3).direction == "steady"
