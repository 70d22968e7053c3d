"""An agent's coaching notes, newest first, for the agent screen's `#agent-notes` container.

Each note shows when and by whom it was written, its kind and visibility, whether it was edited
(revision n) or retracted, its B/E/S/T fields, and its follow-up: when it is due, how it was
closed, and the note's metric then against the board's value now (improved / worse / same).
Note text is the supervisors' and names come from feeds: all of it is plain `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from floorwatch.coaching import PRAISE, Note, describe_due, follow_up_outcome
from floorwatch.coaching.loop import PRAISE_TARGET, cadence, feedback_within_24h, praise_ratio
from floorwatch.live.board import AgentRow
from floorwatch.live.thresholds import Status
from floorwatch.text.safe import clean_text
from floorwatch.tui.notes_service import (
    OUTCOME_STYLES,
    NotesChanged,
    NotesService,
    evidence_value_text,
    note_metric,
)

RowOf = Callable[[], AgentRow | None]
FIELDS = (("B", "behavior"), ("E", "effect"), ("S", "suggestion"))
RATIO_DAYS = 30  # the praise ratio looks back this far


class Red(NamedTuple):
    """A transition to red, as feedback_within_24h reads it."""

    agent: str
    metric: str
    at: float


def loop_text(notes: Sequence[Note], row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """Where the agent stands in the coaching loop: feedback on the current red within 24 h,
    praise against corrective notes (3:1), and the next touchpoint the cadence asks for."""
    text = Text()
    if row is not None and row.red_since is not None:
        metric = next((key for key, cell in row.cells.items() if cell.status is Status.RED), "")
        (red,) = feedback_within_24h([Red(row.agent, metric, row.red_since)], notes, now)
        since = red.red_at.astimezone(tz)
        text.append(f"Red since {since:%a %H:%M}: ", style="bold")
        if red.state == "given":
            text.append(f"feedback given (note {red.note_id})", style="green")
        elif red.state == "pending":
            by = (red.red_at + timedelta(hours=24)).astimezone(tz)
            text.append(f"no feedback yet; give it by {by:%a %H:%M}", style="bold yellow")
        else:
            text.append("no feedback within 24 h", style="bold red")
        text.append("\n")
    ratio = praise_ratio(notes, since=now - timedelta(days=RATIO_DAYS))
    text.append(f"Praise : improvement, last {RATIO_DAYS} days: ", style="bold")
    text.append(f"{ratio.praise} : {ratio.improvement}")
    if ratio.praise or ratio.improvement:
        if ratio.on_target:
            text.append(" on target", style="green")
        else:
            text.append(f" (aim for {PRAISE_TARGET:g} : 1)")
    if row is not None:
        # The agent screen always shows the next one, however far off (lead: ten years).
        due = cadence({row.agent: row.hire_date}, notes, now, tz, lead=timedelta(days=3650))
        if due:
            item = due[0]
            text.append(f"\nNext touchpoint ({item.rule}): ", style="bold")
            text.append("due " + describe_due(item.due, now, tz))
            if item.overdue:
                text.append(" OVERDUE", style="bold red")
    return text


def follow_up_text(note: Note, row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """'T  tomorrow: due Tue 17 Jun 17:00 (tomorrow) · AHT then 5:30, now 3:10: improved'."""
    line = Text("  T  ", style="bold")
    line.append(clean_text(note.timeframe) or "-")
    if note.follow_up_closed_at is not None:
        closed = note.follow_up_closed_at.astimezone(tz)
        line.append(f": closed {closed:%a %d %b %H:%M}")
        if note.follow_up_outcome:
            outcome = clean_text(note.follow_up_outcome)
            line.append(" as ")
            line.append(outcome, style=OUTCOME_STYLES.get(outcome, "bold"))
    elif note.follow_up_due is not None:
        overdue = note.follow_up_due < now and not note.retracted
        line.append(": due " + describe_due(note.follow_up_due, now, tz))
        if overdue:
            line.append(" OVERDUE", style="bold red")
    item = note_metric(note)
    cell = row.cells.get(item.metric) if row is not None and item is not None else None
    if item is not None and cell is not None:
        line.append(f" · {item.label} then {evidence_value_text(item.value, item)}, ")
        line.append(f"now {evidence_value_text(cell.value, item)}")
        change = follow_up_outcome(note, cell.value, item.metric)
        if change:
            line.append(": ")
            line.append(change, style=OUTCOME_STYLES[change])
    return line


def note_text(note: Note, row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """One note as a few lines of plain text."""
    text = Text()
    created = note.created_at.astimezone(tz)
    text.append(f"{created:%a %d %b %H:%M}  ", style="bold")
    text.append(note.kind, style="bold green" if note.kind == PRAISE else "bold")
    text.append(f"  by {clean_text(note.author)}  {note.visibility}")
    if note.revision > 1:
        text.append(f"  edited (revision {note.revision}", style="italic")
        if note.revised_by and note.revised_by != note.author:
            text.append(f" by {clean_text(note.revised_by)}", style="italic")
        text.append(")", style="italic")
    if note.retracted:
        text.append("  RETRACTED", style="bold red")
        if note.reason:
            text.append(f": {clean_text(note.reason)}", style="red")
    for letter, name in FIELDS:
        value = getattr(note, name).strip()
        if value:
            text.append(f"\n  {letter}  ", style="bold")
            text.append(clean_text(value.replace("\n", " / ")))
    text.append("\n")
    text.append_text(follow_up_text(note, row, now, tz))
    if note.retracted:
        text.stylize("dim strike", len(f"{created:%a %d %b %H:%M}  "))
    return text


def timeline_text(notes: Sequence[Note], row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """Every note, newest first, separated by a blank line."""
    out = loop_text(notes, row, now, tz)
    out.append("\n\n")
    if not notes:
        out.append("No coaching notes for this agent yet. f: coaching note · p: praise", "dim")
        return out
    newest = sorted(notes, key=lambda note: (note.created_at, note.id), reverse=True)
    live = sum(not note.retracted for note in newest)
    out.append(f"Coaching notes ({live}", style="bold")
    if live != len(newest):
        out.append(f", {len(newest) - live} retracted", style="bold")
    out.append(")\n", style="bold")
    for index, note in enumerate(newest):
        if index:
            out.append("\n\n")
        out.append_text(note_text(note, row, now, tz))
    return out


class NotesTimeline(Vertical):
    """The agent's notes; reloads when the store changes, re-renders as the board moves."""

    DEFAULT_CSS = "NotesTimeline { height: auto; } NotesTimeline > Static { height: auto; }"
    REFRESH_INTERVAL = 5.0  # seconds: 'now' values and due/overdue follow the clock and board

    def __init__(self, service: NotesService, agent: str, row_of: RowOf | None = None) -> None:
        super().__init__(id="notes-timeline")
        self.service = service
        self.agent = agent
        self.row_of: RowOf = row_of or (lambda: None)
        self.notes: list[Note] = []
        self.loaded = False
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Coaching notes: loading…", style="dim"), id="notes-timeline-text")

    def on_mount(self) -> None:
        self.service.subscribe(self)
        self.reload()
        self.set_interval(self.REFRESH_INTERVAL, self.show)

    def on_unmount(self) -> None:
        self.service.unsubscribe(self)

    def reload(self) -> None:
        self.run_worker(
            lambda: self.service.agent_notes(self.agent),
            name="load agent notes",
            group="timeline-load",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_notes_changed(self, message: NotesChanged) -> None:
        message.stop()
        self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "timeline-load":
            return
        if event.state is WorkerState.SUCCESS:
            self.notes, self.loaded, self.error = list(event.worker.result or []), True, ""
            self.show()
        elif event.state is WorkerState.ERROR:
            self.error = f"Coaching notes cannot be read: {event.worker.error}"
            self.show()

    def show(self) -> None:
        if self.error:
            text = Text(self.error, style="bold red")
        elif not self.loaded:
            return
        else:
            text = timeline_text(self.notes, self.row_of(), self.service.now(), self.service.tz)
        self.query_one("#notes-timeline-text", Static).update(text)

    @property
    def text(self) -> str:
        """What the timeline shows, as plain text (for tests)."""
        return str(self.query_one("#notes-timeline-text", Static).render())
