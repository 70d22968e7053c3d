"""The BEST note, its draft and evidence, their validation and their export records. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from floorwatch.coaching.templates import (
    BEST,
    STAR_AR,
    best_fields,
    sections_from_json,
    sections_to_json,
    template_problems,
)
from floorwatch.coaching.timeframe import TIMEFRAME_HELP, parse_timeframe
from floorwatch.config.types import Better, MetricFormat
from floorwatch.live.thresholds import Status

if TYPE_CHECKING:
    from floorwatch.config.types import Bound

IMPROVEMENT = "improvement"
PRAISE = "praise"
KINDS = (IMPROVEMENT, PRAISE)
PRIVATE = "private"
SHARED = "shared"
VISIBILITIES = (PRIVATE, SHARED)
MAX_FIELD_CHARS = 20_000  # a paste gone wrong, not a note


@dataclass(frozen=True)
class Evidence:
    """One metric as the board showed it when the note was written (base units)."""

    metric: str  # metric key
    label: str
    value: float | None
    status: str  # red | amber | green | none
    green: Bound | None
    red: Bound | None
    window: str  # as configured: '60m', 'today'
    count: int
    better: str = Better.LOWER.value  # so a follow-up can tell better from worse without config
    format: str = MetricFormat.NUMBER.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "label": self.label,
            "value": self.value,
            "status": self.status,
            "green": _bound_json(self.green),
            "red": _bound_json(self.red),
            "window": self.window,
            "count": self.count,
            "better": self.better,
            "format": self.format,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        """Tolerant of older or hand-made records: unknown keys are ignored."""
        value = data.get("value")
        return cls(
            metric=str(data.get("metric", "")),
            label=str(data.get("label") or data.get("metric", "")),
            value=None if value is None else float(value),
            status=str(data.get("status", Status.NONE.json_name)),
            green=_bound_from_json(data.get("green")),
            red=_bound_from_json(data.get("red")),
            window=str(data.get("window", "")),
            count=int(data.get("count", 0)),
            better=str(data.get("better", Better.LOWER.value)),
            format=str(data.get("format", MetricFormat.NUMBER.value)),
        )


def _bound_json(bound: Bound | None) -> float | list[float] | None:
    return list(bound) if isinstance(bound, tuple) else bound


def _bound_from_json(raw: Any) -> Bound | None:
    if raw is None:
        return None
    if isinstance(raw, list | tuple):
        low, high = raw
        return (float(low), float(high))
    return float(raw)


def evidence_to_json(evidence: Iterable[Evidence]) -> str:
    return json.dumps([item.to_dict() for item in evidence], ensure_ascii=False)


def evidence_from_json(text: str) -> tuple[Evidence, ...]:
    return tuple(Evidence.from_dict(item) for item in json.loads(text or "[]"))


@dataclass(frozen=True)
class NoteDraft:
    """The editable fields of a note, as typed (the panel's state, the CLI's arguments)."""

    agent: str
    agent_name: str = ""
    behavior: str = ""
    effect: str = ""
    suggestion: str = ""
    timeframe: str = ""  # as typed: '+1d', 'tomorrow'; resolved to follow_up_due on save
    kind: str = IMPROVEMENT
    tags: tuple[str, ...] = ()  # metric keys
    visibility: str = PRIVATE
    evidence: tuple[Evidence, ...] = ()
    observed_at: datetime | None = None  # None: when saved
    template: str = BEST  # best | grow | star-ar (coaching/templates.py)
    sections: tuple[tuple[str, str], ...] = ()  # GROW / STAR-AR: (section, text) in order
    example: str = ""  # a STAR-AR case: good | bad example ('' not in the case library)
    topic: str = ""  # a STAR-AR case: the product, problem or customer type


@dataclass(frozen=True)
class Note:
    """The latest revision of a note (or one revision, from `NoteStore.revisions`).

    Times are aware datetimes in UTC (as stored); show them with `local(...)`. `author` and
    `created_at` belong to the original note; `revised_by`/`revised_at` to this revision."""

    id: int
    agent: str
    agent_name: str
    author: str
    observed_at: datetime
    created_at: datetime
    behavior: str
    effect: str
    suggestion: str
    timeframe: str
    follow_up_due: datetime | None
    kind: str
    tags: tuple[str, ...]
    visibility: str
    evidence: tuple[Evidence, ...]
    revision: int = 1
    revised_at: datetime | None = None
    revised_by: str = ""
    retracted: bool = False
    reason: str = ""  # why this revision was made (the retraction's reason, an edit's note)
    follow_up_closed_at: datetime | None = None
    follow_up_outcome: str | None = None
    template: str = BEST
    sections: tuple[tuple[str, str], ...] = ()
    example: str = ""
    topic: str = ""

    def draft(self) -> NoteDraft:
        """The note's fields for editing (its timeframe as it was typed)."""
        return NoteDraft(
            agent=self.agent,
            agent_name=self.agent_name,
            behavior=self.behavior,
            effect=self.effect,
            suggestion=self.suggestion,
            timeframe=self.timeframe,
            kind=self.kind,
            tags=self.tags,
            visibility=self.visibility,
            evidence=self.evidence,
            observed_at=self.observed_at,
            template=self.template,
            sections=self.sections,
            example=self.example,
            topic=self.topic,
        )


@dataclass(frozen=True)
class FollowUp:
    """An open follow-up that is due today or overdue."""

    note: Note
    due: datetime
    overdue: bool


# The fields a draft autosave keeps, all as text (dict[str, str] in the store's drafts table).
DRAFT_TEXT_FIELDS = (
    "agent_name",
    "behavior",
    "effect",
    "suggestion",
    "timeframe",
    "kind",
    "visibility",
    "template",
    "example",
    "topic",
)


def draft_fields(draft: NoteDraft) -> dict[str, str]:
    """A draft as text fields for autosave: everything needed to restore it after a crash."""
    fields = {name: str(getattr(draft, name)) for name in DRAFT_TEXT_FIELDS}
    fields["tags"] = ",".join(draft.tags)
    fields["evidence"] = evidence_to_json(draft.evidence)
    fields["sections"] = sections_to_json(draft.sections)
    if draft.observed_at is not None:
        fields["observed_at"] = draft.observed_at.isoformat()
    return fields


def draft_from_fields(agent: str, fields: Mapping[str, str]) -> NoteDraft:
    """The inverse of `draft_fields`; unreadable parts fall back to defaults, never raise (a
    restored draft with a lost tag beats no draft)."""
    try:
        evidence = evidence_from_json(fields.get("evidence", "[]"))
    except (ValueError, TypeError, KeyError):
        evidence = ()
    try:
        observed = fields.get("observed_at")
        observed_at = datetime.fromisoformat(observed) if observed else None
    except ValueError:
        observed_at = None
    return NoteDraft(
        agent=agent,
        **{name: fields.get(name, "") for name in DRAFT_TEXT_FIELDS[:5]},
        kind=fields.get("kind") or IMPROVEMENT,
        visibility=fields.get("visibility") or PRIVATE,
        tags=parse_tags(fields.get("tags", "")),
        evidence=evidence,
        observed_at=observed_at,
        template=fields.get("template") or BEST,
        sections=sections_from_json(fields.get("sections", "{}")),
        example=fields.get("example", ""),
        topic=fields.get("topic", ""),
    )


def parse_tags(text: str) -> tuple[str, ...]:
    """'aht, csat,,aht' -> ('aht', 'csat'): trimmed, empty and repeated ones dropped."""
    seen: dict[str, None] = {}
    for tag in re.split(r"[,\s]+", text):
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


# -- validation -----------------------------------------------------------------------------------


def validate_draft(
    draft: NoteDraft, now: datetime, tz: tzinfo, shift_end: time | None = None
) -> dict[str, str]:
    """Problems by field name (NoteDraft's), each a message to show at that field; empty when
    the draft can be saved. Behavior and Timeframe are required, Suggestion for improvement
    notes; the timeframe must be readable and not in the past."""
    problems: dict[str, str] = {}
    if not draft.agent.strip():
        problems["agent"] = "Which agent is this note about? The agent id is missing."
    problems.update(template_problems(draft))
    # GROW and STAR-AR: their sections stand for Behavior and Suggestion (template_problems)
    if draft.template == BEST and not draft.behavior.strip():
        problems["behavior"] = (
            "Behavior is required: the observable fact, with time and action "
            "(e.g. '10:02 call: 15 s of silence after the customer's question')."
        )
    if draft.template == BEST and draft.kind == IMPROVEMENT and not draft.suggestion.strip():
        problems["suggestion"] = (
            "Suggestion is required for an improvement note: the concrete change to try."
        )
    optional = draft.template == STAR_AR and not draft.timeframe.strip()  # a case, no check
    timeframe = "" if optional else _timeframe_problem(draft.timeframe, now, tz, shift_end)
    if timeframe:
        problems["timeframe"] = timeframe
    if draft.kind not in KINDS:
        problems["kind"] = f"Kind must be {' or '.join(KINDS)} (got {draft.kind!r})."
    if draft.visibility not in VISIBILITIES:
        problems["visibility"] = (
            f"Visibility must be {' or '.join(VISIBILITIES)} (got {draft.visibility!r})."
        )
    for name, text in zip(("behavior", "effect", "suggestion"), best_fields(draft), strict=True):
        if name not in problems and len(text) > MAX_FIELD_CHARS:
            problems[name] = f"{name.capitalize()} is longer than {MAX_FIELD_CHARS:,} characters."
    return problems


def _timeframe_problem(text: str, now: datetime, tz: tzinfo, shift_end: time | None) -> str:
    if not text.strip():
        return f"Timeframe is required: when will you check again? {TIMEFRAME_HELP.capitalize()}."
    try:
        due = parse_timeframe(text, now, tz, shift_end)
    except ValueError as error:
        return f"Timeframe: {error}."
    if due < now:
        return f"Timeframe {text.strip()!r} is {due.astimezone(tz):%Y-%m-%d %H:%M}, already past."
    return ""


# -- records for export ---------------------------------------------------------------------------

# The keys of a note record, as issue 5 point 2 lists them, then those of the revision.
RECORD_KEYS = (
    "id", "agent", "agent_name", "author", "observed_at", "created_at", "behavior", "effect",
    "suggestion", "follow_up_due", "kind", "tags", "visibility", "evidence",
)  # fmt: skip
REVISION_KEYS = (
    "timeframe", "revision", "revised_at", "revised_by", "retracted", "reason",
    "follow_up_closed_at", "follow_up_outcome", "template", "sections", "example", "topic",
)  # fmt: skip


def note_record(note: Note, tz: tzinfo) -> dict[str, Any]:
    """A note as a JSON-ready dict: the keys of issue 5 point 2 first, then the revision's; times
    as ISO 8601 with the floor's UTC offset."""

    def when(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(tz).isoformat(timespec="seconds")

    record: dict[str, Any] = {
        "id": note.id,
        "agent": note.agent,
        "agent_name": note.agent_name,
        "author": note.author,
        "observed_at": when(note.observed_at),
        "created_at": when(note.created_at),
        "behavior": note.behavior,
        "effect": note.effect,
        "suggestion": note.suggestion,
        "follow_up_due": when(note.follow_up_due),
        "kind": note.kind,
        "tags": list(note.tags),
        "visibility": note.visibility,
        "evidence": [item.to_dict() for item in note.evidence],
        "timeframe": note.timeframe,
        "revision": note.revision,
        "revised_at": when(note.revised_at),
        "revised_by": note.revised_by,
        "retracted": note.retracted,
        "reason": note.reason,
        "follow_up_closed_at": when(note.follow_up_closed_at),
        "follow_up_outcome": note.follow_up_outcome,
        "template": note.template,
        "sections": dict(note.sections),
        "example": note.example,
        "topic": note.topic,
    }
    return record


def with_fields(draft: NoteDraft, changes: Mapping[str, Any]) -> NoteDraft:
    """A draft with some fields replaced (tags may be given as 'a,b' text)."""
    unknown = set(changes) - set(NoteDraft.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not a note field: {', '.join(sorted(unknown))}")
    fixed = dict(changes)
    if isinstance(fixed.get("tags"), str):
        fixed["tags"] = parse_tags(fixed["tags"])
    return replace(draft, **fixed)
