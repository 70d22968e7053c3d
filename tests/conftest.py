"""Every test runs with its own user folders: nothing a test does reaches the real notes store,
config or logs of whoever runs the suite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.pg_support import PgServer, fresh_database, start_server


@pytest.fixture(autouse=True)
def private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("user")
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / folder).mkdir()
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("FLOORWATCH_CONFIG", raising=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A running PostgreSQL (see tests/pg_support.py); fails under CI=true when there is none."""
    yield from start_server()


@pytest.fixture()
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of an empty database of this test's own."""
    yield from fresh_database(pg_server)


@dataclass
class StoreBackend:
    """Where a test's notes store lives: a SQLite file or a PostgreSQL database."""

    name: str  # "sqlite" | "postgresql"
    location: Path | str

    def open(self, **options: Any) -> Any:
        from floorwatch.store import NoteStore

        return NoteStore(self.location, **options)

    def raw(self) -> Any:
        """A plain DB-API connection to the store, for what the API must not allow."""
        if self.name == "sqlite":
            import sqlite3

            return sqlite3.connect(self.location)
        import psycopg

        return psycopg.connect(str(self.location), autocommit=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreBackend]:
    """The store test suite runs once per backend: one suite, not two."""
    if request.param == "sqlite":
        yield StoreBackend("sqlite", tmp_path / "notes.sqlite3")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    yield from (StoreBackend("postgresql", url) for url in fresh_database(server))
