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
from floorwatch.feeds.batch import build_batch, needed_columns, trimmed
from floorwatch.feeds.formats.registry import ParseContext, Parsed, readable_lines
from floorwatch.feeds.records import Records, splice

OPEN_BRACE = 0x7B


class JsonlParser:
    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.feed = feed
        self.context = context
        self.needed = needed_columns(feed)
        # Times stay text: pyarrow would otherwise read ISO strings as timestamps and drop offsets.
        time_columns = feed.time.columns if feed.time else ()
        self.schema = pa.schema([(name, pa.string()) for name in dict.fromkeys(time_columns)])

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        lines = readable_lines(buffer, first_line, self.context.max_line, room)
        parsed, data, records, keep = lines.parsed, lines.data, lines.records, lines.keep
        if not keep.any():
            return parsed
        text = self._bulk(buffer, records, data, keep)
        if text is None:
            text, keep = self._line_by_line(buffer, records, keep, parsed, room)
        if keep.any():
            batch = build_batch(self.feed, text, records.lines[keep], self.context, room)
            parsed.absorb(batch, room)
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
            else:
                reason = "" if isinstance(value, dict) else _not_object(value)
            if reason:
                keep[index] = False
                parsed.reject(int(records.lines[index]), reason, room)
                continue
            for name in self.needed:
                cells[name].append(_cell(value.get(name)))
        return {name: trimmed(pa.array(v, type=pa.string())) for name, v in cells.items()}, keep


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
