"""An agent's coaching notes, newest first, for the agent screen's `#agent-notes` container.

Each note is shown whole: when and by whom it was written, its kind, visibility and tags, whether
it was edited (revision n) or retracted, every line of its B/E/S fields, and T with its
follow-up: when it is due, how it was closed, and the note's metric then against the board's
value now (improved / worse / same). The keyboard moves between notes and `enter` opens one
full-size with its revisions (`floorwatch.tui.screens.note`).
Note text is the supervisors' and names come from feeds: all of it is plain `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
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


def when_text(at: datetime, now: datetime, tz: tzinfo) -> str:
    """'Mon 16 Jun 09:00', with the year when it is not this year's."""
    local = at.astimezone(tz)
    same_year = local.year == now.astimezone(tz).year
    return f"{local:%a %d %b %H:%M}" if same_year else f"{local:%a %d %b %Y %H:%M}"


def note_head(note: Note, now: datetime, tz: tzinfo) -> Text:
    """'Mon 16 Jun 09:00  improvement  by alice  shared  tags aht, csat  edited (revision 2)'."""
    text = Text()
    text.append(f"{when_text(note.created_at, now, tz)}  ", style="bold")
    text.append(note.kind, style="bold green" if note.kind == PRAISE else "bold")
    text.append(f"  by {clean_text(note.author)}  {note.visibility}")
    if note.tags:
        text.append("  tags " + ", ".join(clean_text(tag) for tag in note.tags))
    if note.revision > 1:
        text.append(f"  edited (revision {note.revision}", style="italic")
        if note.revised_by and note.revised_by != note.author:
            text.append(f" by {clean_text(note.revised_by)}", style="italic")
        text.append(")", style="italic")
    if note.retracted:
        text.append("  RETRACTED", style="bold red")
        if note.reason:
            text.append(f": {clean_text(note.reason)}", style="red")
    return text


def fields_text(note: Note) -> Text:
    """Behavior, Effect and Suggestion whole, each line of a field indented under its letter."""
    text = Text()
    for letter, name in FIELDS:
        value = getattr(note, name).strip()
        if not value:
            continue
        text.append(f"\n  {letter}  ", style="bold")
        lines = [clean_text(line) for line in value.splitlines()]
        text.append("\n     ".join(lines))
    return text


def note_text(note: Note, row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """One whole note: its head, B, E, S (every line) and T with the follow-up and outcome."""
    text = note_head(note, now, tz)
    text.append_text(fields_text(note))
    text.append("\n")
    text.append_text(follow_up_text(note, row, now, tz))
    if note.retracted:
        text.stylize("dim strike", len(when_text(note.created_at, now, tz)) + 2)
    return text


def heading_text(notes: Sequence[Note], row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """The loop, then 'Coaching notes (4, 1 retracted)' (or how to write the first)."""
    out = loop_text(notes, row, now, tz)
    out.append("\n\n")
    if not notes:
        out.append("No coaching notes for this agent yet. f: coaching note · p: praise", "dim")
        return out
    live = sum(not note.retracted for note in notes)
    out.append(f"Coaching notes ({live}", style="bold")
    if live != len(notes):
        out.append(f", {len(notes) - live} retracted", style="bold")
    out.append(")", style="bold")
    out.append("  ↑↓ a note · enter the whole note and its revisions", style="dim")
    return out


def newest_first(notes: Sequence[Note]) -> list[Note]:
    return sorted(notes, key=lambda note: (note.created_at, note.id), reverse=True)


def timeline_text(notes: Sequence[Note], row: AgentRow | None, now: datetime, tz: tzinfo) -> Text:
    """Every note, newest first, separated by a blank line (what the timeline shows)."""
    out = heading_text(notes, row, now, tz)
    for note in newest_first(notes):
        out.append("\n\n")
        out.append_text(note_text(note, row, now, tz))
    return out


class NoteCard(Static):
    """One whole note in the timeline; the highlighted one has a bar down its left edge while the
    timeline has the keys."""

    DEFAULT_CSS = """
    NoteCard { height: auto; margin: 1 0 0 0; padding: 0 0 0 1; border-left: blank; }
    """

    def __init__(self, note: Note) -> None:
        super().__init__(classes="note-card")
        self.note = note


class NotesTimeline(Vertical, can_focus=True):
    """The agent's notes, whole, newest first: ↑↓ (k j) move between notes, PgUp PgDn move a
    page, Home End go to the newest and the oldest, `enter` opens the highlighted note full-size
    with its revisions. Reloads when the store changes, re-renders as the board moves."""

    DEFAULT_CSS = """
    NotesTimeline { height: auto; }
    NotesTimeline > #notes-timeline-text { height: auto; }
    NotesTimeline.-keys > NoteCard.-highlight { border-left: thick $accent; background: $boost; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", "previous note", show=False),
        Binding("down,j", "move(1)", "next note", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "first", "newest", show=False),
        Binding("end", "last", "oldest", show=False),
        Binding("enter", "open_note", "open note"),
    ]
    REFRESH_INTERVAL = 5.0  # seconds: 'now' values and due/overdue follow the clock and board

    class Loaded(Message):
        """The agent's notes were (re)read: the charts mark them on their time axis."""

        def __init__(self, notes: Sequence[Note]) -> None:
            super().__init__()
            self.notes = tuple(notes)

    class OpenNote(Message):
        """Show this note full-size, with its revisions."""

        def __init__(self, note: Note) -> None:
            super().__init__()
            self.note = note

    def __init__(self, service: NotesService, agent: str, row_of: RowOf | None = None) -> None:
        super().__init__(id="notes-timeline")
        self.service = service
        self.agent = agent
        self.row_of: RowOf = row_of or (lambda: None)
        self.notes: list[Note] = []  # newest first, as shown
        self.loaded = False
        self.error = ""
        self.index = 0  # the highlighted note
        self._cards: list[NoteCard] = []

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
            self.notes = newest_first(list(event.worker.result or []))
            self.loaded, self.error = True, ""
            self.index = min(self.index, max(0, len(self.notes) - 1))
            self.show()
            self.post_message(self.Loaded(self.notes))
        elif event.state is WorkerState.ERROR:
            self.error = f"Coaching notes cannot be read: {event.worker.error}"
            self.show()

    def show(self) -> None:
        heading = self.query_one("#notes-timeline-text", Static)
        if self.error:
            heading.update(Text(self.error, style="bold red"))
            return
        if not self.loaded:
            return
        row, now, tz = self.row_of(), self.service.now(), self.service.tz
        heading.update(heading_text(self.notes, row, now, tz))
        if [card.note.id for card in self._cards] != [note.id for note in self.notes]:
            for card in self._cards:
                card.remove()
            self._cards = [NoteCard(note) for note in self.notes]
            self.mount_all(self._cards)
        for card, note in zip(self._cards, self.notes, strict=True):
            card.note = note
            card.update(note_text(note, row, now, tz))
        self._highlight(scroll=False)

    @property
    def cards(self) -> list[NoteCard]:
        """One card a note, newest first (those mounting too)."""
        return list(self._cards)

    @property
    def highlighted(self) -> Note | None:
        return self.notes[self.index] if self.notes else None

    @property
    def text(self) -> str:
        """What the timeline shows, as plain text (for tests)."""
        parts = [str(self.query_one("#notes-timeline-text", Static).render())]
        parts += [str(card.render()) for card in self.cards]
        return "\n\n".join(parts)

    # -- keys ------------------------------------------------------------------------------------

    def watch_has_focus(self, has_focus: bool) -> None:
        # A class, not :focus in the cards' CSS: an ancestor's pseudo-class does not restyle them.
        super().watch_has_focus(has_focus)
        self.set_class(has_focus, "-keys")

    def action_move(self, step: int) -> None:
        if not self.notes:
            return
        if step < 0 and self.index == 0:  # above the newest note: back to the top
            scroller = self._scroller()
            if scroller is not None:
                scroller.scroll_home(animate=False)
            return
        self.index = max(0, min(len(self.notes) - 1, self.index + step))
        self._highlight()

    def action_page(self, direction: int) -> None:
        """Scroll a page, then highlight the first note that starts on it."""
        scroller = self._scroller()
        if scroller is None:
            self.action_move(direction)
            return
        if direction > 0:
            scroller.scroll_page_down(animate=False)
        else:
            scroller.scroll_page_up(animate=False)
        self.call_after_refresh(self._highlight_first_visible, scroller)

    def action_first(self) -> None:
        self.index = 0
        scroller = self._scroller()
        if scroller is not None:
            scroller.scroll_home(animate=False)
        self._highlight(scroll=False)

    def action_last(self) -> None:
        self.index = max(0, len(self.notes) - 1)
        scroller = self._scroller()
        if scroller is not None:
            scroller.scroll_end(animate=False)
        self._highlight(scroll=False)

    def action_open_note(self) -> None:
        note = self.highlighted
        if note is not None:
            self.post_message(self.OpenNote(note))

    def _highlight(self, scroll: bool = True) -> None:
        cards = self.cards
        for index, card in enumerate(cards):
            card.set_class(index == self.index, "-highlight")
        if scroll and 0 <= self.index < len(cards):
            cards[self.index].scroll_visible(animate=False, top=True)

    def _highlight_first_visible(self, scroller: Widget) -> None:
        top = scroller.content_region.y
        bottom = top + scroller.content_region.height
        for index, card in enumerate(self.cards):
            if top <= card.region.y < bottom:
                self.index = index
                break
        else:
            if scroller.scroll_y >= scroller.max_scroll_y and self.notes:
                self.index = len(self.notes) - 1
        self._highlight(scroll=False)

    def _scroller(self) -> Widget | None:
        """The container that scrolls the timeline in the current layout."""
        for node in self.ancestors:
            if isinstance(node, Widget) and node.max_scroll_y > 0:
                return node
        return None
