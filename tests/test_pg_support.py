"""The test server helper never lets CI pass without PostgreSQL: under CI=true a missing server
fails the run; only a local run may skip the PostgreSQL half."""

from __future__ import annotations

import pytest

from tests.pg_support import _unavailable, start_server


def test_ci_fails_loudly_without_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but no PostgreSQL"):
        _unavailable("no initdb")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL: no initdb"):
        _unavailable("no initdb")


def test_ci_fails_when_scripts_pg_cannot_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("FLOORWATCH_TEST_PG_URL", raising=False)
    monkeypatch.setenv("PG_BIN", "/nonexistent/postgresql/bin")  # scripts/pg finds no initdb
    with pytest.raises(pytest.fail.Exception, match="scripts/pg start failed"):
        next(start_server())
