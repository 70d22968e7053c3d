"""Bounds and character sets every build of feed rows shares (the vectorised build in
`floorwatch.feeds.batch` and the small-batch one in `floorwatch.feeds.small_batch`)."""

from __future__ import annotations

MAX_ID_CHARS = 64  # an agent id longer than this is no id: the row is rejected
MAX_LABEL_CHARS = 100  # a name or team is cut to this (with an ellipsis): display text only
# No measure of a contact center comes near this (31,000 years of seconds); a sum of a day of
# such values still fits a float, where two 1e308 make infinity and stop every aggregate.
MAX_FIELD_VALUE = 1e12

# What pyarrow's utf8_trim_whitespace trims (Unicode White_Space, plus the separators
# U+001C-U+001F): cells split in Python are trimmed with str.strip(ARROW_WHITESPACE), alike.
ARROW_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
