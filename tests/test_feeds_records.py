"""Record boundaries found in raw bytes agree with real CSV readers, quotes and all."""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd

from floorwatch.feeds.records import as_bytes_array, field_counts, invalid_utf8, split_csv

COMMA = ord(",")


def random_rows(seed: int, count: int) -> list[list[str]]:
    rng = random.Random(seed)
    alphabet = ["a", "b", " ", ",", '"', "\n", "\r\n", "é", '5"', "''"]
    return [
        ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(4)]
        for _ in range(count)
    ]


def test_quoted_commas_and_newlines_do_not_end_records() -> None:
    for seed in range(20):
        rows = random_rows(seed, 50)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n" if seed % 2 else "\n").writerows(rows)
        data = buffer.getvalue().encode()
        records = split_csv(as_bytes_array(data), 1, COMMA)
        assert len(records) == len(rows)
        assert records.consumed == len(data)
        assert field_counts(as_bytes_array(data), records, COMMA).tolist() == [4] * len(rows)
        # each record, read alone, is its own row
        for row, start, stop in zip(rows, records.starts, records.stops, strict=True):
            text = data[start : stop + 1].decode()
            assert next(csv.reader(io.StringIO(text, newline=""))) == row


def test_line_numbers_are_physical_lines() -> None:
    data = b'h1,h2\n"a\nb",1\n\nc,2\n'
    records = split_csv(as_bytes_array(data), 1, COMMA)
    assert records.lines.tolist() == [1, 2, 4, 5]
    assert records.line_count == 5


def test_an_open_quote_waits_for_its_closing_quote() -> None:
    data = b'a,1\n"Lee,\nAnn'  # the writer flushed inside a quoted field
    records = split_csv(as_bytes_array(data), 1, COMMA)
    assert records.consumed == 4 and len(records) == 1


def test_a_stray_quote_inside_a_field_is_a_character_as_pandas_reads_it() -> None:
    data = b'a,5" screen,1\nb,"x",2\nc,7",3\nd,"q""r",4\n'
    records = split_csv(as_bytes_array(data), 1, COMMA)
    frame = pd.read_csv(io.BytesIO(data), header=None, dtype=str, engine="c")
    assert len(records) == len(frame) == 4
    assert field_counts(as_bytes_array(data), records, COMMA).tolist() == [3, 3, 3, 3]


def test_many_stray_quotes_take_the_slow_scan_and_agree() -> None:
    lines = [f'{i},{i}" tall,"ok, {i}"\n' for i in range(30)]
    data = "".join(lines).encode()
    records = split_csv(as_bytes_array(data), 1, COMMA)
    assert len(records) == 30
    assert (field_counts(as_bytes_array(data), records, COMMA) == 3).all()


def test_invalid_utf8_marks_only_its_own_records() -> None:
    data = b"ok,1\nbad\xff,2\nok\xc3\xa9,3\n\xc3,4\nfine,5\n"
    records = split_csv(as_bytes_array(data), 1, COMMA)
    assert invalid_utf8(data, records).tolist() == [False, True, False, True, False]
    assert np.array_equal(records.lines, [1, 2, 3, 4, 5])
