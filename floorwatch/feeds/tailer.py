"""One feed file followed like `tail -F`: only new bytes are read, only complete records parsed.

A tailer keeps the identity (device, inode) of the file it has open, the byte offset it has read
to, the incomplete last record (a writer may flush half a row) and the parser, which holds the
CSV header. What it has read stays readable through the open descriptor even after the file is
renamed or deleted, so a rotation never loses the rows written just before it.

Rotation itself is decided by `FloorFeeds`, which sees every path of a feed; a tailer offers
the moves: `drain()` (read to the end of the open file, noticing a truncation), `follow()`
(switch to the file now at the path) and `lose()` (the file is gone).
"""

from __future__ import annotations

import copy
import logging
import os
import stat
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from floorwatch.config.types import FeedConfig
from floorwatch.feeds.discover import Identity, identity_of
from floorwatch.feeds.formats.registry import (
    FileParser,
    ParseContext,
    Parsed,
    UnknownFormat,
    parser_for,
)
from floorwatch.live.rows import TS

if TYPE_CHECKING:
    import numpy as np

    from floorwatch.feeds.pool import BuildPool

BOM = b"\xef\xbb\xbf"
READ_BYTES = 8 << 20  # cold start reads (and parses) a file in chunks of this size
MAX_ERRORS = 50  # reasons kept per file; the rest are only counted
# The last MARK_BYTES read are remembered as a CRC; each poll of a file that grew reads them again
# with the new bytes (one pread) to notice a file rewritten in place.
MARK_BYTES = 4096
# The batches read from a file are kept until it has given this many rows, so that a corrected
# export rewritten in place can be taken back; a bigger file keeps none.
RETAIN_ROWS = 20_000
# A last line without a newline counts once the file has not changed for this long: a writer
# flushing half a row finishes within moments; a file whose last line never ends is done.
SETTLE_SECONDS = 2.0
# A file read to its end and unchanged for this long is closed ("parked"): thousands of quiet
# files (a month of daily exports) need no descriptor each. It is opened again when it grows.
QUIET_SECONDS = 30.0
FIRST_LINE_BYTES = 4096  # a header longer than this is compared by its start
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileStatus:
    """A feed file as the status line, the errors panel and `floorwatch check` show it."""

    feed: str
    path: Path  # relative to the config's folder when the file is under it
    rows: int
    rejected: int
    errors: list[str] = field(default_factory=list)  # first reasons, as 'path:line: reason'
    last_row_at: float | None = None  # wall time (epoch) when the last valid row was read
    newest_ts: float | None = None  # newest event time seen in this file
    missing: bool = False  # the file was there and disappeared


class FeedTailer:
    """Follows the file at one path of a feed, through rotations, truncations and replacements."""

    def __init__(
        self,
        feed: FeedConfig,
        path: str,
        display: str,
        context: ParseContext,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.feed = feed
        self.path = path
        self.display = display
        self.context = context
        self.clock = clock
        self.fd: int | None = None
        self.identity: Identity | None = None
        self.parked = False  # closed while quiet (or deleted): `drain()` reopens it if it grew
        self.missing = False
        self.rows = 0
        self.rejected = 0
        self.errors: list[str] = []
        self.last_row_at: float | None = None
        self.newest_ts: float | None = None
        self._frames: list[pd.DataFrame] = []
        self._retracted: list[pd.DataFrame] = []  # rows counted before that no longer stand
        self._changed = False
        self.previous: Generation | None = None  # the version before a truncation
        # Set by FloorFeeds while a poll drains the feed: records read are built into rows
        # with every other file's of the feed, at once (floorwatch.feeds.pool).
        self.pool: BuildPool | None = None
        self._restart()

    # -- state of one generation of the file -----------------------------------------------------

    def _restart(self) -> None:
        """Read the file again from its first byte, header included (a new file at the path)."""
        if getattr(self, "offset", 0):  # what the generation before had read: a copy may go on
            self.previous = self.generation()
        self.offset = 0  # bytes of the file read so far (parsed or pending)
        self.pending = b""  # the incomplete last record
        self.settled: _Settled | None = None  # a last line counted without its newline
        self.line = 1  # physical line where `pending` starts
        self.skipping = False  # dropping the rest of an over-long line
        self.bom_checked = False
        self.crc = 0  # CRC-32 of every byte read: is a replacement the same file, grown?
        self.mark: Mark = (0, 0)  # (length, CRC-32) of the last MARK_BYTES (or fewer) read
        # The rows this version of the file gave (for a rewrite in place to take back); None
        # past RETAIN_ROWS, and for a snapshot feed, whose newest value stands until a newer
        # one. With how many there were, and what was rejected and said before it began.
        self.given: list[Given] | None = None if self.feed.kind == "snapshot" else []
        self.given_rows = 0
        self.counts_before = (getattr(self, "rejected", 0), len(getattr(self, "errors", ())))
        self.parser: FileParser | None = None
        self.first_line = b""  # the file's first line (a CSV header), up to FIRST_LINE_BYTES
        self.known_header: Generation | None = None  # after a truncation: the header before

    def generation(self) -> Generation:
        """Where reading stands in the file now: a copy of it (copytruncate) may go on from
        here without reading a row twice."""
        return Generation(
            self.offset, self.crc, self.mark, self.line, self.pending, self.parser,
            self.first_line,
        )  # fmt: skip

    def continue_from(self, generation: Generation) -> None:
        """This file is a copy of one read up to `generation` (copytruncate copied it before
        truncating): read on from there, with its header, not from the first byte."""
        self.offset, self.crc, self.mark = generation.offset, generation.crc, generation.mark
        self.line, self.pending = generation.line, generation.pending
        self.given, self.given_rows = [], 0  # the rows before were the other file's
        self.parser = copy.copy(generation.parser)
        self.first_line, self.bom_checked = generation.first_line, True

    def copy_of(self, candidates: list[Generation]) -> Generation | None:
        """The generation this open file starts with, byte for byte (it is a copy), or None."""
        if self.fd is None:
            return None
        size = os.fstat(self.fd).st_size
        for generation in candidates:
            fits = generation.offset and size >= generation.offset
            if fits and _crc(self.fd, generation.offset) == generation.crc:
                return generation
        return None

    @property
    def is_open(self) -> bool:
        return self.fd is not None

    # -- the moves -------------------------------------------------------------------------------

    def open(self) -> bool:
        """Open the file at the path (the first time, or after it went missing).

        Never blocks: a FIFO, a device or a folder swapped in under a feed's name is opened
        non-blocking, found out by the descriptor's own type, and not read."""
        try:
            fd = os.open(self.path, OPEN_FLAGS)
        except FileNotFoundError:
            return False
        except OSError as error:  # EMFILE too: said, not an empty board
            self._file_error(f"cannot be read ({error.strerror})")
            return False
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            self._file_error(f"is not a regular file ({_kind(info.st_mode)}): not read")
            return False
        if self.fd is not None:
            os.close(self.fd)
        self.fd = fd
        self.parked = False
        self.identity = identity_of(info)
        if self.missing:
            self.missing = False
            self._changed = True
        return True

    def follow(self) -> None:
        """The path now holds another file (rotation, delete and recreate, atomic replace).

        Call after `drain()` has read the old one to its end. If the new file starts with every
        byte read so far (a writer that rewrote the whole file with more rows), reading goes on
        from the same offset; otherwise it starts again from 0, header included.
        """
        old = self.fd
        self.fd = None
        if not self.open():
            self.fd = old
            return
        if self.offset and not self._starts_with_what_was_read():
            if old is not None and self._supersedes(old):
                self._take_back_file(old)
            self._restart()
        if old is not None:
            os.close(old)

    def _supersedes(self, old: int) -> bool:
        """The file now at the path is a new version of the old one (a corrected export
        written beside it and renamed over it): the old one is gone from the disk, and the new
        one starts with the same first line (the header), or a CSV header with columns added."""
        assert self.fd is not None
        if os.fstat(old).st_nlink != 0:
            return False
        return self._same_export(os.pread(self.fd, FIRST_LINE_BYTES, 0))

    def _take_back_file(self, old: int) -> None:
        """The rows read from the old version no longer stand: read it again (in a reader of
        its own) and hand its rows to `take_back()`; its rejections go too."""
        reader = FeedTailer(self.feed, self.path, self.display, self.context, clock=self.clock)
        reader.fd, reader.identity = os.dup(old), self.identity
        try:
            reader.drain()
            rows, _ = reader.take()
        finally:
            reader.close()
        if rows is not None and len(rows):
            self._retracted.append(rows)
            self.rows -= len(rows)
        self.rejected = max(0, self.rejected - reader.rejected)
        self.errors = [error for error in self.errors if error not in reader.errors]
        self._changed = True

    def lose(self) -> None:
        """The file is gone from the feed's paths: show it as missing, keep its counts.

        The descriptor stays open while the file is on the disk (rotated away): a writer that
        has not reopened its file yet may still append to it, and `drain()` keeps reading those
        rows until another file takes the path. A deleted file, read to its end, gives its
        descriptor back.
        """
        if not self.missing:
            self.missing = True
            self._changed = True
        if self.fd is not None and not self.pending and os.fstat(self.fd).st_nlink == 0:
            self.park()  # deleted, and `drain()` has just read it to the end

    def found(self) -> None:
        """The file is in the feed again (renamed back, or it had only moved)."""
        if self.missing:
            self.missing = False
            self._changed = True

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def park(self) -> None:
        """Close the descriptor but keep the place: the file is quiet, or deleted and read."""
        self.close()
        self.parked = True

    def _unpark(self) -> bool:
        """Open the file again if the one at the path is still this file and has changed."""
        if self.identity is None:  # found, never opened yet: open it now
            return self.open()
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        if identity_of(info) != self.identity or info.st_size == self.offset:
            return False  # another file (rotation decides) or nothing new
        return self.open()

    def drain(self) -> None:
        """Read what the open file gained since the last call; new rows wait in `take()`."""
        if self.fd is None and (not (self.parked or self.identity is None) or not self._unpark()):
            return
        assert self.fd is not None
        if self.parser is None and not self._make_parser():
            return
        info = os.fstat(self.fd)
        size = info.st_size  # read up to here; what comes after is the next poll's
        length, crc = self.mark
        # One pread for a file that grew: the bytes read last (to check them) and the new ones,
        # sized by the file (a buffer of READ_BYTES per poll is an mmap and munmap each time).
        grown = size > self.offset
        want = min(READ_BYTES, size - self.offset) + length
        data = os.pread(self.fd, want, self.offset - length) if grown else b""
        if size < self.offset or (grown and zlib.crc32(data[:length]) != crc):
            if not self._read_afresh(rewritten=size >= self.offset):
                return
            length, data = 0, os.pread(self.fd, min(READ_BYTES, size), 0)
        while len(data) > length:
            self._consume(data[length:] if length else data)
            tail = data[-MARK_BYTES:]
            self.mark = (len(tail), zlib.crc32(tail))
            left = size - self.offset
            data, length = (
                (os.pread(self.fd, min(READ_BYTES, left), self.offset) if left > 0 else b""),
                0,
            )
        quiet = time.time() - info.st_mtime
        if self.pending and quiet >= SETTLE_SECONDS:
            self._settle(quiet)
        if not self.pending and quiet >= QUIET_SECONDS:
            self.park()  # quiet: give the descriptor back (reopened when the file grows)

    def _read_afresh(self, *, rewritten: bool) -> bool:
        """The bytes before the offset are not the ones read: the file was truncated
        (copytruncate), or rewritten in place. A rewrite that grew past the offset and starts
        with the same header (or a CSV header with columns added) is a new version of the same
        export: the rows of the old one are taken back. Either way the file is read again from
        its first byte; False when it cannot be parsed."""
        assert self.fd is not None
        before = self.generation()
        same_export = rewritten and self._same_export(os.pread(self.fd, FIRST_LINE_BYTES, 0))
        if same_export:
            self._take_back_given()
        self._restart()
        if same_export:
            self.previous = None  # taken back: a copy of it is read whole, not continued
        if not self._make_parser():
            return False
        if not same_export:
            # A writer that truncates may not write the header again: keep the one known.
            self.known_header = before if before.parser is not None else None
        return True

    def _same_export(self, head: bytes) -> bool:
        """`head` (the start of a file) begins with this file's first line, or, for a CSV
        feed, with a header holding every column of it (a column added)."""
        if not self.first_line:
            return False
        old, new = (
            _first_line(self.first_line.removeprefix(BOM)),
            _first_line(head.removeprefix(BOM)),
        )
        if new == old:
            return True
        delimiter = (self.feed.delimiter or ",").encode()
        if self.feed.format != "csv" or not new or b"\n" not in head:
            return False
        columns = {c.strip().strip(b'"') for c in old.split(delimiter)}
        return columns <= {c.strip().strip(b'"') for c in new.split(delimiter)}

    def _take_back_given(self) -> None:
        """The rows this version of the file gave no longer stand (a new version was written
        over it): hand them to `take_back()`, with its rejections and reasons."""
        if self.given is None and self.feed.kind != "snapshot":
            self._file_error(
                f"was rewritten in place after more than {RETAIN_ROWS:,} rows: read again "
                "from the start, the rows read before stay counted (restart floorwatch to "
                "count them once)"
            )
            return
        for rows, own in self.given or ():
            self._retracted.append(rows if own is None else rows[own])
        self.rows -= self.given_rows
        rejected, errors = self.counts_before
        self.rejected, self.errors = rejected, self.errors[:errors]
        self._changed = True

    def take(self) -> tuple[pd.DataFrame | None, bool]:
        """The rows read since the last take (None if none) and whether the status changed."""
        frames, changed = self._frames, self._changed
        self._frames, self._changed = [], False
        if not frames:
            return None, changed
        return _joined(frames), True

    def take_back(self) -> pd.DataFrame | None:
        """Rows given by `take()` before that no longer stand (a last line counted without its
        newline, which the writer then went on with): the board takes them back."""
        frames, self._retracted = self._retracted, []
        return _joined(frames) if frames else None

    def status(self, path: Path) -> FileStatus:
        return FileStatus(
            feed=self.feed.name,
            path=path,
            rows=self.rows,
            rejected=self.rejected,
            errors=list(self.errors),
            last_row_at=self.last_row_at,
            newest_ts=self.newest_ts,
            missing=self.missing,
        )

    # -- reading -----------------------------------------------------------------------------------

    def _make_parser(self) -> bool:
        try:
            self.parser = parser_for(self.feed, self.context)
        except (UnknownFormat, ValueError) as error:
            self._file_error(str(error))
            return False
        return True

    def _consume(self, data: bytes) -> None:
        self.offset += len(data)
        self.crc = zlib.crc32(data, self.crc)
        if self.settled is not None:
            if data.startswith((b"\n", b"\r\n")):  # the line counted was whole after all
                self.settled = None
                data, self.line = data[data.index(b"\n") + 1 :], self.line + 1
                if not data:
                    return
            else:
                self._unsettle()
        buffer = self.pending + data if self.pending else data
        if len(self.first_line) < FIRST_LINE_BYTES and b"\n" not in self.first_line:
            self.first_line = (self.first_line + data)[:FIRST_LINE_BYTES]
        if self.known_header is not None:
            if b"\n" not in buffer and len(buffer) < FIRST_LINE_BYTES:
                self.pending = buffer  # is the first line a header again? wait for all of it
                return
            known, self.known_header = self.known_header, None
            if _first_line(buffer.removeprefix(BOM)) != _first_line(known.first_line):
                self.parser = copy.copy(known.parser)  # rows straight away: the same header
                self.first_line = known.first_line
        if not self.bom_checked:
            if len(buffer) < len(BOM) and BOM.startswith(buffer):
                self.pending = buffer  # maybe the start of a byte-order mark: wait
                return
            buffer = buffer.removeprefix(BOM)
            self.bom_checked = True
        if self.skipping:
            cut = buffer.find(b"\n")
            if cut < 0:
                self.pending = b""
                return
            buffer, self.line, self.skipping = buffer[cut + 1 :], self.line + 1, False
        self._parse(buffer)

    def _parse(self, buffer: bytes) -> None:
        assert self.parser is not None
        while True:
            parsed = self._parse_guarded(buffer, pooled=self.pool is not None)
            if self.pool is not None and parsed.unbuilt is not None:
                self.pool.add(self, parsed, buffer[: parsed.consumed], self.line)
            else:
                self.record(parsed)
            self.line += parsed.line_count
            rest = buffer[parsed.consumed :]
            if rest.count(b"\n") <= self.context.max_record_lines:
                break
            # A record running on for that many lines is a quote that never closes: reject
            # its first line and read the lines after it as rows of their own.
            self._reject(self.line, "has a quote that is never closed")
            buffer, self.line = rest[rest.index(b"\n") + 1 :], self.line + 1
        if len(rest) > self.context.max_line:
            # Reject the line now and drop its bytes as they come: memory stays bounded.
            self._reject(self.line, f"line is longer than {self.context.max_line:,} bytes")
            self.line += rest.count(b"\n")
            self.skipping, rest = True, b""
        self.pending = rest

    def _parse_guarded(self, buffer: bytes, *, pooled: bool = False) -> Parsed:
        """The parser's reading of `buffer` (pooled: its records left unbuilt, when the parser
        can); should it fail unexpectedly (a value no check foresaw), the records are read
        again one by one and only the one that fails is rejected: one hostile row never stops
        a file, let alone the floor."""
        assert self.parser is not None
        room = MAX_ERRORS - len(self.errors)
        try:
            parse_text = getattr(self.parser, "parse_text", None) if pooled else None
            if parse_text is not None:
                return cast(Parsed, parse_text(buffer, self.line, room))
            return self.parser.parse(buffer, self.line, room)
        except Exception:
            log.exception(
                "%s: reading from line %d failed; reading line by line", self.display, self.line
            )
        return self._parse_one_by_one(buffer, self.line)

    def reread(self, buffer: bytes, line: int) -> None:
        """Read records already taken (from physical `line` on) again, one by one: their
        pooled build failed (floorwatch.feeds.pool)."""
        self.record(self._parse_one_by_one(buffer, line))

    def _parse_one_by_one(self, buffer: bytes, line: int) -> Parsed:
        assert self.parser is not None
        total = Parsed()
        frames: list[pd.DataFrame] = []
        start = 0
        if getattr(self.parser, "header", None) and getattr(self.parser, "header_line", 0) == line:
            start = buffer.find(b"\n") + 1  # a header the failed reading already took
            total.consumed, total.line_count, line = start, 1, line + 1
        while True:
            # The smallest piece the parser takes: one line, or a few for a quoted newline.
            stop, consumed = start, None
            for _ in range(self.context.max_record_lines + 1):
                end = buffer.find(b"\n", stop)
                if end < 0:
                    break
                stop = end + 1
                room = MAX_ERRORS - len(self.errors) - len(total.reasons)
                try:
                    piece = self.parser.parse(buffer[start:stop], line, room)
                except Exception as error:
                    piece = Parsed(
                        consumed=stop - start, line_count=buffer.count(b"\n", start, stop)
                    )
                    piece.reject(line, f"cannot be read ({type(error).__name__})", room)
                if piece.consumed:
                    consumed = piece
                    break
            if consumed is None:
                break
            total.consumed += consumed.consumed
            total.line_count += consumed.line_count
            total.rejected += consumed.rejected
            total.reasons.extend(consumed.reasons)
            if consumed.rows is not None and len(consumed.rows):
                frames.append(consumed.rows)
                newest = consumed.newest_ts
                if newest is not None and (total.newest_ts is None or newest > total.newest_ts):
                    total.newest_ts = newest
            line += consumed.line_count
            start += consumed.consumed
        if frames:
            total.rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return total

    def _settle(self, quiet: float) -> None:
        """Parse a last record that has no newline and has stopped growing, should it read as a
        whole row; one that does not (half a row: a missing column) waits for its newline
        until the file has been quiet for QUIET_SECONDS. Should the writer go on with the line
        later, `_unsettle` takes the outcome back. A record that cannot end (a quote that never
        closes) is rejected on its first line once the file is quiet; the lines after it are
        read as rows."""
        assert self.parser is not None
        while self.pending:
            buffer = self.pending + b"\n"
            parsed = self._parse_guarded(buffer)
            if parsed.consumed == len(buffer):
                if parsed.rejected and quiet < QUIET_SECONDS:
                    return  # looks unfinished: wait for the rest
                errors = len(self.errors)
                self.record(parsed)
                self.settled = _Settled(
                    self.pending, self.line, parsed.rows, parsed.rejected, self.errors[errors:]
                )
                # the newline was ours: the next byte written is still on this line
                self.line += parsed.line_count - 1
                self.pending = b""
                return
            if quiet < QUIET_SECONDS:
                return
            self._reject(self.line, "has a quote that is never closed")
            cut = self.pending.find(b"\n")
            rest, self.pending = (self.pending[cut + 1 :] if cut >= 0 else b""), b""
            if cut < 0:
                return
            self.line += 1
            self._parse(rest)

    def _unsettle(self) -> None:
        """The writer went on with a line counted without its newline: take its row (or its
        rejection) back and read the line again, whole."""
        settled, self.settled = self.settled, None
        assert settled is not None
        if settled.rows is not None and len(settled.rows):
            self._retracted.append(settled.rows)
            self.rows -= len(settled.rows)
            self._forget_given(settled.rows)
        self.rejected -= settled.rejected
        for error in settled.errors:
            if error in self.errors:
                self.errors.remove(error)
        if getattr(self.parser, "header_line", None) == settled.line:
            self.parser = None  # it was the header, half written: read it again
            self._make_parser()
        self.pending, self.line = settled.record, settled.line
        self._changed = True

    def record(self, parsed: Parsed) -> None:
        """Count a parse's rejections and reasons; its rows wait in `take()`."""
        for line, reason in parsed.reasons:
            self._error(line, reason)
        if parsed.rejected:
            self.rejected += parsed.rejected
            self._changed = True
        rows = parsed.rows
        if rows is not None and len(rows):
            self._frames.append(rows)
            newest = parsed.newest_ts if parsed.newest_ts is not None else float(rows[TS].max())
            self.record_rows(len(rows), newest, (rows, None))

    def record_rows(self, count: int, newest: float, rows: Given) -> None:
        """Count `count` new rows of this file, the newest timed `newest` (rows a pool built
        go to the board with the feed's, not through `take()`): `rows` is a frame and which of
        its rows are this file's (None: all)."""
        self.rows += count
        self.last_row_at = self.clock()
        if self.newest_ts is None or newest > self.newest_ts:
            self.newest_ts = newest
        self.given_rows += count
        if self.given is None:
            return
        if self.given_rows > RETAIN_ROWS:
            self.given = None  # too big to keep: a rewrite in place is said, not taken back
            return
        # The frame as it is, and the mask: taking this file's rows out costs time at every
        # poll, and is needed only for a rewrite.
        self.given.append(rows)

    def _forget_given(self, rows: pd.DataFrame) -> None:
        """`rows` were taken back (a last line the writer went on with): no longer given."""
        self.given_rows -= len(rows)
        if self.given is not None:
            self.given = [kept for kept in self.given if kept[0] is not rows]

    def _reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        self._changed = True
        self._error(line, reason)

    def _error(self, line: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{self.display}:{line}: {reason}")

    def _file_error(self, reason: str) -> None:
        """A problem with the whole file; said once, not on every poll."""
        message = f"{self.display}: {reason}"
        if message not in self.errors and len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
            self._changed = True

    # -- is it still the same file? ------------------------------------------------------------

    def _starts_with_what_was_read(self) -> bool:
        assert self.fd is not None
        if os.fstat(self.fd).st_size < self.offset:
            return False
        crc, position = 0, 0
        while position < self.offset:
            data = os.pread(self.fd, min(READ_BYTES, self.offset - position), position)
            if not data:
                return False
            crc = zlib.crc32(data, crc)
            position += len(data)
        return crc == self.crc


Mark = tuple[int, int]  # (length, CRC-32) of the bytes just before a file's read offset
# Rows a file gave: a frame, and which of its rows are the file's (None: all of them).
Given = tuple[pd.DataFrame, "np.ndarray[Any, np.dtype[np.bool_]] | None"]


@dataclass(frozen=True)
class Generation:
    """How far one version of a file was read (see FeedTailer.generation)."""

    offset: int
    crc: int
    mark: Mark
    line: int
    pending: bytes
    parser: FileParser | None
    first_line: bytes


def _first_line(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0].rstrip(b"\r")


def _crc(fd: int, length: int) -> int:
    crc, position = 0, 0
    while position < length:
        data = os.pread(fd, min(READ_BYTES, length - position), position)
        if not data:
            break
        crc = zlib.crc32(data, crc)
        position += len(data)
    return crc


@dataclass(frozen=True)
class _Settled:
    """A last line counted without its newline, and what counting it did."""

    record: bytes
    line: int
    rows: pd.DataFrame | None
    rejected: int
    errors: list[str]


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISDIR: "a folder", stat.S_ISCHR: "a device"}
    kinds.update({stat.S_ISBLK: "a device", stat.S_ISSOCK: "a socket"})
    return next((kind for test, kind in kinds.items() if test(mode)), "not a file")
