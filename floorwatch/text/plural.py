"""Counts in words: '1 note', '2 notes', '1 agent', '0 agents'. Pure."""

from __future__ import annotations

IRREGULAR = {"follow-up": "follow-ups", "person": "people"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 note', '3 notes' (`many` for an irregular plural; thousands with commas)."""
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {many or IRREGULAR.get(word, word + 's')}"
