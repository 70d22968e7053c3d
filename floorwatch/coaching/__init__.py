"""BEST coaching without IO: the note types, validation, timeframes, evidence, and the checks that
close the coaching loop (feedback within 24 h, praise 3:1, cadence, follow-up outcomes).

Everything here is pure: times come in as arguments (aware datetimes), nothing reads the clock, the
environment or a file, so the panel, the CLI and the tests share one set of rules. The SQLite store
(`floorwatch.store`) keeps the notes; this package decides what a valid note is and what is due.
Import from `floorwatch.coaching`; the submodules are its seams:

- `notes`: Note, NoteDraft, Evidence, FollowUp, validate_draft, draft autosave fields, records
- `timeframe`: parse_timeframe, TIMEFRAME_PICKS, describe_due (the time rules are there)
- `evidence`: evidence_for(board row), praise_for (what the agent does well), behavior_prefill
- `loop`: open/due follow-ups, feedback_within_24h, praise_ratio, cadence, follow_up_outcome,
  agent_indicators
- `analysis`: analyse_agent: the agent beside the team (average, best, rank), the gap to green,
  strengths, weaknesses and a focus for the conversation
- `floor_report`: floor_coaching: the method's rules over every note (praise ratio per author,
  feedback within 24 h of the kept reds, touchpoints due, follow-ups overdue), for
  `floorwatch notes report`
- `trend`: metric_trends: better, worse, steady or swinging over three and six months, and where
  it turned, from the daily figures of `floorwatch.live.daily_figures`
"""

from floorwatch.coaching.evidence import behavior_prefill, evidence_for, evidence_text, praise_for
from floorwatch.coaching.loop import (
    CADENCE_LEAD,
    FEEDBACK_WITHIN,
    FOLLOW_UP_EARLY,
    IMPROVED,
    PRAISE_TARGET,
    SAME,
    WORSE,
    CadenceDue,
    Indicator,
    PraiseRatio,
    RedFeedback,
    agent_indicators,
    cadence,
    due_follow_ups,
    end_of_day,
    feedback_within_24h,
    follow_up_outcome,
    live,
    open_follow_ups,
    praise_ratio,
)
from floorwatch.coaching.notes import (
    IMPROVEMENT,
    KINDS,
    PRAISE,
    PRIVATE,
    RECORD_KEYS,
    REVISION_KEYS,
    SHARED,
    VISIBILITIES,
    Evidence,
    FollowUp,
    Note,
    NoteDraft,
    draft_fields,
    draft_from_fields,
    evidence_from_json,
    evidence_to_json,
    note_record,
    parse_tags,
    validate_draft,
    with_fields,
)
from floorwatch.coaching.timeframe import (
    DEFAULT_SHIFT_END,
    TIMEFRAME_HELP,
    TIMEFRAME_PICKS,
    describe_due,
    floor_timezone,
    parse_timeframe,
)

__all__ = [
    "CADENCE_LEAD",
    "DEFAULT_SHIFT_END",
    "FEEDBACK_WITHIN",
    "FOLLOW_UP_EARLY",
    "IMPROVED",
    "IMPROVEMENT",
    "KINDS",
    "PRAISE",
    "PRAISE_TARGET",
    "PRIVATE",
    "RECORD_KEYS",
    "REVISION_KEYS",
    "SAME",
    "SHARED",
    "TIMEFRAME_HELP",
    "TIMEFRAME_PICKS",
    "VISIBILITIES",
    "WORSE",
    "CadenceDue",
    "Evidence",
    "FollowUp",
    "Indicator",
    "Note",
    "NoteDraft",
    "PraiseRatio",
    "RedFeedback",
    "agent_indicators",
    "behavior_prefill",
    "cadence",
    "describe_due",
    "draft_fields",
    "draft_from_fields",
    "due_follow_ups",
    "end_of_day",
    "evidence_for",
    "evidence_from_json",
    "evidence_text",
    "evidence_to_json",
    "feedback_within_24h",
    "floor_timezone",
    "follow_up_outcome",
    "live",
    "note_record",
    "open_follow_ups",
    "parse_tags",
    "parse_timeframe",
    "praise_for",
    "praise_ratio",
    "validate_draft",
    "with_fields",
]  # fmt: skip
