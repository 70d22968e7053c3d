"""Vendor exports read by name: `preset: five9_call_log` on a feed maps a known file's columns
to floorwatch's fields, with no column typing to write.

Each preset fills in what the feed does not say (format, kind, time, agent, name, fields, state
columns); a key the feed does give wins (a site whose export names the agent column otherwise
writes `agent: ...`). The columns each expects are listed in `header` (the README shows them,
and the tests read a sample file written with that header).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from floorwatch.config.types import FeedConfig, FieldSpec, FieldType, TimeSpec


@dataclass(frozen=True)
class Preset:
    name: str
    title: str  # the vendor's report, as its documentation names it
    header: tuple[str, ...]  # the columns of the export, in order
    format: str
    kind: str
    time: TimeSpec
    agent: str
    name_column: str | None = None
    team_column: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    state_column: str | None = None
    reason_column: str | None = None


def _fields(*specs: tuple[str, str, FieldType]) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(name, column, kind) for name, column, kind in specs)


FIVE9_CALL_LOG = Preset(
    name="five9_call_log",
    title="Five9 Call Log report (Reports > Call Log), exported as CSV",
    header=(
        "CALL ID",
        "TIMESTAMP",
        "CAMPAIGN",
        "CALL TYPE",
        "AGENT",
        "AGENT NAME",
        "DISPOSITION",
        "ANI",
        "CUSTOMER NAME",
        "DNIS",
        "CALL TIME",
        "BILL TIME (ROUNDED)",
        "COST",
        "IVR TIME",
        "QUEUE WAIT TIME",
        "RING TIME",
        "TALK TIME",
        "HOLD TIME",
        "PARK TIME",
        "AFTER CALL WORK TIME",
        "TRANSFERS",
        "CONFERENCES",
        "HOLDS",
        "ABANDONED",
        "RECORDINGS",
    ),
    format="csv",
    kind="events",
    # Five9 writes 'Mon, 15 Jan 2024 10:15:30' in the account's time zone (floor.timezone)
    time=TimeSpec(("TIMESTAMP",), "%a, %d %b %Y %H:%M:%S"),
    agent="AGENT",
    name_column="AGENT NAME",
    team_column="CAMPAIGN",
    fields=_fields(
        ("talk_time", "TALK TIME", FieldType.DURATION),
        ("hold_time", "HOLD TIME", FieldType.DURATION),
        ("acw_time", "AFTER CALL WORK TIME", FieldType.DURATION),
        ("queue_wait", "QUEUE WAIT TIME", FieldType.DURATION),
        ("ring_time", "RING TIME", FieldType.DURATION),
        ("transfers", "TRANSFERS", FieldType.NUMBER),
        ("holds", "HOLDS", FieldType.NUMBER),
        ("abandoned", "ABANDONED", FieldType.BOOL),
    ),
)

AMAZON_CONNECT_AGENT_ACTIVITY = Preset(
    name="amazon_connect_agent_activity",
    title="Amazon Connect agent activity audit (Historical metrics > Agents), Download CSV",
    # The report is generated per agent login; the download names the agent in `Agent`.
    header=("Agent", "Start time", "Status", "Duration"),
    format="csv",
    kind="states",
    time=TimeSpec(("Start time",)),
    agent="Agent",
    state_column="Status",  # Available, Offline, a custom status, Connected, Busy, ...
)

GENESYS_AGENT_PERFORMANCE = Preset(
    name="genesys_agent_performance",
    title="Genesys Cloud Agents Performance view (Performance > Workspace), Export as CSV",
    header=(
        "Agent Name",
        "Interval Start",
        "Interval End",
        "Media Type",
        "Answered",
        "AHT",
        "Avg Talk",
        "Avg Hold",
        "Avg ACW",
        "Transferred",
    ),
    format="csv",
    kind="snapshot",  # a row per agent and interval: each agent's latest interval holds
    time=TimeSpec(("Interval Start",)),
    agent="Agent Name",
    fields=_fields(
        ("answered", "Answered", FieldType.NUMBER),
        ("handle_time", "AHT", FieldType.DURATION),
        ("talk_time", "Avg Talk", FieldType.DURATION),
        ("hold_time", "Avg Hold", FieldType.DURATION),
        ("acw_time", "Avg ACW", FieldType.DURATION),
        ("transferred", "Transferred", FieldType.NUMBER),
    ),
)

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (FIVE9_CALL_LOG, AMAZON_CONNECT_AGENT_ACTIVITY, GENESYS_AGENT_PERFORMANCE)
}


def apply_preset(feed: FeedConfig, preset: Preset) -> FeedConfig:
    """The feed with what it left unsaid taken from `preset`."""
    return replace(
        feed,
        format=preset.format,
        time=feed.time or preset.time,
        agent=feed.agent or preset.agent,
        name_column=feed.name_column or preset.name_column,
        team_column=feed.team_column or preset.team_column,
        fields=feed.fields or preset.fields,
        state_column=feed.state_column or preset.state_column,
        reason_column=feed.reason_column or preset.reason_column,
    )
