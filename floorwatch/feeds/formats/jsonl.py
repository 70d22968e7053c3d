"""JSON Lines feeds: one JSON object per line.

The bulk read goes through pyarrow's JSON reader. If it fails on a chunk (a line that is not
JSON, not an object, or types that change from line to line) the chunk is read again line by
line with the json module, so the bad lines are rejected alone and the good ones around them kept.
A key that a line does not have reads as an empty cell.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from floorwatch.config.types import FeedConfig
from floorwatch.feeds.batch import finish, needed_columns, trimmed
from floorwatch.feeds.formats.registry import ParseContext, Parsed, Unbuilt, readable_lines
from floorwatch.feeds.records import Records, splice

OPEN_BRACE = 0x7B
OPENERS, CLOSERS = (0x5B, 0x7B), (0x5D, 0x7D)  # [ {  and  ] }
BACKSLASH, QUOTE = 0x5C, 0x22
# A feed's object is flat. Far deeper nesting crashes JSON readers (pyarrow's overflows the
# C stack at ~100,000 levels, killing the process): such a line is rejected before any reads it.
MAX_DEPTH = 64


class JsonlParser:
    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.feed = feed
        self.context = context
        self.needed = needed_columns(feed)
        # Times stay text: pyarrow would otherwise read ISO strings as timestamps and drop offsets.
        time_columns = feed.time.columns if feed.time else ()
        self.schema = pa.schema([(name, pa.string()) for name in dict.fromkeys(time_columns)])

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        return finish(self.parse_text(buffer, first_line, room), self.feed, self.context)

    def parse_text(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        lines = readable_lines(buffer, first_line, self.context.max_line, room)
        parsed, data, records, keep = lines.parsed, lines.data, lines.records, lines.keep
        keep = _reject_deep(buffer, data, records, keep, parsed, room)
        if not keep.any():
            return parsed
        text = self._bulk(buffer, records, data, keep)
        if text is None:
            text, keep = self._line_by_line(buffer, records, keep, parsed, room)
        if keep.any():
            parsed.unbuilt = Unbuilt(text, records.lines[keep], room)
        return parsed

    def _bulk(
        self, buffer: bytes, records: Records, data: np.ndarray, keep: np.ndarray
    ) -> dict[str, pa.Array] | None:
        if not (data[records.starts[keep]] == OPEN_BRACE).all():
            return None  # some line is not an object (or starts with a space): line by line
        try:
            chunk = splice(buffer, records, keep)
            table = pajson.read_json(
                io.BytesIO(chunk),
                # one block holds any line (up to max_line): a line never straddles two
                read_options=pajson.ReadOptions(block_size=max(1 << 22, 2 * self.context.max_line)),
                parse_options=pajson.ParseOptions(
                    explicit_schema=self.schema, unexpected_field_behavior="infer"
                ),
            )
        except pa.ArrowException:
            return None
        if table.num_rows != int(keep.sum()):
            return None
        columns: dict[str, pa.Array] = {}
        for name in self.needed:
            if name not in table.column_names:
                columns[name] = pa.array([""] * table.num_rows, type=pa.string())
                continue
            values = table.column(name).combine_chunks()
            if pa.types.is_boolean(values.type):
                values = pc.if_else(values, "true", "false")
            elif pa.types.is_null(values.type):
                values = pa.array([""] * table.num_rows, type=pa.string())
            elif not (pa.types.is_string(values.type) or _is_number(values.type)):
                return None  # a nested value: the line-by-line reader says what is wrong
            columns[name] = trimmed(values)
        return columns

    def _line_by_line(
        self, buffer: bytes, records: Records, keep: np.ndarray, parsed: Parsed, room: int
    ) -> tuple[dict[str, pa.Array], np.ndarray]:
        keep = keep.copy()
        cells: dict[str, list[str]] = {name: [] for name in self.needed}
        for index in np.flatnonzero(keep).tolist():
            start, stop = int(records.starts[index]), int(records.stops[index])
            try:
                value = json.loads(buffer[start:stop])
            except ValueError as error:
                reason = f"is not valid JSON ({getattr(error, 'msg', error)})"
                value = None
            except RecursionError:
                reason = "is nested too deeply"
                value = None
            else:
                reason = "" if isinstance(value, dict) else _not_object(value)
            if reason:
                keep[index] = False
                parsed.reject(int(records.lines[index]), reason, room)
                continue
            for name in self.needed:
                cells[name].append(_cell(value.get(name)))
        return {name: trimmed(pa.array(v, type=pa.string())) for name, v in cells.items()}, keep


def _reject_deep(
    buffer: bytes, data: np.ndarray, records: Records, keep: np.ndarray, parsed: Parsed, room: int
) -> np.ndarray:
    """Reject the lines nested more than MAX_DEPTH deep. Brackets are counted over the whole
    buffer at numpy speed (strings included, so it may over-count); only a line that seems too
    deep is scanned exactly, in Python, stopping at the first level too many."""
    if not len(records) or not keep.any():
        return keep
    end = records.consumed
    step = np.isin(data[:end], OPENERS).astype(np.int32) - np.isin(data[:end], CLOSERS)
    level = np.cumsum(step)
    starts = records.starts
    base = np.where(starts > 0, level[np.maximum(starts - 1, 0)], 0)
    peak = np.maximum.reduceat(level, starts)
    suspects = np.flatnonzero(keep & (peak - base > MAX_DEPTH))
    if not len(suspects):
        return keep
    keep = keep.copy()
    for index in suspects.tolist():
        line = buffer[int(starts[index]) : int(records.stops[index])]
        if _deeper_than(line, MAX_DEPTH):
            keep[index] = False
            reason = f"is nested more than {MAX_DEPTH} levels deep"
            parsed.reject(int(records.lines[index]), reason, room)
    return keep


def _deeper_than(line: bytes, limit: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for byte in line:
        if in_string:
            if escaped:
                escaped = False
            elif byte == BACKSLASH:
                escaped = True
            elif byte == QUOTE:
                in_string = False
        elif byte == QUOTE:
            in_string = True
        elif byte in OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif byte in CLOSERS:
            depth -= 1
    return False


def _is_number(kind: pa.DataType) -> bool:
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def _not_object(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    kind = kinds.get(type(value), "a number")
    return f"is not a JSON object (it is {kind})"


def _cell(value: Any) -> str:
    """A JSON value as the text of a cell: null is empty, true/false as words, numbers as
    written, a nested value as JSON (which no field type accepts, so the row is rejected)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)
