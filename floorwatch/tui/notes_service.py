"""The notes as the TUI sees them: one `NotesService` per app (one per SSH session).

- It opens the `NoteStore` the config names, in the floor's timezone and shift end, for the
  resolved author.
- Its blocking methods (`add`, `save_draft`, `agent_notes`, `close_follow_up`...) are meant to run
  in thread workers; none of them touches a widget.
- `start(app)` runs one watcher thread that asks the store's `change_token()` about once a
  second (SQLite: `PRAGMA data_version`, which only moves when *another* connection commits, so
  the poll must stay on one connection: one long-lived thread, not a worker per poll). On
  PostgreSQL the store also LISTENs on a dedicated connection and wakes the watcher the moment a
  note is committed on any host (`store.on_change`), so other hosts' notes show within a second.
  When the token moves (another supervisor's process or host, or our own writes from worker
  threads), or once a minute anyway (follow-ups turn overdue with time alone), it reads today's
  notes and the due follow-ups, computes the board indicators and posts `NotesChanged` to every
  subscribed node.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from datetime import time as time_of_day
from typing import TYPE_CHECKING, Any

from textual.message import Message

from floorwatch.coaching import (
    IMPROVED,
    SAME,
    WORSE,
    Evidence,
    FollowUp,
    Indicator,
    Note,
    NoteDraft,
    agent_indicators,
    draft_fields,
    draft_from_fields,
    floor_timezone,
)
from floorwatch.coaching.evidence import evidence_format
from floorwatch.coaching.trend import Trend, metric_trends, span_start
from floorwatch.config.types import MetricConfig
from floorwatch.live.clock import DayClock
from floorwatch.store import NoteStore, Reader, StoreError, choose_store, open_store, resolve_author
from floorwatch.text.safe import clean_text
from floorwatch.text.values import format_value

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

    from floorwatch.config.types import Config

__all__ = ["NotesChanged", "NotesService", "NotesSnapshot", "StoreError"]


SUMMARY_CHARS = 60
OUTCOME_STYLES = {IMPROVED: "bold green", WORSE: "bold red", SAME: "yellow"}


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first line of a note's text, cut to `limit` characters."""
    first = clean_text(text.strip().splitlines()[0]) if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def note_metric(note: Note) -> Evidence | None:
    """The evidence a follow-up checks: the first item the note is tagged with, else the first."""
    tagged = next((item for item in note.evidence if item.metric in note.tags), None)
    return tagged or (note.evidence[0] if note.evidence else None)


def evidence_value_text(value: float | None, item: Evidence) -> str:
    """A value in the evidence item's own format (m:ss, %, number)."""
    return format_value(value, evidence_format(item))


@dataclass(frozen=True)
class NotesSnapshot:
    """What the board needs to know about the notes, as of `at`."""

    at: datetime
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    follow_ups: tuple[FollowUp, ...] = ()  # due today or overdue, soonest first
    error: str | None = None  # the store could not be read (the previous figures are kept)
    poll: int = 0  # the watcher's poll that read it (0: read outside the watcher)

    def indicator_texts(self, ascii_only: bool = False) -> dict[str, str]:
        """Per agent, the board's NOTE column text ('!◷✎')."""
        return {agent: item.text(ascii_only) for agent, item in self.indicators.items()}


class NotesChanged(Message):
    """The notes store changed (or the time moved a follow-up to overdue)."""

    bubble = False  # posted to each subscriber itself; bubbling would reach the app twice

    def __init__(self, snapshot: NotesSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    @property
    def indicator_texts(self) -> dict[str, str]:
        return self.snapshot.indicator_texts()

    def can_replace(self, message: Message) -> bool:
        # Each snapshot is complete: a newer one makes a queued older one pointless.
        return isinstance(message, NotesChanged)


Clock = Callable[[], float]  # epoch seconds, like FloorwatchApp.clock
STOP_SECONDS = 5.0  # how long stop() waits for the watcher's poll in flight


class NotesService:
    """The app's door to the notes store (see the module doc)."""

    POLL_INTERVAL = 1.0  # seconds between change polls: others' notes show within ~1 s
    RECOUNT_INTERVAL = 60.0  # seconds: re-derive due/overdue even when nothing was written

    def __init__(
        self,
        config: Config,
        *,
        author: str | None = None,
        clock: Clock | None = None,
        store: NoteStore | None = None,
        role: str | None = None,
    ) -> None:
        self.config = config
        self.tz: tzinfo = floor_timezone(config.floor.timezone)
        self.shift_end: time_of_day = config.floor.shift_end_time
        self.author = resolve_author(author or config.notes.author)
        # Private notes are shown to their author and to managers only.
        self.reader = Reader(self.author, manager=(role or config.notes.role) == "manager")
        self.clock: Clock = clock or time.time  # the floor's time (FloorClock.now in the app)
        self.days = DayClock(self.tz, config.floor.day_starts)
        choice = choose_store(config)
        self.store_notice = None if store is not None else choice.notice  # a legacy store kept
        self.store = store or open_store(config, tz=self.tz, shift_end=self.shift_end)
        self.latest: NotesSnapshot | None = None
        self._listeners: list[MessagePump] = []
        self._listeners_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self.polls = 0  # polls the watcher has begun: a change is seen by the next one

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # -- blocking calls: run these in thread workers -------------------------------------------

    def _patience(self) -> AbstractContextManager[None]:
        """The panel reads and writes a draft on the UI thread (on open, and on close): there a
        call to a server that went away fails at once rather than freezing every board of the
        process while it retries; from a worker it retries (store/backend.py)."""
        if threading.current_thread() is threading.main_thread():
            return self.store.quick()
        return nullcontext()

    def add(self, draft: NoteDraft) -> Note:
        """Save a note for the author (clears their draft for the agent). Returns only after the
        commit. Raises InvalidNote or StoreError."""
        note = self.store.add(draft, self.author, self.now())
        self.poke()
        return note

    def save_draft(self, draft: NoteDraft) -> None:
        with self._patience():
            self.store.save_draft(draft.agent, self.author, draft_fields(draft), self.now())

    def load_draft(self, agent: str) -> tuple[NoteDraft, datetime] | None:
        """The author's autosaved draft for the agent and when it was saved, or None."""
        with self._patience():
            found = self.store.load_draft(agent, self.author)
        if found is None:
            return None
        fields, saved_at = found
        return draft_from_fields(agent, fields), saved_at

    def discard_draft(self, agent: str) -> None:
        self.store.discard_draft(agent, self.author)

    def agent_notes(self, agent: str) -> list[Note]:
        """Every note on the agent, retracted ones too (latest revision of each), oldest first."""
        return self.store.notes(agent=agent, include_retracted=True, reader=self.reader)

    def follow_ups(self, days_ahead: int = 0) -> list[FollowUp]:
        """The floor's follow-ups due today or overdue, as of now, and with `days_ahead` those
        due in that many days after today, that the author may see (blocking: a thread worker)."""
        return self.store.follow_ups(self.now(), days_ahead, reader=self.reader)

    def close_follow_up(self, note_id: int, outcome: str) -> Note:
        note = self.store.close_follow_up(note_id, self.author, self.now(), outcome)
        self.poke()
        return note

    def agent_trends(self, agent: str, today: date) -> list[tuple[MetricConfig, list[Trend]]]:
        """The agent's trends over months from the store's daily figures (empty without any:
        `floorwatch history build` keeps them). Raises StoreError."""
        if not self.store.exists():  # reading must not create a personnel-records file
            return []
        figures = self.store.daily_figures(agent, span_start(today).isoformat())
        if not figures:
            return []
        return metric_trends(figures, self.config.metrics, today)

    def agent_figures(self, agent: str, today: date) -> dict[str, list[tuple[date, float]]]:
        """The agent's daily figures per metric key over the longest trend span, by day (for
        the charts; empty without any). Raises StoreError."""
        if not self.store.exists():  # reading must not create a personnel-records file
            return {}
        by_metric: dict[str, list[tuple[date, float]]] = {}
        for day, key, value, _count in self.store.daily_figures(
            agent, span_start(today).isoformat()
        ):
            by_metric.setdefault(key, []).append((date.fromisoformat(day), value))
        return by_metric

    def note_revisions(self, note_id: int) -> list[Note]:
        """Every revision of a note, the original first. Raises StoreError."""
        return self.store.revisions(note_id)

    def goals(self) -> list[Any]:
        """The config's goals and those kept in the store (`floorwatch goals add`). Raises
        StoreError."""
        from floorwatch.store.goals import GoalBook

        return [*self.config.goals, *GoalBook(self.store).goals()]

    def snapshot(self) -> NotesSnapshot:
        """Read today's notes and the due follow-ups; compute the indicators. Raises
        StoreError."""
        now = self.now()
        if not self.store.exists():  # watching must not create a personnel-records file
            return NotesSnapshot(at=now)
        today = datetime.fromtimestamp(self.days.start(now.timestamp()), self.tz)  # the floor day
        notes = self.store.notes(since=today, reader=self.reader)
        follow_ups = self.store.follow_ups(now, reader=self.reader)
        indicators = agent_indicators(notes, follow_ups, now, self.tz)
        return NotesSnapshot(at=now, indicators=indicators, follow_ups=tuple(follow_ups))

    # -- the watcher ---------------------------------------------------------------------------

    def subscribe(self, node: MessagePump) -> None:
        """Post every NotesChanged to `node` too (until it closes or unsubscribes)."""
        with self._listeners_lock:
            if node not in self._listeners:
                self._listeners.append(node)

    def unsubscribe(self, node: MessagePump) -> None:
        with self._listeners_lock:
            if node in self._listeners:
                self._listeners.remove(node)

    def start(self, app: App[Any]) -> threading.Thread:
        """Subscribe the app and start the watcher thread (call once, from on_mount).

        A thread of its own, not a Textual thread worker: those run in the event loop's default
        executor (6 threads on 2 cores), and a watcher that never returns would hold one for
        good. Under `floorwatch serve` the seventh session then starved everything else that
        needs the executor: logins, feed polls, saves."""
        self.subscribe(app)
        self._stopping.clear()
        self.store.on_change(self.poke)  # PostgreSQL: woken by NOTIFY, not only by the poll
        self._watcher = threading.Thread(target=self._watch, name="notes-watcher", daemon=True)
        self._watcher.start()
        return self._watcher

    def poke(self) -> None:
        """Check the store now rather than at the next poll (after our own write)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the watcher and close the store's connections (from on_unmount)."""
        self._stopping.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.join(timeout=STOP_SECONDS)  # at most the poll in flight
        self.store.close()

    def _watch(self) -> None:
        seen_version: int | None = None
        counted_at = -float("inf")
        last_error: str | None = None
        while not self._stopping.is_set():
            self._wake.clear()
            self.polls += 1
            try:
                # No file yet: nothing to read, and opening would create it (the first note will).
                version = self.store.change_token() if self.store.exists() else -1
                due_recount = time.monotonic() - counted_at >= self.RECOUNT_INTERVAL
                if version != seen_version or due_recount:
                    snapshot = replace(self.snapshot(), poll=self.polls)
                    seen_version, counted_at, last_error = version, time.monotonic(), None
                    self._publish(snapshot)
            except Exception as error:  # a StoreError, or a bug: say it once, keep watching
                message = str(error) if isinstance(error, StoreError) else f"notes: {error!r}"
                if message != last_error:
                    last_error = message
                    self._publish(self._failed(message))
            self._wake.wait(self.POLL_INTERVAL)

    def _failed(self, message: str) -> NotesSnapshot:
        latest = self.latest
        if latest is None:
            return NotesSnapshot(at=self.now(), error=message, poll=self.polls)
        return replace(latest, error=message, poll=self.polls)

    def _publish(self, snapshot: NotesSnapshot) -> None:
        if snapshot.error is None:
            self.latest = snapshot
        with self._listeners_lock:
            listeners = list(self._listeners)
        for node in listeners:
            if not node.post_message(NotesChanged(snapshot)):  # closed: forget it
                self.unsubscribe(node)
