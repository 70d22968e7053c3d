"""One build per feed per poll: the records every file of a feed gained, turned into rows at once.

Building rows from columns of text (conversion, `where`, rejection reasons, the frame) costs a
fixed ~1 ms however few the records: a poll that finds two rows in each of four files of a feed
paid it four times. While a poll drains a feed's open files, their tailers leave the records
they read unbuilt here (`FeedTailer.pool`); `build()` then concatenates the columns, builds
once, gives each file back its own counts, rejections and reasons (by source), and returns the
feed's new rows as one frame.

Should the pooled build fail (a value no check foresaw), each file reads its records again on
its own, one by one, exactly as an unpooled read that failed would: one hostile row never stops
the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from floorwatch.config.types import FeedConfig
from floorwatch.feeds.batch import build_batch, concat_columns
from floorwatch.feeds.formats.registry import ParseContext, Parsed, Unbuilt
from floorwatch.live.rows import TS

log = logging.getLogger(__name__)


class PoolMember(Protocol):
    """What the pool needs of a tailer."""

    display: str

    def record(self, parsed: Parsed) -> None:
        """Count a parse's rejections and reasons (its rows, if any, are kept for `take()`)."""

    def record_rows(
        self, count: int, newest: float, rows: tuple[pd.DataFrame, np.ndarray[Any, Any] | None]
    ) -> None:
        """Count `count` rows built for this file, the newest at `newest`: those of `rows`'
        frame its mask picks (None: all)."""

    def reread(self, buffer: bytes, line: int) -> None:
        """Read `buffer` (records from physical `line` on) again, record by record."""


@dataclass
class _Entry:
    member: PoolMember
    parsed: Parsed  # the text phase's outcome: rejections so far, `unbuilt` the records
    buffer: bytes  # the records' bytes, should they have to be read again
    line: int
    room: int  # reasons the file may still keep


class BuildPool:
    """The unbuilt records of one feed's files during one poll."""

    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.feed = feed
        self.context = context
        self._entries: list[_Entry] = []

    def add(self, member: PoolMember, parsed: Parsed, buffer: bytes, line: int) -> None:
        """`parsed` (from `parse_text`, its records in `unbuilt`) read from `buffer`, whose
        first byte is on physical `line`: built by `build()`."""
        assert parsed.unbuilt is not None
        self._entries.append(_Entry(member, parsed, buffer, line, parsed.unbuilt.room))

    def has(self, member: PoolMember) -> bool:
        return any(entry.member is member for entry in self._entries)

    def build(self) -> pd.DataFrame | None:
        """Build every pooled record; each member records its share. The feed's new rows (None:
        none)."""
        entries, self._entries = self._entries, []
        if not entries:
            return None
        unbuilt = [entry.parsed.unbuilt for entry in entries]
        assert all(u is not None for u in unbuilt)
        try:
            batch = self._build([u for u in unbuilt if u is not None])
        except Exception:
            names = ", ".join(sorted({entry.member.display for entry in entries}))
            log.exception("%s: building rows failed; reading record by record", names)
            for entry in entries:
                entry.parsed.unbuilt = None
                entry.member.reread(entry.buffer, entry.line)
            return None
        rows = batch.rows if batch.rows is not None and len(batch.rows) else None
        times = rows[TS].to_numpy() if rows is not None else None
        for index, entry in enumerate(entries):
            entry.parsed.unbuilt = None
            self._give_back(index, entry, batch, times)
        return rows

    def _build(self, unbuilt: list[Unbuilt]) -> Parsed:
        if len(unbuilt) == 1:
            only = unbuilt[0]
            return build_batch(self.feed, only.text, only.lines, self.context, only.room)
        text = {name: concat_columns([u.text[name] for u in unbuilt]) for name in unbuilt[0].text}
        lines = np.concatenate([u.lines for u in unbuilt])
        sources = np.repeat(np.arange(len(unbuilt)), [len(u.lines) for u in unbuilt])
        room = sum(max(u.room, 0) for u in unbuilt)
        return build_batch(self.feed, text, lines, self.context, room, sources)

    @staticmethod
    def _give_back(index: int, entry: _Entry, batch: Parsed, times: np.ndarray | None) -> None:
        """The member's share of the pooled build: its rejections and reasons (in line order,
        within its room), then its rows."""
        parsed = entry.parsed
        mine = [
            reason
            for reason, source in zip(batch.reasons, batch.reason_sources, strict=True)
            if source == index
        ]
        if batch.rejected_sources is not None:
            parsed.rejected += int((batch.rejected_sources == index).sum())
        parsed.reasons = sorted(parsed.reasons + mine)[: entry.room]
        entry.member.record(parsed)
        rows, sources = batch.rows, batch.row_sources
        if rows is None or sources is None or times is None or not len(rows):
            return
        own = sources == index
        count = int(own.sum())
        if count:
            every = count == len(rows)
            newest = float(times.max() if every else times[own].max())
            entry.member.record_rows(count, newest, (rows, None if every else own))
