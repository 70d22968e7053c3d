"""Pure pieces of the screens: counts in words, the charts' drawing, a note's revisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from floorwatch.coaching import NoteDraft
from floorwatch.config.types import Threshold
from floorwatch.store import NoteStore
from floorwatch.text.plural import plural
from floorwatch.tui.screens.note import revisions_text
from floorwatch.tui.themes import COLORBLIND
from floorwatch.tui.widgets.metric_chart import PLOT_ROWS, buckets, chart_text
from tests.app_support import load_fixture_config

TODAY = date(2025, 6, 16)


def test_plural_reads_right() -> None:
    assert f"{plural(1, 'note')} on {plural(1, 'agent')}" == "1 note on 1 agent"
    assert f"{plural(0, 'note')} on {plural(2, 'agent')}" == "0 notes on 2 agents"
    assert plural(1200, "row") == "1,200 rows"
    assert plural(2, "follow-up") == "2 follow-ups"


def test_buckets_are_one_a_day_when_there_is_room_and_means_when_not() -> None:
    days = [(TODAY - timedelta(days=n), float(n)) for n in range(10)]
    start = TODAY - timedelta(days=9)
    assert buckets(days, start, TODAY, 40) == [float(n) for n in range(9, -1, -1)]
    assert buckets(days, start, TODAY, 5) == [8.5, 6.5, 4.5, 2.5, 0.5]
    assert buckets(days[:1], start, TODAY, 5) == [None, None, None, None, 0.0]


def _note(note_id: int, day: date, tags: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from floorwatch.coaching import Note

    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return Note(id=note_id, agent="A1", agent_name="", author="a", observed_at=at, created_at=at,
                behavior="b", effect="", suggestion="", timeframe="", follow_up_due=None,
                kind="improvement", tags=tags, visibility="private", evidence=())  # fmt: skip


def test_a_chart_draws_its_levels_labelled_and_marks_notes_on_the_time_axis() -> None:
    aht = next(m for m in load_fixture_config().metrics if m.key == "aht")
    threshold = Threshold(green=210.0, red=300.0)
    days = [(TODAY - timedelta(days=n), 360.0 if n > 30 else 180.0) for n in range(90)]
    notes = [
        _note(1, TODAY - timedelta(days=30), ("aht",)),
        _note(2, TODAY - timedelta(days=10), ()),
    ]
    chart = chart_text(aht, days, threshold, notes, today=TODAY, months=3, width=100,
                       palette=COLORBLIND)  # fmt: skip
    lines = chart.plain.splitlines()
    assert lines[0].startswith("AHT  daily, last 3 months")
    plot = lines[1 : 1 + PLOT_ROWS]
    assert any(line.lstrip().startswith("R 5:00╌") or "R 5:00 ╌" in line for line in plot)
    assert any("G 3:30" in line and "╌" in line for line in plot)
    axis = lines[1 + PLOT_ROWS]
    start = axis.index("└") + 1
    coached, other = axis.index("◆") - start, axis.index("◇") - start
    assert coached < other  # the older note further left
    top = plot[0][axis.index("└") + 1 :]
    assert top[: coached - 1].strip() and not top[coached + 2 :].replace("┊", "").strip()
    # Before the note the bars reach the top row, after it they stay low: visible at a look.
    assert lines[-1].split() == ["Apr", "May", "Jun"]  # each month's name under its first day
    # The levels carry the status colours, the bars the day's status (blue/orange here).
    assert any("#ff6a00" in str(span.style) for span in chart.spans)  # the red level, orange
    assert any("#4aa8ff" in str(span.style) for span in chart.spans)  # green days, blue


def test_a_band_metric_draws_both_edges_of_each_level() -> None:
    aht = next(m for m in load_fixture_config().metrics if m.key == "aht")
    band = replace(aht, better=aht.better.__class__("band"))
    threshold = Threshold(green=(120.0, 240.0), red=(60.0, 360.0))
    days = [(TODAY - timedelta(days=n), 200.0) for n in range(30)]
    plain = chart_text(band, days, threshold, [], today=TODAY, months=3, width=80).plain
    assert plain.count("G ") >= 1 and plain.count("R ") >= 2


def test_revisions_say_who_changed_what_and_why(tmp_path: Path) -> None:
    store = NoteStore(tmp_path / "notes.sqlite3", tz=UTC)
    now = datetime(2025, 6, 16, 10, tzinfo=UTC)
    draft = NoteDraft(agent="A1", behavior="first\nsecond line", suggestion="s", timeframe="+1d")
    note = store.add(draft, "alice", now - timedelta(days=200))
    store.revise(note.id, {"behavior": "first\nsecond line, corrected"}, "bob",
                 now - timedelta(days=199), "typo")  # fmt: skip
    store.retract(note.id, "alice", now - timedelta(days=198), "wrong agent")
    text = revisions_text(store.revisions(note.id), now, UTC).plain
    assert "1. Thu 28 Nov 2024 10:00 by alice  written" in text
    assert "2. Fri 29 Nov 2024 10:00 by bob: typo" in text
    assert "Behavior: first / second line → first / second line, corrected" in text
    assert "3. Sat 30 Nov 2024 10:00 by alice  RETRACTED: wrong agent" in text
    store.close()


def test_a_level_far_from_every_figure_is_named_not_drawn() -> None:
    aht = next(m for m in load_fixture_config().metrics if m.key == "aht")
    threshold = Threshold(green=270.0, red=360.0)
    days = [(TODAY - timedelta(days=n), 200.0 + 6 * (n % 7)) for n in range(60)]  # 3:20-3:56
    lines = chart_text(aht, days, threshold, [], today=TODAY, months=3, width=100).plain
    title, plot = lines.splitlines()[0], lines.splitlines()[1 : 1 + PLOT_ROWS]
    assert "R 6:00 above" in title and "R 6:00" not in "".join(plot)
    assert any("G 4:30" in line for line in plot)  # within reach: drawn
    assert sum("▁▂▃▄▅▆▇█".find(ch) >= 0 for ch in "".join(plot)) > 60  # the bars are not flat


def test_the_level_nearest_the_figures_is_always_drawn() -> None:
    aht = next(m for m in load_fixture_config().metrics if m.key == "aht")
    threshold = Threshold(green=210.0, red=300.0)
    days = [(TODAY - timedelta(days=n), 420.0 + 3 * (n % 5)) for n in range(60)]  # ~7:00
    lines = chart_text(aht, days, threshold, [], today=TODAY, months=3, width=100).plain
    title, plot = lines.splitlines()[0], lines.splitlines()[1 : 1 + PLOT_ROWS]
    assert any("R 5:00" in line for line in plot)  # red is the nearest: drawn, however far
    assert "G 3:30 below" in title


def test_sparkline_of_the_day() -> None:
    from floorwatch.tui.widgets.header import sparkline

    assert sparkline([0, 0, 3, 6, 12, 0, 9]) == "▂▄█ ▆"  # from the first busy hour
    assert sparkline([0, 0]) == "" and sparkline([]) == ""
    assert len(sparkline(list(range(1, 30)))) == 12  # the day's last twelve hours


def test_each_team_has_its_contacts_an_hour_today() -> None:
    from tests.app_support import AGENTS, NOW, build_board

    board, _ = build_board()
    days = board.team_day(NOW)
    assert set(days) == {"north", "south", "[red]west[/red]"}
    hour = datetime.fromtimestamp(NOW, UTC).hour  # the fixture floor is in UTC, its day at 00:00
    assert all(len(counts) == hour + 1 for counts in days.values())
    calls = {team: sum(counts) for team, counts in days.items()}
    # Ten calls an agent in the last 50 minutes: 9:52 .. 10:37, two before 10:00.
    per_team = {team: sum(a.team == team for a in AGENTS) for team in calls}
    assert calls == {team: 10 * n for team, n in per_team.items()}
    assert days["north"][-2:] == [2 * per_team["north"], 8 * per_team["north"]]


async def test_the_header_carries_each_teams_day() -> None:
    from tests.app_support import make_app
    from tests.app_text import screen_lines

    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        header = "\n".join(screen_lines(app)[:4])
        assert "north ▂█ AHT" in header and "south ▂█ AHT" in header


def test_the_feed_line_counts_in_words() -> None:
    from floorwatch.tui.widgets.feed_status import feed_summary
    from tests.app_support import NOW, FileStatus

    one = (FileStatus("calls", "feeds/calls.csv", 1, 0, (), NOW - 5),)
    text, _warn = feed_summary(one, (), True, NOW)
    assert text.startswith("feeds: 1 file · 1 row · 0 rejected")


def test_the_feed_status_line_shows_warnings_at_once_and_counts_at_the_ticks_pace() -> None:
    from types import SimpleNamespace

    from floorwatch.tui.widgets.feed_status import FeedStatusLine
    from tests.app_support import NOW

    def status(rows: int, rejected: int = 0) -> SimpleNamespace:
        return SimpleNamespace(rows=rows, rejected=rejected, missing=False, last_row_at=NOW)

    line = FeedStatusLine()
    repaints: list[str] = []
    line.refresh = lambda *a, **k: repaints.append(line._shown[0])  # type: ignore[assignment,index,method-assign,return-value]
    line.show([status(10)], (), True, NOW)
    assert repaints == ["feeds: 1 file · 10 rows · 0 rejected · last row 0s ago"]
    line.show([status(11)], (), True, NOW + 0.2)  # a busy floor's next poll: counts only
    line.show([status(12)], (), True, NOW + 0.4)
    assert len(repaints) == 1
    line.tick(NOW + 1)  # the second's tick shows where the counts are
    assert repaints[-1] == "feeds: 1 file · 12 rows · 0 rejected · last row 1s ago"
    line.show([status(13, rejected=1)], (), True, NOW + 1.2)  # a warning: at once
    assert repaints[-1].endswith("1 rejected (e: why) · last row 1s ago")
    line.show([status(13)], {"calls"}, True, NOW + 1.4)  # stale: at once
    assert repaints[-1].startswith("STALE (no new rows): calls")
