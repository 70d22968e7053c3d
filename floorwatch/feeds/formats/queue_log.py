"""Asterisk `queue_log` feeds: a row for each call an agent finished, or let ring unanswered.

A queue_log line is ``time|callid|queue|agent|event|data1|data2|...`` (docs.asterisk.org,
"Queue Logs"), appended by Asterisk as calls move through its queues. The format has no header,
so the parser offers fixed columns (QUEUE_LOG_COLUMNS) for a feed's config to name:

========== ====================================================================================
time       the line's UNIX timestamp
callid     the caller's channel id
queue      the queue's name
agent      the queue member (``PJSIP/1001``, ``Agent/1001`` or a member name)
event      the event: COMPLETEAGENT, COMPLETECALLER, TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER
           or RINGNOANSWER
wait_s     seconds the caller waited in the queue before this agent answered (holdtime)
talk_s     seconds the agent was on the call (calltime)
ring_s     seconds a call rang this agent, who did not answer (RINGNOANSWER; written in ms)
transferred  Y when the agent transferred the call, N when either side hung up
ended_by   agent, caller or transfer
========== ====================================================================================

Every other event (members added or paused, callers entering or abandoning a queue, reloads)
is a valid line that says nothing about how an agent handled a call: skipped, not rejected.
Asterisk writes ``NONE`` where a line has no agent; an outcome with no agent is rejected.

A line's width depends on its event, which pyarrow's and pandas' CSV readers refuse, so the
lines are split with pyarrow's string kernels instead, all at once: no Python runs per line but
to hand each line to pyarrow and to word the rare rejection.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.config.types import QUEUE_LOG_COLUMNS, FeedConfig
from floorwatch.feeds.batch import build_batch, needed_columns, trimmed
from floorwatch.feeds.convert import to_number
from floorwatch.feeds.formats.queue_log_live import live_columns, live_feed, wanted
from floorwatch.feeds.formats.registry import ParseContext, Parsed, readable_lines

FIXED_FIELDS = 5  # time|callid|queue|agent|event
NO_AGENT = "NONE"
COMPLETED = ("COMPLETEAGENT", "COMPLETECALLER")  # data: holdtime|calltime|origposition
# data: extension (or method)|context (or bridge)|holdtime|calltime|origposition
TRANSFERRED = ("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")
RANG = "RINGNOANSWER"  # data: ringtime in milliseconds
OUTCOMES = (*COMPLETED, *TRANSFERRED, RANG)


class QueueLogParser:
    """One queue_log file. Needs no header: every line stands alone."""

    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.kind = feed.kind if feed.kind in ("states", "queue") else None
        self.feed = live_feed(feed) if self.kind else feed
        self.context = context
        self.needed = needed_columns(self.feed)
        if self.kind:  # its own columns, read below, and the feed's `where` columns
            self.needed = [c for c in needed_columns(feed) if c in QUEUE_LOG_COLUMNS]
        unknown = [column for column in self.needed if column not in QUEUE_LOG_COLUMNS]
        if unknown:  # the config check says this first, with the line; this is the backstop
            names = ", ".join(f"'{column}'" for column in unknown)
            raise ValueError(
                f"a queue_log line has no column {names} (it has: {', '.join(QUEUE_LOG_COLUMNS)})"
            )

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        lines = readable_lines(buffer, first_line, self.context.max_line, room)
        parsed, records = lines.parsed, lines.records
        kept = np.flatnonzero(lines.keep)
        if not len(kept):
            return parsed
        # One decode for the whole chunk: the records are its physical lines, in order (a bad
        # byte in a rejected line turns into U+FFFD, never into a newline).
        text = buffer[: records.consumed].decode("utf-8", errors="replace").split("\n")
        read = pa.array([text[index] for index in kept.tolist()], type=pa.string())
        parts = pc.split_pattern(pc.utf8_rtrim(read, "\r"), "|")
        widths = np.asarray(pc.list_value_length(parts).to_numpy(zero_copy_only=False))
        for index in np.flatnonzero(widths < FIXED_FIELDS).tolist():
            parsed.reject(int(records.lines[kept[index]]), _too_few(int(widths[index])), room)
        events = _field(parts, 4)
        if self.kind:
            self._live(parsed, parts, widths, events, records.lines[kept], room)
            return parsed
        outcome = (widths >= FIXED_FIELDS) & _mask(pc.is_in(events, pa.array(OUTCOMES)))
        if outcome.any():
            chosen = pa.array(outcome)
            columns = _Columns(parts.filter(chosen), events.filter(chosen))
            text_columns = {column: columns.get(column) for column in self.needed}
            where = records.lines[kept[outcome]]
            parsed.absorb(build_batch(self.feed, text_columns, where, self.context, room), room)
        return parsed

    def _live(
        self,
        parsed: Parsed,
        parts: pa.ListArray,
        widths: np.ndarray,
        events: pa.Array,
        lines: np.ndarray,
        room: int,
    ) -> None:
        """States or queue events (queue_log_live.py) from the lines that give them."""
        assert self.kind is not None
        wanted_lines = (widths >= FIXED_FIELDS) & wanted(self.kind, events, _field(parts, 3))
        if not wanted_lines.any():
            return
        chosen = pa.array(wanted_lines)
        columns = _Columns(parts.filter(chosen), events.filter(chosen))
        text = {column: columns.get(column) for column in self.needed}
        text.update(live_columns(self.kind, columns.event, lambda i: columns._data(i)))
        text.update(time=columns.get("time"), agent=columns.get("agent"))
        text.update(callid=columns.get("callid"), queue=columns.get("queue"))
        batch = build_batch(self.feed, text, lines[wanted_lines], self.context, room)
        parsed.absorb(batch, room)


class _Columns:
    """The QUEUE_LOG_COLUMNS of outcome lines (already split on '|'), each made when asked."""

    def __init__(self, parts: pa.ListArray, events: pa.Array) -> None:
        self.parts = parts
        self.event = events
        self.completed = pc.is_in(self.event, pa.array(COMPLETED))
        self.transferred = pc.is_in(self.event, pa.array(TRANSFERRED))
        self.rang = pc.equal(self.event, RANG)

    def get(self, column: str) -> pa.Array:
        return getattr(self, f"_{column}")()

    def _data(self, index: int) -> pa.Array:
        return _field(self.parts, FIXED_FIELDS + index)

    def _time(self) -> pa.Array:
        return _field(self.parts, 0)

    def _callid(self) -> pa.Array:
        return _field(self.parts, 1)

    def _queue(self) -> pa.Array:
        return _field(self.parts, 2)

    def _agent(self) -> pa.Array:
        agent = _field(self.parts, 3)
        return pc.if_else(pc.equal(agent, NO_AGENT), "", agent)

    def _event(self) -> pa.Array:
        return self.event

    def _wait_s(self) -> pa.Array:
        return self._by_kind(self._data(0), self._data(2), "")

    def _talk_s(self) -> pa.Array:
        return self._by_kind(self._data(1), self._data(3), "")

    def _ring_s(self) -> pa.Array:
        return pc.if_else(self.rang, _milliseconds_as_seconds(self._data(0)), "")

    def _transferred(self) -> pa.Array:
        return self._by_kind("N", "Y", "")

    def _ended_by(self) -> pa.Array:
        by_agent = pc.equal(self.event, "COMPLETEAGENT")
        return pc.if_else(by_agent, "agent", self._by_kind("caller", "transfer", ""))

    def _by_kind(self, completed: object, transferred: object, other: object) -> pa.Array:
        return pc.if_else(
            self.completed, completed, pc.if_else(self.transferred, transferred, other)
        )


def _field(parts: pa.ListArray, index: int) -> pa.Array:
    """Field `index` of each line, trimmed; "" where a line has fewer fields."""
    return trimmed(pc.binary_join(pc.list_slice(parts, index, index + 1), ""))


def _mask(values: pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


def _too_few(count: int) -> str:
    fields = f"{count} field{'s' if count != 1 else ''}"
    return f"has {fields}; a queue_log line has at least 5 (time|callid|queue|agent|event)"


def _milliseconds_as_seconds(text: pa.Array) -> pa.Array:
    """'1500' -> '1.5'. Text that is no number stays as written: the field's check names it."""
    milliseconds = to_number(text).values
    readable = pa.array(np.isfinite(milliseconds))
    return pc.if_else(readable, pc.cast(pa.array(milliseconds / 1000), pa.string()), text)
