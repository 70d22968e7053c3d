"""Asterisk queue_log lines as agent states (`kind: states`) and queue events (`kind: queue`).

The same file that gives the call outcomes (queue_log.py) gives the floor as it is, exactly as
Asterisk writes it (``epoch|callid|queue|agent|EVENT|data...``):

States, per agent (the queue member), named as the shipped config/asterisk.yaml maps them:

- ADDMEMBER, AGENTLOGIN, UNPAUSE, UNPAUSEALL: ``Available``
- CONNECT: ``On Call`` (answered a caller)
- COMPLETEAGENT, COMPLETECALLER, TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER: ``Available``
- PAUSE, PAUSEALL: ``Paused``, with the reason Asterisk wrote in data1 when there is one
- REMOVEMEMBER, AGENTLOGOFF: ``Logged out``

Queue events, per queue and caller (callid): ENTERQUEUE is `enter`; CONNECT is `answer` (the
caller's wait is data1, holdtime); ABANDON, EXITWITHTIMEOUT and EXITEMPTY (data3: waittime) and
EXITWITHKEY (data4: waittime) are `abandon`: the caller left the queue unanswered.

Lines of other events are skipped; a line naming no agent (``NONE``) gives no state.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.config.types import FeedConfig, FieldSpec, FieldType, TimeSpec

STATE_OF_EVENT = {
    "ADDMEMBER": "Available",
    "AGENTLOGIN": "Available",
    "UNPAUSE": "Available",
    "UNPAUSEALL": "Available",
    "CONNECT": "On Call",
    "COMPLETEAGENT": "Available",
    "COMPLETECALLER": "Available",
    "TRANSFER": "Available",
    "BLINDTRANSFER": "Available",
    "ATTENDEDTRANSFER": "Available",
    "PAUSE": "Paused",
    "PAUSEALL": "Paused",
    "REMOVEMEMBER": "Logged out",
    "AGENTLOGOFF": "Logged out",
}
QUEUE_EVENT = {
    "ENTERQUEUE": "enter",
    "CONNECT": "answer",
    "ABANDON": "abandon",
    "EXITWITHTIMEOUT": "abandon",
    "EXITEMPTY": "abandon",
    "EXITWITHKEY": "abandon",
}
WAIT_FIELD = {"CONNECT": 0, "ABANDON": 2, "EXITWITHTIMEOUT": 2, "EXITEMPTY": 2, "EXITWITHKEY": 3}
NO_AGENT = "NONE"


def live_feed(feed: FeedConfig) -> FeedConfig:
    """The feed as build_batch reads the columns made here."""
    if feed.kind == "states":
        return replace(
            feed, agent="agent", time=TimeSpec(("time",)), state_column="state",
            reason_column="reason", fields=(),
        )  # fmt: skip
    return replace(
        feed, agent="", time=TimeSpec(("time",)), queue_column="queue", contact_column="callid",
        event_column="live_event", fields=(FieldSpec("wait", "wait", FieldType.SECONDS),),
    )  # fmt: skip


def wanted(kind: str, events: pa.Array, agents: pa.Array) -> np.ndarray:
    """The lines that say something to a feed of `kind`."""
    table = STATE_OF_EVENT if kind == "states" else QUEUE_EVENT
    mask = _mask(pc.is_in(events, pa.array(list(table))))
    if kind == "states":
        mask &= ~_mask(pc.equal(agents, NO_AGENT)) & ~_mask(pc.equal(agents, ""))
    return mask


def live_columns(kind: str, events: pa.Array, field: object) -> dict[str, pa.Array]:
    """The state or queue columns of the wanted lines; `field(i)` is data field i (0-based)."""
    if kind == "states":
        state = _map(events, STATE_OF_EVENT)
        paused = pc.is_in(events, pa.array(["PAUSE", "PAUSEALL"]))
        reason = pc.if_else(paused, field(0), "")  # type: ignore[operator]
        return {"state": state, "reason": reason}
    wait = pa.array([""] * len(events), pa.string())
    for event, index in WAIT_FIELD.items():
        wait = pc.if_else(pc.equal(events, event), field(index), wait)  # type: ignore[operator]
    return {"live_event": _map(events, QUEUE_EVENT), "wait": wait}


def _map(events: pa.Array, table: dict[str, str]) -> pa.Array:
    keys = list(table)
    index = pc.index_in(events, pa.array(keys))
    return pc.take(pa.array([table[key] for key in keys]), index)


def _mask(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)
