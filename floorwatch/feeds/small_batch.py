"""A live poll's few records built into rows in plain Python: the same rows as the vectorised
build (`floorwatch.feeds.batch`), without its fixed cost a call.

The vectorised build costs ~1.2 ms for a dozen rows, nearly all of it fixed: some twenty pyarrow
compute calls, pandas Series and a DataFrame. A busy floor pays that five times a second per
feed. Here each cell is read with the rules of `floorwatch.feeds.convert`, restated for one
Python string, and the frame is put together from finished arrays.

Only the clean case is handled: a metrics feed (events, snapshot) whose every kept record would
become a row, every cell in a form whose value is certain to equal the vectorised one. Anything
else (a row to reject, a cell in an odd form, a strptime format, a time in a DST gap) returns
None and the vectorised build runs, so no rejection reason is ever worded here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.config.types import FeedConfig, FieldType
from floorwatch.feeds.clean import _clean_label
from floorwatch.feeds.convert import DURATION_PATTERN, FALSE_WORDS, NUMBER_PATTERN, TRUE_WORDS
from floorwatch.feeds.formats.registry import ParseContext, Parsed, TextColumn
from floorwatch.feeds.limits import (
    ARROW_WHITESPACE,
    MAX_FIELD_VALUE,
    MAX_ID_CHARS,
    MAX_LABEL_CHARS,
)
from floorwatch.live.rows import AGENT, NAME, TEAM, TS

# Up to this many records a build is tried here. Measured (simulated calls, 2 cores): 12 rows
# 0.12 ms here against 0.83 ms vectorised, 64 rows 0.44 against 0.89, 128 rows 0.85 against
# 1.06; even at ~160. Kept well below that: a batch that falls back pays for both builds.
SMALL_BATCH_MAX = 64
METRICS_KINDS = ("events", "snapshot")  # states and queue feeds carry text rows: vectorised

# Python's \d also matches other scripts' digits (and float() reads them); Arrow's RE2 and its
# float cast do not: ASCII only.
_NUMBER = re.compile(NUMBER_PATTERN, re.ASCII)
_DURATION = re.compile(DURATION_PATTERN, re.ASCII)
# The one ISO 8601 shape read here, all of it inside what Arrow's cast accepts: seconds always,
# a fraction of at most microseconds, the offset Z, +hh:mm or +hhmm.
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))?",
    re.ASCII,
)
_TEXT_COLUMNS = (TS, AGENT, NAME, TEAM)
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_MICROS = 1_000_000
# Naive times are placed in the zone only within these years: Python's zoneinfo and Arrow's
# time zone library agree on the transitions stored in the zone file; past them each extends
# the rules its own way (Python by the POSIX footer), and before 1970 zones have odd LMT offsets.
_NAIVE_YEARS = range(1970, 2038)


class _Unsure(Exception):
    """A cell or a row the vectorised build must see: it may be rejected, or read otherwise."""


def build_small(
    feed: FeedConfig,
    text: Mapping[str, TextColumn],
    lines: np.ndarray,
    context: ParseContext,
    room: int,
    sources: np.ndarray | None = None,
) -> Parsed | None:
    """`build_batch`'s result for these records when every one of them is clean, else None.
    `lines` and `room` only matter to rejections, which are never made here."""
    if feed.kind not in METRICS_KINDS or not feed.agent:
        return None
    if feed.time is not None and feed.time.format:
        return None  # strptime formats: pandas reads them
    if any(spec.name in _TEXT_COLUMNS for spec in feed.fields):
        return None  # a field named like a text column: the vectorised frame decides
    cells = _columns(text)
    if cells is None:
        return None
    try:
        return _build(feed, cells, len(lines), context, sources)
    except _Unsure:
        return None


def _columns(text: Mapping[str, TextColumn]) -> dict[str, list[str]] | None:
    """Every column as a list of str; None when a column is not text or a cell is null (no
    parser leaves one)."""
    cells: dict[str, list[str]] = {}
    for name, values in text.items():
        if isinstance(values, list):
            column = values
        elif pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            column = values.to_pylist()
        else:
            return None
        if None in column:
            return None
        cells[name] = column
    return cells


def _build(
    feed: FeedConfig,
    cells: dict[str, list[str]],
    size: int,
    context: ParseContext,
    sources: np.ndarray | None,
) -> Parsed:
    rows = _kept_rows(feed, cells, size)
    kept_agents = [agent for _, agent in rows]
    picked = [index for index, _ in rows]
    if not picked:
        return Parsed()  # as the vectorised build: nothing kept, nothing said
    for index in picked:  # an over-long id is rejected: only the raw cell's length counts
        if len(cells[feed.agent][index]) > MAX_ID_CHARS:
            raise _Unsure
    times = _times(feed, cells, picked, context)
    values = {spec.name: _field(spec.type, cells[spec.column], picked) for spec in feed.fields}
    if feed.time is None:
        times = [context.clock()] * len(picked)  # a snapshot without a time holds as of now
    parsed = Parsed()
    parsed.rows = _frame(
        times,
        kept_agents,
        _labels(cells, feed.name_column, picked),
        _labels(cells, feed.team_column, picked),
        values,
    )
    every_source = np.zeros(size, dtype=np.int64) if sources is None else sources
    parsed.row_sources = every_source[np.array(picked, dtype=np.intp)]
    parsed.newest_ts = float(max(times))
    return parsed


def _kept_rows(feed: FeedConfig, cells: dict[str, list[str]], size: int) -> list[tuple[int, str]]:
    """(record index, cleaned agent id) of the records `where` and `exclude_agents` keep; a kept
    record whose id cleans to nothing would be rejected."""
    wanted = [(cells[column], frozenset(allowed)) for column, allowed in feed.where]
    excluded = frozenset(feed.exclude_agents)
    agents = cells[feed.agent]
    rows = []
    for index in range(size):
        if not all(column[index] in allowed for column, allowed in wanted):
            continue
        agent = _clean_label(agents[index])
        if agent in excluded:
            continue
        if not agent:
            raise _Unsure
        rows.append((index, agent))
    return rows


# -- cells -----------------------------------------------------------------------------------------


def _number(cell: str) -> float:
    """`convert.to_number` for one cell: the pattern, then a finite float."""
    if not cell:
        return math.nan
    if _NUMBER.fullmatch(cell) is None:
        raise _Unsure
    return float(cell)


def _seconds(cell: str) -> float:
    """`convert.to_seconds`: a number, else M:SS or H:MM:SS added up as it adds them."""
    if not cell or _NUMBER.fullmatch(cell) is not None:
        return _number(cell)
    clock = _DURATION.fullmatch(cell)
    if clock is None:
        raise _Unsure
    a, b, c = clock.group("a", "b", "c")
    if c is None:
        return float(a) * 60 + float(b)
    return float(a) * 3600 + float(b) * 60 + float(c)


def _bool(cell: str) -> float:
    if not cell:
        return math.nan
    if not cell.isascii():  # Arrow's utf8_lower and str.lower differ outside ASCII
        raise _Unsure
    lower = cell.lower()
    if lower in TRUE_WORDS:
        return 1.0
    if lower in FALSE_WORDS:
        return 0.0
    raise _Unsure


def _percent(cell: str) -> float:
    """`convert.to_percent`: '85%', '85' (over 1 means percent) and '0.85' are 0.85."""
    number = cell.rstrip("%")
    value = _number(number)
    return value / 100.0 if cell.endswith("%") or value > 1 else value


_CELL_READERS: dict[FieldType, Callable[[str], float]] = {
    FieldType.NUMBER: _number,
    FieldType.SECONDS: _seconds,
    FieldType.DURATION: _seconds,
    FieldType.BOOL: _bool,
    FieldType.PERCENT: _percent,
}


def _field(kind: FieldType, column: list[str], picked: list[int]) -> list[float]:
    read = _CELL_READERS[kind]
    values = [read(column[index]) for index in picked]
    for value in values:  # infinity and huge values are rejected (NaN is an empty cell)
        if not abs(value) <= MAX_FIELD_VALUE and not math.isnan(value):
            raise _Unsure
    return values


# -- times -----------------------------------------------------------------------------------------


def _times(
    feed: FeedConfig, cells: dict[str, list[str]], picked: list[int], context: ParseContext
) -> list[float]:
    if feed.time is None:
        return []  # the clock is read last, once, when the build is sure to stand
    columns = [cells[column] for column in feed.time.columns]
    texts = [_time_text([column[index] for column in columns]) for index in picked]
    if not all(texts):
        raise _Unsure  # a row without a time is rejected
    if _NUMBER.fullmatch(texts[0]) is not None:  # epoch seconds, as `_starts_with_a_number`
        times = [_number(text) for text in texts]
        if not all(math.isfinite(moment) for moment in times):
            raise _Unsure  # 1e400 overflows: not a time
    else:
        times = _iso_times(texts, context.zone)
    if context.future_tolerance is not None:
        limit = context.wall() + context.future_tolerance
        if any(moment > limit for moment in times):
            raise _Unsure
    return times


def _time_text(parts: Sequence[str]) -> str:
    """`convert.time_text`: the time columns joined by a space, trimmed."""
    return parts[0] if len(parts) == 1 else " ".join(parts).strip(ARROW_WHITESPACE)


def _iso_times(texts: list[str], zone: tzinfo) -> list[float]:
    """Epoch seconds of ISO 8601 times, all with an offset or all without (as Arrow casts them
    in `convert._arrow_iso_times`: whole microseconds, then divided by 1e6)."""
    matches = [_ISO.fullmatch(text) for text in texts]
    if any(match is None for match in matches):
        raise _Unsure
    aware = [match.group(8) is not None or match.group(9) is not None for match in matches if match]
    if all(aware):
        return [_aware_micros(match) / 1e6 for match in matches if match]
    if any(aware) or not isinstance(zone, ZoneInfo) or not _arrow_has_zone(zone.key):
        raise _Unsure  # mixed, or a zone only pandas can place times in: read otherwise
    return [_local_micros(match, zone) / 1e6 for match in matches if match]


def _wall_clock(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second = map(int, match.group(1, 2, 3, 4, 5, 6))
    fraction = match.group(7) or ""
    try:
        return datetime(year, month, day, hour, minute, second, int(fraction.ljust(6, "0")))
    except ValueError:  # February 30th, hour 24: not a time
        raise _Unsure from None


def _micros_since_epoch(moment: datetime) -> int:
    """Microseconds from 1970-01-01 to a naive time, as integers: exact."""
    days = moment.toordinal() - _EPOCH_DAY
    seconds = (days * 24 + moment.hour) * 3600 + moment.minute * 60 + moment.second
    return seconds * _MICROS + moment.microsecond


def _aware_micros(match: re.Match[str]) -> int:
    moment = _wall_clock(match)
    if match.group(8):  # Z
        return _micros_since_epoch(moment)
    hours, minutes = int(match.group(10)), int(match.group(11))
    if hours > 23 or minutes > 59:
        raise _Unsure  # Arrow refuses these offsets
    offset = (hours * 60 + minutes) * 60 * _MICROS
    return _micros_since_epoch(moment) - (offset if match.group(9) == "+" else -offset)


def _local_micros(match: re.Match[str], zone: ZoneInfo) -> int:
    """A naive time in `zone`: a repeated hour is its first pass (fold=0, Arrow's "earliest");
    one in a DST gap is left to the vectorised build (it moves it)."""
    moment = _wall_clock(match)
    if moment.year not in _NAIVE_YEARS:
        raise _Unsure
    offset = moment.replace(tzinfo=zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    instant = (moment - offset).replace(tzinfo=UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != moment:
        raise _Unsure  # in a gap: that wall clock time never happened
    return _micros_since_epoch(moment) - _timedelta_micros(offset)


def _timedelta_micros(span: timedelta) -> int:
    return (span.days * 86400 + span.seconds) * _MICROS + span.microseconds


@lru_cache(maxsize=64)
def _arrow_has_zone(key: str) -> bool:
    """Whether Arrow's time zone database has `key` (else the vectorised build localises with
    pandas, whose nanoseconds may round a fraction differently)."""
    try:
        pc.assume_timezone(pa.array([0], pa.timestamp("us")), timezone=key)
    except pa.ArrowException:
        return False
    return True


# -- the frame -------------------------------------------------------------------------------------


def _labels(cells: dict[str, list[str]], column: str | None, picked: list[int]) -> list[str | None]:
    """Names or teams as `batch._frame` makes them: cleaned, None when empty, long ones cut."""
    if column is None:
        return [None] * len(picked)
    labels: list[str | None] = []
    for index in picked:
        raw = cells[column][index]
        label = _clean_label(raw) or None
        if label is not None and len(raw) > MAX_LABEL_CHARS and len(label) > MAX_LABEL_CHARS:
            label = label[: MAX_LABEL_CHARS - 1] + "\u2026"
        labels.append(label)
    return labels


def _objects(values: Sequence[str | None]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _frame(
    times: list[float],
    agents: list[str],
    names: list[str | None],
    teams: list[str | None],
    values: dict[str, list[float]],
) -> pd.DataFrame:
    """The rows in `floorwatch.live.rows`' schema: float64 times and fields, text as objects."""
    columns = _column_index((TS, AGENT, NAME, TEAM, *values))
    arrays = [
        np.array(times, dtype="float64"),
        _objects(agents),
        _objects(names),
        _objects(teams),
        *(np.array(column, dtype="float64") for column in values.values()),
    ]
    index = pd.RangeIndex(len(times))
    try:  # pandas' own fast constructor (private): one block per array, no checks
        frame: pd.DataFrame = pd.DataFrame._from_arrays(
            arrays, columns=columns, index=index, verify_integrity=False
        )
    except (AttributeError, TypeError, ValueError):
        return _public_frame(columns, arrays, index)
    return frame


@lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    """A feed's column labels, made once: an Index of text costs ~35 us to build (pandas infers
    its string dtype), more than the rest of the frame. Indexes are immutable: frames share it."""
    return pd.Index(names)


def _public_frame(
    columns: pd.Index, arrays: list[np.ndarray], index: pd.RangeIndex
) -> pd.DataFrame:
    """The same frame through the public constructor (when `_from_arrays` is gone or changed):
    text as object Series, or pandas would infer its string dtype."""
    data = {
        name: pd.Series(array, index=index, dtype=object, copy=False)
        if array.dtype == object
        else array
        for name, array in zip(columns.tolist(), arrays, strict=True)
    }
    return pd.DataFrame(data, index=index, copy=False)
