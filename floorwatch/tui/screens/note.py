"""One coaching note full-size, with every revision it went through (`enter` on a note in the
agent screen's timeline). Plain `Text` throughout: note text and names are never markup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from floorwatch.coaching import Note
from floorwatch.live.board import AgentRow
from floorwatch.text.safe import clean_text
from floorwatch.tui.widgets.alert_line import AlertLine
from floorwatch.tui.widgets.notes_timeline import note_text, when_text

RevisionsOf = Callable[[int], list[Note]]  # blocking: a thread worker
# The fields a revision may change, as a supervisor names them.
REVISED_FIELDS = (
    ("behavior", "Behavior"), ("effect", "Effect"), ("suggestion", "Suggestion"),
    ("timeframe", "Timeframe"), ("kind", "kind"), ("tags", "tags"), ("visibility", "visibility"),
)  # fmt: skip


def revisions_text(revisions: Sequence[Note], now: datetime, tz: tzinfo) -> Text:
    """Each revision, oldest first: who, when, why, and what it changed."""
    text = Text("Revisions", style="bold")
    if len(revisions) <= 1:
        text.append("\nnone: the note is as it was written", style="dim")
        return text
    previous: Note | None = None
    for revision in revisions:
        at = revision.revised_at or revision.created_at
        who = revision.revised_by or revision.author
        text.append(f"\n\n{revision.revision}. {when_text(at, now, tz)} by {clean_text(who)}",
                    style="bold")  # fmt: skip
        if revision.revision == 1:
            text.append("  written")
        if revision.retracted and (previous is None or not previous.retracted):
            text.append("  RETRACTED", style="bold red")
        if revision.follow_up_closed_at is not None and (
            previous is None or previous.follow_up_closed_at is None
        ):
            text.append(f"  follow-up closed as {clean_text(revision.follow_up_outcome or '-')}")
        if revision.reason:
            text.append(f": {clean_text(revision.reason)}")
        if previous is not None:
            for name, label in REVISED_FIELDS:
                before, after = getattr(previous, name), getattr(revision, name)
                if before != after:
                    text.append(f"\n   {label}: ", style="bold")
                    text.append(_field(before), style="strike dim")
                    text.append(" → ")
                    text.append(_field(after))
        previous = revision
    return text


def _field(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(clean_text(str(v)) for v in value) or "-"
    return " / ".join(clean_text(line) for line in str(value).splitlines()) or "-"


class NoteScreen(Screen[None]):
    """A note full-size; ↑↓ PgUp PgDn Home End scroll, esc goes back."""

    DEFAULT_CSS = """
    NoteScreen #note-scroll { height: 1fr; padding: 0 1; }
    NoteScreen #note-title { height: auto; padding: 0 1; background: $panel; }
    NoteScreen #note-body, NoteScreen #note-revisions { height: auto; margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape,backspace,q", "back", "back")]

    def __init__(
        self,
        note: Note,
        *,
        row: AgentRow | None,
        now: datetime,
        tz: tzinfo,
        revisions_of: RevisionsOf | None = None,
    ) -> None:
        super().__init__(id="note-screen")
        self.note = note
        self.row = row
        self.now = now
        self.tz = tz
        self.revisions_of = revisions_of
        self.revisions: list[Note] | None = None

    def compose(self) -> ComposeResult:
        name = clean_text(self.note.agent_name) or clean_text(self.note.agent)
        title = Text(f"Note {self.note.id} on {name} ({clean_text(self.note.agent)})",
                     style="bold")  # fmt: skip
        yield Static(title, id="note-title")
        with VerticalScroll(id="note-scroll"):
            yield Static(note_text(self.note, self.row, self.now, self.tz), id="note-body")
            yield Static(Text("Revisions: loading…", style="dim"), id="note-revisions")
        yield AlertLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#note-scroll").focus()
        if self.revisions_of is None:
            self.query_one("#note-revisions", Static).update(Text(""))
            return
        revisions_of, note_id = self.revisions_of, self.note.id
        self.run_worker(lambda: revisions_of(note_id), thread=True, group="note-revisions",
                        exit_on_error=False)  # fmt: skip

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "note-revisions":
            return
        shown = self.query_one("#note-revisions", Static)
        if event.state is WorkerState.SUCCESS:
            self.revisions = list(event.worker.result or [])
            shown.update(revisions_text(self.revisions, self.now, self.tz))
        elif event.state is WorkerState.ERROR:
            shown.update(Text(f"Revisions cannot be read: {event.worker.error}", style="bold red"))

    @property
    def text(self) -> str:
        """What the screen shows, as plain text (for tests)."""
        return "\n".join(str(w.render()) for w in self.query(Static))

    def action_back(self) -> None:
        self.dismiss(None)
