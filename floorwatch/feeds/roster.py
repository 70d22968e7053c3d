"""The roster CSV (agent_id,name,team,hire_date,supervisor): who an agent id is.

The roster is the first source of an agent's display name, team and hire date; feeds come second.
Its text is untrusted like a feed's: it is cleaned with `floorwatch.text.safe.clean_text` (the
one set of stripped characters), so nothing from the file can reach a terminal as an escape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from floorwatch.text.safe import clean_text

REQUIRED_COLUMNS = ("agent_id",)
COLUMNS = ("agent_id", "name", "team", "hire_date", "supervisor")


class RosterError(ValueError):
    """The roster cannot be read at all (missing file, no agent_id column)."""


@dataclass(frozen=True)
class RosterEntry:
    agent_id: str
    name: str | None = None
    team: str | None = None
    hire_date: str | None = None  # ISO date, validated
    supervisor: str | None = None


@dataclass
class Roster:
    """Roster entries by agent id, plus the problems found in rows that were skipped or fixed."""

    entries: dict[str, RosterEntry] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def get(self, agent: str) -> RosterEntry | None:
        return self.entries.get(agent)

    def __len__(self) -> int:
        return len(self.entries)


def load_roster(path: Path) -> Roster:
    """Read a roster CSV. Bad rows are skipped (or their bad cell dropped) and reported as
    `path:line: reason` in `problems`; an unreadable file raises RosterError."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
            return _read(path, file)
    except OSError as error:
        raise RosterError(f"{path}: cannot read the roster ({error.strerror or error})") from None
    except csv.Error as error:
        raise RosterError(f"{path}: not a readable CSV file ({error})") from None


def _read(path: Path, file: TextIO) -> Roster:
    reader = csv.reader(file)
    header = next(reader, None)
    if header is None:
        raise RosterError(f"{path}: the roster is empty (expected a header: {','.join(COLUMNS)})")
    columns = [clean_text(name).lower() for name in header]
    if "agent_id" not in columns:
        raise RosterError(f"{path}:1: the roster header needs an agent_id column (got {header!r})")
    index = {name: columns.index(name) for name in COLUMNS if name in columns}
    roster = Roster()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are allowed
        entry = _entry(path, line, row, index, roster.problems)
        if entry is None:
            continue
        if entry.agent_id in roster.entries:
            roster.problems.append(
                f"{path}:{line}: agent {entry.agent_id} is listed twice; kept the first"
            )
            continue
        roster.entries[entry.agent_id] = entry
    return roster


def _entry(
    path: Path, line: int, row: list[str], index: dict[str, int], problems: list[str]
) -> RosterEntry | None:
    def cell(name: str) -> str | None:
        position = index.get(name)
        if position is None or position >= len(row):
            return None
        return clean_text(row[position]) or None

    agent = cell("agent_id")
    if agent is None:
        problems.append(f"{path}:{line}: no agent_id; row skipped")
        return None
    hire_date = cell("hire_date")
    if hire_date is not None:
        try:
            hire_date = date.fromisoformat(hire_date).isoformat()
        except ValueError:
            problems.append(f"{path}:{line}: hire_date {hire_date!r} is not a date (YYYY-MM-DD)")
            hire_date = None
    return RosterEntry(
        agent_id=agent,
        name=cell("name"),
        team=cell("team"),
        hire_date=hire_date,
        supervisor=cell("supervisor"),
    )
