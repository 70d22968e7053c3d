"""What time it is on this floor: the one answer every face of floorwatch uses.

`FloorClock` answers "now" (epoch seconds) per `floor.clock`: the system clock (`wall`), or the
board's time (`data`: replays and the demo, where the rows' own times are the floor's time: the
board ticks at the newest event it has seen; the wall clock until the first row). It also knows
the floor's timezone (`floor.timezone`, else the system's) and its day (`floor.day_starts`): a
time before the day starts belongs to the previous floor day. The board, the TUI (header, agent
screen, BEST panel, notes), `board --once` and the notes and history commands all ask it, so they
never disagree on an edge.

Pure: no IO beyond reading the system clock it is given.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as day_time

from floorwatch.config.types import FloorConfig
from floorwatch.feeds.convert import floor_zone

WallClock = Callable[[], float]
DataClock = Callable[[], "float | None"]


class DayClock:
    """When the floor day containing a moment started, for a zone and `day_starts`; O(1) for
    moments within the day last asked about."""

    def __init__(self, zone: str | tzinfo | None, day_starts: str) -> None:
        # A name (or None: the system's zone) is read as floor.timezone is.
        self.tz: tzinfo = zone if isinstance(zone, tzinfo) else floor_zone(zone)
        hours, minutes = day_starts.split(":")
        self.at = day_time(int(hours), int(minutes))
        self._start = math.inf
        self._next = -math.inf
        self._day = date.min

    def start(self, now: float) -> float:
        """Epoch seconds when the floor day containing `now` began."""
        self._find(now)
        return self._start

    def day(self, now: float) -> date:
        """The floor day (its calendar date at `day_starts`) containing `now`."""
        self._find(now)
        return self._day

    def _find(self, now: float) -> None:
        if self._start <= now < self._next:
            return
        day = datetime.fromtimestamp(now, self.tz).date()
        if self._moment(day) > now:
            day -= timedelta(days=1)
        while self._moment(day + timedelta(days=1)) <= now:  # guard for odd DST days
            day += timedelta(days=1)
        self._start, self._next = self._moment(day), self._moment(day + timedelta(days=1))
        self._day = day

    def _moment(self, day: date) -> float:
        return datetime.combine(day, self.at, tzinfo=self.tz).timestamp()


class FloorClock:
    """The floor's time (see the module doc). Call it (or `now()`) for epoch seconds."""

    def __init__(
        self,
        floor: FloorConfig,
        wall: WallClock = time.time,
        data: DataClock | None = None,
    ) -> None:
        self.floor = floor
        self.wall = wall
        self.zone: tzinfo = floor_zone(floor.timezone)
        self._data: DataClock = data or (lambda: None)
        self._days = DayClock(self.zone, floor.day_starts)

    @property
    def follows_data(self) -> bool:
        """True with `floor.clock: data`: the rows' newest time is the floor's now."""
        return self.floor.clock == "data"

    def follow(self, data: DataClock) -> None:
        """Take the data clock's time from `data` (the board: the newest event it has seen)."""
        self._data = data

    def with_wall(self, wall: WallClock) -> FloorClock:
        """The same floor and data, read against another wall clock (a viewer's own, in tests)."""
        return FloorClock(self.floor, wall=wall, data=self._data)

    def now(self) -> float:
        """Epoch seconds: the wall clock, or with `floor.clock: data` the board's time (the
        newest event when it last ticked; the wall clock until there is one)."""
        return self.tick_time(self._data())

    def tick_time(self, newest: float | None) -> float:
        """The time a board that has seen rows up to `newest` is at: `newest` with the data
        clock (when there is one), else the wall clock."""
        if self.follows_data and newest is not None:
            return float(newest)
        return float(self.wall())

    __call__ = now

    def moment(self, at: float | None = None) -> datetime:
        """`at` (default now) as an aware datetime in the floor's timezone."""
        return datetime.fromtimestamp(self.now() if at is None else at, self.zone)

    def today(self, at: float | None = None) -> date:
        """The floor day of `at` (default now): before `day_starts` it is still yesterday's."""
        return self._days.day(self.now() if at is None else at)

    def day_start(self, at: float | None = None) -> float:
        """Epoch seconds when the floor day of `at` (default now) began."""
        return self._days.start(self.now() if at is None else at)

    def day_start_moment(self, at: float | None = None) -> datetime:
        """`day_start` as an aware datetime in the floor's timezone."""
        return self.moment(self.day_start(at))

    def clock_text(self, at: float | None = None, seconds: bool = False) -> str:
        """'14:05' (or '14:05:09') in the floor's timezone."""
        return self.moment(at).strftime("%H:%M:%S" if seconds else "%H:%M")
