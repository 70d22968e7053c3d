"""Untrusted feed text made safe to show: no control characters, no bidi tricks.

Agent ids, names, teams and reason codes come from files that other systems (or people) write. A
name like ``"\\x1b[2J\\x1b[31mBob"`` must never reach a terminal as an escape sequence, and a
right-to-left override must never reorder what a supervisor reads, so both are removed at ingest.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Line breaks and tabs become a space (a quoted name may span lines); they are controls too.
_SPACES = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")
# C0 and C1 controls, DEL, the bidi embeddings/overrides/isolates and the directional marks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Up to this many labels, a column is cleaned value by value from a memo of labels already seen
# (a live poll's few rows name agents seen all day); pyarrow's per-call cost would dominate.
SMALL_COLUMN = 64
MEMO_SIZE = 1 << 16
MEMO_MAX_CHARS = 200  # longer labels are cleaned each time: the memo's memory stays bounded


def clean_text(text: str) -> str:
    """`text` without control characters, DEL or bidirectional controls, outer spaces trimmed.

    Tabs and line breaks become single spaces; every other unsafe character is dropped, so
    ``"\\x1b[31mBob"`` becomes ``"[31mBob"``: harmless text, no escape.
    """
    return _UNSAFE.sub("", _SPACES.sub(" ", text)).strip()


def clean_labels(values: pa.Array | pa.ChunkedArray, *, empty: str | None) -> np.ndarray:
    """Clean a column of labels (agent ids, names, teams) into an object array of str.

    Labels repeat a lot, so each distinct value is cleaned once. A value that is empty after
    cleaning becomes `empty` (None for optional names and teams, "" for agent ids).
    """
    if len(values) == 0:
        return np.empty(0, dtype=object)
    if len(values) <= SMALL_COLUMN:
        cleaned = [_clean_label(raw) for raw in values.to_pylist()]
        return np.array([text if text else empty for text in cleaned], dtype=object)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    labels = []
    for raw in encoded.dictionary.to_pylist():
        text = clean_text(raw) if raw is not None else ""
        labels.append(text if text else empty)
    lookup = np.array([*labels, empty], dtype=object)
    indices = encoded.indices.fill_null(len(labels)).to_numpy(zero_copy_only=False)
    return lookup[indices]


def _clean_label(raw: str | None) -> str:
    if raw is None:
        return ""
    return _clean_memo(raw) if len(raw) <= MEMO_MAX_CHARS else clean_text(raw)


@lru_cache(maxsize=MEMO_SIZE)
def _clean_memo(raw: str) -> str:
    return clean_text(raw)
