"""What the notes store raises: the store cannot be reached or written, or a draft is refused."""

from __future__ import annotations

from collections.abc import Mapping


class StoreError(Exception):
    """The notes store cannot be read or written; the message says which store and why."""


class InvalidNote(ValueError):
    """A draft that cannot be saved; `problems` maps field names to messages."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)
