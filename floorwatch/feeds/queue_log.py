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

Lines are split in Python: a queue_log line has no quoting and its width depends on its event,
which neither pyarrow's nor pandas' CSV reader takes; a million lines take about a second.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from floorwatch.config_types import QUEUE_LOG_COLUMNS, FeedConfig
from floorwatch.feeds.batch import build_batch, needed_columns, trimmed
from floorwatch.feeds.parsing import ParseContext, Parsed, reject_unreadable
from floorwatch.feeds.records import as_bytes_array, split_lines

FIXED_FIELDS = 5  # time|callid|queue|agent|event
NO_AGENT = "NONE"

Outcome = dict[str, str]


def _completed(ended_by: str) -> Callable[[list[str]], Outcome]:
    def outcome(data: list[str]) -> Outcome:  # holdtime|calltime|origposition
        return {"wait_s": _at(data, 0), "talk_s": _at(data, 1), "transferred": "N",
                "ended_by": ended_by}  # fmt: skip

    return outcome


def _transferred(data: list[str]) -> Outcome:
    # extension (or method)|context (or bridge)|holdtime|calltime|origposition
    return {"wait_s": _at(data, 2), "talk_s": _at(data, 3), "transferred": "Y",
            "ended_by": "transfer"}  # fmt: skip


def _rang(data: list[str]) -> Outcome:  # ringtime in milliseconds
    return {"ring_s": _milliseconds_as_seconds(_at(data, 0))}


OUTCOMES: dict[str, Callable[[list[str]], Outcome]] = {
    "COMPLETEAGENT": _completed("agent"),
    "COMPLETECALLER": _completed("caller"),
    "TRANSFER": _transferred,
    "BLINDTRANSFER": _transferred,
    "ATTENDEDTRANSFER": _transferred,
    "RINGNOANSWER": _rang,
}


class QueueLogParser:
    """One queue_log file. Needs no header: every line stands alone."""

    def __init__(self, feed: FeedConfig, context: ParseContext) -> None:
        self.feed = feed
        self.context = context
        self.needed = needed_columns(feed)
        unknown = [column for column in self.needed if column not in QUEUE_LOG_COLUMNS]
        if unknown:  # the config check says this first, with the line; this is the backstop
            names = ", ".join(f"'{column}'" for column in unknown)
            raise ValueError(
                f"a queue_log line has no column {names} (it has: {', '.join(QUEUE_LOG_COLUMNS)})"
            )

    def parse(self, buffer: bytes, first_line: int, room: int) -> Parsed:
        data = as_bytes_array(buffer)
        records = split_lines(data, first_line)
        parsed = Parsed(consumed=records.consumed, line_count=records.line_count)
        if not len(records):
            return parsed
        lengths = records.lengths(data)
        keep = lengths > 0  # a blank line carries no row: skipped, not counted as rejected
        max_line = self.context.max_line
        keep = reject_unreadable(parsed, buffer, records, lengths, keep, max_line, room)
        # One decode for the whole chunk: the records are its physical lines, in order (a bad
        # byte in a rejected line turns into U+FFFD, never into a newline).
        text_lines = buffer[: records.consumed].decode("utf-8", errors="replace").split("\n")
        cells: dict[str, list[str]] = {column: [] for column in self.needed}
        lines: list[int] = []
        for index in np.flatnonzero(keep).tolist():
            row = self._row(text_lines[index].removesuffix("\r"))
            if row is None:
                continue
            if isinstance(row, str):
                parsed.reject(int(records.lines[index]), row, room)
                continue
            lines.append(int(records.lines[index]))
            for column, values in cells.items():
                values.append(row.get(column, ""))
        if lines:
            text = {c: trimmed(pa.array(v, type=pa.string())) for c, v in cells.items()}
            where = np.array(lines, dtype=np.int64)
            parsed.absorb(build_batch(self.feed, text, where, self.context, room), room)
        return parsed

    def _row(self, line: str) -> Outcome | str | None:
        """The line's columns; None for an event that is no call outcome; why, if unreadable."""
        fields = line.split("|")
        if len(fields) < FIXED_FIELDS:
            return (
                f"has {len(fields)} field{'s' if len(fields) != 1 else ''}; a queue_log line "
                "has at least 5 (time|callid|queue|agent|event)"
            )
        time, callid, queue, agent, event = (field.strip() for field in fields[:FIXED_FIELDS])
        outcome = OUTCOMES.get(event)
        if outcome is None:
            return None
        row = outcome(fields[FIXED_FIELDS:])
        row.update(time=time, callid=callid, queue=queue, event=event,
                   agent="" if agent == NO_AGENT else agent)  # fmt: skip
        return row


def _at(data: list[str], index: int) -> str:
    return data[index] if index < len(data) else ""


def _milliseconds_as_seconds(text: str) -> str:
    """'1500' -> '1.5'. Text that is no number stays as written: the field's check names it."""
    try:
        value = float(text)
    except ValueError:
        return text
    return repr(value / 1000)
