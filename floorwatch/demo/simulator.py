"""A simulated contact-center floor that writes real feed files, live.

What it writes into its folder (the layout the demo config and `floorwatch simulate` share):

- ``calls-north.csv`` and ``calls-south.csv``: one row per handled call, agents split across two
  sites so that multi-file globs are exercised. Columns: ``ended_at`` (ISO 8601 with offset),
  ``agent_id``, ``agent_name``, ``team``, ``handle_s``, ``answer_s``, ``resolved`` (Y/N), ``csat``
  (0-100, empty when the caller was not surveyed), ``complaint`` (Y/N).
- ``status.jsonl``: an agent-state snapshot feed, a line whenever an agent's state changes:
  ``{"at", "agent_id", "agent_name", "team", "state": on_call|available|break, "adherence"}``
  with adherence as a fraction 0..1.
- ``roster.csv``: agent_id,name,team,hire_date,supervisor (see `floorwatch.demo.roster`).
- ``states.csv`` and ``queue.csv``: each agent's state changes and each team queue's callers
  (entering, answered, abandoning), consistent with the calls (see `floorwatch.demo.live`); with
  ``queue_log=True`` (``--queue-log``) the same floor as Asterisk's ``queue_log`` too.

Rows are appended one line at a time (``open('a')``, one ``write`` per line, ``flush``), as a
dialer export does, so the tailer sees the same thing it sees in production.

The floor. 40 agents by default in 3 teams (Billing, Tech Support, Onboarding: the new hires).
Every agent alternates *steady* spells (mean 180 simulated minutes) and *struggling* spells (mean
45 minutes, about 20% of agents at any time). A struggling agent's strain moves toward a level
drawn in [0.45, 1.0] with a 4-minute time constant and back to 0 when the spell ends; strain
multiplies handle time by exp(strain) (x1.6 to x2.7) and lowers resolution, CSAT and adherence,
and raises complaints. So a few agents drift into amber and red over minutes, and recover.
Answer speed follows a floor-wide queue with quiet spells (mean 50 minutes) and busy ones (mean 10).
Schedule adherence (status.jsonl) is 96.5% at rest, 12 points lower at full strain, +/- 1.5.

Calibration against ../shared/realdata (recomputed by tests/test_simulator.py::test_calibration_*):

- anonymous_bank_feb1999.tsv, calls with outcome AGENT and a named server (26,671 calls):
  ser_time mean 179 s, median 109 s (the often quoted 144 s is the mean over every row, hang-ups
  and their zero service times included). A log-normal with that mean and median has
  sigma = sqrt(2 ln(mean/median)) = 1.00. The 24 agents' mean log handle times spread with a
  standard deviation of 0.41, part-timers and call-type mix included; we keep 0.12 of it as
  per-agent skill plus team factors, let drift provide the rest, and use a within-agent sigma of
  sqrt(1.00^2 - 0.41^2) = 0.91. Steady Billing agents' median handle is 97 s, so the whole
  floor's mean lands near the bank's 179 s (tested within 15%).
- Same file, q_time of those calls: 47% answered without queueing, the rest wait a roughly
  exponential time (mean 79 s, standard deviation 79 s), overall mean 42 s. We keep that shape
  (a zero-wait share plus an exponential tail) but not its level: the bank missed the 80/20
  service level our example floor targets, so quiet spells have 60% zero waits and a 28 s tail
  (mean 11 s) and busy spells 30% and a 50 s tail (mean 35 s): ASA turns amber and red for the
  whole floor at once, as a queue spike does.
- Same file, per agent and clock hour (hours with 3 calls or more): 15% of agent-hours have a
  mean handle time over 5:00 and 65% are at 3:30 or under. The simulator gives about 10-13% and
  66-72% (tested within 8 points): the 60-minute AHT column is as noisy as a real floor's.
- call_center_2021q1.csv, answered calls (4,054): resolved 89.9% (agents 88.9% to 90.6%), so a
  steady agent resolves 91.5% and the floor lands near 89%. Satisfaction 1-5 is 10/10/30/29/21%
  (mean 3.40) with no link to resolution (the data set is likely synthetic): we use it as the
  rating of a call that went badly (unresolved, or by chance, more often when strained), and
  0/0.5/1.5/15/83% for a call that went well. CSAT is written as rating x 20 (percent of the top
  score), so a steady agent averages ~93 against the green >= 90 / red < 80 targets. Every
  answered call there has a rating; real post-call surveys reach fewer callers: we survey 30%.
  Its speed of answer is flat between 10 and 125 s (mean 68 s), another sign of synthesis: not used.
- Complaints (no source here): 0.1% of calls, +0.4 points when unresolved, +1 point at full
  strain; about 0.2% floor-wide, so one complaint in a day turns an agent amber or red.

The 10:00 queue (a scenario, not calibrated: the calibration tests leave it out): from 10:00 to
10:20 floor time every caller waits (an exponential tail of 150 s, none answered at once) and
more hang up, so callers pile up in the queues and service level falls, as at a real morning peak.

Time. The simulated clock runs `speed` times faster than the wall clock (`rate`, events per
second across the floor, sets `speed` from the floor's natural pace of ~agents/220 s: 0.18/s for
40 agents). The demo runs at DEMO_SPEED = 10, about 2 calls a second, so a struggling spell
plays out within a few minutes; its config uses ``clock: data`` because simulated times run ahead
of the wall clock. At speed 1 the files are a real-time floor.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import heapq
import io
import json
import math
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO

from floorwatch.demo import live
from floorwatch.demo import model as m
from floorwatch.demo.day import write_day
from floorwatch.demo.live import CallCompleted, QueueEvent, StateChange
from floorwatch.demo.model import CALL_COLUMNS, DEMO_SPEED, ROSTER_FILE, STATUS_FILE
from floorwatch.demo.roster import SITES, Agent, build_roster, write_roster

__all__ = [
    "CALL_COLUMNS", "DEMO_SPEED", "ROSTER_FILE", "STATUS_FILE", "CallEvent", "FloorSimulator",
    "StatusUpdate", "add_simulate_arguments", "run_simulate", "write_day",
]  # fmt: skip


@dataclass(frozen=True)
class CallEvent:
    """One handled call, as a row of calls-<site>.csv."""

    ended_at: float  # epoch seconds
    agent: Agent
    handle_s: int
    answer_s: int
    resolved: bool
    csat: int | None
    complaint: bool

    def row(self, zone: tzinfo | None) -> tuple[str, ...]:
        return (
            iso(self.ended_at, zone), self.agent.agent_id, self.agent.name, self.agent.team,
            str(self.handle_s), str(self.answer_s), yes_no(self.resolved),
            "" if self.csat is None else str(self.csat), yes_no(self.complaint),
        )  # fmt: skip


@dataclass(frozen=True)
class StatusUpdate:
    """An agent's state changed, as a line of status.jsonl."""

    at: float
    agent: Agent
    state: str  # on_call | available | break
    adherence: float

    def line(self, zone: tzinfo | None) -> str:
        record = {
            "at": iso(self.at, zone),
            "agent_id": self.agent.agent_id,
            "agent_name": self.agent.name,
            "team": self.agent.team,
            "state": self.state,
            "adherence": self.adherence,
        }
        return json.dumps(record, ensure_ascii=False) + "\n"


Record = CallEvent | StatusUpdate | StateChange | QueueEvent | CallCompleted


def yes_no(value: bool) -> str:
    return "Y" if value else "N"


def iso(ts: float, zone: tzinfo | None) -> str:
    """ISO 8601 with the offset; `zone` None is the system's local time (DST-aware)."""
    moment = datetime.fromtimestamp(ts, zone) if zone else datetime.fromtimestamp(ts).astimezone()
    return moment.isoformat(timespec="seconds")


@dataclass
class AgentState:
    """What the simulation knows about one agent between events."""

    agent: Agent
    skill: float  # log multiplier of handle time at rest
    struggling: bool = False
    strain: float = 0.0
    target: float = 0.0
    updated: float = 0.0  # simulated time of the last strain update
    call: tuple[int, float] | None = None  # (answer_s, handle_s) of the call in progress
    caller: tuple[str, int] | None = None  # (contact id, answer_s) of the caller waiting for it


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    index: int = field(compare=False)
    kind: str = field(compare=False)  # start | end | back


class FloorSimulator:
    """A floor of agents producing call events and status updates on a simulated clock."""

    def __init__(
        self,
        out_dir: Path,
        agents: int = 40,
        seed: int | None = None,
        rate: float | None = None,
        start: datetime | None = None,
        speed: float = 1.0,
        zone: tzinfo | None = None,
        queue_log: bool = False,
    ) -> None:
        if agents < 1:
            raise ValueError("a floor needs at least one agent")
        self.out_dir = Path(out_dir)
        self.random = random.Random(seed)
        start = start or datetime.now().astimezone()
        self.zone = zone or (start.tzinfo if start.tzinfo else None)
        self.clock = start.timestamp()
        self.speed = rate / (agents / m.MEAN_CYCLE_S) if rate else speed
        if self.speed <= 0:
            raise ValueError("speed and rate must be positive")
        self.roster = build_roster(agents, start.date())
        self.agents = [
            AgentState(
                a, self.random.gauss(0.0, m.SKILL_LOG_SIGMA) + math.log(m.TEAM_FACTOR[a.team])
            )
            for a in self.roster
        ]
        self.busy = False  # the queue: a busy spell or a quiet one
        self.busy_until = 0.0
        self._due: list[_Due] = []
        self._seq = 0
        self.calls_written = 0
        self.statuses_written = 0
        self.queue_log = queue_log  # also write Asterisk's queue_log
        self.forget_at: float | None = None  # the next break from then on is forgotten
        self._contacts = 0
        self._abandons: dict[int, tuple[str, float]] = {}  # due seq -> (contact, entered at)

    # -- the simulation ------------------------------------------------------------------------

    def _begin(self) -> None:
        """Start the floor mid-shift: regimes at their long-run shares, calls in flight."""
        if self._due:
            return
        now = self.clock
        share = m.STRUGGLING_MEAN_S / (m.STRUGGLING_MEAN_S + m.STEADY_MEAN_S)
        for index, state in enumerate(self.agents):
            state.updated = now
            if self.random.random() < share:
                state.struggling = True
                state.target = state.strain = self.random.uniform(*m.STRAIN_RANGE)
            # A call in flight, answered at a random point of its duration.
            handle = self._handle_time(state)
            state.call = (self._answer_time(now), handle)
            state.caller = (self._contact(), state.call[0])
            self._schedule(now + self.random.random() * handle, index, "end")

    def _schedule(self, at: float, index: int, kind: str) -> None:
        self._seq += 1
        heapq.heappush(self._due, _Due(at, self._seq, index, kind))

    def forget_a_break(self, at: float) -> None:
        """The first agent to take a break from `at` on forgets to come back for a while."""
        self.forget_at = at

    def _contact(self) -> str:
        self._contacts += 1
        return f"C{self._contacts:07d}"

    def _next_call(self, now: float, index: int, idle: float) -> list[Record]:
        """Schedule the agent's next call: its caller enters the team's queue now and waits
        `answer_s` (the agent answers after its idle time, and not before the wait is over);
        some callers give up before anyone answers."""
        state = self.agents[index]
        queue = state.agent.team
        surge = live.in_surge(now, self.zone)
        answer_s = self._answer_time(now, surge)
        contact = self._contact()
        state.caller = (contact, answer_s)
        self._schedule(now + max(idle, float(answer_s)), index, "start")
        records: list[Record] = [QueueEvent(now, queue, contact, "enter")]
        mood = "surge" if surge else ("busy" if self.busy else "quiet")
        share, waits = live.ABANDONS[mood]
        if self.random.random() < share:
            gone = self._contact()
            records.append(QueueEvent(now, queue, gone, "enter"))
            self._schedule(now + self.random.uniform(*waits), index, "abandon")
            self._abandons[self._seq] = (gone, now)
        return records

    def _update_strain(self, state: AgentState, now: float) -> None:
        """Regime switches and the strain's exponential approach to its target since last time."""
        elapsed = max(0.0, now - state.updated)
        state.updated = now
        mean = m.STRUGGLING_MEAN_S if state.struggling else m.STEADY_MEAN_S
        if self.random.random() < 1.0 - math.exp(-elapsed / mean):
            state.struggling = not state.struggling
            state.target = self.random.uniform(*m.STRAIN_RANGE) if state.struggling else 0.0
        state.strain = state.target + (state.strain - state.target) * math.exp(
            -elapsed / m.STRAIN_TAU_S
        )

    def _handle_time(self, state: AgentState) -> float:
        median = m.HANDLE_MEDIAN_S * math.exp(state.skill + state.strain)
        return max(3.0, self.random.lognormvariate(math.log(median), m.HANDLE_LOG_SIGMA))

    def _answer_time(self, now: float, surge: bool = False) -> int:
        if not self.busy_until:
            self.busy_until = now + self.random.expovariate(1.0 / m.QUIET_MEAN_S)
        while now >= self.busy_until:
            self.busy = not self.busy
            mean = m.BUSY_MEAN_S if self.busy else m.QUIET_MEAN_S
            self.busy_until += self.random.expovariate(1.0 / mean)
        zero_share, tail = live.SURGE_QUEUE if surge else m.QUEUE[self.busy]
        if self.random.random() < zero_share:
            return 0
        return round(self.random.expovariate(1.0 / tail))

    def _adherence(self, state: AgentState) -> float:
        value = m.adherence_at(state.strain) + self.random.gauss(0.0, m.ADHERENCE_NOISE)
        return round(min(1.0, max(0.0, value)), 3)

    def _outcome(self, state: AgentState, end: float, answer_s: int, handle: float) -> CallEvent:
        chance = self.random.random
        resolved = chance() < m.resolved_chance(state.strain)
        csat = None
        if chance() < m.SURVEY_RATE:
            badly = not resolved or chance() < m.bad_call_chance(state.strain)
            weights = m.HELPDESK_RATINGS if badly else m.GOOD_RATINGS
            csat = 20 * self.random.choices((1, 2, 3, 4, 5), weights)[0]
        complaint = chance() < m.complaint_chance(state.strain, 0.0 if resolved else 1.0)
        return CallEvent(end, state.agent, round(handle), answer_s, resolved, csat, complaint)

    def _process(self, due: _Due) -> list[Record]:
        """Advance one agent past one due event; return what the feeds would record."""
        state = self.agents[due.index]
        now = due.at
        self._update_strain(state, now)
        if due.kind == "end":
            return self._call_ended(state, due.index, now)
        if due.kind == "back":
            records: list[Record] = [
                StatusUpdate(now, state.agent, "available", self._adherence(state)),
                StateChange(now, state.agent, "Available", resumed=True),
            ]
            idle = self.random.expovariate(1.0 / m.IDLE_MEAN_S)
            return records + self._next_call(now, due.index, idle)
        if due.kind == "wrap":
            return [StateChange(now, state.agent, "ACW")]
        if due.kind == "abandon":
            contact, entered = self._abandons.pop(due.seq)
            return [QueueEvent(now, state.agent.team, contact, "abandon", wait=now - entered)]
        handle = self._handle_time(state)
        contact, answer_s = state.caller or (self._contact(), self._answer_time(now))
        state.call = (answer_s, handle)
        self._schedule(now + handle, due.index, "end")
        self._schedule(now + handle * live.TALK_SHARE, due.index, "wrap")
        return [
            StatusUpdate(now, state.agent, "on_call", self._adherence(state)),
            QueueEvent(now, state.agent.team, contact, "answer", state.agent, float(answer_s)),
            StateChange(now, state.agent, "On Call"),
        ]

    def _call_ended(self, state: AgentState, index: int, now: float) -> list[Record]:
        """The call's row, then a break (or lunch, or the forgotten break) or the next call."""
        records: list[Record] = []
        if state.call:
            answer_s, handle = state.call
            records.append(self._outcome(state, now, answer_s, handle))
            if state.caller is not None:
                contact = state.caller[0]
                talk = handle * live.TALK_SHARE
                records.append(CallCompleted(now, state.agent.team, contact, state.agent,
                                             answer_s, talk))  # fmt: skip
        state.call = state.caller = None
        forgotten = self.forget_at is not None and now >= self.forget_at
        if forgotten or self.random.random() < m.BREAK_CHANCE:
            self.forget_at = None if forgotten else self.forget_at
            lunch = not forgotten and self.random.random() < live.LUNCH_SHARE
            if forgotten:
                length, state_name, reason = live.FORGOTTEN_BREAK_S, "Break", "Coffee"
            elif lunch:
                length, state_name, reason = self.random.uniform(*live.LUNCH_RANGE_S), "Lunch", ""
            else:
                length = self.random.uniform(*m.BREAK_RANGE_S)
                state_name, reason = "Break", self.random.choice(live.BREAK_REASONS)
            self._schedule(now + length, index, "back")
            records.append(StatusUpdate(now, state.agent, "break", self._adherence(state)))
            records.append(StateChange(now, state.agent, state_name, reason))
            return records
        records.append(StatusUpdate(now, state.agent, "available", self._adherence(state)))
        records.append(StateChange(now, state.agent, "Available"))
        idle = self.random.expovariate(1.0 / m.IDLE_MEAN_S)
        return records + self._next_call(now, index, idle)

    def events(self) -> Iterator[Record]:
        """Every record from the current clock on, in time order, forever."""
        self._begin()
        while True:
            due = heapq.heappop(self._due)
            self.clock = max(self.clock, due.at)
            yield from self._process(due)

    def generate(self, until: float | datetime) -> list[Record]:
        """Advance the simulated clock to `until` and return the records due by then."""
        limit = until.timestamp() if isinstance(until, datetime) else until
        self._begin()
        records: list[Record] = []
        while self._due and self._due[0].at <= limit:
            due = heapq.heappop(self._due)
            records.extend(self._process(due))
        self.clock = max(self.clock, limit)
        return records

    def step(self, n: int) -> list[CallEvent]:
        """The next `n` call events (status updates on the way are dropped): for benchmarks."""
        calls: list[CallEvent] = []
        if n <= 0:
            return calls
        for record in self.events():
            if isinstance(record, CallEvent):
                calls.append(record)
                if len(calls) == n:
                    break
        return calls

    def next_due(self) -> float | None:
        """When the next event is due on the simulated clock (None before the floor begins)."""
        return self._due[0].at if self._due else None

    # -- writing the feeds ---------------------------------------------------------------------

    def backfill(self, minutes: float = 90.0) -> int:
        """Write the last `minutes` of simulated history at once, so a board opens with data.

        Call it before `run`: the floor begins `minutes` before the current clock and catches up.
        History written after older rows would run backwards, so the simulator's own files
        (calls-*.csv, status.jsonl, roster.csv) start afresh. Returns the number of calls written.
        """
        if self._due:
            raise RuntimeError("backfill must come before the simulation starts")
        until = self.clock
        self.clock -= minutes * 60.0
        with self._files(fresh=True) as files:
            if self.queue_log:
                files.write_lines(live.QUEUE_LOG_FILE, live.members_added(self.clock, self.roster))
            return self._write(files, self.generate(until))

    def _write_until(self, until: float) -> int:
        """Append everything due by `until` (simulated) at once (tests step through a day)."""
        with self._files() as files:
            return self._write(files, self.generate(until))

    def run(self, duration: float | None = None, stop: threading.Event | None = None) -> None:
        """Append records live for `duration` wall seconds (None: until `stop` is set).

        The simulated clock advances `speed` times faster than the wall clock from where it stands.
        """
        stop = stop or threading.Event()
        wall_start, sim_start = time.monotonic(), self.clock
        with self._files() as files:
            self._begin()
            while not stop.is_set():
                elapsed = time.monotonic() - wall_start
                if duration is not None:
                    elapsed = min(elapsed, duration)
                self._write(files, self.generate(sim_start + elapsed * self.speed))
                if duration is not None and elapsed >= duration:
                    break
                stop.wait(self._pause(sim_start + elapsed * self.speed, wall_start, duration))

    def _pause(self, sim_now: float, wall_start: float, duration: float | None) -> float:
        """How long to sleep: until the next event is due, but stay responsive to stop."""
        due = self.next_due()
        pause = 0.25 if due is None else (due - sim_now) / self.speed
        if duration is not None:
            pause = min(pause, wall_start + duration - time.monotonic())
        return min(0.25, max(0.005, pause))

    def _files(self, fresh: bool = False) -> FeedFiles:
        return FeedFiles(self.out_dir, self.roster, self.zone, fresh, queue_log=self.queue_log)

    def _write(self, files: FeedFiles, records: list[Record]) -> int:
        """Write the records and count them; returns the number of calls among them."""
        calls, lines = files.write_all(records)
        self.calls_written += calls
        self.statuses_written += lines - calls
        return calls


class FeedFiles:
    """The simulator's open feed files: a line per write, flushed at once, like a dialer."""

    def __init__(
        self,
        out_dir: Path,
        roster: list[Agent],
        zone: tzinfo | None,
        fresh: bool = False,
        queue_log: bool = False,
    ) -> None:
        self.out_dir = out_dir
        self.zone = zone
        self.roster = roster
        self.fresh = fresh  # replace the files instead of appending to them
        self.queue_log = queue_log
        self._files: dict[str, IO[str]] = {}

    def __enter__(self) -> FeedFiles:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        mode = "w" if self.fresh else "a"
        if self.fresh or not (self.out_dir / ROSTER_FILE).exists():
            write_roster(self.out_dir / ROSTER_FILE, self.roster)
        for site in SITES:
            path = self.out_dir / f"calls-{site}.csv"
            new = self.fresh or not path.exists() or path.stat().st_size == 0
            self._files[site] = path.open(mode, newline="", encoding="utf-8")
            if new:
                self._write(self._files[site], csv_line(CALL_COLUMNS))
        self._files[STATUS_FILE] = (self.out_dir / STATUS_FILE).open(mode, encoding="utf-8")
        for name, columns in ((live.STATES_FILE, live.STATE_COLUMNS),
                              (live.QUEUE_FILE, live.QUEUE_COLUMNS)):  # fmt: skip
            path = self.out_dir / name
            new = self.fresh or not path.exists() or path.stat().st_size == 0
            self._files[name] = path.open(mode, newline="", encoding="utf-8")
            if new:
                self._write(self._files[name], csv_line(columns))
        if self.queue_log:
            path = self.out_dir / live.QUEUE_LOG_FILE
            self._files[live.QUEUE_LOG_FILE] = path.open(mode, encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        for file in self._files.values():
            file.close()

    @staticmethod
    def _write(file: IO[str], line: str) -> None:
        file.write(line)
        file.flush()

    def write_lines(self, name: str, lines: list[str]) -> None:
        for line in lines:
            self._write(self._files[name], line)

    def write_all(self, records: list[Record]) -> tuple[int, int]:
        """Append each record as a line to its file(s); returns (calls, lines written)."""
        calls = lines = 0
        for record in records:
            if isinstance(record, CallEvent):
                self._write(self._files[record.agent.site], csv_line(record.row(self.zone)))
                calls += 1
                lines += 1
            elif isinstance(record, StatusUpdate):
                self._write(self._files[STATUS_FILE], record.line(self.zone))
                lines += 1
            elif isinstance(record, (StateChange, QueueEvent)):
                name = live.STATES_FILE if isinstance(record, StateChange) else live.QUEUE_FILE
                self._write(self._files[name], csv_line(record.row(self.zone)))
                lines += 1
            if self.queue_log and not isinstance(record, (CallEvent, StatusUpdate)):
                line = record.queue_log()
                if line is not None:
                    self._write(self._files[live.QUEUE_LOG_FILE], line)
                    lines += 1
        return calls, lines


def csv_line(values: tuple[str, ...]) -> str:
    """One CSV line, quoted where needed (names may hold commas or quotes)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


# -- `floorwatch simulate` ---------------------------------------------------------------------


def _positive(kind: type[int] | type[float]):  # type: ignore[no-untyped-def]
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0 (got {text})")
        return value

    return parse


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `floorwatch simulate`."""
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the feed files")
    parser.add_argument(
        "--agents", type=_positive(int), default=40, metavar="N", help="agents (default 40)"
    )
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--rate",
        type=_positive(float),
        metavar="EVENTS_PER_S",
        help="calls per wall-clock second across the floor; speeds the simulated clock up to "
        f"match (default: real time, about agents/{m.MEAN_CYCLE_S:.0f} s)",
    )
    pace.add_argument(
        "--speed",
        type=_positive(float),
        default=1.0,
        metavar="X",
        help="simulated seconds per wall second (default 1; the demo uses "
        f"{DEMO_SPEED:g}); above 1, watch with `clock: data`",
    )
    parser.add_argument(
        "--duration",
        type=_positive(float),
        metavar="S",
        help="stop after S wall seconds (default: run until Ctrl-C)",
    )
    parser.add_argument("--seed", type=int, metavar="S", help="deterministic floor behaviour")
    parser.add_argument(
        "--start",
        type=_moment,
        metavar="TIME",
        help="simulated start time, ISO 8601 (default: now); with --seed, identical files",
    )
    parser.add_argument(
        "--backfill",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="first write this many simulated minutes of history at once, replacing the "
        "simulator's files in --out (default 0: append)",
    )
    parser.add_argument(
        "--queue-log",
        action="store_true",
        help="also write the floor as Asterisk's queue_log (read it with config/asterisk.yaml)",
    )
    parser.add_argument(
        "--day",
        type=_positive(int),
        metavar="EVENTS",
        help="instead of running live, write one whole day of EVENTS calls at once and exit",
    )


def run_simulate(args: argparse.Namespace) -> int:
    """Run `floorwatch simulate`; prints a one-line summary."""
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        from floorwatch.cli import UserError

        raise UserError(f"{out}: exists and is not a folder")
    if args.day:
        started = time.monotonic()
        start = args.start.date() if args.start else None
        paths = write_day(out, agents=args.agents, events=args.day, seed=args.seed, day=start)
        names = ", ".join(path.name for path in paths)
        elapsed = time.monotonic() - started
        print(f"floorwatch simulate: {args.day:,} calls into {out} ({names}) in {elapsed:.1f} s")
        return 0
    simulator = FloorSimulator(
        out, args.agents, seed=args.seed, rate=args.rate, start=args.start, speed=args.speed,
        queue_log=args.queue_log,
    )  # fmt: skip
    started = time.monotonic()
    if args.backfill > 0:
        simulator.backfill(args.backfill)
    # Ctrl-C is how an endless run ends: still say what was written.
    with contextlib.suppress(KeyboardInterrupt):
        simulator.run(duration=args.duration)
    elapsed = time.monotonic() - started
    print(
        f"floorwatch simulate: {simulator.calls_written:,} calls and "
        f"{simulator.statuses_written:,} status updates into {out} in {elapsed:.1f} s "
        f"(x{simulator.speed:g} speed)"
    )
    return 0
