"""Untrusted text made safe to show and to export: the one set of characters floorwatch strips,
and the one guard against spreadsheet formulas.

Agent ids, names, teams, reason codes (from feeds and the roster) and notes (typed by people) are
untrusted. Nothing from them may reach a terminal as an escape sequence, reorder what a supervisor
reads (bidirectional controls), hide text (zero-width characters) or run as a formula when an
export is opened in a spreadsheet. Every output path goes through this module:

- `clean_text`: one line for a screen or a report (line breaks and tabs become one space).
- `clean_lines`: text that keeps its line breaks (a note's Behavior, a CSV cell).
- `csv_cell`: a cleaned cell a spreadsheet will show, never run.
- `json_text`: JSON whose unsafe characters are escaped (\\u001b), so it is lossless yet inert.

Escape sequences are neutralised by dropping their introducers: ESC (U+001B) and the 8-bit CSI,
OSC, DCS... (U+0080-U+009F). What follows an ESC ("[31m") is left as the harmless text it
then is, so a supervisor still sees that something odd was typed.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Every character floorwatch never lets through, as one regex class:
UNSAFE_CHARACTERS = (
    "\x00-\x1f"  # C0 controls (ESC, BEL, backspace, ...; tab and line breaks included)
    "\x7f-\x9f"  # DEL and the C1 controls (the 8-bit CSI U+009B, NEL U+0085, ...)
    "\u061c"  # Arabic letter mark
    "\u200b"  # zero-width space (hides text inside a name)
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060"  # word joiner (invisible)
    "\u2066-\u2069"  # bidi isolates
    "\u206a-\u206f"  # deprecated invisible format controls
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\ud800-\udfff"  # lone surrogates (from undecodable bytes): a terminal write would fail
)
_UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
# JSON escapes C0 controls inside strings itself (and its layout newlines must stay).
_UNSAFE_IN_JSON = re.compile(f"[{UNSAFE_CHARACTERS.removeprefix(chr(0) + '-' + chr(0x1F))}]")
# What separates words or lines: it becomes a space in one-line text, a newline in many-line.
_BREAKS = re.compile("(?:\r\n|[\t\n\v\f\r\x85\u2028\u2029])+")
_LINE_BREAK = re.compile("\r\n|[\n\v\f\r\x85\u2028\u2029]")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def clean_text(text: str) -> str:
    """`text` as one safe line: tabs and line breaks become single spaces, every other unsafe
    character is dropped, outer spaces trimmed. ``"\\x1b[31mBob"`` becomes ``"[31mBob"``:
    harmless text, no escape."""
    return _UNSAFE.sub("", _BREAKS.sub(" ", text)).strip()


def clean_lines(text: str) -> str:
    """`text` with its line breaks kept as "\\n" (any kind of break: CR LF, CR, U+2028...),
    tabs as spaces and every other unsafe character dropped. Nothing is trimmed."""
    lines = _LINE_BREAK.split(text)
    return "\n".join(_UNSAFE.sub("", line.replace("\t", " ")) for line in lines)


def is_unsafe(text: str) -> bool:
    """Whether `text` holds any character that `clean_text` would drop or replace."""
    return _UNSAFE.search(text) is not None


def csv_cell(value: object) -> str:
    """A CSV cell for a spreadsheet: None empty, booleans 1/0, text cleaned (line breaks kept:
    the CSV writer quotes them) and, when it would start a formula, led by an apostrophe (a
    plain number such as -5 stays a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = clean_lines(str(value))
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def json_text(
    document: Any, *, indent: int | None = 2, ascii_only: bool = False, allow_nan: bool = True
) -> str:
    """`document` as JSON in which every unsafe character is a \\uXXXX escape: the data is
    kept whole for programs, and a terminal showing the file acts on nothing."""
    text = json.dumps(document, ensure_ascii=ascii_only, indent=indent, allow_nan=allow_nan)
    return _UNSAFE_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
