"""Value -> green/amber/red with overrides (floor -> team -> agent). Pure.

INTERFACE STUB: `Status` is final; the evaluation functions are filled by the implementation.
"""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """Ordered so that max() is the worst; NONE means not enough data for a verdict."""

    NONE = 0
    GREEN = 1
    AMBER = 2
    RED = 3

    @property
    def word(self) -> str:
        return {0: "n/a", 1: "GREEN", 2: "AMBER", 3: "RED"}[self.value]

    @property
    def shape(self) -> str:
        return {0: "-", 1: "●", 2: "▲", 3: "■"}[self.value]

    @property
    def label(self) -> str:
        """Shape and word, so the status reads without colour: '■ RED'."""
        return f"{self.shape} {self.word}"

    @property
    def json_name(self) -> str:
        return {0: "none", 1: "green", 2: "amber", 3: "red"}[self.value]
