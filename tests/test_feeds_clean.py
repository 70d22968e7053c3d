"""Untrusted text is cleaned at the door: no controls, no escapes, no bidi overrides."""

from __future__ import annotations

import pyarrow as pa
import pytest

from floorwatch.feeds.clean import clean_labels
from floorwatch.text.safe import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mBob\x1b[0m", "[31mBob[0m"),
        ("Ann\x07\x00 Lee\x7f", "Ann Lee"),
        ("C1\x9b2J here", "C12J here"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("\u2066iso\u2069late\u200f\u200e\u061c", "isolate"),
        ("Lee,\r\nAnn\tB", "Lee, Ann B"),
        ("  Zoë van Dijk  ", "Zoë van Dijk"),
        ("李伟 [bold]x[/]", "李伟 [bold]x[/]"),  # markup stays text: downstream never renders it
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_leaves_no_unsafe_character() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "".join(
        chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    )
    cleaned = clean_text(every)
    assert all(0x20 <= ord(ch) < 0x7F for ch in cleaned)
    assert cleaned.startswith("!") and cleaned.endswith("~")  # the printable ASCII all kept


def test_clean_labels_cleans_each_value_and_maps_empty() -> None:
    values = pa.array(["A1", "\x1b[2JA2", "", None, "A1", "\u202e"])
    assert clean_labels(values, empty=None).tolist() == ["A1", "[2JA2", None, None, "A1", None]
    assert clean_labels(values, empty="").tolist() == ["A1", "[2JA2", "", "", "A1", ""]
