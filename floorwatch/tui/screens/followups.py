"""The follow-ups screen (`u`): the floor's follow-ups due today and overdue, overdue first, then
the ones coming up this week (the next seven days), so a supervisor can plan them.

Each line: the agent, when it is due, what the note said, and the note's metric then against the
board's value now, with the outcome (improved / worse / same). `enter` opens the agent and `f`
writes the follow-up note (both as messages to the App: `OpenAgent`, `WriteNote`), `c` closes
the follow-up with an outcome. The list follows the store (through the NotesService): notes and
closings by other supervisors show up as the service reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from floorwatch.coaching import (
    IMPROVED,
    SAME,
    WORSE,
    FollowUp,
    Note,
    describe_due,
    follow_up_outcome,
)
from floorwatch.coaching.loop import end_of_day
from floorwatch.text.safe import clean_text
from floorwatch.tui.messages import OpenAgent, WriteNote
from floorwatch.tui.notes_service import (
    OUTCOME_STYLES,
    NotesChanged,
    evidence_value_text,
    note_metric,
    summary,
)
from floorwatch.tui.widgets.alert_line import AlertLine

if TYPE_CHECKING:
    from floorwatch.live.board import AgentRow
    from floorwatch.tui.notes_service import NotesService

CSS = Path(__file__).with_name("feedback.tcss")

RowsOf = Callable[[], Mapping[str, "AgentRow"]]


@dataclass(frozen=True)
class FollowUpLine:
    """One follow-up as the screen shows it (all plain text; styles are applied when shown)."""

    note_id: int
    agent: str
    who: str  # 'Li Wei (A001)'
    state: str  # 'OVERDUE' | 'due' (today) | 'this week'
    due: str  # describe_due
    behavior: str
    metric: str  # label, '' without evidence
    then: str
    now: str
    outcome: str | None  # improved | worse | same | None (nothing to compare)


def follow_up_line(
    follow_up: FollowUp, row: AgentRow | None, now: datetime, tz: tzinfo
) -> FollowUpLine:
    note = follow_up.note
    name = clean_text(row.name if row is not None else note.agent_name) or note.agent
    item = note_metric(note)
    cell = row.cells.get(item.metric) if row is not None and item is not None else None
    value_now = cell.value if cell is not None else None
    return FollowUpLine(
        note_id=note.id,
        agent=note.agent,
        who=f"{name} ({clean_text(note.agent)})",
        state=_state(follow_up, now, tz),
        due=describe_due(follow_up.due, now, tz),
        behavior=summary(note.behavior),
        metric=item.label if item is not None else "",
        then=evidence_value_text(item.value, item) if item is not None else "",
        now=evidence_value_text(value_now, item) if item is not None and cell is not None else "-",
        outcome=follow_up_outcome(note, value_now, item.metric) if item is not None else None,
    )


def _state(follow_up: FollowUp, now: datetime, tz: tzinfo) -> str:
    if follow_up.overdue:
        return "OVERDUE"
    return "due" if follow_up.due < end_of_day(now, tz) else "this week"


def ordered(follow_ups: Sequence[FollowUp]) -> list[FollowUp]:
    """Overdue first, then by due time (the most overdue on top)."""
    return sorted(follow_ups, key=lambda f: (not f.overdue, f.due, f.note.id))


class CloseFollowUp(ModalScreen[str | None]):
    """Pick the outcome that closes a follow-up; the computed one is highlighted."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", "cancel")]
    OUTCOMES = (IMPROVED, SAME, WORSE)

    def __init__(self, line: FollowUpLine) -> None:
        super().__init__(id="close-follow-up")
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(id="close-box"):
            yield Static(Text(f"Close the follow-up for {self.line.who}", style="bold"))
            yield Static(Text(self.line.behavior, style="dim"))
            if self.line.metric:
                yield Static(
                    Text(f"{self.line.metric}: then {self.line.then}, now {self.line.now}")
                )
            yield OptionList(*(Option(o, id=o) for o in self.OUTCOMES), id="outcomes")
            yield Static(Text("enter close with this outcome · esc cancel", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.line.outcome in self.OUTCOMES:
            options.highlighted = self.OUTCOMES.index(self.line.outcome)
        else:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


UPCOMING_DAYS = 7  # 'this week': follow-ups due in the seven days after today are listed too
COMPACT_WIDTH = 170  # columns: narrower, each follow-up takes three lines in one column
WIDE_COLUMNS = ("", "agent", "due", "metric", "then", "now", "outcome", "behavior")


class FollowUpsScreen(Screen[None]):
    """Due, overdue and this week's follow-ups of the whole floor."""

    CSS_PATH = CSS
    REFRESH_INTERVAL = 5.0  # seconds: the 'now' column follows the board
    BINDINGS = [
        Binding("escape,backspace", "back", "back"),
        Binding("f", "feedback", "follow-up note"),
        Binding("c", "close_follow_up", "close with outcome"),
    ]

    def __init__(
        self,
        service: NotesService,
        *,
        rows_of: RowsOf | None = None,
    ) -> None:
        super().__init__(id="follow-ups-screen")
        self.service = service
        self.rows_of: RowsOf = rows_of or dict
        self.follow_ups: list[FollowUp] = []
        self.compact = False
        self.lines: list[FollowUpLine] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="follow-ups-title")
        table: DataTable[Text] = DataTable(
            id="follow-ups-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static(id="follow-ups-status")
        yield AlertLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._set_columns()
        self.service.subscribe(self)
        self.reload()
        self.set_interval(self.REFRESH_INTERVAL, self.show)

    def on_unmount(self) -> None:
        self.service.unsubscribe(self)

    def on_resize(self) -> None:
        if (self.size.width < COMPACT_WIDTH) != self.compact:
            self._set_columns()
            self.show()

    def _set_columns(self) -> None:
        """A column per fact where they fit; below COMPACT_WIDTH, three lines a follow-up in
        one column (nothing cut at 80 columns)."""
        self.compact = self.size.width < COMPACT_WIDTH
        table = self.query_one(DataTable)
        table.clear(columns=True)
        labels = ("", "follow-up") if self.compact else WIDE_COLUMNS
        for label in labels:
            table.add_column(label, key=label or "state")

    def reload(self) -> None:
        """Read the follow-ups again (in a thread: the store may be slow or locked)."""
        self.run_worker(
            lambda: self.service.follow_ups(UPCOMING_DAYS),
            name="load follow-ups",
            group="follow-ups-load",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_notes_changed(self, message: NotesChanged) -> None:
        # The service's snapshot has today's only; this screen reads the week's again.
        if message.snapshot.error is None:
            self.reload()

    def set_follow_ups(self, follow_ups: Sequence[FollowUp]) -> None:
        self.follow_ups = ordered(follow_ups)
        self.loaded = True
        self.show()

    def show(self) -> None:
        """Redraw the table from the follow-ups and the board now, keeping the cursor's row."""
        now, rows = self.service.now(), self.rows_of()
        self.lines = [
            follow_up_line(f, rows.get(f.note.agent), now, self.service.tz) for f in self.follow_ups
        ]
        table = self.query_one(DataTable)
        selected = self.selected
        table.clear()
        for line in self.lines:
            if self.compact:
                table.add_row(*self._compact_cells(line), key=str(line.note_id), height=3)
            else:
                table.add_row(*self._cells(line), key=str(line.note_id))
        if selected is not None and any(line.note_id == selected.note_id for line in self.lines):
            table.move_cursor(row=table.get_row_index(str(selected.note_id)))
        overdue = sum(line.state == "OVERDUE" for line in self.lines)
        upcoming = sum(line.state == "this week" for line in self.lines)
        title = Text("Follow-ups", style="bold")
        title.append(f"  {len(self.lines) - upcoming} due today or overdue, {overdue} overdue")
        title.append(f" · {upcoming} more due this week")
        if not self.loaded:
            title.append("  (loading…)", style="dim")
        self.query_one("#follow-ups-title", Static).update(title)
        keys = "enter open agent · f follow-up note · c close with outcome · esc back"
        if self.loaded and not self.lines:
            keys = "Nothing due today or this week. " + keys
        elif self.loaded and len(self.lines) == upcoming:
            keys = "Nothing due today. " + keys
        self.query_one("#follow-ups-status", Static).update(Text(keys, style="dim"))

    @staticmethod
    def _cells(line: FollowUpLine) -> list[Text]:
        state_style = {"OVERDUE": "bold red", "due": "yellow"}.get(line.state, "dim")
        outcome = line.outcome or ""
        return [
            Text(line.state, style=state_style),
            Text(line.who),
            Text(line.due),
            Text(line.metric),
            Text(line.then),
            Text(line.now),
            Text(outcome, style=OUTCOME_STYLES.get(outcome, "")),
            Text(line.behavior),
        ]

    @staticmethod
    def _compact_cells(line: FollowUpLine) -> list[Text]:
        """'Li Wei (A001) · due Sun 15 Jun 17:00 (already passed)' / 'AHT then 6:40, now
        5:30: improved' / the note's first line."""
        state_style = {"OVERDUE": "bold red", "due": "yellow"}.get(line.state, "dim")
        text = Text(line.who, style="bold")
        text.append(f" · due {line.due}")
        text.append("\n")
        if line.metric:
            text.append(f"{line.metric} then {line.then}, now {line.now}")
            if line.outcome:
                text.append(": ")
                text.append(line.outcome, style=OUTCOME_STYLES.get(line.outcome, ""))
        text.append("\n")
        text.append(line.behavior, style="dim")
        return [Text(line.state, style=state_style), text]

    @property
    def selected(self) -> FollowUpLine | None:
        table = self.query_one(DataTable)
        if not self.lines or table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), len(self.lines) - 1)
        return self.lines[index]

    # -- keys ----------------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        line = self.selected
        if line is not None:
            self.post_message(OpenAgent(line.agent))

    def action_feedback(self) -> None:
        line = self.selected
        if line is not None:
            self.post_message(WriteNote("coaching", line.agent))

    def action_close_follow_up(self) -> None:
        line = self.selected
        if line is not None:
            self.app.push_screen(CloseFollowUp(line), partial(self._close, line))

    def _close(self, line: FollowUpLine, outcome: str | None) -> None:
        if outcome is None:
            return
        self.run_worker(
            partial(self.service.close_follow_up, line.note_id, outcome),
            name="close follow-up",
            group="follow-ups-close",
            thread=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        group, state = event.worker.group, event.state
        if state is WorkerState.SUCCESS and group == "follow-ups-load":
            self.set_follow_ups(event.worker.result or [])
        elif state is WorkerState.SUCCESS and group == "follow-ups-close":
            note = event.worker.result
            assert isinstance(note, Note)
            self.notify(
                f"Follow-up of note {note.id} closed: {note.follow_up_outcome}.", markup=False
            )
            self.reload()
        elif state is WorkerState.ERROR and group.startswith("follow-ups"):
            self.notify(
                str(event.worker.error), title="notes store", severity="error", markup=False
            )

    def action_back(self) -> None:
        self.dismiss(None)
