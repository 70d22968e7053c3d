"""Typed, validated configuration: what the rest of floorwatch reads.

These frozen dataclasses are the contract between `config.py` (which builds and validates them
from YAML) and every other module. Values are always in base units: seconds for durations and
windows, fractions 0..1 for percents.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


class FieldType(str, Enum):
    SECONDS = "seconds"  # a number of seconds
    DURATION = "duration"  # H:MM:SS or M:SS (plain seconds accepted too)
    NUMBER = "number"
    BOOL = "bool"  # Y/N, yes/no, true/false, 1/0 -> 1.0 / 0.0
    PERCENT = "percent"  # "85%", "85" (>1 means percent) or "0.85" -> 0.85


class Agg(str, Enum):
    MEAN = "mean"
    SUM = "sum"
    COUNT = "count"
    RATE = "rate"  # share of true values
    MAX = "max"
    P90 = "p90"
    LAST = "last"


class Better(str, Enum):
    LOWER = "lower"
    HIGHER = "higher"
    BAND = "band"


class MetricFormat(str, Enum):
    DURATION = "duration"  # m:ss
    PERCENT = "percent"
    NUMBER = "number"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the metric field name (e.g. handle_time)
    column: str  # the source column (or JSON key)
    type: FieldType


@dataclass(frozen=True)
class TimeSpec:
    columns: tuple[str, ...]  # one column, or several joined by a space
    format: str | None = None  # strptime format; None = ISO 8601 or epoch seconds


# The columns a `format: queue_log` feed offers (an Asterisk queue_log has no header): see
# floorwatch/feeds/queue_log.py for what each holds.
QUEUE_LOG_COLUMNS = (
    "time", "callid", "queue", "agent", "event", "wait_s", "talk_s", "ring_s", "transferred",
    "ended_by",
)  # fmt: skip


FEED_KINDS = ("events", "snapshot", "states", "queue")


@dataclass(frozen=True)
class FeedConfig:
    name: str
    path: str  # glob as written
    glob: str  # absolute glob, resolved against the config file's folder
    format: str  # csv | tsv | jsonl | queue_log
    kind: str  # events | snapshot | states | queue
    time: TimeSpec | None
    agent: str
    fields: tuple[FieldSpec, ...]
    name_column: str | None = None
    team_column: str | None = None
    delimiter: str | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, allowed values)
    exclude_agents: tuple[str, ...] = ()
    stale_after: float = 120.0
    poll: bool = False
    poll_interval: float = 1.0
    follow_symlinks: bool = False  # follow links that lead out of the config's feed folders
    # kind: states: the state column and the optional reason column
    state_column: str | None = None
    reason_column: str | None = None
    # kind: queue: the queue, contact id and event (enter/answer/abandon) columns, and the
    # optional wait column (seconds the caller waited, when the feed says it)
    queue_column: str | None = None
    contact_column: str | None = None
    event_column: str | None = None
    wait_column: str | None = None
    preset: str | None = None  # a vendor export read by name (floorwatch/feeds/presets.py)

    def text_columns(self) -> tuple[tuple[str, str], ...]:
        """(row column, source column) of the text a states or queue feed carries."""
        named = (
            ("state", self.state_column),
            ("reason", self.reason_column),
            ("queue", self.queue_column),
            ("contact", self.contact_column),
            ("event", self.event_column),
        )
        return tuple((name, column) for name, column in named if column)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


# A threshold bound: a number for lower/higher, a (low, high) pair for band.
Bound = float | tuple[float, float]


@dataclass(frozen=True)
class Threshold:
    """The green and red levels of a metric, in the metric's base units.

    A metric's own threshold always has `green`; its `red` may be None: the metric was given no
    red level, so it is never red (past green is amber). In a team or agent override, a None
    bound means "not overridden": it inherits the level of the next one out (agent > team >
    the metric's own).
    """

    green: Bound | None
    red: Bound | None


@dataclass(frozen=True)
class MetricConfig:
    key: str
    label: str
    field: str
    agg: Agg
    window: float | None  # seconds; None means 'today' (from floor.day_starts)
    window_text: str  # as written: '60m', 'today'
    better: Better
    threshold: Threshold
    format: MetricFormat
    min_count: int = 1
    decimals: int | None = None  # digits after the point; None: the format's default


@dataclass(frozen=True)
class FloorConfig:
    name: str = "Floor"
    timezone: str | None = None  # IANA name; None = system local
    day_starts: str = "00:00"  # HH:MM
    shift_end: str = "17:00"  # HH:MM: when a follow-up due 'tomorrow' or 'end of shift' falls
    clock: str = "wall"  # wall | data
    # Rows timed more than this ahead of now are rejected (a writer's clock gone wrong, or a
    # hostile row): one far-future time would otherwise hold a data clock or a window forever.
    future_tolerance: float = 300.0  # seconds
    bell: bool = False
    theme: str = "dark"  # dark | light | colorblind
    rerank_seconds: float = 10.0  # worst-first: how long a row may hold its place (calm board)
    state_counts: bool = True  # a state past its limits colours the agent's overall status
    offline_hides: float = 900.0  # seconds offline before an agent leaves the board

    @property
    def shift_end_time(self) -> datetime.time:
        """`shift_end` as a time of day (validated HH:MM by the loader)."""
        hours, minutes = self.shift_end.split(":")
        return datetime.time(int(hours), int(minutes))


@dataclass(frozen=True)
class NotesConfig:
    path: Path | None = None  # None = platformdirs user data dir
    author: str | None = None
    url: str | None = None  # postgresql://user@host/db: the shared store (never a password)
    site: str | None = None  # the floor's name in a store several floors share
    role: str = "supervisor"  # supervisor | manager (a manager also reads others' private notes)
    default_visibility: str = "private"  # what the BEST panel and `notes add` start with


@dataclass(frozen=True)
class SshUser:
    name: str
    role: str  # supervisor | manager | wall
    keys: tuple[str, ...]
    teams: tuple[str, ...] = ()  # the teams this supervisor's board shows first (none: roster)


@dataclass(frozen=True)
class SshConfig:
    listen: str = "127.0.0.1:2222"
    host_key: Path | None = None
    users: tuple[SshUser, ...] = ()
    max_sessions_per_user: int = 4  # one wall key cannot take every slot


# An agent's state falls in one of these categories; a raw state the config does not list is
# shown as it is, in category `other`.
STATE_CATEGORIES = ("available", "on_contact", "after_contact_work", "away", "offline")
OTHER_CATEGORY = "other"


@dataclass(frozen=True)
class StateConfig:
    """A raw state name's category and time-in-state limits (seconds; None: no limit)."""

    name: str
    category: str
    amber: float | None = None
    red: float | None = None


@dataclass(frozen=True)
class QueueLimit:
    """One queue KPI's levels: `green`/`red` in base units (seconds, counts, fractions); `window`
    in seconds for the KPIs over a window; `answer_within` for the service level."""

    green: float | None
    red: float | None
    window: float | None = None
    answer_within: float | None = None


@dataclass(frozen=True)
class QueueConfig:
    """The thresholds of a queue's KPIs (a queue not named in `queues:` gets the defaults)."""

    service_level: QueueLimit = QueueLimit(0.80, 0.70, 3600.0, 20.0)
    longest_wait: QueueLimit = QueueLimit(30.0, 60.0)
    waiting: QueueLimit = QueueLimit(3.0, 10.0)
    abandon: QueueLimit = QueueLimit(0.05, 0.10, 3600.0)


@dataclass(frozen=True)
class QueuesConfig:
    defaults: QueueConfig = QueueConfig()
    queues: tuple[tuple[str, QueueConfig], ...] = ()  # per queue, the defaults filled in

    def for_queue(self, name: str) -> QueueConfig:
        return next((config for queue, config in self.queues if queue == name), self.defaults)


@dataclass(frozen=True)
class WebUser:
    name: str
    role: str  # supervisor | manager | wall
    password_hash: str | None = None  # supervisors, managers: argon2 (`floorwatch web passwd`)
    token_hash: str | None = None  # walls: the kiosk token's hash (`floorwatch web token`)
    teams: tuple[str, ...] = ()  # the teams this person's board shows first (none: roster)


@dataclass(frozen=True)
class WebTls:
    cert: Path
    key: Path


@dataclass(frozen=True)
class WebConfig:
    listen: str = "127.0.0.1:8080"
    tls: WebTls | None = None  # None: plain HTTP, for localhost or behind a TLS proxy
    public_url: str | None = None  # the address browsers use, when a proxy stands in front
    session_expiry: float = 12 * 3600.0  # seconds a supervisor stays logged in
    users: tuple[WebUser, ...] = ()


@dataclass(frozen=True)
class Config:
    source: Path  # the YAML file this came from
    floor: FloorConfig
    feeds: tuple[FeedConfig, ...]
    metrics: tuple[MetricConfig, ...]
    # overrides: {team or agent id: {metric key: Threshold}}; missing parts inherit
    team_thresholds: dict[str, dict[str, Threshold]] = field(default_factory=dict)
    agent_thresholds: dict[str, dict[str, Threshold]] = field(default_factory=dict)
    roster: Path | None = None
    notes: NotesConfig = NotesConfig()
    ssh: SshConfig = SshConfig()
    web: WebConfig = WebConfig()
    goals: tuple[Any, ...] = ()  # floorwatch.coaching.goals.Goal, from the `goals:` section
    states: tuple[StateConfig, ...] = ()
    queues: QueuesConfig = QueuesConfig()

    def state(self, name: str) -> StateConfig | None:
        return next((s for s in self.states if s.name == name), None)

    def metric(self, key: str) -> MetricConfig | None:
        return next((m for m in self.metrics if m.key == key), None)

    @property
    def base_dir(self) -> Path:
        return self.source.parent
