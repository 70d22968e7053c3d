"""Vectorised conversion of feed text into base units: seconds, 1.0/0.0, fractions, epoch times.

Every converter takes a pyarrow string array (trimmed, "" for an empty cell) and returns the values
as float64 (NaN for an empty cell) and a mask of the cells that were not empty but could not be
read. No Python runs per row: a million cells convert in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.config.types import FieldType, TimeSpec

NUMBER_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# H:MM:SS (hours unbounded) or M:SS, seconds may carry a fraction.
DURATION_PATTERN = r"^(?P<a>\d+):(?P<b>\d{1,2})(?::(?P<c>\d{1,2}(?:\.\d+)?))?$"
# An ISO 8601 time that says its own offset (Z, +02:00, -0500).
AWARE_PATTERN = r"(?i)(z|[+-]\d\d:?\d\d)$"
EPOCH_PEEK = 8  # cells looked at to tell epoch seconds from ISO 8601 text
TRUE_WORDS = ("y", "yes", "true", "t", "1", "1.0")
FALSE_WORDS = ("n", "no", "false", "f", "0", "0.0")

# What a bad cell of each type is called in a rejection reason.
PROBLEMS = {
    FieldType.NUMBER: "is not a number",
    FieldType.SECONDS: "is not a number of seconds",
    FieldType.DURATION: "is not a duration (seconds or H:MM:SS)",
    FieldType.BOOL: "is not a yes/no value (Y/N, yes/no, true/false, 1/0)",
    FieldType.PERCENT: "is not a percent",
}

_NULL = pa.scalar(None, pa.string())


@dataclass
class Converted:
    values: np.ndarray  # float64, NaN where the cell was empty or bad
    bad: np.ndarray  # bool: not empty, yet not readable


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    # Nulls become NaN on the way to numpy.
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype="float64")


def _empty(text: pa.Array) -> np.ndarray:
    return _mask(pc.equal(text, ""))


def to_number(text: pa.Array) -> Converted:
    empty = _empty(text)
    try:  # the usual case, a clean column: one cast
        cells = pc.if_else(pa.array(empty), _NULL, text) if empty.any() else text
        values = _floats(pc.cast(cells, pa.float64()))
    except pa.ArrowInvalid:
        readable = pc.match_substring_regex(text, NUMBER_PATTERN)
        values = _floats(pc.cast(pc.if_else(readable, text, _NULL), pa.float64()))
        return Converted(values, ~_mask(readable) & ~empty)
    # The cast takes 'nan' and 'inf', which are no measurement: bad, as the pattern says.
    unreadable = ~np.isfinite(values) & ~empty
    if unreadable.any():
        values = np.where(unreadable, np.nan, values)
    return Converted(values, unreadable)


def to_seconds(text: pa.Array) -> Converted:
    """Seconds as a plain number, or H:MM:SS / M:SS."""
    number = to_number(text)
    if not number.bad.any():
        return number
    parts = pc.extract_regex(text, DURATION_PATTERN)
    matched = _mask(pc.is_valid(parts))
    first, second, third = (parts.field(i) for i in range(3))
    has_hours = pc.not_equal(third, "")

    def part(values: pa.Array) -> np.ndarray:
        return _floats(pc.cast(pc.if_else(pc.equal(values, ""), "0", values), pa.float64()))

    a, b, c = part(first), part(second), part(third)
    clock = np.where(_mask(pc.fill_null(has_hours, False)), a * 3600 + b * 60 + c, a * 60 + b)
    values = np.where(number.bad & matched, clock, number.values)
    return Converted(values, number.bad & ~matched)


def to_bool(text: pa.Array) -> Converted:
    lower = pc.utf8_lower(text)
    true = _mask(pc.is_in(lower, value_set=pa.array(TRUE_WORDS)))
    false = _mask(pc.is_in(lower, value_set=pa.array(FALSE_WORDS)))
    values = np.where(true, 1.0, np.where(false, 0.0, np.nan))
    return Converted(values, ~(true | false) & ~_empty(text))


def to_percent(text: pa.Array) -> Converted:
    """'85%' and '85' (more than 1 means percent) and '0.85' all read as 0.85."""
    marked = _mask(pc.ends_with(text, "%"))
    number = to_number(pc.utf8_rtrim(text, "%"))
    values = number.values
    values = np.where(marked | (values > 1), values / 100.0, values)
    return Converted(values, number.bad)


CONVERTERS: dict[FieldType, Callable[[pa.Array], Converted]] = {
    FieldType.NUMBER: to_number,
    FieldType.SECONDS: to_seconds,
    FieldType.DURATION: to_seconds,
    FieldType.BOOL: to_bool,
    FieldType.PERCENT: to_percent,
}


def floor_zone(name: str | None) -> tzinfo:
    """The floor's timezone; None is the system's local zone (with its DST rules)."""
    if name:
        return ZoneInfo(name)
    for key in _system_zone_names():
        try:
            return ZoneInfo(key)
        except (ValueError, OSError):  # a POSIX TZ rule, a path that is not a zone
            continue
    from dateutil.tz import tzlocal  # a pandas dependency; follows the system's DST rules

    local: tzinfo = tzlocal()
    return local


def _system_zone_names() -> list[str]:
    """IANA names the system's local zone may have: $TZ, the /etc/localtime link, /etc/timezone.
    A named zone lets times be localised at C speed."""
    names = []
    if os.environ.get("TZ"):
        names.append(os.environ["TZ"].removeprefix(":"))
    with contextlib.suppress(OSError):
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            names.append(link.split("zoneinfo/", 1)[1])
    with contextlib.suppress(OSError):
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    return [name for name in names if name and not name.startswith("/")]


def time_text(columns: list[pa.Array]) -> pa.Array:
    """The time columns joined by a space (date + time of day), trimmed."""
    if len(columns) == 1:
        return columns[0]
    return pc.utf8_trim_whitespace(pc.binary_join_element_wise(*columns, " "))


def to_epoch(text: pa.Array, spec: TimeSpec, zone: tzinfo) -> Converted:
    """Event times as UTC epoch seconds. With a format, strptime-style; without, ISO 8601 or epoch
    seconds. Naive times are read in `zone`; times with an offset keep it."""
    empty = _empty(text)
    if spec.format:
        values = _datetimes(text, spec.format, zone)
    elif not _starts_with_a_number(text) and (fast := _arrow_iso_times(text, zone)) is not None:
        values = fast
    else:
        number = to_number(text)
        values = number.values
        needs_parsing = number.bad
        if needs_parsing.any():
            subset = pc.filter(text, pa.array(needs_parsing))
            values = values.copy()
            values[needs_parsing] = _iso_times(subset, zone)
    return Converted(values, np.isnan(values) & ~empty)


def _starts_with_a_number(text: pa.Array) -> bool:
    """Epoch seconds, by the first times: Arrow's ISO cast would read every one of them before
    it gives up (measured: 1.7 us a row, 1.7 s for a million-row day)."""
    first = next((value for value in text[:EPOCH_PEEK].to_pylist() if value), None)
    return first is not None and re.fullmatch(NUMBER_PATTERN, first) is not None


def _iso_times(text: pa.Array, zone: tzinfo) -> np.ndarray:
    aware = _mask(pc.match_substring_regex(text, AWARE_PATTERN))
    values = np.full(len(text), np.nan)
    if aware.any():
        values[aware] = _datetimes(pc.filter(text, pa.array(aware)), "ISO8601", zone, utc=True)
    if not aware.all():
        values[~aware] = _datetimes(pc.filter(text, pa.array(~aware)), "ISO8601", zone)
    return values


def _arrow_iso_times(text: pa.Array, zone: tzinfo) -> np.ndarray | None:
    """The common case at C speed: every time ISO 8601, all with an offset or all without (and
    the zone has an IANA name). None when that is not so; pandas then reads them one way or
    another and finds the bad ones."""
    empty = pc.equal(text, "")
    cells = pc.if_else(empty, _NULL, text) if pc.any(empty).as_py() else text
    try:  # Arrow is strict: an offset is required here, and refused below
        moments = pc.cast(cells, pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid:
        if not isinstance(zone, ZoneInfo):
            return None
        try:
            naive = pc.cast(cells, pa.timestamp("us"))
        except pa.ArrowInvalid:
            return None
        # Same rules as the pandas path: a repeated hour is its first pass, a skipped one
        # moves forward to the end of the gap.
        try:
            moments = pc.assume_timezone(
                naive, timezone=zone.key, ambiguous="earliest", nonexistent="latest"
            )
        except pa.ArrowInvalid:  # a zone Arrow's time zone database does not have
            return None
    micros = pc.cast(moments, pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(micros, dtype="float64") / 1e6


def _datetimes(text: pa.Array, fmt: str, zone: tzinfo, *, utc: bool = False) -> np.ndarray:
    series = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
    # Times that carry an offset are read with it (and may mix offsets); the rest are naive.
    utc = utc or "%z" in fmt or "%Z" in fmt
    try:
        parsed = pd.to_datetime(series, format=fmt, errors="coerce", utc=utc)
    except (ValueError, TypeError):  # mixed offsets and the like: every cell is bad
        return np.full(len(series), np.nan)
    if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        # A wall clock time that happens twice (DST ends) is taken as the first; one that never
        # happens (DST starts) moves forward: a row is never lost to a clock change.
        ambiguous = np.ones(len(parsed), dtype=bool)
        parsed = parsed.dt.tz_localize(zone, ambiguous=ambiguous, nonexistent="shift_forward")
    seconds = (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    epoch: np.ndarray = seconds.to_numpy(dtype="float64", na_value=np.nan)
    return epoch
