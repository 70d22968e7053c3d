"""The note templates: BEST (feedback), GROW (a coaching conversation), STAR-AR (a case review).

Every note is the same record (drafts, revisions, evidence, exports, follow-ups); the template
says which sections it has. BEST's sections are the note's own Behavior, Effect and Suggestion.
GROW's and STAR-AR's are kept as sections (stored as JSON), and the note's Behavior, Effect and
Suggestion are derived from them so that every list, export and timeline shows them whole:
Behavior holds every section as `Label: text` lines, Suggestion the action agreed (GROW's Will,
STAR-AR's Reinforcement), Effect is left empty.

Required: BEST: Behavior, and Suggestion for an improvement note; GROW: Goal, Reality and Will
(the agent chose an option: when, with what support), and a timeframe; STAR-AR: Situation,
Action and Result; its timeframe is optional (a case is a standard, not a check), and a case can
be marked a good or a bad example with a topic, for the case library (`notes list --cases`).
Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

BEST, GROW, STAR_AR = "best", "grow", "star-ar"
TEMPLATES = (BEST, GROW, STAR_AR)
GOOD, BAD = "good", "bad"
EXAMPLES = ("", GOOD, BAD)

# (section name, label, what it asks for), in the order written.
SECTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    BEST: (
        ("behavior", "Behavior", "the observable fact (when, what)"),
        ("effect", "Effect", "on the customer, team, business"),
        ("suggestion", "Suggestion", "the concrete change"),
    ),
    GROW: (
        ("goal", "Goal", "what the agent wants to reach, by when (AHT 9:00 -> 7:00 in a month)"),
        ("reality", "Reality", "the data shown; where the agent says the time goes"),
        ("options", "Options", "the agent's 3-5 ideas, then yours; weighed together"),
        ("will", "Will", "which first, when, what support; when you review"),
    ),
    STAR_AR: (
        ("situation", "Situation", "the customer and the problem"),
        ("task", "Task", "what had to be achieved"),
        ("action", "Action", "the steps taken"),
        ("result", "Result", "how it ended, in figures"),
        ("analysis", "Analysis", "what went well, what to improve"),
        ("reinforcement", "Reinforcement", "the template or process it becomes; where shared"),
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    GROW: ("goal", "reality", "will"),
    STAR_AR: ("situation", "action", "result"),
}
ACTION_SECTION = {GROW: "will", STAR_AR: "reinforcement"}
TITLES = {BEST: "BEST", GROW: "GROW", STAR_AR: "STAR-AR"}
# Where the evidence prefill goes: the facts come first in every template.
PREFILL_SECTION = {BEST: "behavior", GROW: "reality", STAR_AR: "situation"}


def section_names(template: str) -> tuple[str, ...]:
    return tuple(name for name, _, _ in SECTIONS.get(template, SECTIONS[BEST]))


def label(template: str, name: str) -> str:
    return next((lab for n, lab, _ in SECTIONS.get(template, ()) if n == name), name.title())


def next_template(template: str) -> str:
    return (
        TEMPLATES[(TEMPLATES.index(template) + 1) % len(TEMPLATES)]
        if template in TEMPLATES
        else BEST
    )


def sections_to_json(sections: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(sections), ensure_ascii=False)


def sections_from_json(text: str) -> tuple[tuple[str, str], ...]:
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return ()
    if not isinstance(raw, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in raw.items())


def make_sections(template: str, values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The template's sections in order, from the values given (missing ones empty)."""
    return tuple((name, str(values.get(name, ""))) for name in section_names(template))


def best_fields(draft: Any) -> tuple[str, str, str]:
    """The note's (behavior, effect, suggestion): BEST's own, or derived from the sections."""
    if draft.template not in (GROW, STAR_AR):
        return draft.behavior, draft.effect, draft.suggestion
    values = dict(draft.sections)
    lines = []
    for name, title, _ in SECTIONS[draft.template]:
        text = values.get(name, "").strip()
        if text:
            lines.append(f"{title}: {text}")
    return "\n".join(lines), "", values.get(ACTION_SECTION[draft.template], "").strip()


def template_problems(draft: Any) -> dict[str, str]:
    """Problems of a GROW or STAR-AR draft by section name (BEST is checked by validate_draft)."""
    problems: dict[str, str] = {}
    if draft.template not in TEMPLATES:
        choices = ", ".join(TEMPLATES)
        return {"template": f"Template must be one of {choices} (got {draft.template!r})."}
    if draft.template == BEST:
        if draft.example:
            problems["example"] = "Only a STAR-AR case is marked a good or bad example."
        return problems
    values = dict(draft.sections)
    for name in REQUIRED[draft.template]:
        if not values.get(name, "").strip():
            what = next(hint for n, _, hint in SECTIONS[draft.template] if n == name)
            problems[name] = f"{label(draft.template, name)} is required: {what}."
    if draft.example not in EXAMPLES:
        problems["example"] = f"Example must be good or bad (got {draft.example!r})."
    elif draft.example and draft.template != STAR_AR:
        problems["example"] = "Only a STAR-AR case is marked a good or bad example."
    return problems
