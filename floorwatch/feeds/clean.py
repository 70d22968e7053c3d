"""Feed labels (agent ids, names, teams) cleaned at ingest, fast: each distinct label once.

The characters removed are `floorwatch.text.safe`'s, the one set every output uses; this module
only makes cleaning a column cheap (a memo for a live poll's few rows, a dictionary encoding for
a cold load's millions).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from floorwatch.text.safe import clean_text

# Up to this many labels, a column is cleaned value by value from a memo of labels already seen
# (a live poll's few rows name agents seen all day); pyarrow's per-call cost would dominate.
SMALL_COLUMN = 64
MEMO_SIZE = 1 << 16
MEMO_MAX_CHARS = 200  # longer labels are cleaned each time: the memo's memory stays bounded


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
    by_row: np.ndarray = lookup[indices]
    return by_row


def _clean_label(raw: str | None) -> str:
    if raw is None:
        return ""
    return _clean_memo(raw) if len(raw) <= MEMO_MAX_CHARS else clean_text(raw)


@lru_cache(maxsize=MEMO_SIZE)
def _clean_memo(raw: str) -> str:
    return clean_text(raw)
