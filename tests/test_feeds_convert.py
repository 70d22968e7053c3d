"""Cells to base units: durations in seconds, booleans 1/0, percents as fractions, UTC epochs."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pytest

from floorwatch.config.types import TimeSpec
from floorwatch.feeds.convert import (
    _arrow_iso_times,
    _iso_times,
    floor_zone,
    to_bool,
    to_epoch,
    to_number,
    to_percent,
    to_seconds,
)


def same(values: np.ndarray, expected: list[float]) -> bool:
    return all(
        (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)
        for a, b in zip(values.tolist(), expected, strict=True)
    )


def test_durations_as_seconds_or_clock_text() -> None:
    cells = ["90", "1:02:03", "3:30", "00:04:02", "0:00:05.5", "12.5", "", "abc", "1:2:3:4"]
    converted = to_seconds(pa.array(cells))
    nan = float("nan")
    assert same(converted.values, [90, 3723, 210, 242, 5.5, 12.5, nan, nan, nan])
    assert converted.bad.tolist() == [False] * 7 + [True, True]


def test_booleans_in_every_spelling() -> None:
    cells = ["Y", "n", "Yes", "NO", "true", "False", "1", "0", "", "maybe"]
    converted = to_bool(pa.array(cells))
    nan = float("nan")
    assert same(converted.values, [1, 0, 1, 0, 1, 0, 1, 0, nan, nan])
    assert converted.bad.tolist() == [False] * 9 + [True]


def test_percents_as_fractions() -> None:
    converted = to_percent(pa.array(["85%", "85", "0.85", "12.5%", "", "x%"]))
    nan = float("nan")
    assert same(converted.values, [0.85, 0.85, 0.85, 0.125, nan, nan])
    assert converted.bad.tolist() == [False] * 5 + [True]


def epoch(text: str, zone: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


def test_naive_times_are_in_the_floor_zone_aware_ones_as_given() -> None:
    cells = [
        "2024-07-01T10:00:00",  # naive: Paris summer time
        "2024-07-01 10:00:00",
        "2024-07-01T10:00:00Z",
        "2024-07-01T10:00:00+05:30",
        "1719820800.5",  # epoch seconds
        "",
        "yesterday",
    ]
    converted = to_epoch(pa.array(cells), TimeSpec(("t",)), floor_zone("Europe/Paris"))
    paris = epoch("2024-07-01T10:00:00", "Europe/Paris")
    expected = [
        paris,
        paris,
        datetime.fromisoformat("2024-07-01T10:00:00+00:00").timestamp(),
        datetime.fromisoformat("2024-07-01T10:00:00+05:30").timestamp(),
        1719820800.5,
        float("nan"),
        float("nan"),
    ]
    assert same(converted.values, expected)
    assert converted.bad.tolist() == [False] * 6 + [True]


def test_a_format_reads_unpadded_clock_times() -> None:
    spec = TimeSpec(("date", "ser_exit"), "%y%m%d %H:%M:%S")
    converted = to_epoch(
        pa.array(["990201 7:05:41", "990228 17:00:00", "990230 7:00:00"]),
        spec,
        floor_zone("Asia/Jerusalem"),
    )
    assert converted.values[0] == epoch("1999-02-01T07:05:41", "Asia/Jerusalem")
    assert converted.values[1] == epoch("1999-02-28T17:00:00", "Asia/Jerusalem")
    assert converted.bad.tolist() == [False, False, True]


def test_clock_changes_never_lose_a_row() -> None:
    # 02:30 does not exist on 2024-03-31 in Paris; 02:30 on 2024-10-27 happens twice.
    converted = to_epoch(
        pa.array(["2024-03-31 02:30:00", "2024-10-27 02:30:00"]),
        TimeSpec(("t",)),
        floor_zone("Europe/Paris"),
    )
    assert not converted.bad.any()
    assert not np.isnan(converted.values).any()


def test_no_timezone_means_the_system_zone() -> None:
    converted = to_epoch(pa.array(["2024-01-15 12:00:00"]), TimeSpec(("t",)), floor_zone(None))
    assert converted.values[0] == datetime(2024, 1, 15, 12).timestamp()  # naive = local


def test_the_fast_and_the_general_time_paths_agree_at_clock_changes() -> None:
    cells = pa.array(["2024-03-31 02:30:00", "2024-10-27 02:30:00", "2024-07-01 12:00:00"])
    zone = floor_zone("Europe/Paris")
    fast = _arrow_iso_times(cells, zone)
    assert fast is not None
    assert fast.tolist() == _iso_times(cells, zone).tolist()
    # 02:30 never happens that night: moved to 03:00, the end of the gap
    assert fast[0] == epoch("2024-03-31T03:00:00", "Europe/Paris")
    # 02:30 happens twice: the first time (summer time, +02:00)
    assert fast[1] == datetime.fromisoformat("2024-10-27T02:30:00+02:00").timestamp()


def test_nan_and_infinity_are_not_measurements() -> None:
    converted = to_number(pa.array(["1.5", "nan", "inf", "-Infinity", ""]))
    assert converted.bad.tolist() == [False, True, True, True, False]
    assert converted.values[0] == 1.5 and np.isnan(converted.values[1:]).all()


@pytest.mark.parametrize("first", ["", "1719820800", "2024-07-01T10:00:00Z", "yesterday"])
def test_times_read_the_same_whichever_kind_comes_first(first: str) -> None:
    """Epoch seconds first take the number path at once; it must agree with the ISO path."""
    cells = ["2024-07-01T10:00:00", "1719820800.5", "2024-07-01T10:00:00Z", "", "soon"]
    zone = floor_zone("Europe/Paris")
    spec = TimeSpec(("t",))
    with_first = to_epoch(pa.array([first, *cells]), spec, zone)
    alone = to_epoch(pa.array(cells), spec, zone)
    assert same(with_first.values[1:], alone.values.tolist())
    assert with_first.bad[1:].tolist() == alone.bad.tolist() == [False] * 4 + [True]
    epochs = to_epoch(pa.array(["1719820800", "", "1719820801.25"]), spec, zone)
    assert same(epochs.values, [1719820800.0, float("nan"), 1719820801.25])
