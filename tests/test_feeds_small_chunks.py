"""The shortcuts for a live poll's few rows give exactly what the general paths give.

A chunk of a few records without quotes is split in Python instead of pyarrow's reader, and a
short column of labels is cleaned from a memo: same rows, same rejections, same reasons, for
clean input and for every kind of bad input the shortcuts must hand back.
"""

from __future__ import annotations

from datetime import UTC

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from floorwatch.feeds import clean
from floorwatch.feeds.formats import csv as csv_format
from floorwatch.feeds.formats.csv import CsvParser
from floorwatch.feeds.formats.registry import ParseContext, Parsed
from tests.test_feeds_support import CALL_HEADER, call_line, feed_config

HOSTILE = "[bold red]X[/]\x1b[2J\u202eevil"

CHUNKS = {
    "clean": CALL_HEADER + call_line(1) + call_line(2, "A2") + call_line(3, "A3"),
    "crlf": (CALL_HEADER + call_line(1) + call_line(2, "A2")).replace("\n", "\r\n"),
    "a lone CR in a field": CALL_HEADER + call_line(1).replace("Agent", "Ag\rent") + call_line(2),
    "quotes": CALL_HEADER + call_line(1) + '2024-03-01T09:02:00,A2,"Lee, Ann",north,90,N\n',
    "too many fields": CALL_HEADER + call_line(1) + call_line(2).replace(",Y", ",Y,extra"),
    "too few fields": CALL_HEADER + call_line(1) + "2024-03-01T09:02:00,A2,Ann\n" + call_line(3),
    "bad values": CALL_HEADER + call_line(1, handle="soon") + call_line(2, resolved="maybe"),
    "empty agent and time": CALL_HEADER + call_line(1, agent="") + ",A2,Ann,north,5,Y\n",
    "blank lines and spaces": CALL_HEADER + "\n" + call_line(1).replace(",A1,", ",  A1 ,") + "\n",
    "unicode and hostile names": CALL_HEADER
    + call_line(1).replace("Agent A1", "Zoë Ångström")
    + call_line(2, "A2").replace("Agent A2", HOSTILE),
    "a header only": CALL_HEADER,
}


def parse(tmp_path, text: str) -> Parsed:  # type: ignore[no-untyped-def]
    parser = CsvParser(feed_config(tmp_path), ParseContext(zone=UTC, clock=lambda: 0.0))
    return parser.parse(text.encode(), 1, 100)


def same(plain: Parsed, general: Parsed) -> None:
    assert (plain.consumed, plain.line_count) == (general.consumed, general.line_count)
    assert (plain.rejected, plain.reasons) == (general.rejected, general.reasons)
    assert plain.newest_ts == general.newest_ts
    if general.rows is None:
        assert plain.rows is None
    else:
        assert plain.rows is not None
        pd.testing.assert_frame_equal(plain.rows, general.rows)


@pytest.mark.parametrize("name", list(CHUNKS))
def test_a_few_records_split_in_python_read_as_pyarrow_reads_them(
    tmp_path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text = CHUNKS[name]
    plain = parse(tmp_path, text)
    monkeypatch.setattr(csv_format, "PLAIN_SPLIT_MAX_RECORDS", 0)  # always the general path
    monkeypatch.setattr(clean, "SMALL_COLUMN", 0)
    general = parse(tmp_path, text)
    same(plain, general)


def test_the_plain_split_is_taken_for_clean_rows_and_refused_otherwise(tmp_path) -> None:  # type: ignore[no-untyped-def]
    parser = CsvParser(feed_config(tmp_path), ParseContext(zone=UTC, clock=lambda: 0.0))
    parser.parse(CALL_HEADER.encode(), 1, 100)
    rows = (call_line(1) + call_line(2, "A2")).encode()
    assert parser._read_plain(rows, 2) is not None
    for refused in (rows.replace(b"Agent A2", b'"Agent, A2"'), rows.replace(b"Agent", b"Ag\rent")):
        assert parser._read_plain(refused, 2) is None
    assert parser._read_plain(rows.replace(b",Y\n", b",Y,x\n", 1), 2) is None


@pytest.mark.parametrize("empty", ["", None])
def test_short_label_columns_clean_as_long_ones_do(
    monkeypatch: pytest.MonkeyPatch, empty: str | None
) -> None:
    labels = ["Ann", "  ", "", None, HOSTILE, "Zoë", "x" * 500, "\x85\x1b"]
    values = pa.array(labels, type=pa.string())
    short = clean.clean_labels(values, empty=empty)
    monkeypatch.setattr(clean, "SMALL_COLUMN", 0)
    long = clean.clean_labels(values, empty=empty)
    assert short.dtype == long.dtype == np.dtype(object)
    assert short.tolist() == long.tolist()
