"""The seam between the tailer (bytes) and the formats (rows): a parser per file, by format name.

A tailer hands its parser the bytes it has not parsed yet, always starting at a record boundary;
the parser parses the complete records at the front and says how many bytes they took. The rest
(half a row a writer has not finished) comes back with the next read.

A format registers a factory under its `format:` name (`register_parser`), which also makes the
config accept the name (`floorwatch.config.formats`); csv, tsv, jsonl and Asterisk's queue_log
are built in, imported on first use.

`floorwatch.feeds.batch.build_batch` turns columns of text into rows (conversion, `where`,
`exclude_agents`, rejection reasons); a new format only has to find its records and columns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Protocol, TypeAlias

import numpy as np
import pandas as pd

from floorwatch.config.formats import add_format
from floorwatch.config.types import FeedConfig
from floorwatch.feeds.records import Records, as_bytes_array, invalid_utf8, split_lines

if TYPE_CHECKING:
    import pyarrow as pa

# A line (record) longer than this is rejected without being kept whole in memory.
MAX_LINE_BYTES = 1 << 20
# A quoted field may hold newlines, but one that runs on for more lines than this is a quote
# that never closes: its first line is rejected and the lines after it read as rows again.
MAX_RECORD_LINES = 32

# A column of cells as a parser hands it over: an Arrow string array, or, for a few records split
# in Python, the list of str itself (the small-batch build reads it as is; the vectorised build
# makes it an array only when it runs).
TextColumn: TypeAlias = "pa.Array | list[str]"


@dataclass(frozen=True)
class ParseContext:
    """What every parser of a floor needs besides its feed."""

    zone: tzinfo  # naive times are read in this zone (floor.timezone)
    clock: Callable[[], float]  # read time for snapshot rows without a time column
    # Rows timed more than this many seconds after `wall()` are rejected (floor.future_tolerance);
    # None accepts any time. The real wall clock in both floor clocks: a replay's rows are past.
    future_tolerance: float | None = None
    wall: Callable[[], float] = time.time
    max_line: int = MAX_LINE_BYTES
    max_record_lines: int = MAX_RECORD_LINES


@dataclass
class Unbuilt:
    """Columns of text a parser found but has not turned into rows yet (`parse_text`): a poll
    builds those of every file of a feed at once (`floorwatch.feeds.pool`)."""

    text: dict[str, TextColumn]
    lines: np.ndarray  # the physical line each record starts on
    room: int  # reasons the file may still keep


@dataclass
class Parsed:
    """The outcome of parsing the complete records at the front of a buffer."""

    consumed: int = 0  # bytes of complete records (the rest waits for more bytes)
    line_count: int = 0  # physical lines in those bytes
    rows: pd.DataFrame | None = None  # floorwatch.live.rows schema; None when there were none
    newest_ts: float | None = None  # the latest TS among `rows` (None when there are none)
    rejected: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)  # (line, why), first ones only
    unbuilt: Unbuilt | None = None  # records read but not yet built into `rows` (parse_text)
    # A pooled build (several files' records at once, `sources` given to build_batch): the
    # source of each row, of each rejected record and of each reason.
    row_sources: np.ndarray | None = None
    rejected_sources: np.ndarray | None = None
    reason_sources: list[int] = field(default_factory=list)

    def reject(self, line: int, reason: str, room: int) -> None:
        self.rejected += 1
        if len(self.reasons) < room:
            self.reasons.append((line, reason))

    def absorb(self, batch: Parsed, room: int) -> None:
        """Take a built batch's rows and rejections; reasons stay in line order, `room` at most."""
        self.rows, self.newest_ts = batch.rows, batch.newest_ts
        self.rejected += batch.rejected
        self.reasons = sorted(self.reasons + batch.reasons)[:room]


def reject_unreadable(
    parsed: Parsed,
    buffer: bytes,
    records: Records,
    lengths: np.ndarray,
    keep: np.ndarray,
    max_line: int,
    room: int,
) -> np.ndarray:
    """Of the records to `keep`, reject those too long to read or not UTF-8 (each with its
    reason); returns the rest."""
    too_long = keep & (lengths > max_line)
    not_utf8 = keep & ~too_long & invalid_utf8(buffer, records)
    for index in np.flatnonzero(too_long | not_utf8).tolist():
        if too_long[index]:
            why = f"line is longer than {max_line:,} bytes ({lengths[index]:,})"
        else:
            why = "is not valid UTF-8 text"
        parsed.reject(int(records.lines[index]), why, room)
    readable: np.ndarray = keep & ~(too_long | not_utf8)
    return readable


@dataclass
class Lines:
    """A line-per-record buffer (JSON Lines, logs) ready to read: its complete lines and which of
    them to read. Blank lines are skipped; lines too long or not UTF-8 are rejected in `parsed`."""

    parsed: Parsed
    data: np.ndarray  # the buffer's bytes
    records: Records
    keep: np.ndarray


def readable_lines(buffer: bytes, first_line: int, max_line: int, room: int) -> Lines:
    data = as_bytes_array(buffer)
    records = split_lines(data, first_line)
    parsed = Parsed(consumed=records.consumed, line_count=records.line_count)
    lengths = records.lengths(data)
    keep = lengths > 0  # a blank line carries no row: skipped, not counted as rejected
    keep = reject_unreadable(parsed, buffer, records, lengths, keep, max_line, room)
    return Lines(parsed, data, records, keep)


class FileParser(Protocol):
    """Parses one file (one generation of it: a rotated file gets a new parser)."""

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        """Parse the complete records at the start of `buffer`, whose first byte is on physical
        line `first_line`. Keep at most `room` reasons."""
        ...


class PoolableParser(FileParser, Protocol):
    """A parser that can stop before building rows, so that a poll builds the rows of every
    file of a feed in one pass (the build's fixed cost is most of a small read's)."""

    def parse_text(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        """As `parse`, but the records' columns are left in `Parsed.unbuilt` (when any)."""
        ...


ParserFactory = Callable[[FeedConfig, ParseContext], FileParser]
PARSERS: dict[str, ParserFactory] = {}


class UnknownFormat(LookupError):
    """No parser is registered for a feed's format."""


def register_parser(
    format_name: str, factory: ParserFactory, *, extensions: tuple[str, ...] = ()
) -> None:
    """Make `format: <format_name>` feeds parse with `factory(feed, context)`; the config
    accepts the name from now on, and guesses it for paths ending in one of `extensions`."""
    PARSERS[format_name] = factory
    add_format(format_name, extensions)


def parser_for(feed: FeedConfig, context: ParseContext) -> FileParser:
    _register_builtin()
    try:
        factory = PARSERS[feed.format]
    except KeyError:
        known = ", ".join(sorted(PARSERS))
        raise UnknownFormat(f"no parser for format {feed.format!r} (known: {known})") from None
    return factory(feed, context)


def builtin_parsers() -> dict[str, ParserFactory]:
    """The parsers floorwatch ships, by the names in `floorwatch.config.formats.BUILTIN_FORMATS`."""
    from floorwatch.feeds.formats.csv import CsvParser
    from floorwatch.feeds.formats.jsonl import JsonlParser
    from floorwatch.feeds.formats.queue_log import QueueLogParser

    return {"csv": CsvParser, "tsv": CsvParser, "jsonl": JsonlParser, "queue_log": QueueLogParser}


def _register_builtin() -> None:
    if "csv" in PARSERS:
        return
    for name, factory in builtin_parsers().items():
        PARSERS.setdefault(name, factory)
