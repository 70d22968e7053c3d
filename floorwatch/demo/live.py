"""The simulated floor as it is now: agents' states and the queues' callers, written as the
demo's states.csv and queue.csv (and, with `--queue-log`, as Asterisk's own queue_log).

Consistent with the contacts (calls-*.csv): an agent is `On Call` from the moment a call is
answered for its talk time, then in `ACW` until the call's row is written (handle time is talk
plus wrap-up), then `Available`, or on `Break` (a reason given) or at `Lunch`. Each call's caller
enters its team's queue `answer_s` seconds before the agent answers; some callers hang up
unanswered (more when the queue is busy). One agent forgets to come back from a break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from floorwatch.demo.roster import Agent

STATES_FILE = "states.csv"
QUEUE_FILE = "queue.csv"
QUEUE_LOG_FILE = "queue_log"
STATE_COLUMNS = ("changed_at", "agent_id", "agent_name", "team", "state", "reason")
QUEUE_COLUMNS = ("at", "queue", "contact_id", "event", "agent_id", "wait_s")

TALK_SHARE = 0.8  # of handle time on the call; the rest is after-call work
BREAK_REASONS = ("Coffee", "Personal", "Coaching")
LUNCH_SHARE = 0.25  # of breaks that are lunch
LUNCH_RANGE_S = (30 * 60.0, 50 * 60.0)
FORGOTTEN_BREAK_S = 40 * 60.0  # the agent who forgets to come back (Break is red at 20m)
FORGOTTEN_BREAK_LEAD_S = 17 * 60.0  # the demo: that break begins this long before the board
# Callers who hang up before an answer, per queue mood: (share of calls, wait range in s).
ABANDONS = {
    "quiet": (0.02, (10.0, 60.0)),
    "busy": (0.08, (20.0, 120.0)),
    "surge": (0.2, (30.0, 180.0)),
}
SURGE_AT = (10, 0)  # the floor's 10:00 peak: callers pile up
SURGE_S = 20 * 60.0
SURGE_QUEUE = (0.0, 150.0)  # (zero-wait share, wait tail mean s) during the surge


@dataclass(frozen=True)
class StateChange:
    """An agent's state from `at` on, as a row of states.csv."""

    at: float
    agent: Agent
    state: str  # Available | On Call | ACW | Break | Lunch
    reason: str = ""
    resumed: bool = False  # back from a break (Asterisk writes UNPAUSE)

    def row(self, zone: tzinfo | None) -> tuple[str, ...]:
        a = self.agent
        return (_iso(self.at, zone), a.agent_id, a.name, a.team, self.state, self.reason)

    def queue_log(self) -> str | None:
        """The Asterisk queue_log line for this change, if Asterisk writes one."""
        if self.state in ("On Call", "ACW") or (self.state == "Available" and not self.resumed):
            return None  # CONNECT and COMPLETE* come with the queue's events
        event = "UNPAUSE" if self.state == "Available" else "PAUSE"
        reason = self.reason or self.state  # Asterisk's pause reason: 'Lunch', 'Coffee'
        return _ql(
            self.at, "NONE", "NONE", self.agent.agent_id, event, reason if event == "PAUSE" else ""
        )


@dataclass(frozen=True)
class QueueEvent:
    """A caller entering a queue, answered or abandoning, as a row of queue.csv."""

    at: float
    queue: str
    contact: str
    event: str  # enter | answer | abandon
    agent: Agent | None = None
    wait: float | None = None
    talk: float | None = None  # for the queue_log COMPLETE line

    def row(self, zone: tzinfo | None) -> tuple[str, ...]:
        agent = self.agent.agent_id if self.agent else ""
        wait = "" if self.wait is None else str(round(self.wait))
        return (_iso(self.at, zone), self.queue, self.contact, self.event, agent, wait)

    def queue_log(self) -> str:
        agent = self.agent.agent_id if self.agent else "NONE"
        wait = str(round(self.wait or 0))
        if self.event == "enter":
            return _ql(self.at, self.contact, self.queue, "NONE", "ENTERQUEUE", "", "", "1")
        if self.event == "answer":
            return _ql(self.at, self.contact, self.queue, agent, "CONNECT", wait, self.contact, "1")
        return _ql(self.at, self.contact, self.queue, "NONE", "ABANDON", "1", "1", wait)


@dataclass(frozen=True)
class CallCompleted:
    """The queue_log line Asterisk writes when a call ends (the calls feed has its own row)."""

    at: float
    queue: str
    contact: str
    agent: Agent
    wait: float
    talk: float

    def queue_log(self) -> str:
        return _ql(
            self.at, self.contact, self.queue, self.agent.agent_id, "COMPLETECALLER",
            str(round(self.wait)), str(round(self.talk)), "1",
        )  # fmt: skip


def members_added(at: float, agents: list[Agent]) -> list[str]:
    """The queue_log lines of a shift's start: every agent added to their team's queue."""
    return [_ql(at, "NONE", a.team, a.agent_id, "ADDMEMBER", "") for a in agents]


def in_surge(at: float, zone: tzinfo | None) -> bool:
    """During the 10:00 peak (floor time)."""
    moment = datetime.fromtimestamp(at, zone) if zone else datetime.fromtimestamp(at)
    start = moment.replace(hour=SURGE_AT[0], minute=SURGE_AT[1], second=0, microsecond=0)
    return 0 <= (moment - start).total_seconds() < SURGE_S


def _iso(ts: float, zone: tzinfo | None) -> str:
    moment = datetime.fromtimestamp(ts, zone) if zone else datetime.fromtimestamp(ts).astimezone()
    return moment.isoformat(timespec="seconds")


def _ql(at: float, callid: str, queue: str, agent: str, event: str, *data: str) -> str:
    return "|".join((str(int(at)), callid, queue, agent, event, *data)) + "\n"
