"""Issue 18.7: a private note is shown only to its author and to a manager, in the TUI's
service, over SSH (the same service), and in `notes list/export/report`; shared notes to all."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorwatch.coaching import NoteDraft
from floorwatch.config.loader import load_config
from floorwatch.store import NoteStore, Reader
from tests.test_notes_cli import CONFIG_YAML, run
from tests.test_notes_cli import no_user_config as no_user_config

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def note(agent: str, visibility: str) -> NoteDraft:
    return NoteDraft(
        agent=agent,
        behavior=f"{visibility} note on {agent}",
        suggestion="s",
        timeframe="+1d",
        visibility=visibility,
    )


@pytest.fixture()
def store(tmp_path: Path) -> NoteStore:
    with NoteStore(tmp_path / "notes.sqlite3", tz=UTC) as opened:
        opened.add(note("A1", "private"), "ana", NOW)
        opened.add(note("A2", "shared"), "ana", NOW)
        opened.add(note("A3", "private"), "bo", NOW)
    return NoteStore(tmp_path / "notes.sqlite3", tz=UTC)


def behaviors(notes: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(n.behavior for n in notes)


def test_the_store_shows_private_notes_to_their_author_and_managers(store: NoteStore) -> None:
    with store:
        assert behaviors(store.notes(reader=Reader("ana"))) == [
            "private note on A1",
            "shared note on A2",
        ]
        assert behaviors(store.notes(reader=Reader("bo"))) == [
            "private note on A3",
            "shared note on A2",
        ]
        assert len(store.notes(reader=Reader("cy", manager=True))) == 3
        assert store.get(1, reader=Reader("bo")) is None
        assert store.get(1, reader=Reader("ana")) is not None
        assert store.revisions(3, reader=Reader("ana")) == []
        assert len(store.all_revisions(reader=Reader("bo"))) == 2
        due = store.follow_ups(datetime(2026, 12, 5, tzinfo=UTC), reader=Reader("bo"))
        assert sorted(f.note.agent for f in due) == ["A2", "A3"]


def test_a_note_made_private_later_hides_its_shared_revision(store: NoteStore) -> None:
    with store:
        store.revise(2, {"visibility": "private"}, "ana", NOW)
        assert store.revisions(2, reader=Reader("bo")) == []
        assert len(store.all_revisions(reader=Reader("bo"))) == 1


def test_the_boards_notes_service_filters_by_its_author_and_role(
    tmp_path: Path, store: NoteStore
) -> None:
    from tests.notes_support import notes_config

    config = notes_config(tmp_path)
    from dataclasses import replace

    from floorwatch.tui.notes_service import NotesService

    config = replace(config, notes=replace(config.notes, path=store.path))
    for author, role, expected in (
        ("bo", None, ["private note on A3", "shared note on A2"]),
        ("bo", "manager", ["private note on A1", "private note on A3", "shared note on A2"]),
    ):
        service = NotesService(config, author=author, clock=lambda: NOW.timestamp(), role=role)
        shown = [n.behavior for a in ("A1", "A2", "A3") for n in service.agent_notes(a)]
        assert sorted(shown) == expected
        later = datetime(2026, 12, 5, tzinfo=UTC)
        due = service.store.follow_ups(later, reader=service.reader)
        assert len(due) == len(expected)
        service.store.close()


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "floor" / "floor3.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(CONFIG_YAML + extra)
    return path


def test_notes_list_export_and_report_hide_others_private_notes(
    tmp_path: Path, store: NoteStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(store.path)
    for role in (None, "manager"):
        extra = ["--role", role] if role else []
        assert run("list", "--store", path, "--format", "json", *extra) == 0
        listed = json.loads(capsys.readouterr().out)
        # FLOORWATCH_AUTHOR is env.author: none of these notes are theirs
        assert len(listed) == (1 if role is None else 3)
        assert run("export", "--store", path, "--format", "json", "--revisions", *extra) == 0
        assert len(json.loads(capsys.readouterr().out)) == (1 if role is None else 3)
        assert run("report", "--store", path, "--format", "json", *extra) == 0
        report = capsys.readouterr().out
        assert ("bo" in report) == (role == "manager")


def test_notes_role_and_default_visibility_come_from_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    text = config.read_text().replace(
        "notes: {path: notes/floor.sqlite3, author: li.wei}",
        "notes: {path: notes/floor.sqlite3, author: li.wei, role: manager,"
        " default_visibility: shared}",
    )
    config.write_text(text)
    loaded = load_config(config)
    assert (loaded.notes.role, loaded.notes.default_visibility) == ("manager", "shared")
    assert run(
        "add", "--config", str(config), "--agent", "A1", "--behavior", "b", "--suggestion", "s",
        "--timeframe", "+1d", "--force",
    ) == 0  # fmt: skip
    capsys.readouterr()
    with NoteStore(tmp_path / "floor" / "notes" / "floor.sqlite3", tz=UTC) as opened:
        assert [n.visibility for n in opened.notes()] == ["shared"]


def test_an_ssh_user_may_be_a_manager(tmp_path: Path) -> None:
    from floorwatch.config.types import SshUser
    from floorwatch.ssh.auth import KeyBook

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    book = KeyBook((SshUser("mo", "manager", (key,)),))
    assert book._people["mo"].role == "manager"


def test_the_period_report_reads_notes_with_the_readers_eyes(tmp_path: Path) -> None:
    from dataclasses import replace

    from floorwatch.commands.report import report_reader

    config = load_config(write_config(tmp_path))
    assert report_reader(config, None) == Reader("li.wei", manager=False)
    assert report_reader(config, "manager").manager
    managed = replace(config, notes=replace(config.notes, role="manager"))
    assert report_reader(managed, None).manager
