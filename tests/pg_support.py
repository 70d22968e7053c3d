"""A real PostgreSQL for the tests: `scripts/pg` starts a throwaway cluster (as the `postgres`
user when run as root) unless $FLOORWATCH_TEST_PG_URL names one already (`.ci/run` starts it and
exports the URL). Each test gets a database of its own, dropped afterwards.

Without a server the PostgreSQL half of the suite is skipped locally, but under CI=true it
fails loudly: a CI run that silently tested SQLite only would claim what it never checked."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SCRIPT = Path(__file__).parents[1] / "scripts" / "pg"
_numbers = itertools.count(1)


@dataclass
class PgServer:
    url: str  # the maintenance database's URL (unix socket, trusted)
    folder: Path | None  # the cluster's folder when we know it (restart needs it)
    started_here: bool = False

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def restart(self) -> None:
        """Restart the server (every connection drops), as an operator or a crash would."""
        if self.folder is None:
            pytest.skip("the server's folder is unknown (FLOORWATCH_TEST_PG_DIR unset)")
        subprocess.run([str(SCRIPT), "restart", str(self.folder)], check=True, timeout=120)

    def port(self) -> str:
        assert self.folder is not None
        return (self.folder / "port").read_text().strip()

    def password(self) -> str:
        assert self.folder is not None
        return (self.folder / "password").read_text().strip()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but no PostgreSQL for the tests: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


def start_server() -> Iterator[PgServer]:
    url = os.environ.get("FLOORWATCH_TEST_PG_URL")
    if url:
        folder = os.environ.get("FLOORWATCH_TEST_PG_DIR")
        yield PgServer(url, Path(folder) if folder else None)
        return
    if not Path("/usr/lib/postgresql/15/bin/initdb").exists() and not shutil.which("initdb"):
        _unavailable("no initdb (install postgresql-15, or set FLOORWATCH_TEST_PG_URL)")
    started = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        _unavailable(f"scripts/pg start failed: {started.stderr.strip()[-2000:]}")
    found = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
    folder = Path(found["FLOORWATCH_TEST_PG_DIR"].strip("'"))
    try:
        yield PgServer(found["FLOORWATCH_TEST_PG_URL"].strip("'"), folder, started_here=True)
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], timeout=120, check=False)


def fresh_database(server: PgServer) -> Iterator[str]:
    import psycopg

    name = f"fw_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(server.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.database_url(name)
    finally:
        with psycopg.connect(server.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
