"""The period report as Markdown, CSV or JSON (HTML with charts: reports/html.py).

Text from feeds and notes (names, teams, authors) is untrusted: cleaned of control characters,
`|` escaped in Markdown tables, and a CSV cell a spreadsheet would run as a formula gets a
leading apostrophe (the board's own guard)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from floorwatch.config.types import MetricFormat
from floorwatch.text.safe import clean_text, csv_cell, json_text
from floorwatch.text.values import format_value

STATUS_WORDS = {"red": "■ RED", "amber": "▲ AMBER", "green": "● GREEN", "none": "- n/a"}
LIGHT_WORDS = {"red": "■ red", "amber": "▲ amber", "green": "● green", None: "-"}


def render_json(document: Mapping[str, Any]) -> str:
    return json_text(document) + "\n"


def show(value: Any, fmt: str) -> str:
    """A value in a metric's format ('-' for none); a band's [low, high] as low-high."""
    if isinstance(value, list):
        return "-".join(show(v, fmt) for v in value)
    return format_value(value, MetricFormat(fmt))


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def cell(text: Any) -> str:
    """Untrusted text for a Markdown table cell."""
    return clean_text(str(text if text is not None else "")).replace("|", "\\|")


def period_title(document: Mapping[str, Any]) -> str:
    period = document["period"]
    floor = document["floor"]
    team = f", team {clean_text(floor['team'])}" if floor.get("team") else ""
    return (
        f"{clean_text(floor['name'])}{team}: {period['kind']} report "
        f"{period['start']} to {period['end']}"
    )


def render_markdown(document: Mapping[str, Any]) -> str:
    metrics = document["metrics"]
    fmt = {m["key"]: m["format"] for m in metrics}
    label = {m["key"]: m["label"] for m in metrics}
    previous = document["previous"]
    lines = [f"# {cell(period_title(document))}", ""]
    lines += [
        f"Previous period: {previous['start']} to {previous['end']}. "
        f"Generated {document['generated_at']}.",
        "",
    ]
    lines += [
        "## The floor",
        "",
        "| metric | value | previous | target | status | rows |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for key, item in document["floor"]["metrics"].items():
        lines.append(
            f"| {cell(label[key])} | {show(item['value'], fmt[key])} | "
            f"{show(item['previous'], fmt[key])} | {show(item['target'], fmt[key])} | "
            f"{STATUS_WORDS[item['status']]} | {item['count']} |"
        )
    if document["teams"]:
        lines += ["", "## Teams", ""]
        lines += _table(
            ["team", *[label[k] for k in label]],
            [
                [t["team"], *[_value_text(t["metrics"][k], fmt[k]) for k in label]]
                for t in document["teams"]
            ],
        )
    lines += ["", "## Agents", "", "Each figure: value (previous) status #rank.", ""]
    lines += _table(
        ["agent", "name", "team", *[label[k] for k in label]],
        [
            [
                a["agent"],
                a["name"],
                a["team"] or "",
                *[_value_text(a["metrics"][k], fmt[k], rank=True) for k in label],
            ]
            for a in document["agents"]
        ],
    )
    lines += ["", "## Leaderboards", ""]
    for key, board in document["leaderboards"].items():
        top = ", ".join(
            f"{row['rank']}. {cell(row['name'])} {show(row['value'], fmt[key])}" for row in board
        )
        lines.append(f"- **{cell(label[key])}**: {top or 'no agent with enough rows'}")
    lines += ["", "## Top improvers", ""]
    for row in document["improvers"] or []:
        lines.append(
            f"- {cell(row['name'])}: {cell(label[row['metric']])} "
            f"{show(row['previous'], fmt[row['metric']])} -> "
            f"{show(row['value'], fmt[row['metric']])} ({row['change'] * 100:.0f}% better)"
        )
    if not document["improvers"]:
        lines.append("- nobody improved on the previous period (or there is no previous period)")
    lines += ["", "## Goals", "", *goal_lines(document, fmt, label)]
    lines += ["", "## Coaching", "", *coaching_lines(document, fmt, label)]
    return "\n".join(lines) + "\n"


def _value_text(item: Mapping[str, Any], fmt: str, rank: bool = False) -> str:
    text = (
        f"{show(item['value'], fmt)} ({show(item['previous'], fmt)}) {STATUS_WORDS[item['status']]}"
    )
    if rank and item.get("rank"):
        text += f" #{item['rank']}"
    return text


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def goal_text(goal: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]) -> str:
    key = goal["metric"]
    who = "floor" if goal["scope"] == "floor" else f"{goal['scope']} {clean_text(goal['who'])}"
    form = fmt.get(key, "number")
    text = (
        f"{goal['key']} {who}: {label.get(key, key)} from {show(goal['baseline'], form)} to "
        f"{show(goal['target'], form)} by {goal['due']}: now {show(goal['value'], form)}, "
        f"{percent(goal['progress'])} done {LIGHT_WORDS[goal['light']]}"
    )
    if goal["score"] is not None:
        text += f", score {goal['score']:.2f}"
    if goal.get("team_goal"):
        text += f" (beside team goal {goal['team_goal']})"
    return text


def goal_lines(
    document: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]
) -> list[str]:
    lines = []
    by_key = {g["key"]: g for g in document["goals"]}
    for objective in document["objectives"]:
        score = "" if objective["score"] is None else f", score {objective['score']:.2f}"
        warn = "" if objective["complete"] else " (needs 3-5 key results)"
        lines.append(
            f"- Objective **{cell(objective['title'])}**: {percent(objective['progress'])} done "
            f"{LIGHT_WORDS[objective['light']]}{score}{warn}"
        )
        lines += [f"  - {cell(goal_text(by_key[k], fmt, label))}" for k in objective["key_results"]]
    for goal in document["goals"]:
        if not goal["objective"]:
            lines.append(f"- {cell(goal_text(goal, fmt, label))}")
    return lines or ["- no goals: add them under `goals:` in the config or `floorwatch goals add`"]


def coaching_lines(
    document: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]
) -> list[str]:
    coaching = document["coaching"]
    feedback = coaching["feedback_24h"]
    lines = [
        f"- {plural(coaching['notes'], 'note')} in the period: {coaching['praise']} praise, "
        f"{coaching['improvement']} improvement",
        f"- Feedback within 24 h of a red: given {feedback['given']}, missed "
        f"{feedback['missed']}, pending {feedback['pending']}",
        f"- Floor: {coaching['improved']['text']}",
    ]
    for author in coaching["authors"]:
        ratio = "-" if author["ratio"] is None else f"{author['ratio']:.1f}:1"
        lines.append(
            f"- {cell(author['author'])}: {plural(author['notes'], 'note')} on "
            f"{plural(author['agents'], 'agent')}, "
            f"praise {ratio}{'' if author['on_target'] else ' (below 3:1)'}; coached metrics "
            f"improved in {author['improved']} of {author['follow_ups']} follow-ups"
        )
    if coaching.get("written"):
        lines += ["", "Notes written in the period:", ""]
        for item in coaching["written"]:
            metrics = ", ".join(label.get(m, m) for m in item["metrics"]) or "no metric"
            lines.append(
                f"- #{item['id']} {item['created_at']} {cell(item['agent'])} by "
                f"{cell(item['author'])}: {item['template'].upper()} {item['kind']} "
                f"({cell(metrics)})"
            )
    if coaching["follow_ups"]:
        lines += [
            "",
            "Follow-ups due in the period (then: the note's evidence; now: the same "
            "window ending at the due time):",
            "",
        ]
        for item in coaching["follow_ups"]:
            form = fmt.get(item["metric"], "number")
            lines.append(
                f"- note #{item['note']} {cell(item['agent'])} "
                f"{cell(label.get(item['metric'], item['metric']))}: "
                f"then {show(item['then'], form)}, now {show(item['now'], form)} "
                f"({item['window']} to {item['checked_at']}): {item['outcome'] or 'no figure'}"
            )
    if coaching["before_after"]:
        lines += ["", "Before and after each note (7 floor days either side):", ""]
        for item in coaching["before_after"]:
            form = fmt.get(item["metric"], "number")
            lines.append(
                f"- note #{item['note']} {item['day']} {cell(item['agent'])} "
                f"{cell(label.get(item['metric'], item['metric']))}: "
                f"before {show(item['before'], form)}, after {show(item['after'], form)}: "
                f"{item['outcome'] or 'no figure'}"
            )
    return lines


def render_csv(document: Mapping[str, Any]) -> str:
    """One line per agent and metric (then team and floor lines): values in base units."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scope",
            "agent",
            "name",
            "team",
            "metric",
            "value",
            "previous",
            "target",
            "status",
            "rank",
            "count",
            "period_start",
            "period_end",
        ]
    )
    start, end = document["period"]["start"], document["period"]["end"]

    def number(value: Any) -> str:
        if isinstance(value, list):
            return ";".join(repr(float(v)) for v in value)
        return "" if value is None else repr(float(value))

    def lines(scope: str, agent: str, name: str, team: str, metrics: Mapping[str, Any]) -> None:
        for key, item in metrics.items():
            writer.writerow(
                [
                    scope,
                    csv_cell(agent),
                    csv_cell(name),
                    csv_cell(team),
                    key,
                    number(item["value"]),
                    number(item["previous"]),
                    number(item["target"]),
                    item["status"],
                    item.get("rank") or "",
                    item["count"],
                    start,
                    end,
                ]
            )

    for agent in document["agents"]:
        lines("agent", agent["agent"], agent["name"], agent["team"] or "", agent["metrics"])
    for team in document["teams"]:
        lines("team", "", "", team["team"], team["metrics"])
    lines("floor", "", "", document["floor"].get("team") or "", document["floor"]["metrics"])
    return out.getvalue()
