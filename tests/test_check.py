"""`floorwatch check` fails when the data does: missing header columns, files whose every row is
rejected; it counts the rows where/exclude_agents leave out and the rejected rows not shown."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from floorwatch.cli import run_handler
from floorwatch.commands import check

CONFIG = """\
floor: {{name: Check floor, timezone: UTC}}
feeds:
  - name: calls
    path: calls.csv
    time: {{column: ts}}
    agent: agent
    where: {{queue: [sales]}}
    exclude_agents: [IVR]
    fields:
      handle_time: {{column: {handle}, type: seconds}}
      answered: {{column: "Answered (Y/N)", type: bool}}
metrics:
  aht: {{field: handle_time, agg: mean, window: today, better: lower, green: 300, red: 420}}
"""
ROWS = """\
ts,agent,queue,handle_s,Answered (Y/N)
2026-11-30T09:00:00,A1,sales,200,Y
2026-11-30T09:01:00,A2,sales,250,N
2026-11-30T09:02:00,A3,support,250,Y
2026-11-30T09:03:00,IVR,sales,10,Y
"""


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="floorwatch")
    check.register(parser.add_subparsers(dest="command"))
    return run_handler(parser.parse_args(["check", *argv]))


def floor(tmp_path: Path, handle: str = "handle_s", rows: str = ROWS) -> Path:
    (tmp_path / "calls.csv").write_text(rows)
    path = tmp_path / "floorwatch.yaml"
    path.write_text(CONFIG.format(handle=handle))
    return path


def test_a_good_floor_passes_and_counts_what_where_and_exclude_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--config", str(floor(tmp_path))) == 0
    out = capsys.readouterr().out
    assert "calls.csv: 2 rows, 0 rejected, 2 left out by where/exclude_agents" in out


def test_a_column_the_header_lacks_fails_at_its_place_with_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = floor(tmp_path, handle="handle_sec")
    assert run("--config", str(path)) == 2
    err = capsys.readouterr().err
    text = path.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "handle_sec" in row)
    col = text.splitlines()[line - 1].index("handle_sec") + 1
    assert f"{path}:{line}:{col}: feed calls: the header of calls.csv has no column " in err
    assert "'handle_sec'; did you mean 'handle_s'?" in err


def test_a_file_whose_every_row_is_rejected_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ROWS.replace("200", "abc").replace("250", "x")
    bad = "\n".join(
        line for line in bad.splitlines() if "IVR" not in line and "support" not in line
    )
    assert run("--config", str(floor(tmp_path, rows=bad + "\n"))) == 2
    err = capsys.readouterr().err
    assert "every row of calls.csv was rejected (2)" in err


def test_and_n_more_counts_the_rejected_rows_not_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = ROWS
    bad = "".join(f"2026-11-30T10:{i:02d}:00,A1,sales,oops,Y\n" for i in range(14))
    assert run("--config", str(floor(tmp_path, rows=good + bad))) == 0
    out = capsys.readouterr().out
    assert "14 rejected" in out and "... and 4 more rejected rows" in out
    assert out.count("oops") == 10


def test_a_header_problem_is_not_counted_as_a_shown_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "ts,agent,queue,Answered (Y/N)\n" + "".join(
        f"2026-11-30T10:{i:02d}:00,A1,sales,Y\n" for i in range(12)
    )
    assert run("--config", str(floor(tmp_path, rows=rows))) == 2
    captured = capsys.readouterr()
    assert "12 rejected" in captured.out and "... and 12 more rejected rows" in captured.out
    assert "has no column 'handle_s'" in captured.err
    assert "every row" not in captured.err  # the header said why, once


REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
REAL_CONFIG = Path(__file__).resolve().parent / "fixtures" / "feeds" / "realdata.yaml"


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata is missing")
def test_the_real_help_desk_export_with_a_misspelt_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = REAL_CONFIG.read_text().replace("../../../../shared/realdata", str(REALDATA))
    good = tmp_path / "good.yaml"
    good.write_text(text)
    assert run("--config", str(good)) == 0
    out = capsys.readouterr().out
    # The bank feed keeps served calls (outcome AGENT) of real agents (not NO_SERVER).
    assert "left out by where/exclude_agents" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('"Answered (Y/N)"', '"Answered (Y N)"'))
    assert run("--config", str(bad)) == 2
    err = capsys.readouterr().err
    assert "has no column 'Answered (Y N)'; did you mean 'Answered (Y/N)'?" in err
    line = next(n for n, row in enumerate(bad.read_text().splitlines(), 1) if "(Y N)" in row)
    assert f"{bad}:{line}:" in err
