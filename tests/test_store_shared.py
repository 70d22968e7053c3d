"""A store shared by floors and hosts: sites that never mix (both backends), and PostgreSQL's own
promises on a real server: other hosts' notes within a second by NOTIFY, a restarted server
that the store reconnects to without losing or doubling a save, passwords only from
$PGPASSWORD/.pgpass, migrations that are all or nothing, and `notes migrate --to URL`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from floorwatch.coaching.goals import Goal
from floorwatch.config import ConfigError, load_config
from floorwatch.store import NoteStore, StoreError, migrations
from floorwatch.store.goals import GoalBook
from floorwatch.store.postgres import PostgresDatabase
from tests.conftest import StoreBackend
from tests.pg_support import PgServer
from tests.test_store import BERLIN, NOW, draft

# -- sites: floors sharing one store --------------------------------------------------------------


def test_floors_sharing_a_store_never_mix(store_backend: StoreBackend) -> None:
    north = store_backend.open(tz=BERLIN, site="north")
    south = store_backend.open(tz=BERLIN, site="south")
    mine = north.add(draft(agent="A017"), "li.wei", NOW)
    theirs = south.add(draft(agent="A017", behavior="south's note"), "chen", NOW)
    assert [n.id for n in north.notes()] == [mine.id]
    assert [n.id for n in south.notes(agent="A017")] == [theirs.id]
    assert north.get(theirs.id) is None and north.revisions(theirs.id) == []
    with pytest.raises(StoreError, match=f"no note {theirs.id}"):
        north.retract(theirs.id, "li.wei", NOW, "not ours")  # nor edit another floor's note
    assert [f.note.id for f in north.follow_ups(NOW + timedelta(days=2))] == [mine.id]
    north.save_draft("A017", "li.wei", {"behavior": "north draft"}, NOW)
    assert south.load_draft("A017", "li.wei") is None
    north.save_daily_figures([("2026-11-29", "A017", "aht", 300.0, 10)])
    south.save_daily_figures([("2026-11-29", "A017", "aht", 200.0, 20)])
    assert north.daily_figures("A017", "2026-11-01") == [("2026-11-29", "aht", 300.0, 10)]
    north.record_reds([("A017", "aht", NOW)])
    assert south.reds(NOW) == []
    # Goals too: each floor's own, and a config goal's check-ins (`config:1` on both floors)
    # kept apart.
    north_goal = GoalBook(north).add(
        Goal("", "floor", "", "aht", 420, 300, date(2026, 11, 2), date(2027, 1, 29)), "li", NOW
    )
    assert GoalBook(south).goals() == []
    config_goal = Goal("config:1", "floor", "", "csat", 80, 90, date(2026, 11, 2), date(2027, 1, 1))
    GoalBook(north).check_in(config_goal, 85.0, "li", NOW)
    GoalBook(south).check_in(config_goal, 81.0, "chen", NOW)
    assert [c.value for c in GoalBook(north).check_ins("config:1")] == [85.0]
    assert [c.value for c in GoalBook(south).check_ins("config:1")] == [81.0]
    GoalBook(south).end(north_goal.key, "chen", NOW, "not yours")  # another floor's: no effect
    assert [g.key for g in GoalBook(north).goals()] == [north_goal.key]
    across = store_backend.open(tz=BERLIN, all_sites=True)
    assert {n.id for n in across.notes()} == {mine.id, theirs.id}
    assert across.reds(NOW) == [("A017", "aht", NOW)]
    for store in (north, south, across):
        store.close()


# -- PostgreSQL: live sync ------------------------------------------------------------------------


@pytest.fixture()
def hosts(pg_url: str) -> Iterator[tuple[NoteStore, NoteStore]]:
    """Two floorwatch hosts on one database."""
    first, second = NoteStore(pg_url, tz=BERLIN), NoteStore(pg_url, tz=BERLIN)
    yield first, second
    first.close()
    second.close()


def test_a_note_written_on_one_host_shows_on_the_other_within_a_second(
    hosts: tuple[NoteStore, NoteStore],
) -> None:
    here, there = hosts
    for listener, writer in ((here, there), (there, here)):
        heard = threading.Event()
        listener.on_change(heard.set)
        listener.change_token()  # listening before the write
        heard.clear()
        note = writer.add(draft(), "chen", NOW)
        committed = time.monotonic()
        assert heard.wait(1.0), "no NOTIFY within 1 s"
        assert listener.get(note.id) == note
        assert time.monotonic() - committed < 1.0


def test_notifications_of_other_floors_do_not_wake_a_board(pg_url: str) -> None:
    north, south = NoteStore(pg_url, site="north"), NoteStore(pg_url, site="south")
    woken = threading.Event()
    north.on_change(woken.set)
    before = north.change_token()
    south.add(draft(), "chen", NOW)
    assert not woken.wait(0.5)
    north.add(draft(), "li.wei", NOW)
    assert woken.wait(5)
    assert north.change_token() > before
    north.close()
    south.close()


def test_the_notes_service_posts_notes_changed_when_another_host_writes(pg_url: str) -> None:
    from dataclasses import replace

    from floorwatch.config.types import NotesConfig
    from floorwatch.tui.notes_service import NotesChanged, NotesService
    from tests.app_support import load_fixture_config
    from tests.notes_support import Clock

    config = replace(load_fixture_config(), notes=NotesConfig(url=pg_url, author="li.wei"))
    service = NotesService(config, clock=Clock())
    service.POLL_INTERVAL = 30.0  # the poll alone would be far too slow: NOTIFY must wake it
    seen: list[NotesChanged] = []

    class Board:
        def post_message(self, message: Any) -> bool:
            seen.append(message)
            return True

    service.start(Board())  # type: ignore[arg-type]
    try:
        give_up = time.monotonic() + 10
        while not seen and time.monotonic() < give_up:
            time.sleep(0.01)
        assert seen, "the first snapshot never came"
        other_host = NoteStore(pg_url, tz=BERLIN)
        note = other_host.add(draft(agent="A017", visibility="shared"), "chen", service.now())
        committed = time.monotonic()
        while time.monotonic() - committed < 1.0 and "A017" not in seen[-1].snapshot.indicators:
            time.sleep(0.01)
        assert "A017" in seen[-1].snapshot.indicators, "the other host's note did not show in 1 s"
        other_host.close()
        assert note.author == "chen"
    finally:
        service.stop()


def test_a_boards_worker_threads_share_a_few_connections(pg_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from floorwatch.store.postgres import POOL_SIZE

    store = NoteStore(pg_url, tz=BERLIN)
    store.on_change(lambda: None)
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    most = 0

    def write(worker: int) -> int:
        nonlocal most
        for _ in range(10):
            store.add(draft(agent=f"T{worker}"), "li.wei", NOW)
            with psycopg.connect(pg_url) as raw:
                (count,) = raw.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND application_name = 'floorwatch'",
                    (database,),
                ).fetchone()  # type: ignore[misc]
            most = max(most, count)
        return worker

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(8)))
    assert len(store.notes()) == 80
    assert 1 <= most <= POOL_SIZE  # not one per thread (the listener has a name of its own)
    store.close()


# -- PostgreSQL: a dropped connection -------------------------------------------------------------


def test_a_restarted_server_is_reconnected_and_the_next_save_lands(
    pg_server: PgServer, hosts: tuple[NoteStore, NoteStore]
) -> None:
    store, other = hosts
    heard = threading.Event()
    store.on_change(heard.set)
    first = store.add(draft(), "li.wei", NOW)
    store.save_draft("B002", "li.wei", {"behavior": "typed before the restart"}, NOW)
    before = store.change_token()
    pg_server.restart()  # every connection drops
    second = store.add(draft(agent="B002"), "li.wei", NOW)  # reconnects, lands
    assert store.db.reconnects >= 1
    assert [n.id for n in store.notes()] == [first.id, second.id]
    assert store.load_draft("B002", "li.wei") is None  # the note's save cleared its draft
    # The listener came back too: another host's note still wakes this one.
    give_up = time.monotonic() + 20
    while store.change_token() == before and time.monotonic() < give_up:
        time.sleep(0.05)
    heard.clear()
    other.add(draft(agent="C003"), "chen", NOW)
    assert heard.wait(5)


def test_a_draft_typed_across_a_restart_is_kept(pg_server: PgServer, pg_url: str) -> None:
    store = NoteStore(pg_url, tz=BERLIN)
    store.save_draft("A017", "li.wei", {"behavior": "half a"}, NOW)
    pg_server.restart()
    store.save_draft("A017", "li.wei", {"behavior": "half a thought"}, NOW)  # the autosave
    assert store.db.reconnects >= 1
    assert store.load_draft("A017", "li.wei") == ({"behavior": "half a thought"}, NOW)
    store.close()


def test_saves_during_a_restart_are_all_kept_once_or_reported(
    pg_server: PgServer, pg_url: str
) -> None:
    store = NoteStore(pg_url, tz=BERLIN)
    store.notes()  # schema ready before the writer starts
    saved: list[int] = []
    reported: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        number = 0
        while not stop.is_set():
            try:
                note = store.add(draft(behavior=f"note {number}"), "li.wei", NOW)
                saved.append(note.id)
            except StoreError as error:  # reported: the caller still has its text
                reported.append(str(error))
            number += 1

    thread = threading.Thread(target=writer)
    thread.start()
    while len(saved) < 20:
        time.sleep(0.01)
    pg_server.restart()
    count = len(saved)
    give_up = time.monotonic() + 30
    while len(saved) < count + 20 and time.monotonic() < give_up:
        time.sleep(0.05)
    stop.set()
    thread.join(60)
    assert len(saved) >= count + 20, reported
    kept = store.notes()
    assert sorted(n.id for n in kept) == sorted(saved)  # every acknowledged save, none twice
    assert len({n.behavior for n in kept}) == len(kept)
    store.close()


def test_a_commit_whose_acknowledgement_was_lost_is_not_written_twice(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops after the server committed but before we heard: the retry finds
    the first attempt by its save key."""
    store = NoteStore(pg_url, tz=BERLIN)
    note = store.add(draft(), "li.wei", NOW)
    real = PostgresDatabase._transaction
    lost = {"note": 1, "revision": 1}

    def commit_then_drop(self: PostgresDatabase, connection: Any, body: Any) -> Any:
        result = real(self, connection, body)
        kind = "note" if isinstance(result, int) else "revision"
        if lost[kind]:
            lost[kind] -= 1
            connection.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(PostgresDatabase, "_transaction", commit_then_drop)
    again = store.add(draft(agent="B002"), "li.wei", NOW)
    edited = store.revise(note.id, {"effect": "edited once"}, "li.wei", NOW)
    assert lost == {"note": 0, "revision": 0}
    assert [n.id for n in store.notes()] == [note.id, again.id]
    assert [r.revision for r in store.revisions(note.id)] == [1, 2]
    assert edited.effect == "edited once"
    store.close()


def test_an_unreachable_server_is_reported_and_nothing_is_pretended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("floorwatch.store.backend.RECONNECT_SECONDS", 0.5)
    url = "postgresql://floorwatch@127.0.0.1:1/none"  # nothing listens on port 1
    store = NoteStore(url)
    text = draft(behavior="what I typed")
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot be reached") as raised:
        store.add(text, "li.wei", NOW)  # never reached: a wrong address, said at once
    assert time.monotonic() - started < 5 and store.db.reconnects == 0
    assert "127.0.0.1" in str(raised.value)
    store.db.connected_once = True  # as if it had been reached, then went away
    with pytest.raises(StoreError, match="cannot be reached") as raised:
        store.add(text, "li.wei", NOW)
    assert "nothing was saved by this attempt" in str(raised.value)
    assert store.db.reconnects >= 1
    assert text.behavior == "what I typed"


# -- PostgreSQL: passwords, migrations -------------------------------------------------------------


def test_the_password_comes_from_pgpassword_never_the_url(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if pg_server.folder is None:
        pytest.skip("needs the cluster's folder (its floorwatch role's password)")
    url = f"postgresql://floorwatch@127.0.0.1:{pg_server.port()}/floorwatch"
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(StoreError, match=r"refused the login.*\$PGPASSWORD or ~/.pgpass"):
        NoteStore(url).notes()
    monkeypatch.setenv("PGPASSWORD", pg_server.password())
    with NoteStore(url, site="pgpassword-test") as store:
        assert store.notes() == []
    with pytest.raises(StoreError, match="must not hold a password"):
        NoteStore(f"postgresql://floorwatch:{pg_server.password()}@127.0.0.1/floorwatch")


def test_a_password_in_the_config_url_is_an_error_at_its_line(tmp_path: Path) -> None:
    from tests.test_config import minimal

    path = minimal(tmp_path)
    base = path.read_text()
    for url in ("postgresql://li:secret@db.example/notes", "postgresql://db/notes?password=x"):
        path.write_text(base + f"notes:\n  url: {url}\n")
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        (problem,) = raised.value.problems
        assert (problem.line, problem.col) == (base.count("\n") + 2, 8)
        assert "must not hold a password" in problem.message and "secret" not in str(problem)
    path.write_text(base + "notes:\n  url: postgresql://li@db/notes\n  path: notes.db\n")
    with pytest.raises(ConfigError, match=r"either url .* or path"):
        load_config(path)
    path.write_text(base + "notes:\n  url: mysql://li@db/notes\n")
    with pytest.raises(ConfigError, match=r"notes.url must be a postgresql:// URL"):
        load_config(path)
    path.write_text(
        base + "notes:\n  path: null\n  url: postgresql://li@db.example/notes\n  site: north\n"
    )
    notes = load_config(path).notes
    assert (notes.url, notes.site, notes.path) == (
        "postgresql://li@db.example/notes",
        "north",
        None,
    )


def test_a_failed_migration_leaves_the_schema_as_it_was(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = migrations.POSTGRESQL
    monkeypatch.setattr(migrations, "POSTGRESQL", (*good, "CREATE TABLE goals (x INTEGER); oops"))
    with pytest.raises(StoreError, match="syntax error"):
        NoteStore(pg_url).notes()
    with psycopg.connect(pg_url) as raw:
        tables = {row[0] for row in raw.execute("SELECT tablename FROM pg_tables")}
        assert "goals" not in tables and "notes" not in tables  # all or nothing
    monkeypatch.setattr(migrations, "POSTGRESQL", good)
    with NoteStore(pg_url) as store:
        assert store.notes() == []


def test_two_hosts_starting_at_once_migrate_once(pg_url: str) -> None:
    results: list[object] = []

    def start() -> None:
        try:
            with NoteStore(pg_url) as store:
                results.append(len(store.notes()))
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [0, 0, 0, 0]
    with psycopg.connect(pg_url) as raw:
        assert raw.execute("SELECT version FROM floorwatch_schema").fetchall() == [
            (migrations.SCHEMA_VERSION,)
        ]


# -- notes migrate --to URL ------------------------------------------------------------------------


def _migrate(store: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "floorwatch", "notes", "migrate",
         "--store", str(store), "--to", url, *extra],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_notes_migrate_copies_a_sqlite_store_losslessly(tmp_path: Path, pg_url: str) -> None:
    path = tmp_path / "notes.sqlite3"
    with NoteStore(path, tz=BERLIN, site="north") as old:
        first = old.add(draft(behavior="naïve café ☕ 'quoted' %s ?"), "li.wei", NOW)
        old.revise(first.id, {"effect": "edited"}, "chen", NOW + timedelta(hours=1))
        old.retract(first.id, "li.wei", NOW + timedelta(hours=2), "wrong agent")
        second = old.add(draft(agent="B002", timeframe="+2h"), "li.wei", NOW)
        old.close_follow_up(second.id, "li.wei", NOW + timedelta(hours=3), "improved")
        old.save_draft("C003", "li.wei", {"behavior": "half a thought"}, NOW)
        old.save_daily_figures([("2026-11-29", "A017", "aht", 312.123456789, 8)])
        old.record_reds([("A017", "aht", NOW), ("B002", "csat", NOW)])
        book = GoalBook(old)
        goal = book.add(
            Goal("", "team", "North", "aht", 420.5, 300.25, date(2026, 11, 2), date(2027, 1, 29)),
            "li.wei", NOW,
        )  # fmt: skip
        book.check_in(goal, 380.125, "li.wei", NOW, comment="on track")
        book.end(goal.key, "li.wei", NOW + timedelta(days=1), "team reorganised")
        expected = old.all_revisions()
    done = _migrate(path, pg_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{path} -> {pg_url}: copied"
    counts = dict(line.split() for line in lines[1:9])
    assert counts == {
        "notes": "2", "revisions": "5", "drafts": "1", "daily_figures": "1", "reds": "2",
        "goals": "1", "goal_ends": "1", "goal_checkins": "1",
    }  # fmt: skip
    assert lines[9].startswith("checksum sha256:") and "source and copy agree" in lines[9]
    with NoteStore(pg_url, tz=BERLIN, site="north") as copy:
        assert copy.all_revisions() == expected
        assert copy.load_draft("C003", "li.wei") == ({"behavior": "half a thought"}, NOW)
        assert copy.daily_figures("A017", "2026-11-01") == [("2026-11-29", "aht", 312.123456789, 8)]
        assert len(copy.reds(NOW)) == 2
        copied_book = GoalBook(copy)
        assert copied_book.goals(include_ended=True) == [replace(goal, source="store")]
        assert copied_book.goals() == []  # ended
        assert [c.comment for c in copied_book.check_ins(goal.key)] == ["on track"]
        assert copy.add(draft(), "li.wei", NOW).id == second.id + 1  # ids go on after the copy
        assert copied_book.add(goal, "li.wei", NOW).key == "G2"
    # Again: the target now holds more than the source, so it is refused, not merged.
    refused = _migrate(path, pg_url)
    assert refused.returncode == 1
    assert "refusing to copy into a store that is not empty (3 notes" in refused.stderr


def test_notes_migrate_again_changes_nothing(tmp_path: Path, pg_url: str) -> None:
    path = tmp_path / "notes.sqlite3"
    with NoteStore(path) as old:
        old.add(draft(), "li.wei", NOW)
    first, again = _migrate(path, pg_url), _migrate(path, pg_url)
    assert first.returncode == again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0].endswith(": already holds")
    assert first.stdout.splitlines()[-1].split()[1] == again.stdout.splitlines()[-1].split()[1]
    with NoteStore(pg_url) as copy:
        assert len(copy.notes()) == 1


def test_notes_migrate_as_site_names_a_floor_that_had_its_own_file(
    tmp_path: Path, pg_url: str
) -> None:
    path = tmp_path / "notes.sqlite3"
    with NoteStore(path) as old:  # site '': the file was this floor's alone
        note = old.add(draft(), "li.wei", NOW)
        old.save_draft("B002", "li.wei", {"behavior": "typed"}, NOW)
        old.record_reds([("A017", "aht", NOW)])
    first = _migrate(path, pg_url, "--as-site", "north")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].endswith(": copied (as site 'north')")
    with NoteStore(pg_url, site="north") as north, NoteStore(pg_url) as unnamed:
        assert [n.id for n in north.notes()] == [note.id]
        assert north.load_draft("B002", "li.wei") is not None and len(north.reds(NOW)) == 1
        assert unnamed.notes() == []
    again = _migrate(path, pg_url, "--as-site", "north")
    assert again.returncode == 0 and ": already holds" in again.stdout.splitlines()[0]


def test_notes_migrate_refuses_a_url_with_a_password(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    with NoteStore(path) as old:
        old.add(draft(), "li.wei", NOW)
    done = _migrate(path, "postgresql://li:hunter2@db.example/notes")
    assert done.returncode == 2 and "must not hold a password" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout


def test_notes_export_across_sites(tmp_path: Path, pg_url: str) -> None:
    for site in ("north", "south"):
        with NoteStore(pg_url, site=site) as store:
            store.add(draft(agent=f"{site}-agent", visibility="shared"), "li.wei", NOW)

    def export(*extra: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "floorwatch", "notes", "export", "--store", pg_url, *extra],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return sorted(item["agent"] for item in json.loads(done.stdout))

    assert export("--site", "north") == ["north-agent"]
    assert export("--all-sites") == ["north-agent", "south-agent"]
    assert export() == []  # no config: the store's unnamed site


def test_a_ui_thread_is_not_frozen_by_a_server_that_went_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The BEST panel reads and writes drafts on the UI thread: there a lost server fails at
    once; a worker thread's save retries for the reconnect budget."""
    from dataclasses import replace

    from floorwatch.config.types import NotesConfig
    from floorwatch.tui.notes_service import NotesService
    from tests.app_support import load_fixture_config
    from tests.notes_support import Clock

    monkeypatch.setattr("floorwatch.store.backend.RECONNECT_SECONDS", 3.0)
    url = "postgresql://floorwatch@127.0.0.1:1/none"  # nothing listens on port 1
    config = replace(load_fixture_config(), notes=NotesConfig(url=url, author="li.wei"))
    service = NotesService(config, clock=Clock())
    started = time.monotonic()
    with pytest.raises(StoreError, match="not retried here"):
        service.load_draft("A017")
    with pytest.raises(StoreError, match="not retried here"):
        service.save_draft(draft())
    assert time.monotonic() - started < 2.0
    assert service.store.db.reconnects == 0
    service.store.db.connected_once = True  # as if the server had been up, then went away
    failed: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(failed, service.save_draft, draft()))
    worker.start()
    worker.join(30)
    assert isinstance(failed[0], StoreError) and "retries" in str(failed[0])
    assert service.store.db.reconnects >= 2


def _catch(into: list[BaseException], call: Any, *args: Any) -> None:
    try:
        call(*args)
    except BaseException as error:
        into.append(error)


def _doc_grants() -> str:
    """The GRANT block of docs/postgresql.md, as a reader would copy it."""
    text = (Path(__file__).parents[1] / "docs" / "postgresql.md").read_text()
    after = text.split("<!-- grants:", 1)[1]
    return after.split("```sql\n", 1)[1].split("```", 1)[0]


def test_the_documented_roles_run_the_board_and_cannot_rewrite_a_note(
    pg_server: PgServer,
) -> None:
    """docs/postgresql.md: the owner migrates, the everyday role (with the documented grants)
    does everything a board does, and cannot change, delete or unprotect a note."""
    suffix = f"{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    owner, app, database = f"fw_admin_{suffix}", f"fw_app_{suffix}", f"fw_notes_{suffix}"
    with psycopg.connect(pg_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN")
        admin.execute(f"CREATE ROLE {app} LOGIN")
        admin.execute(f"CREATE DATABASE {database} OWNER {owner}")

    def url(role: str) -> str:
        return pg_server.database_url(database).replace("://postgres@", f"://{role}@", 1)

    try:
        with NoteStore(url(owner)) as store:
            assert store.notes() == []  # the owner creates the schema
        grants = _doc_grants().replace("floorwatch_notes", database)
        grants = grants.replace("floorwatch_app", app)
        with psycopg.connect(url(owner), autocommit=True) as raw:
            raw.execute(grants)
        with NoteStore(url(app), tz=BERLIN, site="north") as store:
            note = store.add(draft(), "li.wei", NOW)
            store.revise(note.id, {"effect": "edited"}, "li.wei", NOW)
            store.close_follow_up(note.id, "li.wei", NOW + timedelta(days=1), "improved")
            store.save_draft("B002", "li.wei", {"behavior": "x"}, NOW)
            store.save_draft("B002", "li.wei", {"behavior": "xy"}, NOW)
            store.discard_draft("B002", "li.wei")
            store.save_daily_figures([("2026-11-29", "A017", "aht", 1.0, 1)])
            store.save_daily_figures([("2026-11-29", "A017", "aht", 2.0, 2)])
            store.record_reds([("A017", "aht", NOW)])
            store.record_reds([("A017", "aht", NOW)])
            assert len(store.revisions(note.id)) == 3
            book = GoalBook(store)
            goal = book.add(
                Goal("", "floor", "", "aht", 420, 300, date(2026, 11, 2), date(2027, 1, 1)),
                "li.wei", NOW,
            )  # fmt: skip
            book.check_in(goal, 400.0, "li.wei", NOW)
            book.check_in(goal, 390.0, "li.wei", NOW)  # the same week's, measured again
            book.end(goal.key, "li.wei", NOW, "done")
            heard = threading.Event()
            store.on_change(heard.set)
            store.change_token()
            store.add(draft(agent="C003"), "li.wei", NOW)
            assert heard.wait(5)
        with psycopg.connect(url(app), autocommit=True) as raw:
            for sql in (
                "UPDATE revisions SET behavior = 'rewritten'",
                "DELETE FROM notes",
                "TRUNCATE revisions",
                "DROP TRIGGER revisions_append_only ON revisions",
                "CREATE TABLE mine (x INTEGER)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    raw.execute(sql)
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {app}")
            admin.execute(f"DROP ROLE IF EXISTS {owner}")


HOST_B = """
import sys
from datetime import UTC, datetime
from floorwatch.coaching import NoteDraft
from floorwatch.store import NoteStore
with NoteStore(sys.argv[1]) as store:
    note = NoteDraft(
        agent=sys.argv[2], behavior="from host B", suggestion="s", timeframe="+3d",
        visibility="shared",
    )  # fmt: skip
    store.add(note, "bob", datetime.fromtimestamp(float(sys.argv[3]), UTC))
"""


async def test_a_board_shows_a_note_another_host_wrote_within_a_second(pg_url: str) -> None:
    """Host A's board (the real app, its poll slowed to 30 s so only NOTIFY can tell it);
    host B is another process writing at the board's (frozen) time."""
    from dataclasses import replace

    from floorwatch.config.types import NotesConfig
    from floorwatch.tui.app import FloorwatchApp
    from floorwatch.tui.notes_service import NotesService
    from tests.app_support import FakeFloor, build_board, load_fixture_config
    from tests.app_text import screen_text
    from tests.notes_support import wait_for

    config = replace(load_fixture_config(), notes=NotesConfig(url=pg_url, author="li.wei"))
    board, first = build_board(config)
    floor = FakeFloor(board, first)
    app = FloorwatchApp(config, floor, clock=lambda: floor.now)  # type: ignore[arg-type]
    app.REPAINT_INTERVAL = 0.0
    slow = 30.0
    original = NotesService.POLL_INTERVAL
    NotesService.POLL_INTERVAL = slow
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.notes is not None and slow == app.notes.POLL_INTERVAL
            await wait_for(pilot, lambda: app.notes is not None and app.notes.latest is not None)
            await pilot.pause(0.5)  # the listener is up (the first snapshot waited for it)
            agent = "A004"
            assert agent not in app.notes_indicators
            written = subprocess.run(
                [sys.executable, "-c", HOST_B, pg_url, agent, str(floor.now)],
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            committed = time.monotonic()
            assert written.returncode == 0, written.stderr
            await wait_for(pilot, lambda: agent in app.notes_indicators, timeout=15)
            arrived = time.monotonic() - committed
            await wait_for(
                pilot,
                lambda: any(
                    agent in line and "✎" in line for line in screen_text(app).splitlines()
                ),
            )
            assert arrived < 1.0, f"the note reached the board after {arrived:.2f} s"
    finally:
        NotesService.POLL_INTERVAL = original


def test_notes_url_is_the_store_chosen_and_named(tmp_path: Path, pg_url: str) -> None:
    from floorwatch.store import choose_store, open_store
    from tests.test_config import minimal

    path = minimal(tmp_path)
    path.write_text(path.read_text() + f"notes:\n  url: '{pg_url}'\n  site: north\n")
    config = load_config(path)
    choice = choose_store(config)
    assert (choice.path, choice.why, choice.notice) == (pg_url, "notes.url", None)
    with open_store(config) as store:
        assert (store.backend, store.site, store.where) == ("postgresql", "north", pg_url)
        store.add(draft(visibility="shared"), "li.wei", NOW)
    listed = subprocess.run(
        [sys.executable, "-m", "floorwatch", "notes", "list", "--all", "--verbose",
         "--config", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert f"notes store {pg_url} (notes.url)" in listed.stderr
    assert [note["agent"] for note in json.loads(listed.stdout)] == ["A017"]


def test_the_notes_service_comes_back_after_a_server_restart(
    pg_server: PgServer, pg_url: str
) -> None:
    """The app's side of a restart: its watcher reports the lost server (keeping the last
    figures), the next save from a worker lands, and the board hears of it again."""
    from floorwatch.config.types import NotesConfig
    from floorwatch.tui.notes_service import NotesChanged, NotesService
    from tests.app_support import load_fixture_config
    from tests.notes_support import Clock

    config = replace(load_fixture_config(), notes=NotesConfig(url=pg_url, author="li.wei"))
    service = NotesService(config, clock=Clock())
    seen: list[NotesChanged] = []

    class Board:
        def post_message(self, message: Any) -> bool:
            seen.append(message)
            return True

    def wait(condition: Any, timeout: float = 30) -> None:
        give_up = time.monotonic() + timeout
        while not condition() and time.monotonic() < give_up:
            time.sleep(0.02)
        assert condition()

    service.start(Board())  # type: ignore[arg-type]
    try:
        wait(lambda: seen)
        service.add(draft(agent="A002"))
        wait(lambda: "A002" in seen[-1].snapshot.indicators)
        pg_server.restart()
        saved: list[Any] = []
        worker = threading.Thread(target=lambda: saved.append(service.add(draft(agent="A004"))))
        worker.start()
        worker.join(60)
        assert saved and saved[0].agent == "A004"
        wait(lambda: "A004" in seen[-1].snapshot.indicators and seen[-1].snapshot.error is None)
        assert "A002" in seen[-1].snapshot.indicators  # nothing lost on the way
    finally:
        service.stop()
