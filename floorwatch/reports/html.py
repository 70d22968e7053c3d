"""The period report as one self-contained HTML file: inline CSS and SVG, no script, no network.

Opened from disk it shows the floor, teams and agents against the previous period and the
targets, the leaderboards, top improvers, goals and coaching, and a growth curve per agent and
metric (daily figures over the chart span: 14 days for a day report, 8 weeks for a week, 6
months for a month) with the report's period shaded, the target dashed and each note marked on
the time axis (hover a mark for the note). Every text from feeds and notes is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from floorwatch.reports.render import (
    LIGHT_WORDS,
    STATUS_WORDS,
    coaching_lines,
    goal_lines,
    percent,
    period_title,
    show,
)
from floorwatch.reports.review import Review
from floorwatch.text.safe import clean_text

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 300, 110, 34, 10, 22

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330;background:#fff}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:.2em .6em;border-bottom:1px solid #e3e5ea;text-align:right;white-space:nowrap}
th:first-child,td:first-child,td.text{text-align:left}
.red{color:#b3261e;font-weight:600}.amber{color:#8a5a00;font-weight:600}.green{color:#1b6e2e}
.none{color:#777}.prev{color:#777;font-size:.9em}.rank{color:#445;font-size:.85em}
.charts{display:flex;flex-wrap:wrap;gap:.8em}.chart-box{border:1px solid #e3e5ea;padding:.3em}
.chart-box h4{margin:0;font-size:.85em;font-weight:600}
svg.chart .curve{fill:none;stroke:#2457c5;stroke-width:1.6}
svg.chart .dot{fill:#2457c5}
svg.chart .period{fill:#eef2fb}
svg.chart .target{stroke:#1b6e2e;stroke-dasharray:4 3;stroke-width:1}
svg.chart .note{stroke:#b3261e;stroke-width:1.4}svg.chart .note.praise{stroke:#1b6e2e}
svg.chart .axis{stroke:#99a;stroke-width:.8}svg.chart text{font-size:9px;fill:#556}
ul{padding-left:1.2em}
"""


def render_html(review: Review) -> str:
    document = review.document
    metrics = document["metrics"]
    fmt = {m["key"]: m["format"] for m in metrics}
    label = {m["key"]: m["label"] for m in metrics}
    title = escape(period_title(document))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>Previous period {document['previous']['start']} to {document['previous']['end']}; "
        f"generated {escape(document['generated_at'])}. Figures are each metric's own "
        "aggregation over the period's rows.</p>",
        "<h2>The floor</h2>",
        _scope_table([("floor", document["floor"]["metrics"])], metrics, "scope"),
    ]
    if document["teams"]:
        parts += [
            "<h2>Teams</h2>",
            _scope_table([(t["team"], t["metrics"]) for t in document["teams"]], metrics, "team"),
        ]
    parts += ["<h2>Agents</h2>", _agents_table(document["agents"], metrics)]
    parts += ["<h2>Leaderboards</h2>", _leaderboards(document, fmt, label)]
    parts += ["<h2>Top improvers</h2>", _list(_improver_lines(document, fmt, label))]
    parts += ["<h2>Goals</h2>", _goals_table(document, fmt, label)]
    parts += ["<h2>Coaching</h2>", _list(coaching_lines(document, fmt, label))]
    parts += [
        "<h2>Growth curves</h2>",
        "<p>Daily figures; the report's period shaded, the target dashed, notes marked "
        "(red: improvement, green: praise; hover for the note).</p>",
    ]
    period = document["period"]
    for agent in document["agents"]:
        name = clean_text(agent["name"])
        ident = clean_text(agent["agent"])
        extra = f" <span class='prev'>{escape(ident)}</span>" if ident != name else ""
        parts.append(f"<h3>{escape(name)}{extra}</h3><div class='charts'>")
        for metric in metrics:
            key = metric["key"]
            points = review.series.get(agent["agent"], {}).get(key, [])
            target = review.day_targets.get(agent["agent"], {}).get(key)
            target = list(target) if isinstance(target, tuple) else target
            marks = [
                m
                for m in review.marks.get(agent["agent"], [])
                if not m["metrics"] or key in m["metrics"]
            ]
            parts.append(
                "<div class='chart-box'>"
                f"<h4>{escape(clean_text(metric['label']))}</h4>"
                + chart_svg(
                    points,
                    target,
                    marks,
                    period["start"],
                    period["end"],
                    metric["format"],
                    f"{name} {metric['label']}",
                )
                + "</div>"
            )
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _status_cell(item: Mapping[str, Any], fmt: str, rank: bool = False) -> str:
    status = item["status"]
    text = (
        f"<span class='{status}'>{escape(show(item['value'], fmt))}</span> "
        f"<span class='prev'>({escape(show(item['previous'], fmt))})</span>"
    )
    if rank and item.get("rank"):
        text += f" <span class='rank'>#{item['rank']}</span>"
    return f"<td title='{escape(STATUS_WORDS[status])}'>{text}</td>"


def _scope_table(
    rows: Sequence[tuple[str, Mapping[str, Any]]], metrics: Sequence[Mapping[str, Any]], first: str
) -> str:
    head = "".join(f"<th>{escape(clean_text(m['label']))}</th>" for m in metrics)
    targets = (
        "".join(
            f"<td class='prev'>{escape(show(rows[0][1][m['key']]['target'], m['format']))}</td>"
            for m in metrics
        )
        if rows
        else ""
    )
    body = "".join(
        f"<tr><td class='text'>{escape(clean_text(name))}</td>"
        + "".join(_status_cell(values[m["key"]], m["format"]) for m in metrics)
        + "</tr>"
        for name, values in rows
    )
    return (
        f"<table><tr><th>{first}</th>{head}</tr>{body}"
        f"<tr><td class='text prev'>target</td>{targets}</tr></table>"
    )


def _agents_table(agents: Sequence[Mapping[str, Any]], metrics: Sequence[Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{escape(clean_text(m['label']))}</th>" for m in metrics)
    body = "".join(
        f"<tr><td class='text'>{escape(clean_text(a['name']))}</td>"
        f"<td class='text'>{escape(clean_text(a['team'] or ''))}</td>"
        + "".join(_status_cell(a["metrics"][m["key"]], m["format"], rank=True) for m in metrics)
        + "</tr>"
        for a in agents
    )
    return (
        f"<table class='agents'><tr><th>agent</th><th>team</th>{head}</tr>{body}</table>"
        "<p class='prev'>value (previous period) #rank; colour: status against the "
        "agent's target</p>"
    )


def _leaderboards(
    document: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]
) -> str:
    items = []
    for key, board in document["leaderboards"].items():
        rows = ", ".join(
            f"{row['rank']}. {escape(clean_text(row['name']))} "
            f"{escape(show(row['value'], fmt[key]))}"
            for row in board
        )
        rows = rows or "no agent with enough rows"
        items.append(f"<li><b>{escape(clean_text(label[key]))}</b>: {rows}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _improver_lines(
    document: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]
) -> list[str]:
    lines = [
        f"{clean_text(row['name'])}: {label[row['metric']]} "
        f"{show(row['previous'], fmt[row['metric']])} -> {show(row['value'], fmt[row['metric']])}"
        f" ({row['change'] * 100:.0f}% better)"
        for row in document["improvers"]
    ]
    return lines or ["nobody improved on the previous period (or there is no previous period)"]


LIGHT_COLOURS = {"red": "#b3261e", "amber": "#c98a00", "green": "#1b6e2e"}


def progress_bar(share: float | None, light: str | None) -> str:
    """The share of the way done as a bar, with the 30% and 70% edges of the lights marked."""
    width, height = 160, 12
    out = [
        f"<svg class='goal-bar' xmlns='http://www.w3.org/2000/svg' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='{percent(share)} done'>",
        f"<rect x='0' y='0' width='{width}' height='{height}' fill='#eef0f4'/>",
    ]
    if share is not None:
        colour = LIGHT_COLOURS.get(light or "", "#777")
        out.append(
            f"<rect class='done' x='0' y='0' width='{share * width:.1f}' height='{height}' "
            f"fill='{colour}'/>"
        )
    for edge in (0.3, 0.7):
        out.append(
            f"<line x1='{edge * width:.0f}' y1='0' x2='{edge * width:.0f}' y2='{height}' "
            "stroke='#556' stroke-width='1'/>"
        )
    out.append("</svg>")
    return "".join(out)


def _goals_table(
    document: Mapping[str, Any], fmt: Mapping[str, str], label: Mapping[str, str]
) -> str:
    if not document["goals"]:
        return _list(goal_lines(document, fmt, label))
    rows = []
    by_key = {g["key"]: g for g in document["goals"]}
    order = [k for o in document["objectives"] for k in o["key_results"]]
    order += [g["key"] for g in document["goals"] if g["key"] not in order]
    titles = {k: o for o in document["objectives"] for k in o["key_results"]}
    shown_objectives: set[str] = set()
    for key in order:
        goal = by_key[key]
        objective = titles.get(key)
        if objective is not None and objective["title"] not in shown_objectives:
            shown_objectives.add(objective["title"])
            score = "" if objective["score"] is None else f", score {objective['score']:.2f}"
            warn = "" if objective["complete"] else " (needs 3-5 key results)"
            rows.append(
                f"<tr><td class='text' colspan='4'><b>Objective: "
                f"{escape(clean_text(objective['title']))}</b>{escape(warn)}</td>"
                f"<td class='text'>{progress_bar(objective['progress'], objective['light'])}</td>"
                f"<td class='text {objective['light'] or 'none'}'>{percent(objective['progress'])} "
                f"{escape(LIGHT_WORDS[objective['light']])}{escape(score)}</td></tr>"
            )
        form = fmt.get(goal["metric"], "number")
        who = "floor" if goal["scope"] == "floor" else f"{goal['scope']} {clean_text(goal['who'])}"
        beside = f" (team goal {goal['team_goal']})" if goal.get("team_goal") else ""
        score = "" if goal["score"] is None else f", score {goal['score']:.2f}"
        rows.append(
            f"<tr><td class='text'>{escape(goal['key'])}</td>"
            f"<td class='text'>{escape(who)}{escape(beside)}</td>"
            f"<td class='text'>{escape(clean_text(label.get(goal['metric'], goal['metric'])))} "
            f"{escape(show(goal['baseline'], form))} &#8594; {escape(show(goal['target'], form))} "
            f"by {goal['due']}</td>"
            f"<td>{escape(show(goal['value'], form))}</td>"
            f"<td class='text'>{progress_bar(goal['progress'], goal['light'])}</td>"
            f"<td class='text {goal['light'] or 'none'}'>{percent(goal['progress'])} "
            f"{escape(LIGHT_WORDS[goal['light']])}{escape(score)}</td></tr>"
        )
    head = (
        "<tr><th>goal</th><th>whose</th><th>from &#8594; target</th><th>now</th>"
        "<th>progress (30% / 70% marked)</th><th>light</th></tr>"
    )
    return f"<table class='goals'>{head}{''.join(rows)}</table>"


def _list(lines: Sequence[str]) -> str:
    items = "".join(
        f"<li>{escape(line.lstrip('- ').replace('**', ''))}</li>" if line.strip() else ""
        for line in lines
    )
    return f"<ul>{items}</ul>"


def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def chart_svg(
    points: Sequence[tuple[str, float]],
    target: Any,
    marks: Sequence[Mapping[str, Any]],
    period_start: str,
    period_end: str,
    fmt: str,
    title: str,
) -> str:
    """A growth curve: daily values over days, the period shaded, the target dashed, notes
    marked as vertical lines on the time axis."""
    ends = [_ordinal(d) for d, _ in points] + [_ordinal(period_start), _ordinal(period_end)]
    ends += [_ordinal(m["day"]) for m in marks]
    low_day, high_day = min(ends), max(ends)
    values = [v for _, v in points]
    levels = values + (
        [float(t) for t in target]
        if isinstance(target, list)
        else [float(target)]
        if target is not None
        else []
    )
    low, high = (min(levels), max(levels)) if levels else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1 if low else 0.0
    plot_w, plot_h = WIDTH - PAD_X - 6, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(day: int) -> float:
        span = max(high_day - low_day, 1)
        return PAD_X + (day - low_day) / span * plot_w

    def y(value: float) -> float:
        return PAD_TOP + (high - value) / (high - low) * plot_h

    out = [
        f"<svg class='chart' xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' "
        f"height='{HEIGHT}' viewBox='0 0 {WIDTH} {HEIGHT}' role='img' "
        f"aria-label='{escape(title, quote=True)}'><title>{escape(title)}</title>"
    ]
    left, right = x(_ordinal(period_start)), x(_ordinal(period_end))
    out.append(
        f"<rect class='period' x='{left - 2:.1f}' y='{PAD_TOP}' "
        f"width='{max(right - left + 4, 4):.1f}' height='{plot_h}'/>"
    )
    base = PAD_TOP + plot_h
    out.append(f"<line class='axis' x1='{PAD_X}' y1='{base}' x2='{WIDTH - 6}' y2='{base}'/>")
    out.append(f"<line class='axis' x1='{PAD_X}' y1='{PAD_TOP}' x2='{PAD_X}' y2='{base}'/>")
    for level in (
        [float(t) for t in target]
        if isinstance(target, list)
        else [float(target)]
        if target is not None
        else []
    ):
        out.append(
            f"<line class='target' x1='{PAD_X}' y1='{y(level):.1f}' x2='{WIDTH - 6}' "
            f"y2='{y(level):.1f}'><title>target {escape(show(level, fmt))}</title></line>"
        )
    if points:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x(_ordinal(d)):.1f},{y(v):.1f}"
            for i, (d, v) in enumerate(points)
        )
        out.append(f"<path class='curve' d='{path}'/>")
        for day, value in points:
            out.append(
                f"<circle class='dot' cx='{x(_ordinal(day)):.1f}' cy='{y(value):.1f}' r='1.6'>"
                f"<title>{day}: {escape(show(value, fmt))}</title></circle>"
            )
    else:
        out.append(f"<text x='{PAD_X + 8}' y='{PAD_TOP + plot_h / 2:.0f}'>no daily figures</text>")
    for mark in marks:
        at = x(_ordinal(mark["day"]))
        kind = "praise" if mark["kind"] == "praise" else "improvement"
        out.append(
            f"<line class='note {kind}' x1='{at:.1f}' y1='{PAD_TOP}' x2='{at:.1f}' "
            f"y2='{base + 4}'><title>note #{mark['id']} ({escape(mark['template'])}, "
            f"{kind}) {mark['day']}</title></line>"
        )
    out.append(f"<text x='2' y='{PAD_TOP + 8}'>{escape(show(high, fmt))}</text>")
    out.append(f"<text x='2' y='{base}'>{escape(show(low, fmt))}</text>")
    first_day, last_day = date.fromordinal(low_day), date.fromordinal(high_day)
    out.append(f"<text x='{PAD_X}' y='{HEIGHT - 4}'>{first_day:%d %b}</text>")
    out.append(f"<text x='{WIDTH - 6}' y='{HEIGHT - 4}' text-anchor='end'>{last_day:%d %b}</text>")
    out.append("</svg>")
    return "".join(out)


__all__ = ["LIGHT_WORDS", "chart_svg", "percent", "render_html"]
