"""Columns of feed text -> rows in the `live.rows` schema, with each bad row rejected alone.

Shared by every format: a parser finds records and their columns (as pyarrow string arrays, ""
for an empty cell) and this module applies `where` and `exclude_agents`, converts the time and
the fields in one vectorised pass, drops the rows that cannot be read and says why for the first
of them. Python runs per rejected row only, and only for the reasons that are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.config.types import FeedConfig
from floorwatch.feeds.clean import clean_labels
from floorwatch.feeds.convert import CONVERTERS, PROBLEMS, Converted, time_text, to_epoch
from floorwatch.feeds.formats.registry import ParseContext, Parsed, TextColumn
from floorwatch.feeds.limits import (  # re-exported: the formats import them from here
    ARROW_WHITESPACE as ARROW_WHITESPACE,
)
from floorwatch.feeds.limits import MAX_FIELD_VALUE, MAX_ID_CHARS, MAX_LABEL_CHARS
from floorwatch.feeds.small_batch import SMALL_BATCH_MAX, build_small
from floorwatch.live.queues import EVENT, EVENTS
from floorwatch.live.rows import AGENT, NAME, TEAM, TS
from floorwatch.live.states import REASON
from floorwatch.text.safe import clean_text

SHOWN_VALUE_CHARS = 40


def needed_columns(feed: FeedConfig) -> list[str]:
    """Every source column the feed reads, in a stable order, once each."""
    columns = [feed.agent] if feed.agent else []
    columns.extend(column for _, column in feed.text_columns())
    if feed.time is not None:
        columns.extend(feed.time.columns)
    columns.extend(c for c in (feed.name_column, feed.team_column) if c)
    columns.extend(spec.column for spec in feed.fields)
    columns.extend(column for column, _ in feed.where)
    return list(dict.fromkeys(columns))


def trimmed(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Text cells without outer whitespace (a CRLF file's CR included); nulls read as ""."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(values), "")


@dataclass
class _Check:
    """One way a row can be unreadable, and how to say it for row i."""

    bad: np.ndarray
    label: str  # what the reason names: the field, or the agent/time column
    text: pa.Array
    problem: str


def finish(parsed: Parsed, feed: FeedConfig, context: ParseContext) -> Parsed:
    """`parsed` with the records a `parse_text` left unbuilt turned into rows."""
    unbuilt, parsed.unbuilt = parsed.unbuilt, None
    if unbuilt is not None:
        batch = build_batch(feed, unbuilt.text, unbuilt.lines, context, unbuilt.room)
        parsed.absorb(batch, unbuilt.room)
    return parsed


def build_batch(
    feed: FeedConfig,
    text: Mapping[str, TextColumn],
    lines: np.ndarray,
    context: ParseContext,
    room: int,
    sources: np.ndarray | None = None,
) -> Parsed:
    """Rows from columns of text (every needed column, equal lengths) whose records start on
    physical `lines`. Fills `rows`, `rejected` and `reasons` of the returned Parsed; with
    `sources` (records pooled from several files: each record's file), also the sources of
    the rows, the rejected records and the reasons.

    A live poll's few records take the pure-Python small-batch build when they are all clean
    (its result is the same; it skips pyarrow's and pandas' fixed cost a call)."""
    if (
        len(lines) <= SMALL_BATCH_MAX
        and (fast := build_small(feed, text, lines, context, room, sources)) is not None
    ):
        return fast
    return _build_vectorised(feed, text, lines, context, room, sources)


def _build_vectorised(
    feed: FeedConfig,
    columns: Mapping[str, TextColumn],
    lines: np.ndarray,
    context: ParseContext,
    room: int,
    sources: np.ndarray | None = None,
) -> Parsed:
    """`build_batch` for any records: conversion and checks column by column."""
    text = as_arrays(columns)
    parsed = Parsed()
    if sources is None:
        sources = np.zeros(len(lines), dtype=np.int64)
    keep = _wanted(feed, text, len(lines))
    if not keep.all():
        text = {name: values.filter(pa.array(keep)) for name, values in text.items()}
        lines, sources = lines[keep], sources[keep]
    agents = _agents(feed, text, len(lines))
    if feed.exclude_agents:
        kept = ~np.isin(agents, np.array(feed.exclude_agents, dtype=object))
        if not kept.all():
            text = {name: values.filter(pa.array(kept)) for name, values in text.items()}
            lines, agents, sources = lines[kept], agents[kept], sources[kept]
    if not len(lines):
        return parsed
    checks = [_Check(agents == "", feed.agent, text[feed.agent], "is empty")] if feed.agent else []
    if feed.agent:
        too_long = _longer_than(text[feed.agent], MAX_ID_CHARS)
        if too_long.any():
            problem = f"is longer than {MAX_ID_CHARS} characters"
            checks.append(_Check(too_long, feed.agent, text[feed.agent], problem))
    ts = _times(feed, text, context, checks)
    labels = live_labels(feed, text, checks)
    values: dict[str, np.ndarray] = {}
    for spec in feed.fields:
        converted: Converted = CONVERTERS[spec.type](text[spec.column])
        values[spec.name] = converted.values
        problem = _field_problem(spec.name, spec.column, PROBLEMS[spec.type])
        checks.append(_Check(converted.bad, spec.name, text[spec.column], problem))
        too_big = np.abs(np.nan_to_num(converted.values)) > MAX_FIELD_VALUE
        if too_big.any():
            out_of_range = _field_problem(spec.name, spec.column, "is out of range (over 1e12)")
            checks.append(_Check(too_big, spec.name, text[spec.column], out_of_range))
    bad = np.logical_or.reduce([c.bad for c in checks]) if checks else np.zeros(len(lines), bool)
    if bad.any():
        _explain(parsed, bad, checks, lines, room, sources)
    good = ~bad
    parsed.row_sources = sources[good]
    if good.any():
        parsed.rows = _frame(feed, text, good, ts, agents, values)
        for name, array in labels.items():
            parsed.rows[name] = pd.Series(array[good], dtype=object)
        parsed.newest_ts = float(ts[good].max())
    return parsed


def as_arrays(text: Mapping[str, TextColumn]) -> dict[str, pa.Array]:
    """Every column as an Arrow string array (a parser may hand over plain lists)."""
    return {name: _as_array(values) for name, values in text.items()}


def _as_array(values: TextColumn) -> pa.Array:
    return pa.array(values, pa.string()) if isinstance(values, list) else values


def concat_columns(parts: list[TextColumn]) -> TextColumn:
    """One column from several files' parts: a list when every part is one (no Arrow call)."""
    if all(isinstance(part, list) for part in parts):
        return [cell for part in parts for cell in part]
    return pa.concat_arrays([_as_array(part) for part in parts])


def _longer_than(values: pa.Array, limit: int) -> np.ndarray:
    return np.asarray(
        pc.greater(pc.utf8_length(values), limit).to_numpy(zero_copy_only=False), dtype=bool
    )


def _agents(feed: FeedConfig, text: Mapping[str, pa.Array], size: int) -> np.ndarray:
    if not feed.agent:  # a queue feed without an agent column: the callers are nobody's yet
        return np.full(size, "", dtype=object)
    return clean_labels(text[feed.agent], empty="")


def live_labels(
    feed: FeedConfig, text: Mapping[str, pa.Array], checks: list[_Check]
) -> dict[str, np.ndarray]:
    """The text a states or queue feed carries (state, reason; queue, contact, event), cleaned;
    a row without its state, queue, contact or a known event is rejected."""
    labels: dict[str, np.ndarray] = {}
    for name, column in feed.text_columns():
        values = clean_labels(text[column], empty=None)
        if name == EVENT:
            values = np.array([v.lower() if v else v for v in values], dtype=object)
            unknown = np.array([v is not None and v not in EVENTS for v in values], dtype=bool)
            checks.append(_Check(unknown, name, text[column], "is not enter, answer or abandon"))
        if name != REASON:
            missing = np.array([v is None for v in values], dtype=bool)
            checks.append(_Check(missing, name, text[column], "is empty"))
        labels[name] = values
    return labels


def _wanted(feed: FeedConfig, text: Mapping[str, pa.Array], size: int) -> np.ndarray:
    """Rows that `where` keeps (every listed column holds one of its allowed values)."""
    keep = np.ones(size, dtype=bool)
    for column, allowed in feed.where:
        matches = pc.is_in(text[column], value_set=pa.array(list(allowed), pa.string()))
        keep &= np.asarray(matches.to_numpy(zero_copy_only=False), dtype=bool)
    return keep


def _times(
    feed: FeedConfig, text: Mapping[str, pa.Array], context: ParseContext, checks: list[_Check]
) -> np.ndarray:
    size = len(next(iter(text.values())))
    if feed.time is None:  # a snapshot without a time: it holds as of now
        return np.full(size, context.clock(), dtype="float64")
    columns = feed.time.columns
    joined = time_text([text[column] for column in columns])
    converted = to_epoch(joined, feed.time, context.zone)
    label = "+".join(columns)
    empty = np.asarray(pc.equal(joined, "").to_numpy(zero_copy_only=False), dtype=bool)
    expected = feed.time.format or "ISO 8601 or epoch seconds"
    checks.append(_Check(empty, label, joined, "has no time (empty)"))
    checks.append(_Check(converted.bad, label, joined, f"is not a time (expected {expected})"))
    if context.future_tolerance is not None:
        limit = context.wall() + context.future_tolerance
        ahead = np.nan_to_num(converted.values, nan=-np.inf) > limit
        if ahead.any():
            problem = f"is more than {_span(context.future_tolerance)} ahead of now"
            checks.append(_Check(ahead, label, joined, problem))
    return converted.values


def _span(seconds: float) -> str:
    """A tolerance as people write it: 90s, 5m, 2h."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _field_problem(field: str, column: str, problem: str) -> str:
    # The reason names the field (as the config does); the column too when it is another name.
    return problem if field == column else f"{problem} (column {column!r})"


def _explain(
    parsed: Parsed,
    bad: np.ndarray,
    checks: list[_Check],
    lines: np.ndarray,
    room: int,
    sources: np.ndarray,
) -> None:
    rows = np.flatnonzero(bad)
    parsed.rejected += len(rows)
    parsed.rejected_sources = sources[rows]
    for row in rows[: max(room, 0)].tolist():
        check = next(check for check in checks if check.bad[row])
        parsed.reasons.append((int(lines[row]), _reason(check, row)))
        parsed.reason_sources.append(int(sources[row]))


def _reason(check: _Check, row: int) -> str:
    if check.problem.startswith(("is empty", "has no")):
        return f"{check.label} {check.problem}"
    value = clean_text(str(check.text[row].as_py()))
    if len(value) > SHOWN_VALUE_CHARS:
        value = value[: SHOWN_VALUE_CHARS - 1] + "…"
    return f"{check.label} '{value}' {check.problem}"


def _frame(
    feed: FeedConfig,
    text: Mapping[str, pa.Array],
    good: np.ndarray,
    ts: np.ndarray,
    agents: np.ndarray,
    values: dict[str, np.ndarray],
) -> pd.DataFrame:
    size = int(good.sum())
    every = bool(good.all())

    def pick(array: np.ndarray) -> np.ndarray:
        return array if every else array[good]

    def label(column: str | None) -> np.ndarray:
        if column is None:
            return np.full(size, None, dtype=object)
        labels = clean_labels(text[column], empty=None)
        long = np.flatnonzero(_longer_than(text[column], MAX_LABEL_CHARS))
        if len(long):  # rare: Python for these only
            labels = labels.copy()
            for index in long.tolist():
                value = labels[index]
                if value is not None and len(value) > MAX_LABEL_CHARS:
                    labels[index] = value[: MAX_LABEL_CHARS - 1] + "\u2026"
        return pick(labels)

    # Text stays object dtype with None for a missing name, as in floorwatch.live.rows.empty_batch.
    index = pd.RangeIndex(size)

    def text_column(array: np.ndarray) -> pd.Series:
        return pd.Series(array, index=index, dtype=object, copy=False)

    columns: dict[str, object] = {
        TS: pick(ts),
        AGENT: text_column(pick(agents)),
        NAME: text_column(label(feed.name_column)),
        TEAM: text_column(label(feed.team_column)),
    }
    for name, array in values.items():
        columns[name] = pick(array)
    return pd.DataFrame(columns, index=index, copy=False)
