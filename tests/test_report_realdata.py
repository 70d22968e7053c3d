"""`floorwatch report` on the real 2021 help-desk export, checked against pandas computed here
straight from the CSV (nothing from floorwatch): a week and a month, every agent and metric, the
previous period, the floor figure and the ranks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from floorwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "config" / "helpdesk-2021.yaml"
# ../shared/realdata beside the repository (a worktree sits one folder deeper than main).
REALDATA = next(
    (
        p / "shared" / "realdata"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "realdata").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "realdata",
)
HELPDESK = REALDATA / "call_center_2021q1.csv"

pytestmark = pytest.mark.skipif(not HELPDESK.is_file(), reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture config, its feed pointed at wherever ../shared/realdata is."""
    text = FIXTURE.read_text().replace("../../shared/realdata", str(REALDATA))
    path = tmp_path_factory.mktemp("helpdesk") / "helpdesk.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    frame = pd.read_csv(HELPDESK, encoding="utf-8-sig")
    talk = pd.to_timedelta(frame["AvgTalkDuration"]).dt.total_seconds()
    return pd.DataFrame(
        {
            "day": frame["Date"],
            "agent": frame["Agent"],
            "answered": (frame["Answered (Y/N)"] == "Y").astype(float),
            "resolved": (frame["Resolved"] == "Y").astype(float),
            "speed": frame["Speed of answer in seconds"].astype(float),
            "talk": talk,
            "rating": frame["Satisfaction rating"].astype(float),
        }
    )


def expected(calls: pd.DataFrame, first: str, last: str) -> dict[str, dict[str, float]]:
    """Per agent (and '' for the floor): each metric over the period's rows."""
    rows = calls[(calls["day"] >= first) & (calls["day"] <= last)]

    def figures(part: pd.DataFrame) -> dict[str, float]:
        return {
            "calls": float(len(part)),
            "answered": part["answered"].mean(),
            "fcr": part["resolved"].mean(),
            "asa": part["speed"].dropna().mean(),
            "talk_p90": part["talk"].dropna().quantile(0.9),
            "csat": part["rating"].dropna().mean(),
            "talk_max": part["talk"].dropna().max(),
        }

    found = {str(agent): figures(part) for agent, part in rows.groupby("agent")}
    found[""] = figures(rows)
    return found


def report(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> dict:
    store = str(tmp_path / "notes.sqlite3")
    assert (
        main(["report", "--config", str(config), "--store", store, "--format", "json", *args]) == 0
    )
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("period", "ending", "first", "last", "previous"),
    [
        ("week", "2021-01-17", "2021-01-11", "2021-01-17", ("2021-01-04", "2021-01-10")),
        ("month", "2021-02-28", "2021-02-01", "2021-02-28", ("2021-01-01", "2021-01-31")),
    ],
)
def test_figures_match_pandas(
    config: Path,
    calls: pd.DataFrame,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    period: str,
    ending: str,
    first: str,
    last: str,
    previous: tuple[str, str],
) -> None:
    document = report(config, capsys, tmp_path, "--period", period, "--ending", ending)
    assert document["period"] == {
        "kind": period,
        "start": first,
        "end": last,
        "days": document["period"]["days"],
    }
    assert (document["previous"]["start"], document["previous"]["end"]) == previous
    now, before = expected(calls, first, last), expected(calls, *previous)
    agents = {a["agent"]: a for a in document["agents"]}
    assert sorted(agents) == sorted(k for k in now if k)
    for agent, metrics in now.items():
        got = agents[agent]["metrics"] if agent else document["floor"]["metrics"]
        for key, value in metrics.items():
            assert got[key]["value"] == pytest.approx(value, rel=1e-12), (agent, key)
            assert got[key]["previous"] == pytest.approx(before[agent][key], rel=1e-12), (
                agent,
                key,
            )
    # a mean over the period is not the mean of the daily means
    rows = calls[(calls["day"] >= first) & (calls["day"] <= last)]
    daily = rows.dropna(subset=["rating"]).groupby("day")["rating"].mean().mean()
    assert document["floor"]["metrics"]["csat"]["value"] != pytest.approx(daily, rel=1e-9)
    # ranks: 1 = best in the metric's direction
    for key, higher in (("csat", True), ("asa", False)):
        order = sorted((a for a in now if a), key=lambda a: now[a][key], reverse=higher)
        assert agents[order[0]]["metrics"][key]["rank"] == 1
        assert agents[order[-1]]["metrics"][key]["rank"] == len(order)
        assert [row["agent"] for row in document["leaderboards"][key]] == order


def test_week_report_formats(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "notes.sqlite3")
    for fmt in ("md", "csv", "html"):
        out = tmp_path / f"week.{fmt}"
        assert (
            main(
                [
                    "report",
                    "--config",
                    str(config),
                    "--store",
                    store,
                    "--period",
                    "week",
                    "--ending",
                    "2021-01-17",
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        text = out.read_text()
        assert "Diane" in text
    assert "| FCR |" in (tmp_path / "week.md").read_text()
    assert (tmp_path / "week.csv").read_text().startswith("scope,agent,name,team,metric,value")
    assert not Path(store).exists()  # a report never creates a notes store
