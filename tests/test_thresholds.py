"""Thresholds: every boundary exactly as configured, overrides nearest-wins and partial."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorwatch.config.types import (
    Agg,
    Better,
    Config,
    FloorConfig,
    MetricConfig,
    MetricFormat,
    Threshold,
)
from floorwatch.live.thresholds import Status, evaluate, resolve_threshold, worst

LOWER = Threshold(green=300.0, red=360.0)  # e.g. AHT: <= 5:00 green, > 6:00 red
HIGHER = Threshold(green=0.8, red=0.7)  # e.g. FCR: >= 80% green, < 70% red
BAND = Threshold(green=(0.85, 0.95), red=(0.75, 1.0))  # e.g. occupancy


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, Status.GREEN),
        (299.99, Status.GREEN),
        (300.0, Status.GREEN),  # <= green is green
        (300.01, Status.AMBER),
        (359.99, Status.AMBER),
        (360.0, Status.AMBER),  # == red is not yet red
        (360.01, Status.RED),  # > red is red
        (10_000.0, Status.RED),
    ],
)
def test_lower_is_better_boundaries(value: float, expected: Status) -> None:
    assert evaluate(value, LOWER, Better.LOWER)[0] is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, Status.GREEN),
        (0.8, Status.GREEN),  # >= green is green
        (0.7999, Status.AMBER),
        (0.7, Status.AMBER),  # == red is not yet red
        (0.6999, Status.RED),  # < red is red
        (0.0, Status.RED),
    ],
)
def test_higher_is_better_boundaries(value: float, expected: Status) -> None:
    assert evaluate(value, HIGHER, Better.HIGHER)[0] is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.85, Status.GREEN),  # green band inclusive at both ends
        (0.9, Status.GREEN),
        (0.95, Status.GREEN),
        (0.8499, Status.AMBER),
        (0.9501, Status.AMBER),
        (0.75, Status.AMBER),  # on the red bound: not outside it
        (1.0, Status.AMBER),
        (0.7499, Status.RED),
        (1.0001, Status.RED),
    ],
)
def test_band_boundaries(value: float, expected: Status) -> None:
    assert evaluate(value, BAND, Better.BAND)[0] is expected


def test_band_bounds_given_high_low_are_read_as_a_range() -> None:
    reversed_band = Threshold(green=(0.95, 0.85), red=(1.0, 0.75))
    assert evaluate(0.9, reversed_band, Better.BAND)[0] is Status.GREEN
    assert evaluate(0.7, reversed_band, Better.BAND)[0] is Status.RED


def test_no_red_bound_means_no_red_level() -> None:
    threshold = Threshold(green=300.0, red=None)
    assert evaluate(300.0, threshold, Better.LOWER)[0] is Status.GREEN
    assert evaluate(1e9, threshold, Better.LOWER)[0] is Status.AMBER
    assert evaluate(0.0, Threshold(green=0.8, red=None), Better.HIGHER)[0] is Status.AMBER
    band = Threshold(green=(0.85, 0.95), red=None)
    assert evaluate(0.0, band, Better.BAND)[0] is Status.AMBER


def test_no_green_bound_splits_at_red() -> None:
    threshold = Threshold(green=None, red=360.0)
    assert evaluate(360.0, threshold, Better.LOWER)[0] is Status.GREEN
    assert evaluate(360.5, threshold, Better.LOWER)[0] is Status.RED


def test_no_bounds_gives_no_verdict() -> None:
    assert evaluate(5.0, Threshold(None, None), Better.LOWER) == (Status.NONE, 0.0)


def test_excess_is_distance_past_green_over_the_gap() -> None:
    assert evaluate(300.0, LOWER, Better.LOWER)[1] == 0.0
    assert evaluate(330.0, LOWER, Better.LOWER)[1] == pytest.approx(0.5)
    assert evaluate(420.0, LOWER, Better.LOWER)[1] == pytest.approx(2.0)
    assert evaluate(0.75, HIGHER, Better.HIGHER)[1] == pytest.approx(0.5)
    assert evaluate(0.6, HIGHER, Better.HIGHER)[1] == pytest.approx(2.0)
    # Band: measured on the side the value left by, against that side's gap.
    assert evaluate(0.80, BAND, Better.BAND)[1] == pytest.approx(0.5)  # (0.85-0.80)/0.10
    assert evaluate(0.975, BAND, Better.BAND)[1] == pytest.approx(0.5)  # (0.975-0.95)/0.05


def test_excess_orders_worse_values_higher_without_a_red_bound() -> None:
    threshold = Threshold(green=300.0, red=None)
    assert evaluate(400.0, threshold, Better.LOWER)[1] < evaluate(500.0, threshold, Better.LOWER)[1]


def test_worst_of_statuses() -> None:
    assert worst([Status.GREEN, Status.RED, Status.NONE]) is Status.RED
    assert worst([Status.NONE, Status.AMBER]) is Status.AMBER
    assert worst([]) is Status.NONE


def test_status_labels_read_without_colour() -> None:
    assert [s.label for s in (Status.RED, Status.AMBER, Status.GREEN, Status.NONE)] == [
        "■ RED",
        "▲ AMBER",
        "● GREEN",
        "- n/a",
    ]
    assert max(Status) is Status.RED


def aht_metric() -> MetricConfig:
    return MetricConfig(
        key="aht",
        label="AHT",
        field="handle_time",
        agg=Agg.MEAN,
        window=3600.0,
        window_text="60m",
        better=Better.LOWER,
        threshold=LOWER,
        format=MetricFormat.DURATION,
    )


def overrides_config() -> Config:
    return Config(
        source=Path("/nowhere/floorwatch.yaml"),
        floor=FloorConfig(),
        feeds=(),
        metrics=(aht_metric(),),
        team_thresholds={
            "Onboarding": {"aht": Threshold(green=420.0, red=540.0)},
            "Billing": {"aht": Threshold(green=None, red=400.0)},  # partial: green inherits
        },
        agent_thresholds={
            "A007": {"aht": Threshold(green=240.0, red=None)},  # partial: red from the team
            "A008": {"aht": Threshold(green=200.0, red=250.0)},
        },
    )


@pytest.mark.parametrize(
    ("agent", "team", "expected"),
    [
        ("A001", None, Threshold(300.0, 360.0)),  # metric level
        ("A001", "Tech Support", Threshold(300.0, 360.0)),  # a team without overrides
        ("A002", "Onboarding", Threshold(420.0, 540.0)),  # team override
        ("A003", "Billing", Threshold(300.0, 400.0)),  # partial team override
        ("A007", "Onboarding", Threshold(240.0, 540.0)),  # agent over team, red inherited
        ("A007", None, Threshold(240.0, 360.0)),  # agent over metric
        ("A008", "Onboarding", Threshold(200.0, 250.0)),  # full agent override
    ],
)
def test_overrides_nearest_wins(agent: str, team: str | None, expected: Threshold) -> None:
    config = overrides_config()
    assert resolve_threshold(config, config.metrics[0], agent, team) == expected


def test_team_threshold_without_agent() -> None:
    config = overrides_config()
    assert resolve_threshold(config, config.metrics[0], None, "Onboarding") == Threshold(
        420.0, 540.0
    )


def test_an_override_changes_the_verdict() -> None:
    config = overrides_config()
    metric = config.metrics[0]
    floor_level = resolve_threshold(config, metric, "A001", None)
    new_hire = resolve_threshold(config, metric, "A002", "Onboarding")
    assert evaluate(400.0, floor_level, metric.better)[0] is Status.RED
    assert evaluate(400.0, new_hire, metric.better)[0] is Status.GREEN


def test_band_bound_on_a_lower_metric_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="better: band"):
        evaluate(1.0, Threshold(green=(1.0, 2.0), red=None), Better.LOWER)
