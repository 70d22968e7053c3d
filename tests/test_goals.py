"""Goals: progress from baseline to target, the light exactly at the 30/70 edges, OKR objectives
with 3-5 key results and their score, the config's goals: section, the goals CLI and store."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from floorwatch.cli import main
from floorwatch.coaching.goals import (
    AMBER,
    GREEN,
    RED,
    Goal,
    goal_status,
    goals_for,
    light,
    objectives,
    progress,
    score_verdict,
    team_goal_beside,
)
from floorwatch.config import ConfigError, load_config
from floorwatch.store import NoteStore
from floorwatch.store.goals import GoalBook
from tests.conftest import StoreBackend
from tests.report_support import write_floor

START, DUE = date(2026, 12, 1), date(2027, 1, 31)


def aht(baseline: float = 300.0, target: float = 210.0, **kw: str) -> Goal:
    return Goal(
        "G1",
        kw.get("scope", "floor"),
        kw.get("who", ""),
        "aht",
        baseline,
        target,
        START,
        DUE,
        kw.get("objective", ""),
    )


@pytest.mark.parametrize(
    ("value", "share", "colour"),
    [
        (300.0, 0.0, RED),  # at the baseline
        (273.0, 0.30, AMBER),  # exactly 30%: amber (4:33 on the way from 5:00 to 3:30)
        (273.09, 0.299, RED),  # just under 30%
        (237.0, 0.70, AMBER),  # exactly 70%: still amber
        (236.91, 0.701, GREEN),  # just over 70%
        (210.0, 1.0, GREEN),
        (180.0, 1.0, GREEN),  # past the target counts as done
        (330.0, 0.0, RED),  # worse than the baseline counts as 0
    ],
)
def test_progress_and_light_at_the_edges(value: float, share: float, colour: str) -> None:
    got = aht().progress(value)
    assert got == pytest.approx(share, abs=1e-9)
    assert light(got) == colour


def test_higher_is_better_goal_and_edges() -> None:
    # CSAT from 80 to 90: 83 is 30% (amber), 87 is 70% (amber), 87.01 green
    assert light(progress(80, 90, 83)) == AMBER
    assert light(progress(80, 90, 82.99)) == RED
    assert light(progress(80, 90, 87)) == AMBER
    assert light(progress(80, 90, 87.01)) == GREEN
    assert progress(80, 90, None) is None and light(None) is None


def test_score_only_at_the_due_date() -> None:
    goal = aht()
    assert goal_status(goal, 237.0, date(2027, 1, 30)).score is None
    at_due = goal_status(goal, 237.0, DUE)
    assert at_due.score == pytest.approx(0.7) and score_verdict(at_due.score) == "good"
    assert score_verdict(1.0).startswith("fully met (rare")
    assert score_verdict(0.5) == "short of the goal"


def test_objective_progress_is_the_mean_and_needs_three_to_five() -> None:
    krs = [aht(objective="benchmark"), aht(objective="benchmark"), aht(objective="benchmark")]
    statuses = [goal_status(g, v, DUE) for g, v in zip(krs, (300.0, 255.0, 210.0), strict=True)]
    (objective,) = objectives(statuses)
    assert objective.progress == pytest.approx(0.5) and objective.light == AMBER
    assert objective.score == pytest.approx(0.5) and objective.complete
    (short,) = objectives(statuses[:2])
    assert not short.complete


def test_personal_goal_beside_its_team_goal() -> None:
    team = Goal("config:1", "team", "North", "aht", 420, 300, START, DUE)
    mine = Goal("config:2", "agent", "A1", "aht", 400, 250, START, DUE)
    other = Goal("config:3", "team", "South", "aht", 420, 300, START, DUE)
    floor = Goal("config:4", "floor", "", "csat", 80, 90, START, DUE)
    goals = [floor, other, team, mine]
    assert goals_for(goals, agent="A1", team="North") == [mine, team, floor]
    assert team_goal_beside(mine, goals, "North") == team
    assert team_goal_beside(mine, goals, "South") == other


def test_config_goals_section(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    team, agent = config.goals
    assert (team.scope, team.who, team.baseline, team.target) == ("team", "North", 420.0, 300.0)
    assert (agent.key, agent.scope, agent.who, agent.due) == (
        "config:2",
        "agent",
        "A1",
        date(2026, 11, 30),
    )


def test_config_goal_ids(tmp_path: Path) -> None:
    path = write_floor(tmp_path)
    head = path.read_text().split("goals:")[0]
    path.write_text(
        head
        + """goals:
  - {id: aht-north, team: North, metric: aht, from: 420, to: 300,
     start: 2026-11-01, due: 2026-11-30}
  - {metric: csat, from: 80, to: 90, start: 2026-11-01, due: 2026-11-30}
"""
    )
    assert [g.key for g in load_config(path).goals] == ["config:aht-north", "config:2"]
    path.write_text(
        head
        + """goals:
  - {id: x, metric: aht, from: 420, to: 300, start: 2026-11-01, due: 2026-11-30}
  - {id: x, metric: csat, from: 80, to: 90, start: 2026-11-01, due: 2026-11-30}
"""
    )
    with pytest.raises(ConfigError, match=r"goals\[1\]\.id 'x' is used twice"):
        load_config(path)


def test_config_goal_problems_at_their_line(tmp_path: Path) -> None:
    path = write_floor(tmp_path)
    text = (
        path.read_text().split("goals:")[0]
        + """goals:
  - {metric: aht, from: "3:00", to: "5:00", start: 2026-11-01, due: 2026-11-30}
  - {metric: speed, from: 1, to: 2, start: 2026-11-01, due: 2026-11-30}
  - objective: "Benchmark"
    start: 2026-11-01
    due: 2026-10-01
    key_results:
      - {metric: csat, from: 80, to: 90}
"""
    )
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    lines = str(raised.value).splitlines()
    assert not any("unknown key 'id'" in line for line in lines)
    start = len(text.split("goals:")[0].splitlines()) + 1
    assert any(
        f"floor.yaml:{start + 1}:" in line and "goals[0].to must be below from" in line
        for line in lines
    ), lines
    assert any(f":{start + 2}:" in line and "unknown metric 'speed'" in line for line in lines)
    assert any("goals[2].due must be after start" in line for line in lines)
    assert any("needs 3 to 5 key results (got 1)" in line for line in lines)


def test_goals_cli_add_list_checkin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_backend: StoreBackend
) -> None:
    """On a SQLite file and on PostgreSQL (`--store` takes either)."""
    config = str(write_floor(tmp_path))
    store = str(store_backend.location)
    base = ["--config", config, "--store", store]
    assert (
        main(
            [
                "goals",
                "add",
                *base,
                "--metric",
                "aht",
                "--agent",
                "A2",
                "--from",
                "6:40",
                "--to",
                "5:00",
                "--start",
                "2026-11-01",
                "--due",
                "2026-12-31",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "G1"
    assert (
        main(
            [
                "goals",
                "add",
                *base,
                "--metric",
                "aht",
                "--from",
                "5:00",
                "--to",
                "6:00",
                "--due",
                "2027-12-31",
            ]
        )
        == 2
    )
    assert "--to must be below --from" in capsys.readouterr().err
    # the week to 2026-11-14: A2's AHT is 350 s (3 days at 400, 4 at 350? no: 11-08 is 400)
    assert main(["goals", "checkin", *base, "--ending", "2026-11-14"]) == 0
    out = capsys.readouterr().out
    assert "G1  agent A2: aht from 6:40 to 5:00" in out
    # A2's week 11-08..11-14: one day at 400 s, six at 350 s -> 357.14 s: 42.9% of 400 -> 300
    assert "43% done ▲ amber" in out
    assert main(["goals", "checkin", *base, "G1", "--value", "5:50"]) == 0
    assert "50% done ▲ amber" in capsys.readouterr().out
    assert main(["goals", "list", *base, "--format", "json"]) == 0
    listed = {g["key"]: g for g in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"config:1", "config:2", "G1"}
    assert listed["G1"]["value"] == 350.0 and listed["G1"]["light"] == AMBER
    for number in range(6):  # an objective takes 3 to 5 key results
        code = main(["goals", "add", *base, "--metric", "csat", "--from", "80", "--to", "90",
                     "--due", "2027-12-31", "--objective", "Benchmark"])  # fmt: skip
        assert code == (0 if number < 5 else 2)
    err = capsys.readouterr().err
    assert "has 1 key result(s): add 2 more (3-5)" in err
    assert "has 5 key results already" in err
    with NoteStore(store) as opened:
        book = GoalBook(opened)
        assert [c.value for c in book.check_ins("G1")][-1] == 350.0
        book.end("G1", "li.wei", datetime.now(UTC), "team reorganised")
        assert [g.objective for g in book.goals()] == ["Benchmark"] * 5


@pytest.mark.parametrize("name", ["floorwatch.yaml", "helpdesk-2021.yaml"])
def test_example_configs_goals_load(name: str) -> None:
    config = load_config(Path(__file__).resolve().parents[1] / "config" / name)
    assert len(config.goals) == 5
    (objective,) = {g.objective for g in config.goals if g.objective}
    assert len([g for g in config.goals if g.objective == objective]) == 3
