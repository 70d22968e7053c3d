"""The notes store: append-only revisions, migrations, many writers, durability, drafts, and the
failures of the file (read-only, disk full, locked) reported without losing anything.

One suite for both backends: every test taking `store` or `store_backend` runs on a SQLite file
and on a real PostgreSQL database (tests/pg_support.py). The tests of the file itself
(permissions, disk full, locks) are SQLite's; PostgreSQL's own (sites, NOTIFY, a restarted
server, copying a store) are in test_store_postgres.py."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from floorwatch.coaching import PRAISE, Evidence, NoteDraft, draft_fields
from floorwatch.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    InvalidNote,
    NoteStore,
    StoreError,
    resolve_author,
    store_path,
)
from floorwatch.store.migrations import POSTGRESQL, statements
from tests.conftest import StoreBackend

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 30, 9, 2, tzinfo=UTC)  # 10:02 on the floor
EVIDENCE = (Evidence("aht", "AHT", 312.0, "red", 210.0, 300.0, "60m", 8, "lower", "duration"),)


def draft(agent: str = "A017", **fields: object) -> NoteDraft:
    base: dict[str, object] = {
        "agent": agent,
        "agent_name": "Dana",
        "behavior": "10:02 call: 15 s of silence after the customer's question",
        "effect": "the customer asked twice whether anyone was there",
        "suggestion": "say: let me check that, one moment please",
        "timeframe": "+1d",
        "tags": ("aht",),
        "evidence": EVIDENCE,
    }
    base.update(fields)
    return NoteDraft(**base)  # type: ignore[arg-type]


@pytest.fixture()
def store(store_backend: StoreBackend) -> Iterator[NoteStore]:
    with store_backend.open(tz=BERLIN) as opened:
        yield opened


@pytest.fixture()
def sqlite_store(tmp_path: Path) -> Iterator[NoteStore]:
    """For what only a file can do (fill its disk, lock it, make it read-only)."""
    with NoteStore(tmp_path / "notes.sqlite3", tz=BERLIN) as opened:
        yield opened


# -- notes and revisions --------------------------------------------------------------------------


def test_a_note_keeps_every_field(store: NoteStore) -> None:
    saved = store.add(draft(observed_at=NOW - timedelta(minutes=5)), "li.wei", NOW)
    again = store.get(saved.id)
    assert again == saved
    assert (saved.agent, saved.agent_name, saved.author, saved.kind) == (
        "A017", "Dana", "li.wei", "improvement"
    )  # fmt: skip
    assert saved.created_at == NOW and saved.observed_at == NOW - timedelta(minutes=5)
    assert saved.follow_up_due == datetime(2026, 12, 1, 17, tzinfo=BERLIN)
    assert saved.evidence == EVIDENCE and saved.tags == ("aht",)
    assert saved.created_at.tzinfo is not None


def test_invalid_drafts_are_refused_with_field_messages(store: NoteStore) -> None:
    with pytest.raises(InvalidNote) as raised:
        store.add(draft(behavior="", timeframe="30/11"), "li.wei", NOW)
    assert set(raised.value.problems) == {"behavior", "timeframe"}
    assert store.notes() == []


def test_an_edit_is_a_revision_and_the_original_stays(store: NoteStore) -> None:
    original = store.add(draft(), "li.wei", NOW)
    later = NOW + timedelta(hours=2)
    edited = store.revise(original.id, {"effect": "CSAT fell from 90 to 75"}, "chen", later)
    assert (edited.revision, edited.effect, edited.revised_by) == (
        2,
        "CSAT fell from 90 to 75",
        "chen",
    )
    assert edited.author == "li.wei" and edited.created_at == NOW  # the note's, not the edit's
    assert edited.follow_up_due == original.follow_up_due  # same timeframe text: same due time
    history = store.revisions(original.id)
    assert [r.revision for r in history] == [1, 2]
    assert history[0] == original
    assert store.notes() == [edited]


def test_a_changed_timeframe_is_resolved_again(store: NoteStore) -> None:
    note = store.add(draft(), "li.wei", NOW)
    later = NOW + timedelta(days=3)  # the old due time has passed: still editable
    assert store.revise(note.id, {"behavior": "fixed typo"}, "li.wei", later).revision == 2
    moved = store.revise(note.id, replace(note.draft(), timeframe="+2d"), "li.wei", later)
    assert moved.follow_up_due == datetime(2026, 12, 5, 17, tzinfo=BERLIN)
    with pytest.raises(InvalidNote):
        store.revise(note.id, {"timeframe": "yesterday-ish"}, "li.wei", later)
    with pytest.raises(ValueError, match="not a note field"):
        store.revise(note.id, {"colour": "red"}, "li.wei", later)
    assert len(store.revisions(note.id)) == 3  # the refused edits added nothing


def test_retracting_hides_the_note_but_keeps_it(store: NoteStore) -> None:
    kept = store.add(draft(), "li.wei", NOW)
    gone = store.add(draft(agent="B002"), "li.wei", NOW)
    retracted = store.retract(gone.id, "li.wei", NOW + timedelta(minutes=1), "wrong agent")
    assert retracted.retracted and retracted.reason == "wrong agent"
    assert [n.id for n in store.notes()] == [kept.id]
    assert {n.id for n in store.notes(include_retracted=True)} == {kept.id, gone.id}
    assert store.revisions(gone.id)[0].behavior == gone.behavior
    with pytest.raises(StoreError, match="no note 99"):
        store.retract(99, "li.wei", NOW, "x")


def test_the_database_refuses_updates_and_deletes(
    store: NoteStore, store_backend: StoreBackend
) -> None:
    store.add(draft(), "li.wei", NOW)
    raw = store_backend.raw()
    refused = [
        "UPDATE revisions SET behavior = 'rewritten'",
        "DELETE FROM revisions",
        "UPDATE notes SET author = 'someone else'",
        "DELETE FROM notes",
    ]
    if store_backend.name == "postgresql":
        refused += ["TRUNCATE revisions", "TRUNCATE notes CASCADE"]
    for sql in refused:
        with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError), match="append-only"):
            raw.execute(sql)
    raw.close()
    assert store.notes()[0].behavior == draft().behavior


def test_filters_and_export_order(store: NoteStore) -> None:
    first = store.add(draft(), "li.wei", NOW)
    second = store.add(draft(agent="B002", kind=PRAISE), "li.wei", NOW + timedelta(days=2))
    store.revise(first.id, {"effect": "edited"}, "li.wei", NOW + timedelta(days=3))
    assert [n.id for n in store.notes(agent="B002")] == [second.id]
    assert [n.id for n in store.notes(since=NOW + timedelta(days=1))] == [second.id]
    assert [(n.id, n.revision) for n in store.all_revisions()] == [
        (first.id, 1), (first.id, 2), (second.id, 1)
    ]  # fmt: skip


def test_follow_ups_due_and_closed(store: NoteStore) -> None:
    due_today = store.add(draft(timeframe="end of shift"), "li.wei", NOW)
    next_week = store.add(draft(agent="B002", timeframe="+1w"), "li.wei", NOW)
    overdue = store.add(draft(agent="C003", timeframe="+2h"), "li.wei", NOW)
    later = NOW + timedelta(hours=3)
    found = store.follow_ups(later)
    assert [(f.note.id, f.overdue) for f in found] == [(overdue.id, True), (due_today.id, False)]
    closed = store.close_follow_up(overdue.id, "li.wei", later, "improved")
    assert closed.follow_up_outcome == "improved" and closed.follow_up_closed_at == later
    assert [f.note.id for f in store.follow_ups(later)] == [due_today.id]
    # A later edit keeps the follow-up closed.
    assert store.revise(overdue.id, {"effect": "x"}, "li.wei", later).follow_up_closed_at == later
    assert {n.id for n in store.open_follow_ups()} == {due_today.id, next_week.id}


# -- drafts ---------------------------------------------------------------------------------------


def test_drafts_per_agent_and_author(store: NoteStore) -> None:
    assert store.load_draft("A017", "li.wei") is None
    store.save_draft("A017", "li.wei", {"behavior": "first"}, NOW)
    store.save_draft("A017", "li.wei", {"behavior": "first words"}, NOW + timedelta(seconds=1))
    store.save_draft("A017", "chen", {"behavior": "chen's"}, NOW)
    assert store.load_draft("A017", "li.wei") == (
        {"behavior": "first words"}, NOW + timedelta(seconds=1)
    )  # fmt: skip
    store.discard_draft("A017", "chen")
    assert store.load_draft("A017", "chen") is None


def test_saving_the_note_clears_its_draft_and_only_that(store: NoteStore) -> None:
    store.save_draft("A017", "li.wei", draft_fields(draft()), NOW)
    store.save_draft("B002", "li.wei", {"behavior": "other agent"}, NOW)
    store.add(draft(), "li.wei", NOW)
    assert store.load_draft("A017", "li.wei") is None
    assert store.load_draft("B002", "li.wei") is not None


def test_a_refused_note_keeps_its_draft(store: NoteStore) -> None:
    store.save_draft("A017", "li.wei", {"behavior": ""}, NOW)
    with pytest.raises(InvalidNote):
        store.add(draft(behavior=""), "li.wei", NOW)
    assert store.load_draft("A017", "li.wei") is not None


# -- schema ---------------------------------------------------------------------------------------


def _version_1_store(backend: StoreBackend) -> None:
    """A store as floorwatch's first schema left it, holding one note."""
    raw = backend.raw()
    mark = "?" if backend.name == "sqlite" else "%s"
    if backend.name == "sqlite":
        raw.isolation_level = None
        for statement in statements(MIGRATIONS[0]):
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 1")
    else:
        raw.execute(POSTGRESQL[0])
        raw.execute("CREATE TABLE floorwatch_schema (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO floorwatch_schema VALUES (1)")
    at = NOW.isoformat(timespec="microseconds")
    raw.execute(
        f"INSERT INTO notes (agent, author, created_at) VALUES ('A017', 'li.wei', {mark})", (at,)
    )
    raw.execute(
        "INSERT INTO revisions (note_id, revision, revised_at, revised_by, agent_name, "
        "observed_at, behavior, effect, suggestion, timeframe, follow_up_due, kind, tags, "
        f"visibility, evidence) VALUES (1, 1, {mark}, 'li.wei', 'Dana', {mark}, 'old behavior', "
        "'', 's', '+1d', NULL, 'improvement', '[\"aht\"]', 'private', '[]')",
        (at, at),
    )
    raw.close()


def _schema_version(backend: StoreBackend) -> int:
    raw = backend.raw()
    sql = (
        "PRAGMA user_version"
        if backend.name == "sqlite"
        else "SELECT version FROM floorwatch_schema"
    )
    version = int(raw.execute(sql).fetchone()[0])
    raw.close()
    return version


def test_a_version_1_store_is_migrated_forward(store_backend: StoreBackend) -> None:
    _version_1_store(store_backend)
    with store_backend.open(tz=BERLIN) as store:
        (old,) = store.notes()
        assert (old.behavior, old.tags, old.follow_up_closed_at) == ("old behavior", ("aht",), None)
        store.save_draft("A017", "li.wei", {"behavior": "new"}, NOW)  # v2's table
        closed = store.close_follow_up(old.id, "li.wei", NOW, "same")  # v3's columns
        assert closed.follow_up_outcome == "same"
        store.record_reds([("A017", "aht", NOW)])  # v5's table, v6's site
        assert store.reds(NOW) == [("A017", "aht", NOW)]
        assert store.add(draft(), "li.wei", NOW).id == 2  # ids continue after the old note
    assert _schema_version(store_backend) == SCHEMA_VERSION
    if store_backend.name == "sqlite":
        raw = sqlite3.connect(store_backend.location)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        raw.close()


def test_a_store_from_a_newer_floorwatch_is_refused(store_backend: StoreBackend) -> None:
    raw = store_backend.raw()
    if store_backend.name == "sqlite":
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        raw.execute("CREATE TABLE floorwatch_schema (version INTEGER NOT NULL)")
        raw.execute(f"INSERT INTO floorwatch_schema VALUES ({SCHEMA_VERSION + 1})")
    raw.close()
    with pytest.raises(StoreError, match="newer floorwatch"):
        store_backend.open().notes()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, in plain text\n" * 100)
    with pytest.raises(StoreError, match=f"{path}.*not a floorwatch notes store"):
        NoteStore(path).notes()


def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "notes.sqlite3"
    store = NoteStore(path)
    store.add(draft(), "li.wei", NOW)
    companions = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(p.exists() for p in companions)  # still open: WAL files present
    for p in companions:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    store.close()


def test_store_path_prefers_the_config(tmp_path: Path) -> None:
    from floorwatch.config.types import Config, FloorConfig, NotesConfig

    config = Config(
        source=tmp_path / "floorwatch.yaml",
        floor=FloorConfig(),
        feeds=(),
        metrics=(),
        notes=NotesConfig(path=tmp_path / "mine.db"),
    )
    assert store_path(config) == tmp_path / "mine.db"
    assert store_path(None).name == "notes.sqlite3"


def _floor_config(source: Path, name: str = "Billing floor"):
    from floorwatch.config.types import Config, FloorConfig

    return Config(source=source, floor=FloorConfig(name=name), feeds=(), metrics=())


def test_each_config_gets_its_own_default_store(tmp_path: Path) -> None:
    from floorwatch.store import choose_store, default_store_path

    north = _floor_config(tmp_path / "north" / "floorwatch.yaml", "North floor")
    south = _floor_config(tmp_path / "south" / "floorwatch.yaml", "North floor")  # same name
    paths = {store_path(north), store_path(south)}
    assert len(paths) == 2 and default_store_path() not in paths
    assert all(p.parent == default_store_path().parent / "floors" for p in paths)
    assert store_path(north).name.startswith("north-floor-")
    again = _floor_config(tmp_path / "north" / ".." / "north" / "floorwatch.yaml", "North floor")
    assert store_path(again) == store_path(north)  # the same file, however it is named
    assert choose_store(north).notice is None


def test_an_existing_shared_store_is_kept_and_said(tmp_path: Path) -> None:
    from floorwatch.store import choose_store, default_store_path, floor_store_path

    config = _floor_config(tmp_path / "floorwatch.yaml")
    legacy = default_store_path()
    with NoteStore(legacy) as store:  # notes written before stores were per config
        store.add(draft(), "li.wei", NOW)
    choice = choose_store(config)
    assert choice.path == legacy and choice.notice is not None
    assert str(legacy) in choice.notice and "notes.path" in choice.notice
    # Once the floor's own store exists (moved there, or set up anew), it wins.
    with NoteStore(floor_store_path(config)) as store:
        store.add(draft(), "li.wei", NOW)
    assert choose_store(config).path == floor_store_path(config)
    assert choose_store(config).notice is None


def test_author(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOORWATCH_AUTHOR", "env.author")
    assert resolve_author("li.wei") == "li.wei"
    assert resolve_author(None) == "env.author"
    monkeypatch.delenv("FLOORWATCH_AUTHOR")
    assert resolve_author("  ") != ""


# -- failures of the file -------------------------------------------------------------------------


def test_disk_full_is_a_clear_error_and_nothing_is_half_saved(sqlite_store: NoteStore) -> None:
    store = sqlite_store
    store.add(draft(), "li.wei", NOW)
    connection = store.db._connection()  # the only way to fill a 'disk' deterministically
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    big = draft(behavior="x" * 19_000, effect="y" * 19_000)
    with pytest.raises(StoreError, match=f"{store.path}.*disk is full"):
        store.add(big, "li.wei", NOW)
    with pytest.raises(StoreError, match="disk is full"):
        store.save_draft("A017", "li.wei", draft_fields(big), NOW)
    assert big.behavior == "x" * 19_000  # the caller's text is untouched
    assert len(store.notes()) == 1
    connection.execute("PRAGMA max_page_count = 1073741823")
    store.add(big, "li.wei", NOW)  # a retry works once there is room
    assert len(store.notes()) == 2


def test_locked_past_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    store = NoteStore(path, busy_timeout_ms=200)
    store.add(draft(), "li.wei", NOW)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError, match=r"another floorwatch kept it locked for more than 0.2 s"):
        store.add(draft(), "li.wei", NOW)
    assert len(store.notes()) == 1  # reading still works while another writes
    other.execute("ROLLBACK")
    other.close()
    store.add(draft(), "li.wei", NOW)
    assert len(store.notes()) == 2
    store.close()


def _as_nobody() -> None:
    """In a forked child: drop root, so that file permissions apply as to a supervisor."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setgroups([])
        os.setuid(65534)


def _try_to_write(path: str, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    _as_nobody()
    store = NoteStore(path, tz=BERLIN)
    text = draft(behavior="what I typed")
    outcome: dict[str, object] = {}
    for action, call in (
        ("add", lambda: store.add(text, "li.wei", NOW)),
        ("draft", lambda: store.save_draft("A017", "li.wei", draft_fields(text), NOW)),
        ("read", lambda: len(store.notes())),
    ):
        try:
            outcome[action] = call()
        except StoreError as error:
            outcome[action] = f"StoreError: {error}"
        except Exception as error:  # reported, so the assertion shows what went wrong
            outcome[action] = f"{type(error).__name__}: {error}"
    outcome["text"] = text.behavior
    results.put(outcome)


def _run_as_nobody(path: Path) -> dict[str, object]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_try_to_write, args=(str(path), results))
    child.start()
    outcome = results.get(timeout=60)
    child.join(timeout=60)
    return outcome  # type: ignore[no-any-return]


@pytest.fixture()
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="floorwatch-store-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.iterdir():
        path.unlink()
    folder.chmod(0o700)
    folder.rmdir()


def _store_with_one_note(folder: Path) -> Path:
    path = folder / "notes.sqlite3"
    with NoteStore(path, tz=BERLIN) as store:
        store.add(draft(), "li.wei", NOW)
    assert not Path(f"{path}-wal").exists()  # closed cleanly: checkpointed
    return path


def test_a_read_only_store_file(shared_dir: Path) -> None:
    path = _store_with_one_note(shared_dir)
    path.chmod(0o444)
    shared_dir.chmod(0o777)  # the folder is writable: only the file is read-only
    outcome = _run_as_nobody(path)
    assert str(outcome["add"]).startswith(f"StoreError: {path}: cannot save to the notes store")
    assert "read-only" in str(outcome["add"])
    assert str(outcome["draft"]).startswith("StoreError:") and "read-only" in str(outcome["draft"])
    assert outcome["read"] == 1
    assert outcome["text"] == "what I typed"
    shared_dir.chmod(0o755)
    with NoteStore(path) as store:
        assert len(store.notes()) == 1


def test_a_read_only_store_folder(shared_dir: Path) -> None:
    path = _store_with_one_note(shared_dir)
    path.chmod(0o666)  # the file is writable, but its -wal/-shm cannot be created
    outcome = _run_as_nobody(path)
    for action in ("add", "draft"):
        message = str(outcome[action])
        assert message.startswith(f"StoreError: {path}: cannot"), message
        assert "read-only" in message or "cannot be opened or written" in message
    assert outcome["text"] == "what I typed"


# -- several threads and processes ----------------------------------------------------------------


def test_writes_from_worker_threads(store: NoteStore) -> None:
    def write(worker: int) -> list[int]:
        return [store.add(draft(agent=f"T{worker}"), "li.wei", NOW).id for _ in range(25)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = [i for batch in pool.map(write, range(4)) for i in batch]
    assert len(set(ids)) == 100
    assert len(store.notes()) == 100


def test_the_change_token_shows_another_process_wrote(store_backend: StoreBackend) -> None:
    mine, theirs = store_backend.open(), store_backend.open()
    before = mine.change_token()
    assert mine.change_token() == before
    theirs.add(draft(), "chen", NOW)
    give_up = time.monotonic() + 10  # PostgreSQL's NOTIFY arrives on the listener's thread
    while mine.change_token() == before and time.monotonic() < give_up:
        time.sleep(0.01)
    assert mine.change_token() != before
    assert len(mine.notes()) == 1
    mine.close()
    theirs.close()


def _write_many(path: str, writer: int, count: int, start: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    # Two hosts' worth of connections in each process: notes alternate between two stores.
    hosts = [NoteStore(path, tz=BERLIN, busy_timeout_ms=30_000) for _ in range(2)]
    start.wait(timeout=60)
    for number in range(count):
        store = hosts[number % 2]
        store.add(draft(agent=f"W{writer}", behavior=f"note {number}"), f"sup{writer}", NOW)
    for store in hosts:
        store.close()


@pytest.mark.slow
def test_four_processes_writing_at_once_keep_every_note(store_backend: StoreBackend) -> None:
    path = str(store_backend.location)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [
        context.Process(target=_write_many, args=(path, writer, 250, start)) for writer in range(4)
    ]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(timeout=300)
    assert [process.exitcode for process in writers] == [0, 0, 0, 0]
    with store_backend.open() as store:
        notes = store.notes()
    assert len(notes) == 1000
    assert len({note.id for note in notes}) == 1000
    for writer in range(4):
        mine = [n.behavior for n in notes if n.agent == f"W{writer}"]
        assert sorted(mine, key=lambda b: int(b.split()[1])) == [f"note {i}" for i in range(250)]


# -- killed processes -----------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from floorwatch.coaching import NoteDraft
    from floorwatch.store import NoteStore

    store = NoteStore(sys.argv[1])
    action = sys.argv[2]
    now = datetime.now(UTC)
    if action == "notes":
        for number in range(1_000_000):
            note = store.add(
                NoteDraft(agent="A017", behavior=f"note {number}", suggestion="s", timeframe="+1d"),
                "li.wei", now,
            )
            print("saved", note.id, flush=True)
    else:
        store.save_draft("A017", "li.wei", {"behavior": "half a thought"}, now)
        print("saved", flush=True)
        time.sleep(600)
    """
)


def _kill_after(path: Path | str, action: str, lines: int) -> list[str]:
    """Run the child, SIGKILL it the moment it has reported `lines` saves; return its lines."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), action],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        assert child.stdout is not None
        while len(seen) < lines:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"child ended early: {child.stderr.read()}")  # type: ignore[union-attr]
            seen.append(line.strip())
        child.send_signal(signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return seen


def test_a_note_reported_saved_survives_kill_9(store_backend: StoreBackend) -> None:
    seen = _kill_after(store_backend.location, "notes", lines=20)
    reported = {int(line.split()[1]) for line in seen}
    with store_backend.open() as store:
        kept = {note.id for note in store.notes()}
    assert reported <= kept


def test_a_draft_survives_kill_9(store_backend: StoreBackend) -> None:
    assert _kill_after(store_backend.location, "draft", lines=1) == ["saved"]
    with store_backend.open() as store:
        restored = store.load_draft("A017", "li.wei")
    assert restored is not None and restored[0] == {"behavior": "half a thought"}


def test_follow_ups_read_narrowly_but_agree_with_the_pure_rule(store: NoteStore) -> None:
    from floorwatch.coaching import due_follow_ups

    start = NOW - timedelta(days=20)
    for day in range(20):  # a mix of agents, tags and timeframes over three weeks
        moment = start + timedelta(days=day, hours=day % 5)
        agent = f"A{day % 4}"
        tags = ("aht",) if day % 3 else ("csat",)
        timeframe = ("+1d", "+2h", "+1w", "end of shift")[day % 4]
        note = store.add(draft(agent=agent, tags=tags, timeframe=timeframe), "li.wei", moment)
        if day % 7 == 0:
            store.close_follow_up(note.id, "li.wei", moment + timedelta(hours=1), "same")
        if day % 9 == 0:
            store.retract(note.id, "li.wei", moment + timedelta(hours=1), "mistake")
    for now in (NOW - timedelta(days=10), NOW, NOW + timedelta(days=3)):
        expected = due_follow_ups(store.notes(include_retracted=True), now, BERLIN)
        assert store.follow_ups(now) == expected
    assert any(f.overdue for f in store.follow_ups(NOW))


def test_close_waits_for_a_write_under_way_in_another_thread(store_backend: StoreBackend) -> None:
    """The app closes the store on quit while a worker may still be saving: closing a connection
    another thread is using crashes SQLite, so close() waits for the write to finish."""
    store = store_backend.open()
    store.save_daily_figures([])  # opens the store
    inside, done = threading.Event(), []

    def body(tx: object) -> None:
        inside.set()
        time.sleep(0.3)
        tx.execute(  # type: ignore[attr-defined]
            "INSERT INTO daily_figures (day, agent, metric, value, count) "
            "VALUES ('2024-01-02', 'A1', 'aht', 1.0, 1)"
        )

    def slow_write() -> None:
        store.db.write("save to", body)
        done.append(time.monotonic())

    writer = threading.Thread(target=slow_write)
    writer.start()
    assert inside.wait(5)
    store.close()
    closed = time.monotonic()
    writer.join(5)
    assert done and done[0] <= closed  # the write committed before the connections closed
    assert store.daily_figures("A1", "2024-01-01") == [("2024-01-02", "aht", 1.0, 1)]
    store.close()
