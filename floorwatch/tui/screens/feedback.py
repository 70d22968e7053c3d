"""The BEST feedback panel: a modal that returns the saved `Note` (or None when closed).

`ctrl+t` switches the template: BEST (feedback), GROW (Goal, Reality, Options, Will: a coaching
conversation) or STAR-AR (Situation, Task, Action, Result, Analysis, Reinforcement: a case
review, which can be marked a good or bad example with a topic for the case library). Every
template is the same note: drafts, autosave, validation at the fields, evidence, saving.

Nothing typed is lost:
- The draft is autosaved (per agent and author) every AUTOSAVE_INTERVAL while it changes, and
  once more when the panel goes away (app exit, dropped connection). Opening the panel for the
  agent again restores it, with a notice.
- `esc` with anything typed asks first, and the question defaults to "keep editing": over a slow
  SSH link a lone Escape can be the first half of an arrow key.
- Saving runs in a thread worker; "Saved" shows only once the commit has returned. A store that
  cannot be written leaves the panel open with the error and the text; ctrl+s retries.

Agent names and every other text from feeds are shown as plain `Text`, never as markup.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from floorwatch.coaching import (
    IMPROVEMENT,
    KINDS,
    PRAISE,
    PRIVATE,
    TIMEFRAME_HELP,
    TIMEFRAME_PICKS,
    VISIBILITIES,
    Evidence,
    Note,
    NoteDraft,
    behavior_prefill,
    describe_due,
    draft_fields,
    evidence_for,
    parse_tags,
    parse_timeframe,
    praise_for,
    validate_draft,
)
from floorwatch.coaching.templates import (
    BEST,
    EXAMPLES,
    PREFILL_SECTION,
    SECTIONS,
    STAR_AR,
    TEMPLATES,
    TITLES,
    next_template,
    section_names,
)
from floorwatch.store import InvalidNote, StoreError
from floorwatch.text.safe import clean_text
from floorwatch.tui.widgets.alert_line import AlertLine

if TYPE_CHECKING:
    from floorwatch.config.types import Config
    from floorwatch.live.board import AgentRow
    from floorwatch.tui.notes_service import NotesService

CSS = Path(__file__).with_name("feedback.tcss")

# The app's key actions say 'coaching'; the notes say 'improvement'.
KIND_ALIASES = {"coaching": IMPROVEMENT, "improvement": IMPROVEMENT, "praise": PRAISE}
TEXT_FIELDS = ("behavior", "effect", "suggestion")
# Where each validate_draft problem is shown and which widget gets the focus for it.
FIELD_ORDER = (
    *(name for template in TEMPLATES for name in section_names(template)),
    "timeframe",
    "kind",
    "visibility",
    "example",
)
SECTION_LINES = {"behavior": 4, "reality": 3, "situation": 3, "action": 3, "options": 3}


def normalise_kind(kind: str) -> str:
    try:
        return KIND_ALIASES[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {', '.join(KIND_ALIASES)} (got {kind!r})") from None


class ConfirmDiscard(ModalScreen[bool]):
    """'Discard what you typed?' True only when the Discard button is pressed; Escape, Enter on
    the default button, or anything else keeps the text."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "keep", "keep editing")]

    def __init__(self, who: str) -> None:
        super().__init__(id="confirm-discard")
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(f"Discard the unsaved note for {self.who}?"), id="confirm-question")
            yield Static(Text("The text is kept as a draft until you choose Discard."))
            with Horizontal(id="confirm-buttons"):
                yield Button("Keep editing", id="keep", variant="primary")
                yield Button("Discard", id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_keep(self) -> None:
        self.dismiss(False)


class FeedbackPanel(ModalScreen[Note | None]):
    """Write a BEST note for one agent; dismisses with the saved Note, or None."""

    CSS_PATH = CSS
    AUTOSAVE_INTERVAL = 0.5  # seconds; a changed draft is on disk within about a second
    # Keys typed in one burst (a paste, a fast typist on a laggy SSH link) are queued at the
    # focused field before any is handled. Tab is a priority binding so the focus moves in the
    # order the keys came, and the keys after it reach the next field; ctrl+s is not, so it saves
    # only after the keys before it have landed in their fields.
    BINDINGS = [
        Binding("tab", "app.focus_next", "next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "previous field", show=False, priority=True),
        Binding("ctrl+s", "save", "save"),
        Binding("ctrl+t", "switch_template", "template", priority=True),
        Binding("escape", "close", "close"),
    ]

    def __init__(
        self,
        row: AgentRow,
        config: Config,
        service: NotesService,
        kind: str = IMPROVEMENT,
        *,
        role: str = "supervisor",
        praise: tuple[Sequence[Evidence], Mapping[str, str]] | None = None,
    ) -> None:
        """`praise`: the evidence and remarks of `praise_for` (strengths, ranks, improvements);
        without it a praise note prefills the row's green metrics."""
        if role == "wall":
            raise PermissionError("the wall is read-only: it cannot write coaching notes")
        super().__init__(id="feedback-panel")
        self.row = row
        self.config = config
        self.service = service
        self.agent = row.agent
        self.agent_name = clean_text(row.name) or row.agent
        observed = service.now()
        kind = normalise_kind(kind)
        remarks: Mapping[str, str] = {}
        if kind == PRAISE:  # what the agent does well, not a coaching note's red and amber
            found, remarks = praise if praise is not None else praise_for(row, config)
            evidence = tuple(found)
        else:
            evidence = tuple(evidence_for(row, config))
        self.fresh = NoteDraft(
            agent=row.agent,
            agent_name=row.name,
            behavior=behavior_prefill(observed.astimezone(service.tz), evidence, remarks=remarks),
            kind=kind,
            tags=tuple(item.metric for item in evidence),
            visibility=PRIVATE,
            evidence=evidence,
            observed_at=observed,
        )
        self.restored_at: datetime | None = None  # when the restored draft was autosaved
        self.saved_note: Note | None = None
        self.template = BEST
        self.saving = False
        self._base = self.fresh  # evidence and observation time come from here
        self._autosaved = draft_fields(self.fresh)  # what the store holds (or needs not hold)
        self._autosave: Worker[None] | None = None
        self._autosave_error = ""
        self._write_lock = threading.Lock()  # autosaves and the save take turns
        self._finished = False  # saved or discarded: no draft to keep any more
        self._shown_problems: dict[str, str] = {}
        self._status = ""
        self._seen = self.fresh  # the latest state, kept for on_unmount (widgets may be gone)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback-box"):
            yield Static(id="feedback-title")
            yield Static(id="feedback-notice", classes="-hidden")
            yield Static(id="feedback-template")
            with VerticalScroll(id="feedback-form", can_focus=False):  # Tab: fields only
                for template in TEMPLATES:
                    with Vertical(id=f"sections-{template}", classes="template-sections"):
                        for name, label, hint in SECTIONS[template]:
                            lines = SECTION_LINES.get(name, 2)
                            yield from self._text_field(name, f"{label}: {hint}", lines)
                with Horizontal(id="case-row", classes="template-sections"):
                    with Vertical(classes="option"):
                        yield Label("Case library", classes="field-label")
                        yield Select(
                            [("not a case", ""), ("good example", "good"), ("bad example", "bad")],
                            allow_blank=False,
                            id="example",
                        )
                    with Vertical(classes="option wide"):
                        yield Label(
                            "Topic (product, problem, customer type)", classes="field-label"
                        )
                        yield Input(id="topic", placeholder="account access")
                yield Static(id="example-error", classes="field-error")
                yield Label("Timeframe: when you check again", classes="field-label")
                with Horizontal(id="timeframe-row"):
                    yield Input(
                        placeholder="+1d, +2w, tomorrow, end of shift, 2026-11-30 14:00",
                        id="timeframe",
                        suggester=SuggestFromList([pick for pick, _ in TIMEFRAME_PICKS]),
                    )
                    yield Select(
                        [(f"{pick}  ({meaning})", pick) for pick, meaning in TIMEFRAME_PICKS],
                        prompt="quick pick",
                        id="timeframe-pick",
                    )
                yield Static(id="timeframe-due")
                yield Static(id="timeframe-error", classes="field-error")
                with Horizontal(id="options-row"):
                    with Vertical(classes="option"):
                        yield Label("Kind", classes="field-label")
                        yield Select([(k, k) for k in KINDS], allow_blank=False, id="kind")
                    with Vertical(classes="option wide"):
                        yield Label("Metric tags", classes="field-label")
                        yield Input(id="tags", placeholder="aht, csat")
                    with Vertical(classes="option"):
                        yield Label("Visibility", classes="field-label")
                        yield Select(
                            [(v, v) for v in VISIBILITIES], allow_blank=False, id="visibility"
                        )
                yield Static(id="kind-error", classes="field-error")
                yield Static(id="visibility-error", classes="field-error")
            yield Static(id="feedback-status")
            yield Static(
                Text(
                    "tab next field · ctrl+t template · ctrl+s save · esc close (asks first)",
                    style="dim",
                ),
                id="feedback-keys",
            )
            yield AlertLine()  # reds on the floor while writing: here, not over the form

    def _text_field(self, name: str, label: str, lines: int) -> ComposeResult:
        yield Label(label, classes="field-label")
        area = TextArea(id=name, soft_wrap=True, tab_behavior="focus", show_line_numbers=False)
        area.styles.height = lines + 2
        area.styles.min_height = lines + 2
        yield area
        yield Static(id=f"{name}-error", classes="field-error")

    def on_mount(self) -> None:
        draft = self._restore() or self.fresh
        self.fill(draft)
        self._seen = draft
        self._autosaved = draft_fields(draft)
        self._show_title()
        behavior = self.query_one("#behavior", TextArea)
        behavior.focus()
        behavior.move_cursor(behavior.document.end)
        self.set_interval(self.AUTOSAVE_INTERVAL, self.autosave, name="draft autosave")

    def _restore(self) -> NoteDraft | None:
        """The autosaved draft for this agent, if any (read on open: one quick WAL read)."""
        try:
            found = self.service.load_draft(self.agent)
        except StoreError as error:
            self.show_status(f"Could not read the notes store: {error}", error=True)
            return None
        if found is None:
            return None
        draft, self.restored_at = found
        # Keep the draft's own evidence and observation time: they describe when it was begun.
        self._base = replace(self.fresh, evidence=draft.evidence or self.fresh.evidence)
        if draft.observed_at is not None:
            self._base = replace(self._base, observed_at=draft.observed_at)
        when = self.restored_at.astimezone(self.service.tz)
        self._notice(
            f"Restored your unsaved draft from {when:%a %H:%M}. Save it with ctrl+s, or esc and "
            "Discard to start over."
        )
        return replace(draft, agent_name=self.fresh.agent_name)

    def _notice(self, text: str) -> None:
        notice = self.query_one("#feedback-notice", Static)
        notice.update(Text(text))
        notice.remove_class("-hidden")

    def _show_title(self) -> None:
        kind = self.query_one("#kind", Select).value
        what = {
            BEST: "Praise for " if kind == PRAISE else "Coaching note for ",
            "grow": "GROW conversation with ",
            STAR_AR: "STAR-AR case: ",
        }[self.template]
        title = Text(what, style="bold")
        title.append(self.agent_name, style="bold")
        title.append(f"  {clean_text(self.agent)}")
        if self.row.team:
            title.append(f"  team {clean_text(self.row.team)}")
        self.query_one("#feedback-title", Static).update(title)

    # -- the draft in the widgets --------------------------------------------------------------

    def _show_template(self) -> None:
        """Show the current template's sections (and the case row for STAR-AR), hide the rest."""
        for template in TEMPLATES:
            self.query_one(f"#sections-{template}").display = template == self.template
        self.query_one("#case-row").display = self.template == STAR_AR
        line = Text(f"Template: {TITLES[self.template]}", style="bold")
        others = ", ".join(TITLES[t] for t in TEMPLATES if t != self.template)
        line.append(f"  (ctrl+t: {others})", style="dim")
        self.query_one("#feedback-template", Static).update(line)
        self._show_title()

    def action_switch_template(self) -> None:
        """BEST -> GROW -> STAR-AR -> BEST. What was typed in each stays; the evidence prefill
        goes to the new template's facts section (Reality, Situation) when that is empty."""
        self.template = next_template(self.template)
        target = self.query_one(f"#{PREFILL_SECTION[self.template]}", TextArea)
        if not target.text.strip():
            target.load_text(self.fresh.behavior)
        self._show_template()
        first = self.query_one(f"#{section_names(self.template)[0]}", TextArea)
        first.focus()
        first.move_cursor(first.document.end)
        self._seen = self.current_draft()
        self._recheck()

    def fill(self, draft: NoteDraft) -> None:
        self.template = draft.template if draft.template in TEMPLATES else BEST
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", TextArea).load_text(getattr(draft, name))
        values = dict(draft.sections)
        for template in TEMPLATES[1:]:
            for name in section_names(template):
                self.query_one(f"#{name}", TextArea).load_text(values.get(name, ""))
        self.query_one("#example", Select).value = (
            draft.example if draft.example in EXAMPLES else ""
        )
        self.query_one("#topic", Input).value = draft.topic
        self._show_template()
        self.query_one("#timeframe", Input).value = draft.timeframe
        self.query_one("#tags", Input).value = ", ".join(draft.tags)
        self.query_one("#kind", Select).value = draft.kind if draft.kind in KINDS else IMPROVEMENT
        visibility = draft.visibility if draft.visibility in VISIBILITIES else PRIVATE
        self.query_one("#visibility", Select).value = visibility
        self._show_due(draft.timeframe)

    def current_draft(self) -> NoteDraft:
        """What the panel holds now, as a draft."""
        kind = self.query_one("#kind", Select).value
        visibility = self.query_one("#visibility", Select).value
        template = self.template
        sections = (
            ()
            if template == BEST
            else tuple(
                (name, self.query_one(f"#{name}", TextArea).text)
                for name in section_names(template)
            )
        )
        example = self.query_one("#example", Select).value if template == STAR_AR else ""
        tags = parse_tags(self.query_one("#tags", Input).value)
        return replace(
            self._base,
            template=template,
            sections=sections,
            example=str(example) if example in EXAMPLES else "",
            topic=self.query_one("#topic", Input).value.strip() if template == STAR_AR else "",
            # The evidence kept is what the supervisor kept: a metric taken out of the tags goes.
            evidence=tuple(item for item in self._base.evidence if item.metric in tags),
            behavior=self.query_one("#behavior", TextArea).text,
            effect=self.query_one("#effect", TextArea).text,
            suggestion=self.query_one("#suggestion", TextArea).text,
            timeframe=self.query_one("#timeframe", Input).value,
            kind=str(kind) if kind in KINDS else IMPROVEMENT,
            tags=tags,
            visibility=str(visibility) if visibility in VISIBILITIES else PRIVATE,
        )

    @property
    def typed(self) -> bool:
        """Anything in the panel the supervisor would not want thrown away: a change from the
        prefill, or a restored draft."""
        return self.restored_at is not None or (
            draft_fields(self.current_draft()) != draft_fields(self.fresh)
        )

    # -- reacting to edits ---------------------------------------------------------------------

    @on(TextArea.Changed)
    @on(Input.Changed, "#tags")
    @on(Input.Changed, "#topic")
    @on(Select.Changed, "#example")
    def _text_changed(self) -> None:
        self._recheck()

    @on(Input.Changed, "#timeframe")
    def _timeframe_changed(self, event: Input.Changed) -> None:
        self._show_due(event.value)
        self._recheck()

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _remember(self) -> None:
        self._seen = self.current_draft()

    @on(Select.Changed, "#timeframe-pick")
    def _picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#timeframe", Input).value = event.value

    @on(Select.Changed, "#kind")
    def _kind_changed(self) -> None:
        self._show_title()
        self._recheck()

    def _show_due(self, text: str) -> None:
        due_line = self.query_one("#timeframe-due", Static)
        if not text.strip():
            due_line.update(Text(f"Due: {TIMEFRAME_HELP}", style="dim"))
            return
        now = self.service.now()
        try:
            due = parse_timeframe(text, now, self.service.tz, self.service.shift_end)
        except ValueError as error:
            due_line.update(Text(f"Due: ? {error}", style="dim"))
            return
        due_line.update(Text(f"Due: {describe_due(due, now, self.service.tz)}"))

    def _recheck(self) -> None:
        """Once problems are shown, each disappears as soon as it is fixed."""
        if self._shown_problems:
            self.show_problems(self._problems(), focus=False)

    def _problems(self) -> dict[str, str]:
        service = self.service
        return validate_draft(self.current_draft(), service.now(), service.tz, service.shift_end)

    def show_problems(self, problems: dict[str, str], focus: bool = True) -> None:
        """Each problem at its field; the first one focused."""
        self._shown_problems = dict(problems)
        for name in FIELD_ORDER:
            error = self.query_one(f"#{name}-error", Static)
            error.update(Text(problems.get(name, "")))
            error.set_class(name in problems, "-shown")
        if focus:
            first = next((name for name in FIELD_ORDER if name in problems), None)
            if first is not None:
                self.query_one(f"#{first}").focus()

    def field_error(self, name: str) -> str:
        """The message shown at a field ('' when none): for tests and screen readers."""
        return self._shown_problems.get(name, "")

    def show_status(self, text: str, error: bool = False) -> None:
        self._status = text
        status = self.query_one("#feedback-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    @property
    def status_text(self) -> str:
        """The panel's status line as plain text (it outlives the panel, for tests)."""
        return self._status

    # -- autosave ------------------------------------------------------------------------------

    def autosave(self) -> None:
        """Write the draft when it changed since the last write (one write in flight at most,
        so an older draft can never land after a newer one)."""
        if self._finished or self.saving:
            return
        if self._autosave is not None and self._autosave.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        ):
            return
        draft = self.current_draft()
        if draft_fields(draft) == self._autosaved:
            return
        self._autosave = self.run_worker(
            partial(self._write_draft, draft),
            name="draft autosave",
            group="feedback-draft",
            thread=True,
            exit_on_error=False,
        )

    def _write_draft(self, draft: NoteDraft) -> None:
        with self._write_lock:
            if self._finished:  # saved or discarded meanwhile: a draft now would resurrect it
                return
            self.service.save_draft(draft)
            self._autosaved = draft_fields(draft)

    def on_unmount(self) -> None:
        """The last chance (closing app, dropped SSH link): keep what was typed."""
        if self._finished:
            return
        draft = self._seen
        if draft_fields(draft) == self._autosaved:
            return
        # Nothing to show an error on any more; the periodic autosave had its chances.
        with suppress(StoreError):
            self._write_draft(draft)

    # -- saving and closing --------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        problems = self._problems()
        self.show_problems(problems)
        if problems:
            count = len(problems)
            self.show_status(
                f"Not saved: {count} field{'s' * (count > 1)} need{'s' * (count == 1)} "
                "attention (see the messages at the fields).",
                error=True,
            )
            return
        self.saving = True
        self.show_status("Saving…")
        self.run_worker(
            partial(self._add, self.current_draft()),
            name="save note",
            group="feedback-save",
            thread=True,
            exit_on_error=False,
        )

    def _add(self, draft: NoteDraft) -> Note:
        with self._write_lock:
            note = self.service.add(draft)
            self._finished = True
            return note

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "feedback-save":
            if event.state is WorkerState.SUCCESS:
                self._saved(worker.result)
            elif event.state is WorkerState.ERROR:
                self._save_failed(worker.error)
        elif worker.group == "feedback-draft":
            self._autosave_done(event.state, worker.error)

    def _autosave_done(self, state: WorkerState, error: BaseException | None) -> None:
        """Say once that drafts cannot be kept, and once that they can again."""
        if state is WorkerState.ERROR:
            message = f"Draft not autosaved: {error}"
            # A failed save says more (and how to retry): a draft error must not hide it.
            if message != self._autosave_error and not self._status.startswith("Not saved"):
                self._autosave_error = message
                self.show_status(message, error=True)
        elif state is WorkerState.SUCCESS and self._autosave_error:
            self._autosave_error = ""
            self.show_status("Draft autosaved.")

    def _saved(self, note: object) -> None:
        assert isinstance(note, Note)
        self.saved_note = note
        self.show_status(f"Saved (note {note.id}).")
        saved = f"Saved note {note.id} for {self.agent_name}."
        self.dismiss(note)
        # Said on the screen below (the panel is going): a toast, or its alert line.
        self.app.call_later(partial(self.app.notify, saved, title="BEST note", markup=False))

    def _save_failed(self, error: BaseException | None) -> None:
        self.saving = False
        if isinstance(error, InvalidNote):  # the clock moved past the timeframe, say
            self.show_problems(error.problems)
            self.show_status("Not saved: see the messages at the fields.", error=True)
        elif isinstance(error, StoreError):
            self.show_status(
                f"Not saved: {error}. Your text is kept (and autosaved when possible); "
                "fix the problem and press ctrl+s to retry.",
                error=True,
            )
        else:
            self.show_status(
                f"Not saved: unexpected error {error!r}. Your text is kept; ctrl+s retries.",
                error=True,
            )

    def action_close(self) -> None:
        if self.saving:
            self.show_status("Saving… (esc again once it is done)")
            return
        if not self.typed:
            self._finished = True
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDiscard(self.agent_name), self._close_answered)

    def _close_answered(self, discard: bool | None) -> None:
        if not discard:
            return
        with self._write_lock:
            self._finished = True
        self.app.run_worker(
            partial(self.service.discard_draft, self.agent),
            name="discard draft",
            group="feedback-discard",
            thread=True,
            exit_on_error=False,
        )
        self.dismiss(None)
