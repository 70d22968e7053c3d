"""Finding records in raw bytes, vectorised: where each record ends, which ones are unreadable.

A feed's bytes arrive in arbitrary pieces (a writer may flush half a row). Only complete records
are parsed; the rest waits for more bytes. For CSV a newline inside a quoted field does not end
a record, so record ends are the newlines outside quotes, found with numpy over the whole buffer
(no Python loop per byte or per row).

Quotes follow the rules of the CSV readers (pandas' C engine, pyarrow): a quote opens a quoted
field only at the start of a field; inside one, a doubled quote is a literal quote; a quote in
the middle of an unquoted field (``5" screen``) is a literal character.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import numpy as np

NEWLINE = 0x0A
CR = 0x0D
QUOTE = 0x22
# After this many vectorised passes over a buffer with stray quotes, finish in a Python loop
# over the quotes (never over the bytes).
VECTOR_PASSES = 4


@dataclass
class Records:
    """The complete records at the start of a buffer."""

    starts: np.ndarray  # int64: offset of each record's first byte
    stops: np.ndarray  # int64: offset of each record's newline
    lines: np.ndarray  # int64: physical line number where each record starts
    consumed: int  # bytes covered by the complete records (up to the last newline + 1)
    line_count: int  # newlines in the consumed bytes
    quotes: np.ndarray | None  # offsets of the quotes that open or close a quoted field

    def __len__(self) -> int:
        return len(self.starts)

    def content_stops(self, data: np.ndarray) -> np.ndarray:
        """Record ends without the CR of a CRLF line ending."""
        stops = self.stops
        if not len(stops):
            return stops
        has_cr = (stops > self.starts) & (data[np.maximum(stops - 1, 0)] == CR)
        content: np.ndarray = stops - has_cr
        return content

    def lengths(self, data: np.ndarray) -> np.ndarray:
        lengths: np.ndarray = self.content_stops(data) - self.starts
        return lengths


def as_bytes_array(buffer: bytes) -> np.ndarray:
    return np.frombuffer(buffer, dtype=np.uint8)


def split_lines(data: np.ndarray, first_line: int) -> Records:
    """Records that are physical lines (JSON Lines, logs)."""
    newlines = np.flatnonzero(data == NEWLINE)
    return _records(newlines, newlines, first_line, None)


def split_csv(
    data: np.ndarray, first_line: int, delimiter: int, max_lines: int | None = None
) -> Records:
    """Records of a CSV/TSV buffer that starts at a record boundary. With `max_lines`, the
    records stop before the first one that spans more physical lines (a quote that never
    closes): the caller decides what to do with it."""
    newlines = np.flatnonzero(data == NEWLINE)
    if not len(newlines):
        return _records(newlines, newlines, first_line, None)
    # Only the part up to the last newline can hold complete records.
    end = int(newlines[-1]) + 1
    quotes = np.flatnonzero(data[:end] == QUOTE)
    if not len(quotes):
        return _records(newlines, newlines, first_line, None)
    quotes = _significant_quotes(data, quotes, delimiter)
    outside = np.flatnonzero(np.searchsorted(quotes, newlines) % 2 == 0)
    if max_lines is not None and len(outside):
        spans = np.diff(np.concatenate(([-1], outside)))  # newlines in each record
        runaway = np.flatnonzero(spans > max_lines)
        if len(runaway):
            outside = outside[: int(runaway[0])]
    return _records(newlines[outside], newlines, first_line, quotes)


def _records(
    ends: np.ndarray, newlines: np.ndarray, first_line: int, quotes: np.ndarray | None
) -> Records:
    ends = ends.astype(np.int64, copy=False)
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    consumed = int(ends[-1]) + 1 if len(ends) else 0
    lines = first_line + np.searchsorted(newlines, starts)
    line_count = int(np.searchsorted(newlines, consumed))
    return Records(starts, ends, lines.astype(np.int64), consumed, line_count, quotes)


def _significant_quotes(data: np.ndarray, quotes: np.ndarray, delimiter: int) -> np.ndarray:
    """Drop the quotes that are literal characters (mid-field in an unquoted field).

    Taking quotes in pairs, every even-numbered one opens a quoted field; that is right when it
    sits at a field start or right after the previous (closing) quote, as in an escaped ``""``.
    The first one that breaks this rule is literal: drop it and look again.
    """
    for _ in range(VECTOR_PASSES):
        wrong = _misplaced_openers(data, quotes, delimiter)
        if not len(wrong):
            return quotes
        quotes = np.delete(quotes, wrong[0])
    return _scan_quotes(data, quotes, delimiter)


def _misplaced_openers(data: np.ndarray, quotes: np.ndarray, delimiter: int) -> np.ndarray:
    openers = np.arange(0, len(quotes), 2)
    at = quotes[openers]
    before = data[np.maximum(at - 1, 0)]
    field_start = (at == 0) | (before == delimiter) | (before == NEWLINE)
    previous = np.where(openers > 0, quotes[np.maximum(openers - 1, 0)], -2)
    escaped = previous == at - 1
    unescaped: np.ndarray = openers[~(field_start | escaped)]
    return unescaped


def _scan_quotes(data: np.ndarray, quotes: np.ndarray, delimiter: int) -> np.ndarray:
    """The same rule as a loop over the quotes, for a buffer with many stray quotes."""
    kept: list[int] = []
    inside = False
    for at in quotes.tolist():
        if inside:
            kept.append(at)
            inside = False
            continue
        before = data[at - 1] if at else NEWLINE
        if before in (delimiter, NEWLINE) or (kept and kept[-1] == at - 1):
            kept.append(at)
            inside = True
    return np.asarray(kept, dtype=np.int64)


def field_counts(data: np.ndarray, records: Records, delimiter: int) -> np.ndarray:
    """How many fields each record has (delimiters outside quotes, plus one)."""
    end = records.consumed
    delimiters = np.flatnonzero(data[:end] == delimiter)
    if records.quotes is not None and len(delimiters):
        delimiters = delimiters[np.searchsorted(records.quotes, delimiters) % 2 == 0]
    return (
        np.searchsorted(delimiters, records.stops) - np.searchsorted(delimiters, records.starts) + 1
    )


def invalid_utf8(buffer: bytes, records: Records) -> np.ndarray:
    """Records that are not valid UTF-8: one C-speed decode when all is well; each failure
    resumes after the bad record, so the total work stays linear in the buffer."""
    bad = np.zeros(len(records), dtype=bool)
    view = memoryview(buffer)[: records.consumed]
    position = 0
    while position < records.consumed:
        try:
            codecs.utf_8_decode(view[position:], "strict", True)
            break
        except UnicodeDecodeError as error:
            index = int(np.searchsorted(records.stops, position + error.start))
            bad[index] = True
            position = int(records.stops[index]) + 1
    return bad


def splice(buffer: bytes, records: Records, keep: np.ndarray) -> bytes:
    """The kept records (with their newlines) as one buffer, copied run by run."""
    if keep.all():
        return buffer[: records.consumed]
    edges = np.flatnonzero(np.diff(np.concatenate(([False], keep, [False])).astype(np.int8)))
    pieces = [
        buffer[int(records.starts[first]) : int(records.stops[last - 1]) + 1]
        for first, last in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)
    ]
    return b"".join(pieces)
