"""`floorwatch notes`: add, list and export through the subcommand's own argparse wiring."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorwatch.cli import run_handler
from floorwatch.commands import notes as notes_command
from floorwatch.store import NoteStore

CONFIG_YAML = """\
floor: {name: Test floor, timezone: Asia/Shanghai}
feeds:
  - name: calls
    path: calls.csv
    time: {column: ts}
    agent: agent
    fields: {handle_time: {column: aht, type: seconds}}
metrics:
  aht: {label: AHT, field: handle_time, agg: mean, window: 60m, better: lower,
        green: "3:30", red: "5:00", format: duration}
notes: {path: notes/floor.sqlite3, author: li.wei}
"""


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="floorwatch")
    notes_command.register(parser.add_subparsers(dest="command"))
    return run_handler(parser.parse_args(["notes", *argv]))


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the user's real config or data dir."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLOORWATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FLOORWATCH_AUTHOR", "env.author")


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    path = tmp_path / "floor" / "floor3.yaml"  # not ./floorwatch.yaml: only used when named
    path.parent.mkdir()
    path.write_text(CONFIG_YAML)
    (path.parent / "calls.csv").write_text(
        "ts,agent,aht\n2026-11-30T09:00:00,A017,200\n2026-11-30T09:05:00,B204,250\n"
    )
    return path


def add(store: Path, *extra: str, agent: str = "A017") -> list[str]:
    return [
        "add", "--store", str(store), "--agent", agent, "--name", "Dana",
        "--behavior", "10:02 call: 15 s of silence after the question",
        "--effect", "the customer asked twice", "--suggestion", "say: one moment, please",
        "--timeframe", "+1d", "--tags", "aht,csat", *extra,
    ]  # fmt: skip


def test_add_for_an_agent_nobody_knows_asks_for_force(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "notes.sqlite3"
    assert run(*add(store, agent="A071"), "--config", str(config)) == 2
    err = capsys.readouterr().err
    assert "'A071'" in err and "did you mean 'A017'?" in err and "--force" in err
    assert not store.exists()  # nothing written, not even an empty store
    assert run(*add(store, "--force", agent="A071"), "--config", str(config)) == 0


def test_list_of_a_store_that_does_not_exist_says_so_and_creates_nothing(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "nowhere.sqlite3"
    assert run("list", "--store", str(store), "--config", str(config)) == 0
    captured = capsys.readouterr()
    assert f"no notes store at {store}" in captured.err and "No notes." in captured.out
    assert run("list", "--store", str(store), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run("export", "--store", str(store)) == 0
    assert not store.exists()


def test_verbose_names_the_store_read(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("report", "--config", str(config), "--verbose") == 0
    store = config.parent / "notes" / "floor.sqlite3"
    assert f"notes store {store} (notes.path)" in capsys.readouterr().err


def test_add_uses_the_floors_shift_end(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text(
        CONFIG_YAML.replace("timezone: Asia/Shanghai", "timezone: UTC, shift_end: '15:30'")
    )
    store = tmp_path / "notes.sqlite3"
    argv = add(store, "--timeframe", "tomorrow")
    assert run(*argv, "--config", str(config)) == 0
    note_id = int(capsys.readouterr().out)
    note = NoteStore(store).get(note_id)
    assert note is not None and note.follow_up_due is not None
    assert note.follow_up_due.astimezone(UTC).strftime("%H:%M") == "15:30"


def test_add_list_export_round_trip(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "notes.sqlite3"
    assert run(*add(store), "--config", str(config)) == 0
    first_id = int(capsys.readouterr().out)
    assert run(*add(store, "--kind", "praise", "--visibility", "shared", agent="B002")) == 0
    second_id = int(capsys.readouterr().out)
    assert second_id == first_id + 1

    assert run("export", "--store", str(store), "--format", "json", "--config", str(config)) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in records] == [first_id, second_id]
    first = records[0]
    assert {key: first[key] for key in ("agent", "agent_name", "author", "kind", "tags")} == {
        "agent": "A017",
        "agent_name": "Dana",
        "author": "li.wei",  # notes.author from the config
        "kind": "improvement",
        "tags": ["aht", "csat"],
    }
    assert first["created_at"].endswith("+08:00")  # shown in the floor's timezone
    assert first["follow_up_due"].endswith("T17:00:00+08:00")
    assert records[1]["author"] == "env.author"  # no config: $FLOORWATCH_AUTHOR
    assert records[1]["visibility"] == "shared"

    assert run("list", "--store", str(store), "--agent", "B002") == 0
    text = capsys.readouterr().out
    assert f"#{second_id}" in text and f"#{first_id} " not in text
    assert "Suggestion: say: one moment, please" in text


def test_list_formats_and_since(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "notes.sqlite3"
    run(*add(store))
    capsys.readouterr()
    assert run("list", "--store", str(store), "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and rows[0]["tags"] == "aht,csat"
    assert rows[0]["timeframe"] == "'+1d"  # a spreadsheet would run +1d as a formula
    assert run("list", "--store", str(store), "--since", "2999-01-01", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run("list", "--store", str(store), "--since", "7d", "--format", "json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_retracted_notes_and_revisions_in_list_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_file = tmp_path / "notes.sqlite3"
    run(*add(store_file))
    note_id = int(capsys.readouterr().out)
    with NoteStore(store_file) as store:
        store.revise(note_id, {"effect": "edited"}, "chen", datetime.now(UTC))
        store.retract(note_id, "chen", datetime.now(UTC), "wrong agent")
    run("list", "--store", str(store_file))
    assert capsys.readouterr().out == "No notes.\n"
    run("list", "--store", str(store_file), "--all")
    assert "RETRACTED: wrong agent" in capsys.readouterr().out
    run("export", "--store", str(store_file))
    (latest,) = json.loads(capsys.readouterr().out)
    assert (latest["retracted"], latest["revision"]) == (True, 3)
    run("export", "--store", str(store_file), "--revisions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["revision"], r["effect"], r["retracted"]) for r in rows] == [
        ("1", "the customer asked twice", "0"),
        ("2", "edited", "0"),
        ("3", "edited", "1"),
    ]


def test_an_incomplete_note_exits_2_with_a_message_per_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "notes.sqlite3"
    code = run("add", "--store", str(store), "--agent", "A017", "--timeframe", "30/11")
    assert code == 2
    err = capsys.readouterr().err
    assert "--behavior: Behavior is required" in err
    assert "--suggestion: Suggestion is required" in err
    assert "--timeframe: Timeframe: '30/11'" in err
    assert "Traceback" not in err
    with NoteStore(store) as opened:
        assert opened.notes() == []


def test_the_config_notes_path_is_used(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [a for a in add(Path("unused")) if a not in ("--store", "unused")]
    assert run(*args, "--config", str(config)) == 0
    assert (config.parent / "notes" / "floor.sqlite3").exists()


def test_without_any_config_the_user_data_dir_is_used(
    tmp_path: Path,
) -> None:
    args = [a for a in add(Path("unused")) if a not in ("--store", "unused")]
    assert run(*args) == 0
    assert (tmp_path / "data" / "floorwatch" / "notes.sqlite3").exists()


def test_user_mistakes_are_messages_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("list", "--store", str(tmp_path / "n.sqlite3"), "--since", "last tuesday") == 2
    assert "--since 'last tuesday'" in capsys.readouterr().err
    assert run("list", "--config", str(tmp_path / "missing.yaml")) == 2
    assert "missing.yaml" in capsys.readouterr().err
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("plain text notes\n" * 50)
    assert run(*add(not_a_store)) == 1
    err = capsys.readouterr().err
    assert f"{not_a_store}: cannot open the notes store" in err and "Traceback" not in err


def test_terminal_escapes_in_notes_are_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "notes.sqlite3"
    hostile = "\x1b]0;pwned\x07Dana\x1b[2J"
    run(*add(store), "--name", hostile)
    capsys.readouterr()
    run("list", "--store", str(store))
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Dana" in out
    run("list", "--store", str(store), "--format", "csv")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Dana" in out
    run("export", "--store", str(store), "--format", "json")
    out = capsys.readouterr().out
    assert "\x1b" not in out and json.loads(out)[0]["agent_name"] == hostile  # escaped, kept


def test_report_on_the_data_clock_speaks_the_datas_time(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text(CONFIG_YAML.replace("timezone: Asia/Shanghai", "timezone: UTC, clock: data"))
    assert run("report", "--config", str(config), "--days", "1") == 0
    # The newest call is 2026-11-30 09:05 UTC: the replay's now, whatever the machine's clock.
    assert capsys.readouterr().out.startswith("Coaching since Sun 29 Nov 2026 09:05")


def test_since_today_is_the_floor_day(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A replay at 2026-11-30 09:05 (the newest call); the floor day starts at 06:00.
    config.write_text(
        CONFIG_YAML.replace(
            "timezone: Asia/Shanghai", "timezone: UTC, day_starts: '06:00', clock: data"
        )
    )
    store = tmp_path / "notes.sqlite3"
    from floorwatch.coaching import NoteDraft

    with NoteStore(store) as opened:
        for hour, behavior in ((5, "before the floor day"), (7, "in the floor day")):
            draft = NoteDraft(agent="A017", agent_name="Dana", behavior=behavior, effect="e",
                              suggestion="s", timeframe="2026-12-24")  # fmt: skip
            opened.add(draft, "li.wei", datetime(2026, 11, 30, hour, tzinfo=UTC))
    assert run("list", "--store", str(store), "--config", str(config), "--since", "today") == 0
    out = capsys.readouterr().out
    assert "in the floor day" in out and "before the floor day" not in out
