"""`floorwatch board --once` renderers: the board as plain text, JSON (a contract) or CSV.

All three list agents in the board's own status order (`Board.sorted_ids()`), so they match the
live screen for the same data and time. Values are worded by `floorwatch.text.values`, as on
the screen; untrusted text goes through `floorwatch.text.safe`.

JSON contract (values in base units: seconds, fractions 0..1):
    {"generated_at": ISO (the floor's time: with floor.clock: data, the newest row's), "floor": str,
     "clock": "wall"|"data",
     "agents": [{"agent": id, "name": str, "team": str|null, "status": "red"|"amber"|"green"|"none",
                 "red_since": ISO|null (when the current red began, read from the rows),
                 "metrics": {KEY: {"value": float|null, "status": ..., "count": int}}}],
     "feeds": [{"path": str, "rows": int, "rejected": int, "errors": [str]}]}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from floorwatch.config.types import Config, MetricConfig, MetricFormat, Threshold
from floorwatch.live.board import AgentRow, Board, Transition
from floorwatch.live.presence import StateRed
from floorwatch.live.queues import QueueFigures
from floorwatch.live.states import AgentState
from floorwatch.live.thresholds import Status, crossed_bound
from floorwatch.text.safe import clean_text, csv_cell, json_text
from floorwatch.text.values import condition_text, format_value, metric_value, shower


class FeedStatus(Protocol):
    """What the renderers read of a feed file's status (floorwatch.feeds.FileStatus has it)."""

    feed: str
    path: Any
    rows: int
    rejected: int
    errors: Sequence[str]


def iso_time(at: float | datetime, timezone: str | None) -> str:
    """An ISO 8601 time with its UTC offset, in the floor's timezone (system local if unset)."""
    moment = at if isinstance(at, datetime) else datetime.fromtimestamp(at, _zone(timezone))
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="seconds")


def _zone(timezone: str | None) -> ZoneInfo | None:
    return ZoneInfo(timezone) if timezone else None


def _clock(at: float, timezone: str | None) -> str:
    moment = datetime.fromtimestamp(at, _zone(timezone))
    return moment.strftime("%H:%M")


def format_transition(transition: Transition, board: Board) -> str:
    """An events-panel line: '10:42 Li Wei AHT 5:12 > 5:00 RED' (the bound that was crossed).
    Plain text: show it with markup off, the name is untrusted."""
    metric = board.metrics[transition.metric]
    clock = _clock(transition.at, board.config.floor.timezone)
    threshold = board.threshold(transition.agent, metric.key)
    level = None
    if transition.value is not None:
        level = crossed_bound(transition.value, transition.new, threshold)
    value = metric_value(transition.value, metric, level)  # 30.4 s past 30 s: not '0:30 > 0:30'
    bound = _bound_text(transition.new, threshold, metric)
    name = clean_text(transition.name)
    return f"{clock} {name} {metric.label} {value}{bound} {transition.new.word}"


def format_state_red(red: StateRed, timezone: str | None) -> str:
    """An events-panel line: '10:42 Li Wei Break 20:00 ■ Coffee RED' (plain text, untrusted)."""
    label = red.state.label(red.at, f" {Status.RED.shape}")
    return f"{_clock(red.at, timezone)} {clean_text(red.name)} {clean_text(label)} RED"


def _bound_text(status: Status, threshold: Threshold, metric: MetricConfig) -> str:
    """' > 5:00' for a lower-is-better metric gone red, ' < 80%' for a higher one, and so on:
    the level the new status is judged by (red's, else green's), in the one wording."""
    if status is Status.NONE:
        return ""
    bound = threshold.red if status is Status.RED else threshold.green
    if bound is None:
        bound = threshold.green if threshold.red is None else threshold.red
    if bound is None:
        return ""
    show = shower(metric.format)
    return " " + condition_text(metric.better, bound, show, green=status is Status.GREEN)


# -- JSON ------------------------------------------------------------------------------------------


def board_document(
    board: Board, config: Config, feeds_statuses: Iterable[FeedStatus], generated_at: float
) -> dict[str, Any]:
    """The JSON contract as Python objects (tests and other tools can use it without parsing)."""
    now = board.now if board.now is not None else generated_at
    zone = config.floor.timezone
    return {
        "generated_at": iso_time(generated_at, zone),
        "floor": config.floor.name,
        "clock": config.floor.clock,
        "queues": [_queue_document(figures) for figures in board.queue_figures],
        "agents": [_agent_document(board.rows[agent], now, zone) for agent in board.sorted_ids()],
        "feeds": [_feed_document(status) for status in feeds_statuses],
    }


def _agent_document(row: AgentRow, now: float, zone: str | None) -> dict[str, Any]:
    return {
        "agent": row.agent,
        "name": row.name,
        "team": row.team,
        "status": row.status.json_name,
        "red_since": None if row.red_since is None else iso_time(row.red_since, zone),
        "state": _state_document(row.state, now, zone),
        "metrics": {
            key: {"value": cell.value, "status": cell.status.json_name, "count": cell.count}
            for key, cell in row.cells.items()
        },
    }


def _state_document(
    state: AgentState | None, now: float, zone: str | None
) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "name": state.name,
        "category": state.category,
        "reason": state.reason,
        "since": iso_time(state.since, zone),
        "status": state.status(now).json_name,
    }


def _queue_document(figures: QueueFigures) -> dict[str, Any]:
    """Base units: seconds, fractions 0..1; null when there is nothing to measure yet."""
    return {
        "queue": figures.queue,
        "waiting": figures.waiting,
        "longest_wait": figures.longest_wait,
        "service_level": figures.service_level,
        "abandon_rate": figures.abandon_rate,
        "asa": figures.asa,
        "status": figures.status.json_name,
    }


def _feed_document(status: FeedStatus) -> dict[str, Any]:
    return {
        "path": str(status.path),
        "rows": int(status.rows),
        "rejected": int(status.rejected),
        "errors": [str(error) for error in status.errors],
    }


def render_json(
    board: Board, config: Config, feeds_statuses: Iterable[FeedStatus], generated_at: float
) -> str:
    document = board_document(board, config, feeds_statuses, generated_at)
    # ASCII only (a contract kept since the first version); unsafe characters escaped.
    return json_text(document, ascii_only=True, allow_nan=False) + "\n"


# -- text ------------------------------------------------------------------------------------------


def render_text(
    board: Board, config: Config, feeds_statuses: Iterable[FeedStatus], generated_at: float
) -> str:
    """A plain aligned table, worst first, then team averages and the feeds."""
    zone = config.floor.timezone
    counts = board.counts()
    tally = "  ".join(
        f"{status.label} {counts[status]}"
        for status in (Status.RED, Status.AMBER, Status.GREEN, Status.NONE)
    )
    lines = [f"{clean_text(config.floor.name)}  {iso_time(generated_at, zone)}  {tally}", ""]
    now = board.now if board.now is not None else generated_at
    states = any(feed.kind == "states" for feed in config.feeds)
    header = ["STATUS", "AGENT", "NAME", "TEAM", *(m.label for m in config.metrics), "RED SINCE"]
    header += ["STATE"] if states else []
    table = [
        [
            row.status.label,
            clean_text(row.agent),
            clean_text(row.name),
            clean_text(row.team or ""),
            *(_cell_text(row, m) for m in config.metrics),
            _since_text(row, zone),
            *([_state_text(row.state, now)] if states else []),
        ]
        for row in (board.rows[agent] for agent in board.sorted_ids())
    ]
    right = set(range(4, 4 + len(config.metrics)))  # numbers align right
    lines.extend(_align([header, *table], right))
    if not table:
        lines.append("(no agents with rows in their windows)")
    lines.extend(_queue_lines(board))
    lines.extend(_team_lines(board, config))
    lines.extend(_feed_lines(feeds_statuses))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _state_text(state: AgentState | None, now: float) -> str:
    if state is None:
        return ""
    status = state.status(now)
    mark = f" {status.shape}" if status in (Status.RED, Status.AMBER) else ""
    return clean_text(state.label(now, mark))


def _queue_lines(board: Board) -> list[str]:
    lines = []
    for f in board.queue_figures:
        parts = [
            f"{f.waiting} waiting",
            f"oldest {format_value(f.longest_wait, MetricFormat.DURATION)}",
            f"SL {format_value(f.service_level, MetricFormat.PERCENT)}",
            f"abandoned {format_value(f.abandon_rate, MetricFormat.PERCENT)}",
            f"ASA {format_value(f.asa, MetricFormat.DURATION)}",
        ]
        lines.append(f"  {f.status.label} {clean_text(f.queue)}: " + ", ".join(parts))
    return ["", "Queues:", *lines] if lines else []


def _since_text(row: AgentRow, zone: str | None) -> str:
    """'10:42', or '<10:42' when the red began before the rows still kept."""
    if row.red_since is None:
        return ""
    return ("<" if row.red_at_start else "") + _clock(row.red_since, zone)


def _cell_text(row: AgentRow, metric: MetricConfig) -> str:
    cell = row.cells[metric.key]
    if cell.value is None:
        return "-"
    return f"{metric_value(cell.value, metric, cell.bound)} {cell.status.shape}"


def _align(table: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row in table:
        cells = []
        for index, text in enumerate(row):
            pad = " " * (widths[index] - cell_len(text))
            cells.append(pad + text if index in right else text + pad)
        lines.append("  ".join(cells))
    return lines


def _team_lines(board: Board, config: Config) -> list[str]:
    summary = board.team_summary()
    if not summary:
        return []
    lines = ["", "Team averages:"]
    for team, metrics in summary.items():
        parts = []
        for metric in config.metrics:
            value, status = metrics[metric.key]
            shape = f" {status.shape}" if value is not None else ""
            parts.append(
                f"{metric.label} {format_value(value, metric.format, metric.decimals)}{shape}"
            )
        lines.append(f"  {clean_text(team)}: " + ", ".join(parts))
    return lines


def _feed_lines(feeds_statuses: Iterable[FeedStatus]) -> list[str]:
    lines = []
    for status in feeds_statuses:
        lines.append(
            f"  {clean_text(str(status.feed))}: {clean_text(str(status.path))}  "
            f"{int(status.rows):,} rows, {int(status.rejected):,} rejected"
        )
        lines.extend(f"    {clean_text(str(error))}" for error in status.errors)
    return ["", "Feeds:", *lines] if lines else []


# -- CSV -------------------------------------------------------------------------------------------


def render_csv(
    board: Board, config: Config, feeds_statuses: Iterable[FeedStatus], generated_at: float
) -> str:
    """One line per agent, worst first: status, agent, name, team, then per metric its value
    (base units), status and count, then red_since (ISO). Names and teams that a spreadsheet
    would run as a formula get a leading apostrophe (`floorwatch.text.safe.csv_cell`). With a
    states feed, then each agent's state, its category, reason, since (ISO) and status."""
    del feeds_statuses  # the CSV is the table only; JSON carries the rest
    now = board.now if board.now is not None else generated_at
    states = any(feed.kind == "states" for feed in config.feeds)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["status", "agent", "name", "team"]
    for metric in config.metrics:
        header += [metric.key, f"{metric.key}_status", f"{metric.key}_count"]
    header.append("red_since")
    if states:
        header += ["state", "state_category", "state_reason", "state_since", "state_status"]
    writer.writerow(header)
    for agent in board.sorted_ids():
        row = board.rows[agent]
        line = [row.status.json_name, *map(csv_cell, (row.agent, row.name, row.team or ""))]
        for metric in config.metrics:
            cell = row.cells[metric.key]
            value = "" if cell.value is None else repr(cell.value)
            line += [value, cell.status.json_name, str(cell.count)]
        since = "" if row.red_since is None else iso_time(row.red_since, config.floor.timezone)
        line.append(since)
        if states:
            line += _state_cells(row.state, now, config.floor.timezone)
        writer.writerow(line)
    return out.getvalue()


def _state_cells(state: AgentState | None, now: float, zone: str | None) -> list[str]:
    if state is None:
        return [""] * 5
    since = iso_time(state.since, zone)
    reason = csv_cell(state.reason or "")
    return [csv_cell(state.name), state.category, reason, since, state.status(now).json_name]
