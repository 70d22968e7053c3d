"""Matching text the way people type it: case and accents ignored (`fernandez` finds Fernández).

Pure Python (unicodedata only), for the board's `/` search and the commands' "did you mean".
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` without case or accents: 'Fernández' -> 'fernandez', 'STRASSE' == fold('Straße')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def matches(query: str, *texts: str) -> bool:
    """Whether `query` (folded) is part of any of `texts` (folded); an empty query matches all."""
    wanted = fold(query.strip())
    return not wanted or any(wanted in fold(text) for text in texts)
