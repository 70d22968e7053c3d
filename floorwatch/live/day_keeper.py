"""Daily figures without cron: `run` and `serve` keep each closed day's figures themselves.

A `DayKeeper` runs in a thread of its own beside the board. Once the board has loaded the feeds,
it keeps every closed floor day the feeds hold that the store lacks (the days missed while
nothing ran); then, at
each day end (`floor.day_starts` in `floor.timezone`, plus a minute for late rows), it keeps
the day just closed, and again any day missing. A day is closed once the next one has begun (on
a `clock: data` floor: once the feeds hold a later day). The figures are those of
`floorwatch history build` (`floorwatch.live.daily_figures`), which stays for backfills.
Failures are logged and retried at the next day end; they never stop the board. Reading the
feeds again costs a cold load's time and memory, so the keeper asks the board first (`earliest`:
the oldest row it ingested) and reads only when the feeds hold a closed day.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from floorwatch.config.types import Config
from floorwatch.feeds import FloorFeeds
from floorwatch.feeds.memory import release_unused_memory
from floorwatch.live.clock import DayClock
from floorwatch.live.daily_figures import DAY, daily_figures

log = logging.getLogger(__name__)

LOAD_POLL = 1.0  # seconds between looks at whether the board has loaded the feeds
AFTER_DAY_END = 60.0  # seconds after the day end before its figures are kept: late rows land


class DayKeeper:
    """Keeps closed days' figures in the notes store (see the module doc)."""

    def __init__(
        self,
        config: Config,
        store: object | None = None,
        *,
        clock: Callable[[], float] = time.time,
        earliest: Callable[[], float | None] | None = None,
        newest: Callable[[], float | None] | None = None,
        loaded: Callable[[], bool] | None = None,
    ) -> None:
        from floorwatch.store import open_store

        self.config = config
        self.clock = clock
        self.earliest = earliest  # the board's oldest row time (None: no rows yet)
        self.newest = newest  # its newest (a `clock: data` floor's today is the newest's day)
        self.loaded = loaded  # whether the board has read the feeds once
        self.day_clock = DayClock(config.floor.timezone, config.floor.day_starts)
        self._own_store = store is None
        self.store = store if store is not None else open_store(config)
        self.kept_days: list[str] = []  # every day kept so far, for the log and tests
        self.runs = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> threading.Thread:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="day-keeper", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._own_store:
            self.store.close()  # type: ignore[attr-defined]

    def _run(self) -> None:
        try:
            while self.loaded is not None and not self.loaded():  # after the board's cold load
                if self._stop.wait(LOAD_POLL):
                    return
        except Exception as error:  # never take the board down with us
            self.last_error = str(error)
            log.warning("daily figures not kept: %s", error)
            return
        while not self._stop.is_set():
            self.keep()
            self._stop.wait(self.seconds_to_next_day_end())

    def seconds_to_next_day_end(self) -> float:
        now = self.clock()
        next_start = self.day_clock.start(now) + 24 * 3600
        # On a DST day the next start is an hour off; DayClock finds it exactly once there.
        next_start = self.day_clock.start(next_start + 1)
        return max(next_start - now + AFTER_DAY_END, 1.0)

    def today(self) -> str:
        start = self.day_clock.start(self.clock())
        return datetime.fromtimestamp(start + 1, self.day_clock.tz).date().isoformat()

    def keep(self) -> list[str]:
        """Read the feeds; keep the closed days the store lacks and the day just closed."""
        self.runs += 1
        try:
            kept = self._keep()
        except Exception as error:  # a store or feed failure: say it, try again tomorrow
            self.last_error = str(error)
            log.warning("daily figures not kept: %s", error)
            return []
        self.last_error = None
        self.kept_days.extend(kept)
        if kept:
            log.info("daily figures kept for %s", ", ".join(kept))
        return kept

    def _keep(self) -> list[str]:
        if self.earliest is not None and not self._closed_day_on_board(self.earliest()):
            return []  # the feeds hold no closed day: nothing to read
        try:
            return self._keep_from_feeds()
        finally:
            release_unused_memory()  # a cold load's buffers: given back

    def _closed_day_on_board(self, oldest: float | None) -> bool:
        """Whether the board's rows reach back into a closed day: before today's start by the
        wall clock, or on a `clock: data` floor before the newest row's day (a replay of one
        day has none: reading it all again would find nothing to keep)."""
        if oldest is None:
            return False
        if self.config.floor.clock != "data":
            return oldest < self.day_clock.start(self.clock())
        newest = self.newest() if self.newest is not None else None
        return newest is None or oldest < self.day_clock.start(newest)

    def _keep_from_feeds(self) -> list[str]:
        feeds = FloorFeeds(self.config)
        try:
            updates = feeds.load_all()
        finally:
            feeds.close()
        figures = daily_figures(self.config, [(u.feed, u.rows) for u in updates if len(u.rows)])
        if not len(figures):
            return []
        days = sorted(set(figures[DAY]))
        today = days[-1] if self.config.floor.clock == "data" else self.today()
        closed = [day for day in days if day < today]
        just_closed = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
        store: Any = self.store
        have = store.figure_days() if store.exists() else set()
        wanted = [day for day in closed if day not in have or day == just_closed]
        if not wanted:
            return []
        store.save_daily_figures(
            figures[figures[DAY].isin(wanted)].itertuples(index=False, name=None)
        )
        return wanted
