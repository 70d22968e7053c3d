"""CSV and TSV feeds: header once per file, records found in bytes, columns read in bulk.

The bulk read goes through pyarrow's CSV reader (multi-threaded C++); when it disagrees with the
record split (a lone CR inside a field, say) the pandas C engine reads the chunk, and as a last
resort Python's csv module reads it record by record. Whichever reads it, a row is always tied to
its own record, so every rejection names the right physical line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from floorwatch.config.types import FeedConfig
from floorwatch.feeds.batch import ARROW_WHITESPACE, finish, needed_columns, trimmed
from floorwatch.feeds.formats.registry import (
    ParseContext,
    Parsed,
    TextColumn,
    Unbuilt,
    reject_unreadable,
)
from floorwatch.feeds.records import (
    Records,
    as_bytes_array,
    field_counts,
    splice,
    split_csv,
)
from floorwatch.text.safe import clean_text

Columns = dict[int, pa.Array]  # column index -> text

# Up to this many records, a chunk without quotes is split in Python: pyarrow's reader costs a
# fixed ~1 ms a call (its thread pool, its type machinery), and a live poll brings a few rows a
# file. Measured on 2 cores: 6 rows, 0.04 ms in Python against 0.95 ms through pyarrow.
PLAIN_SPLIT_MAX_RECORDS = 256


class CsvParser:
    """One CSV/TSV file (one generation of it: after a rotation the header is read again)."""

    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.feed = feed
        self.context = context
        default = "\t" if feed.format == "tsv" else ","
        self.delimiter = feed.delimiter or default
        if len(self.delimiter.encode()) != 1:
            raise ValueError(f"delimiter {self.delimiter!r} must be a single-byte character")
        self.separator = self.delimiter.encode()[0]
        self.needed = needed_columns(feed)
        self.header: list[str] | None = None
        self.indices: dict[str, int] = {}  # needed column -> its index in the header
        self.header_problem: str | None = None
        self.header_line = 0
        self.header_reported = False

    # -- parsing ---------------------------------------------------------------------------------

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        return finish(self.parse_text(buffer, first_line, room), self.feed, self.context)

    def parse_text(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        data = as_bytes_array(buffer)
        records = split_csv(data, first_line, self.separator, self.context.max_record_lines)
        parsed = Parsed(consumed=records.consumed, line_count=records.line_count)
        if not len(records):
            return parsed
        lengths = records.lengths(data)
        keep = lengths > 0  # a blank line carries no row: skipped, not counted as rejected
        if self.header is None:
            first = np.flatnonzero(keep)
            if not len(first):
                return parsed
            self._read_header(buffer, records, int(first[0]))
            keep[: int(first[0]) + 1] = False
        if self.header_problem is not None:
            self._reject_all(parsed, keep, room)
            return parsed
        keep = reject_unreadable(
            parsed, buffer, records, lengths, keep, self.context.max_line, room
        )
        table = None
        if keep.any():
            table, keep = self._columns(buffer, data, records, keep, parsed, room)
        if table is not None:
            parsed.unbuilt = Unbuilt(table, records.lines[keep], room)
        return parsed

    def _columns(
        self,
        buffer: bytes,
        data: np.ndarray,
        records: Records,
        keep: np.ndarray,
        parsed: Parsed,
        room: int,
    ) -> tuple[dict[str, TextColumn] | None, np.ndarray]:
        """The needed columns of the kept records, and which records they are.

        pyarrow checks that every row has the header's width: when it reads the chunk whole,
        nothing else needs checking. Otherwise the records of the wrong width are found here,
        rejected, and the rest read again.
        """
        count = int(keep.sum())
        chunk = splice(buffer, records, keep)
        table: dict[str, TextColumn] | None = None
        if count <= PLAIN_SPLIT_MAX_RECORDS:
            table = self._read_plain(chunk, count)
        if table is None:
            table = self._read_arrow_checked(chunk, count)
        if table is not None:
            return table, keep
        assert self.header is not None
        width = len(self.header)
        counts = field_counts(data, records, self.separator)
        wrong = keep & (counts != width)
        for index in np.flatnonzero(wrong).tolist():
            why = self._width_problem(int(counts[index]), width)
            parsed.reject(int(records.lines[index]), why, room)
        keep = keep & ~wrong
        if not keep.any():
            return None, keep
        return self._table(splice(buffer, records, keep), int(keep.sum())), keep

    def _width_problem(self, count: int, width: int) -> str:
        if count > width:
            return f"has {count} fields, the header has {width}"
        missing = [column for column in self.needed if self.indices[column] >= count]
        if missing:
            return f"missing column '{missing[0]}' (the row has {count} of {width} fields)"
        return f"has {count} fields, the header has {width}"

    def _reject_all(self, parsed: Parsed, keep: np.ndarray, room: int) -> None:
        parsed.rejected += int(keep.sum())
        if not self.header_reported and room > 0 and self.header_problem:
            parsed.reasons.append((self.header_line, self.header_problem))
            self.header_reported = True

    # -- the header ------------------------------------------------------------------------------

    def _read_header(self, buffer: bytes, records: Records, index: int) -> None:
        start, stop = int(records.starts[index]), int(records.stops[index])
        text = buffer[start:stop].decode("utf-8", errors="replace")
        self.header = [name.strip() for name in self._split(text)]
        self.header_line = int(records.lines[index])
        self.indices = {}
        lowered = {name.lower(): i for i, name in reversed(list(enumerate(self.header)))}
        for column in self.needed:
            position = self._position(column, lowered)
            if position is not None:
                self.indices[column] = position
        missing = [column for column in self.needed if column not in self.indices]
        names = ", ".join(f"'{name}'" for name in missing)
        if missing and not self.indices:
            # None of the feed's columns: most likely not a feed at all (a link to a system
            # file, a report dropped in the folder). Its first line is never shown.
            self.header_problem = (
                f"is not a file of this feed: its first line names none of {names}"
            )
        elif missing:
            shown = ", ".join(clean_text(name) for name in self.header)
            self.header_problem = f"the header has no column {names} (it has: {shown})"

    def _position(self, column: str, lowered: dict[str, int]) -> int | None:
        assert self.header is not None
        if column in self.header:
            return self.header.index(column)
        return lowered.get(column.lower())  # 'Agent' for 'agent': the same column to a person

    # -- reading columns in bulk -----------------------------------------------------------------

    def _table(self, chunk: bytes, expected: int) -> dict[str, pa.Array]:
        wanted = sorted(set(self.indices.values()))
        readers: list[Callable[[bytes, list[int]], Columns]] = [
            self._read_arrow,
            self._read_pandas,
            self._read_python,
        ]
        columns: Columns = {}
        for reader in readers:
            try:
                columns = reader(chunk, wanted)
            except Exception:  # whatever a reader chokes on, the next one reads differently
                continue
            if all(len(values) == expected for values in columns.values()):
                break
        return {column: trimmed(columns[index]) for column, index in self.indices.items()}

    def _read_plain(self, chunk: bytes, expected: int) -> dict[str, TextColumn] | None:
        """A few records split on delimiters, when that is exactly what a CSV reader would do:
        no quote anywhere and no CR but in CRLF endings. None (read it the general way) when
        not, or when a record is not as wide as the header."""
        assert self.header is not None
        if b'"' in chunk or chunk.count(b"\r") != chunk.count(b"\r\n"):
            return None
        lines = chunk.decode("utf-8").split("\n")
        lines.pop()  # the chunk ends with its last record's newline
        width = len(self.header)
        rows = [line.split(self.delimiter) for line in lines]
        if len(rows) != expected or any(len(row) != width for row in rows):
            return None
        # Trimmed here (as `trimmed` would): four pyarrow calls a column cost more than a few rows.
        # Lists, not arrays: the small-batch build reads them as they are (`TextColumn`).
        return {
            column: [row[index].strip(ARROW_WHITESPACE) for row in rows]
            for column, index in self.indices.items()
        }

    def _read_arrow_checked(self, chunk: bytes, expected: int) -> dict[str, pa.Array] | None:
        try:
            columns = self._read_arrow(chunk, sorted(set(self.indices.values())))
        except (pa.ArrowException, ValueError):
            return None
        if any(len(values) != expected for values in columns.values()):
            return None
        return {column: trimmed(columns[index]) for column, index in self.indices.items()}

    def _read_arrow(self, chunk: bytes, wanted: list[int]) -> Columns:
        assert self.header is not None
        names = [f"c{i}" for i in range(len(self.header))]
        table = pacsv.read_csv(
            io.BytesIO(chunk),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter, quote_char='"', double_quote=True, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[names[i] for i in wanted],
                column_types={names[i]: pa.string() for i in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        return {i: table.column(names[i]).combine_chunks() for i in wanted}

    def _read_pandas(self, chunk: bytes, wanted: list[int]) -> Columns:
        frame = pd.read_csv(
            io.BytesIO(chunk),
            sep=self.delimiter,
            header=None,
            usecols=wanted,
            dtype=object,
            na_filter=False,
            lineterminator="\n",
            quotechar='"',
            index_col=False,
            skip_blank_lines=False,
            engine="c",
        )
        return {i: pa.array(frame[i].to_numpy(), type=pa.string()) for i in wanted}

    def _read_python(self, chunk: bytes, wanted: list[int]) -> Columns:
        """Record by record: slow, but it cannot lose the tie between a row and its record."""
        records = split_csv(as_bytes_array(chunk), 1, self.separator)
        cells: dict[int, list[str]] = {i: [] for i in wanted}
        for start, stop in zip(records.starts.tolist(), records.stops.tolist(), strict=True):
            row = self._split(chunk[start:stop].decode("utf-8", errors="replace"))
            for i in wanted:
                cells[i].append(row[i] if i < len(row) else "")
        return {i: pa.array(values, type=pa.string()) for i, values in cells.items()}

    def _split(self, text: str) -> list[str]:
        """One record's fields; a record even the csv module refuses is split on delimiters."""
        text = text.removesuffix("\r")
        try:
            return next(csv.reader([text], delimiter=self.delimiter, strict=False), [])
        except csv.Error:
            return text.split(self.delimiter)
