"""Feed ingestion: follow a floor's metric files live and turn them into typed rows.

Each feed of the config is a glob; every file it matches gets a tailer that reads only the bytes
appended since the last look and parses only complete records, through rotations, truncations,
atomic replacements and bad rows. Rows come out as pandas DataFrames in the schema of
`floorwatch.live.rows`. Nothing here imports Textual; the CLI and the benchmarks use it directly::

    from floorwatch.config import load_config
    from floorwatch.feeds import FloorFeeds

    feeds = FloorFeeds(load_config("floorwatch.yaml"))
    for update in feeds.load_all():                       # the cold start: every file, once
        print(update.feed.name, update.path, len(update.rows))
    new = feeds.poll()                                    # later: only what was appended

`load_all` and `poll` block (pandas/pyarrow work) and may run in a thread (`asyncio.to_thread`);
`async for updates in feeds.watch(stop_event)` polls on file events and at least every second.

Choices:
- A blank line is skipped silently: it carries no row, so it is neither a row nor a rejection.
- A line with a bad value, a missing column, invalid UTF-8, more than 1 MiB, or (JSON Lines)
  that is not an object is rejected alone; the file's `FileStatus` counts it and keeps the
  first 50 reasons as `path:line: reason` (physical line number, path relative to the config).
- Rows that `where` or `exclude_agents` leave out are dropped without being checked.
- A last line without a newline waits for its newline, or for the file to stay unchanged for
  2 seconds (a file whose last line never ends).
- A file replaced by one that starts with every byte already read (an export rewritten whole
  with more rows) goes on from where it was; anything else at the path is read from its start.
- In JSON Lines, a key a line does not have is an empty cell (a missing agent or time rejects
  the row).
"""

from __future__ import annotations

from floorwatch.feeds.floor_feeds import FeedUpdate, FloorFeeds
from floorwatch.feeds.formats.registry import register_parser
from floorwatch.feeds.tailer import FeedTailer, FileStatus

__all__ = [
    "FeedTailer",
    "FeedUpdate",
    "FileStatus",
    "FloorFeeds",
    "register_parser",
]
