"""The shape of parsed feed rows, shared by the feeds (which produce them) and the metrics engine.

A batch is a pandas DataFrame with these columns, in this order:

- ``ts``: float64, the event time as UTC epoch seconds (naive feed times are read in the floor's
  timezone). Snapshot rows without a time column get the time they were read.
- ``agent``: str, the agent id (already cleaned of control characters).
- ``name``: str or None, the display name as the feed gave it (cleaned).
- ``team``: str or None (cleaned).
- then one float64 column per configured field, named after the field (not the source column):
  seconds for durations, 1.0/0.0 for booleans, fractions 0..1 for percents, NaN when the cell
  was empty.
"""

from __future__ import annotations

import pandas as pd

TS = "ts"
AGENT = "agent"
NAME = "name"
TEAM = "team"
BASE_COLUMNS = (TS, AGENT, NAME, TEAM)


def empty_batch(fields: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """A batch with no rows and the right columns and dtypes."""
    frame = pd.DataFrame(
        {
            TS: pd.Series([], dtype="float64"),
            AGENT: pd.Series([], dtype="object"),
            NAME: pd.Series([], dtype="object"),
            TEAM: pd.Series([], dtype="object"),
        }
    )
    for name in fields:
        frame[name] = pd.Series([], dtype="float64")
    return frame
