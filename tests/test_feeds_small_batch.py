"""The small-batch build (plain Python) against the vectorised one: for every batch it takes, the
same rows, sources and newest time, to the bit; every batch it is unsure of is left to the
vectorised build (None), and a batch with a row to reject is always one of those."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from floorwatch.config import load_config
from floorwatch.config.types import Config, FeedConfig, FieldSpec, FieldType, TimeSpec
from floorwatch.demo import write_demo_config
from floorwatch.demo.day import write_day
from floorwatch.feeds import batch as batch_module
from floorwatch.feeds.batch import _build_vectorised, build_batch, concat_columns
from floorwatch.feeds.convert import floor_zone
from floorwatch.feeds.formats.csv import CsvParser
from floorwatch.feeds.formats.jsonl import JsonlParser
from floorwatch.feeds.formats.registry import ParseContext, Parsed, TextColumn
from floorwatch.feeds.small_batch import SMALL_BATCH_MAX, build_small
from tests.test_feeds_support import CALL_HEADER, append, call_line, calls_floor, feed_config

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
REAL_CONFIG = Path(__file__).resolve().parent / "fixtures" / "feeds" / "realdata.yaml"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = 1_709_280_000.0  # 2024-03-01 08:00 UTC
Columns = dict[str, list[str]]


# -- comparing the two builds ----------------------------------------------------------------------


def arrays(columns: Columns) -> dict[str, pa.Array]:
    return {name: pa.array(cells, pa.string()) for name, cells in columns.items()}


def assert_same(fast: Parsed, slow: Parsed) -> None:
    if slow.rows is None:
        assert fast.rows is None
    else:
        assert fast.rows is not None
        pd.testing.assert_frame_equal(fast.rows, slow.rows, check_exact=True)
        assert isinstance(fast.rows.index, pd.RangeIndex)
        for column in fast.rows.columns:  # the very bits: -0.0, the last digit of a fraction
            left, right = fast.rows[column].to_numpy(), slow.rows[column].to_numpy()
            if left.dtype == np.float64:
                assert left.tobytes() == right.tobytes(), column
    assert (fast.rejected, fast.reasons, fast.reason_sources) == (
        slow.rejected,
        slow.reasons,
        slow.reason_sources,
    )
    for mine, theirs in (
        (fast.row_sources, slow.row_sources),
        (fast.rejected_sources, slow.rejected_sources),
    ):
        if theirs is None:
            assert mine is None
        else:
            assert mine is not None and mine.dtype == theirs.dtype
            np.testing.assert_array_equal(mine, theirs)
    assert fast.newest_ts == slow.newest_ts or (fast.newest_ts is None and slow.newest_ts is None)


def differ(
    feed: FeedConfig,
    text: Mapping[str, TextColumn],
    context: ParseContext,
    sources: np.ndarray | None = None,
) -> bool:
    """Build both ways; when the small build takes the batch, its result must be the vectorised
    one. Whether it took it."""
    lines = np.arange(2, 2 + len(next(iter(text.values()))), dtype=np.int64)
    slow = _build_vectorised(feed, text, lines, context, 5, sources)
    fast = build_small(feed, text, lines, context, 5, sources)
    assert_same(build_batch(feed, text, lines, context, 5, sources), slow)
    if fast is None:
        return False
    assert_same(fast, slow)
    return True


def context_for(config: Config, *, wall: float = NOW) -> ParseContext:
    return ParseContext(
        zone=floor_zone(config.floor.timezone),
        clock=lambda: NOW + 0.25,
        future_tolerance=config.floor.future_tolerance,
        wall=lambda: wall,
    )


def parsed_chunks(
    parser_for: Callable[[], CsvParser | JsonlParser], header: str, lines: list[str], size: int
) -> Iterator[dict[str, TextColumn]]:
    """The columns a parser hands the build for each `size` lines (a fresh parser each time)."""
    for start in range(0, len(lines), size):
        body = "".join(lines[start : start + size])
        unbuilt = parser_for().parse_text((header + body).encode(), 1, 5).unbuilt
        assert unbuilt is not None
        yield unbuilt.text


# -- real data ---------------------------------------------------------------------------------


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not here")
def test_the_help_desk_export_builds_alike() -> None:
    config = load_config(REAL_CONFIG)
    feed = next(feed for feed in config.feeds if feed.name == "helpdesk")
    context = context_for(config)
    text = (REALDATA / "call_center_2021q1.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines(keepends=True)
    taken = [
        differ(feed, chunk, context)
        for size in (1, 7, 12, SMALL_BATCH_MAX)
        for chunk in parsed_chunks(lambda: CsvParser(feed, context), header, rows[:400], size)
    ]
    assert all(taken)  # a clean export: every batch is a small one


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not here")
def test_the_bank_log_with_its_strptime_format_is_left_to_pandas() -> None:
    config = load_config(REAL_CONFIG)
    feed = next(feed for feed in config.feeds if feed.name == "bank")
    context = context_for(config)
    text = (REALDATA / "anonymous_bank_feb1999.tsv").read_text(encoding="utf-8")
    header, *rows = text.splitlines(keepends=True)
    chunks = parsed_chunks(lambda: CsvParser(feed, context), header, rows[:300], 12)
    assert not any(differ(feed, chunk, context) for chunk in chunks)


# -- the demo simulator ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Path]:
    folder = tmp_path_factory.mktemp("demo")
    (folder / "feeds").mkdir()
    write_day(folder / "feeds", agents=40, events=600, seed=11)
    return load_config(write_demo_config(folder)), folder / "feeds"


def simulator_chunks(demo: tuple[Config, Path], size: int) -> Iterator[dict[str, TextColumn]]:
    config, feeds = demo
    feed = next(feed for feed in config.feeds if feed.name == "calls")
    context = context_for(config)
    for path in sorted(feeds.glob("calls-*.csv")):
        header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        yield from parsed_chunks(lambda: CsvParser(feed, context), header, rows[:240], size)


@pytest.mark.parametrize("size", [1, 4, 12, SMALL_BATCH_MAX])
def test_simulator_calls_build_alike(demo: tuple[Config, Path], size: int) -> None:
    config = demo[0]
    feed = next(feed for feed in config.feeds if feed.name == "calls")
    context = context_for(config)
    chunks = list(simulator_chunks(demo, size))
    assert chunks and all(differ(feed, chunk, context) for chunk in chunks)


def test_pooled_simulator_calls_keep_their_sources(demo: tuple[Config, Path]) -> None:
    config = demo[0]
    feed = next(feed for feed in config.feeds if feed.name == "calls")
    context = context_for(config)
    chunks = list(simulator_chunks(demo, 3))[:4]
    text = {name: concat_columns([chunk[name] for chunk in chunks]) for name in chunks[0]}
    sources = np.repeat(np.arange(len(chunks)), [len(c[feed.agent]) for c in chunks])
    assert differ(feed, text, context, sources)


def test_status_snapshots_with_percents_build_alike(demo: tuple[Config, Path]) -> None:
    config = demo[0]
    feed = next(feed for feed in config.feeds if feed.name == "status")
    context = context_for(config)
    chance = random.Random(5)
    adherence: list[object] = [0.93, "93%", 93, "100%", 1, "0.5", "", "12.5%", 0]
    lines = [
        json.dumps(
            {
                "at": f"2024-03-01T0{chance.randrange(10)}:1{chance.randrange(10)}:00+01:00",
                "agent_id": f"A{chance.randrange(30)}",
                "agent_name": chance.choice(["Ann Lee", "Bo \u00d8stergaard", ""]),
                "team": chance.choice(["north", "south"]),
                "adherence": chance.choice(adherence),
            }
        )
        + "\n"
        for _ in range(120)
    ]
    chunks = list(parsed_chunks(lambda: JsonlParser(feed, context), "", lines, 10))
    assert all(differ(feed, chunk, context) for chunk in chunks)


# -- hostile cells, at random ------------------------------------------------------------------

FIELDS = (
    FieldSpec("count", "count", FieldType.NUMBER),
    FieldSpec("handle_time", "handle", FieldType.SECONDS),
    FieldSpec("talk", "talk", FieldType.DURATION),
    FieldSpec("resolved", "resolved", FieldType.BOOL),
    FieldSpec("adherence", "adherence", FieldType.PERCENT),
)
CLEAN = {
    "count": ["0", "3", "12.5", "-4", "1e3", "+.5", "5.", "", "0.1", "1e-400", "-0"],
    "handle": ["0", "125", "90.25", "", "1:02:03.5", "2:05", "0:00:00", "12:3", "1e12"],
    "talk": ["00:02:23", "4:05", "61", "", "1:00:00", "10:59:59.999"],
    "resolved": ["Y", "N", "yes", "TRUE", "f", "0", "1.0", "", "No"],
    "adherence": ["85%", "85%%", "0.85", "85", "%", "", "1", "100%", "-5%", "1e2"],
    "agent": ["A1", "A2", "bob", "Zoë", "a" * 64, " A3", "A\u200b4", "<b>x</b>"],
    "name": ["Ann", "", "Bo\x1b[31m", "<script>", "x" * 130, "\u202eevil", "Zoë Ø"],
    "team": ["north", "south", "", "t\tab"],
    "site": ["east", "west"],
}
HOSTILE = {
    "count": ["nan", "inf", "1e400", "x", " 1", "1,5", "\u0661", "0x10", "1e13", "NaN", "--1"],
    "handle": ["1:60", "1:02:03:04", " 1:02:03.5", "1:2:3", "1:2:60", "abc", "-1:00", "1e13", "1:"],
    "talk": ["inf", "::", "1.5:00", "\u0661:00"],
    "resolved": ["İ", "maybe", "yess", "2", "\u0131", "Y "],
    "adherence": ["%85", "85 %", "inf%", "1e16%", "x%", "1e15"],
    "agent": ["", " ", "\x1b", "a" * 65, "\u200b"],
    "name": ["\x00\x01", "a\u2028b"],
    "team": ["\u2029"],
    "site": ["north", "", "East"],
}
AWARE = [
    "2024-03-01T09:00:00Z",
    "2024-03-01 09:00:00Z",
    "2024-03-01T09:00:00.5+05:30",
    "2024-03-01T09:00:00.123456+0530",
    "2024-03-01T09:00:00.1-08:00",
    "2024-02-29T23:59:59.999999+23:59",
    "1999-12-31T23:59:59-00:00",
    "0999-01-01T00:00:00Z",
    "2024-03-31T02:30:00+01:00",
]
NAIVE = [
    "2024-03-01T09:00:00",
    "2024-03-01 09:00:00.25",
    "2024-03-31T01:59:59.999999",  # just before Berlin's gap
    "2024-03-31T03:00:00",
    "2024-10-27T02:30:00",  # Berlin's repeated hour: its first pass
    "2024-10-27T02:59:59.5",
    "2024-10-27T03:00:00",
    "1970-01-01T00:00:00",
    "2037-12-31T23:59:59",
]
EPOCH = ["1709280000", "1709280000.5", "1.7e9", "0", "1709283600.123456", "-5"]
BAD_TIMES = [
    "2024-03-31T02:30:00",  # Berlin's gap
    "2024-03-01T09:00:00+24:00",
    "2024-03-01T09:00:00+05",
    "2024-03-01T09:00:00.1234567Z",
    "2024-03-01T09:00:00z",
    "2024-02-30T09:00:00Z",
    "2024-03-01T24:00:00Z",
    "2024-03-01T09:00Z",
    "2024-03-01",
    "2099-03-01T09:00:00Z",  # ahead of the wall clock, past any tolerance here
    "2040-03-01T09:00:00",
    "1960-03-01T09:00:00",
    "1e400",
    "nan",
    "",
    " 2024-03-01T09:00:00Z",
    "2024-03-01T09:00:00Z\n",
]


def hostile_feed(options: dict[str, object]) -> FeedConfig:
    defaults: dict[str, object] = {
        "time": TimeSpec(("at",)),
        "agent": "agent",
        "fields": FIELDS,
        "name_column": "name",
        "team_column": "team",
    }
    return feed_config(Path("/nowhere"), **(defaults | options))  # type: ignore[arg-type]


def random_batch(chance: random.Random) -> Columns:
    size = chance.choice([1, 2, 3, 12, 12, 30, SMALL_BATCH_MAX])
    rate = chance.choice([0.0, 0.0, 0.0, 0.01, 0.05, 0.3])
    times = chance.choice([AWARE, NAIVE, EPOCH, AWARE + NAIVE])

    def cell(column: str) -> str:
        if chance.random() < rate:
            return chance.choice(HOSTILE[column] if column != "at" else BAD_TIMES)
        return chance.choice(times if column == "at" else CLEAN[column])

    columns = ["at", "agent", "name", "team", "site", *(spec.column for spec in FIELDS)]
    batch = {column: [cell(column) for _ in range(size)] for column in columns}
    # The same times as two columns (date, time of day), for a feed that joins them.
    batch["day"] = [at[:10] for at in batch["at"]]
    batch["clock"] = [at[11:] for at in batch["at"]]
    return batch


FEED_OPTIONS: list[dict[str, object]] = [
    {},
    {"where": (("site", ("east",)),)},
    {"exclude_agents": ("bob", "A2")},
    {"where": (("site", ("east", "west")),), "exclude_agents": ("Zoë", "")},
    {"kind": "snapshot"},
    {"kind": "snapshot", "time": None},
    {"time": TimeSpec(("day", "clock"))},
]


@pytest.mark.parametrize("seed", range(6))
def test_random_hostile_batches_build_alike(seed: int) -> None:
    chance = random.Random(seed)
    taken = 0
    for _ in range(250):
        options = chance.choice(FEED_OPTIONS)
        feed = hostile_feed(options)
        context = ParseContext(
            zone=chance.choice([BERLIN, BERLIN, ZoneInfo("Asia/Kolkata"), UTC]),
            clock=lambda: NOW + 0.25,
            future_tolerance=chance.choice([None, 300.0, 86400.0 * 365 * 20]),
            wall=lambda: NOW,
        )
        columns = random_batch(chance)
        size = len(columns["at"])
        sources = (
            None
            if chance.random() < 0.5
            else np.sort(np.array([chance.randrange(4) for _ in range(size)], dtype=np.int64))
        )
        # As Arrow arrays (most parsers) or as plain lists (CSV's few records split in Python).
        text: Mapping[str, TextColumn] = arrays(columns) if chance.random() < 0.5 else columns
        taken += differ(feed, text, context, sources)
    assert taken > 60  # most clean batches go the small way: the comparison is not vacuous


@pytest.mark.parametrize(
    "column, cells",
    [(column, CLEAN[column] + HOSTILE[column]) for column in CLEAN]
    + [("at", AWARE), ("at", NAIVE), ("at", EPOCH), ("at", BAD_TIMES)],
)
def test_every_listed_cell_alone_builds_alike(column: str, cells: list[str]) -> None:
    """Each cell in a batch of its own: a fallback for one cell never hides a mistake about
    another."""
    feed = hostile_feed({})
    context = ParseContext(zone=BERLIN, clock=lambda: NOW, wall=lambda: NOW)
    base = {"at": "2024-03-01T09:00:00Z", "agent": "A1", "name": "Ann", "team": "north"}
    base |= {"site": "east", "count": "1", "handle": "2", "talk": "3", "resolved": "Y"}
    base |= {"adherence": "50%"}
    for cell in cells:
        differ(
            feed,
            arrays({name: [cell if name == column else value] for name, value in base.items()}),
            context,
        )


# -- when the small build is taken, and when not -------------------------------------------------


def clean_columns() -> Columns:
    return {
        "at": ["2024-03-01T07:00:00Z", "2024-03-01T07:01:00Z"],
        "agent": ["A1", "A2"],
        "name": ["Ann", "Bo"],
        "team": ["north", "south"],
        "site": ["east", "east"],
        "count": ["1", "2"],
        "handle": ["100", "1:00"],
        "talk": ["5", ""],
        "resolved": ["Y", "n"],
        "adherence": ["85%", "0.9"],
    }


def berlin(wall: float = NOW) -> ParseContext:
    return ParseContext(zone=BERLIN, clock=lambda: NOW, future_tolerance=300.0, wall=lambda: wall)


def test_a_clean_batch_takes_the_small_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def vectorised(*args: object, **kwargs: object) -> Parsed:
        raise AssertionError("the vectorised build ran")

    monkeypatch.setattr(batch_module, "_build_vectorised", vectorised)
    parsed = build_batch(hostile_feed({}), arrays(clean_columns()), np.array([2, 3]), berlin(), 5)
    assert parsed.rows is not None and list(parsed.rows["agent"]) == ["A1", "A2"]


def test_a_live_poll_of_simulated_calls_takes_the_small_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[bool] = []

    def counted(*args: object, **kwargs: object) -> Parsed | None:
        result = build_small(*args, **kwargs)  # type: ignore[arg-type]
        taken.append(result is not None)
        return result

    monkeypatch.setattr(batch_module, "build_small", counted)
    (tmp_path / "feeds").mkdir()
    path = tmp_path / "feeds" / "calls.csv"
    path.write_text(CALL_HEADER + call_line(1))
    feeds = calls_floor(tmp_path)
    feeds.load_all()
    append(path, call_line(2, "A2") + call_line(3, "A3", handle="1:05"))
    assert sum(len(update.rows) for update in feeds.poll()) == 2
    assert taken and all(taken)


def replaced(column: str, index: int, cell: str) -> Columns:
    columns = clean_columns()
    columns[column][index] = cell
    return columns


FALLBACKS: dict[str, tuple[dict[str, object], Columns, ParseContext]] = {
    "a states feed": ({"kind": "states", "state_column": "site"}, clean_columns(), berlin()),
    "a queue feed": (
        {
            "kind": "queue",
            "agent": "",
            "queue_column": "site",
            "contact_column": "agent",
            "event_column": "resolved",
        },
        clean_columns(),
        berlin(),
    ),
    "a strptime format": (
        {"time": TimeSpec(("at",), "%Y-%m-%dT%H:%M:%SZ")},
        clean_columns(),
        berlin(),
    ),
    "an empty agent id": ({}, replaced("agent", 1, ""), berlin()),
    "an agent id of controls only": ({}, replaced("agent", 1, "\x1b\x07"), berlin()),
    "a 65-character agent id": ({}, replaced("agent", 0, "a" * 65), berlin()),
    "an empty time": ({}, replaced("at", 1, ""), berlin()),
    "an unreadable time": ({}, replaced("at", 1, "yesterday"), berlin()),
    "a time too far ahead": ({}, clean_columns(), berlin(wall=NOW - 86400)),
    "a time in a DST gap": (
        {},
        {**clean_columns(), "at": ["2024-03-31T02:30:00", "2024-03-01T08:00:00"]},
        berlin(),
    ),
    "a naive time past the zone file's transitions": (
        {},
        {**clean_columns(), "at": ["2040-03-01T09:00:00", "2024-03-01T08:00:00"]},
        berlin(wall=NOW + 20 * 365 * 86400),
    ),
    "aware and naive times mixed": ({}, replaced("at", 1, "2024-03-01T09:00:00"), berlin()),
    "an epoch feed with an ISO time": (
        {},
        {**clean_columns(), "at": ["1709280000", "2024-03-01T09:00:00Z"]},
        berlin(),
    ),
    "an unreadable number": ({}, replaced("count", 0, "many"), berlin()),
    "nan": ({}, replaced("count", 0, "nan"), berlin()),
    "a value over 1e12": ({}, replaced("count", 0, "1e13"), berlin()),
    "an overflowing value": ({}, replaced("handle", 0, "1e400"), berlin()),
    "an unreadable duration": ({}, replaced("talk", 0, "1:2:3:4"), berlin()),
    "a non-ASCII yes": ({}, replaced("resolved", 0, "İ"), berlin()),
    "an unreadable percent": ({}, replaced("adherence", 0, "%85"), berlin()),
}


@pytest.mark.parametrize("why", list(FALLBACKS))
def test_the_small_build_leaves_unsure_batches_to_the_vectorised_one(why: str) -> None:
    options, columns, context = FALLBACKS[why]
    feed = hostile_feed(options)
    text = arrays(columns)
    lines = np.array([2, 3])
    assert build_small(feed, text, lines, context, 5) is None
    assert_same(
        build_batch(feed, text, lines, context, 5), _build_vectorised(feed, text, lines, context, 5)
    )


def test_a_null_cell_and_a_zone_without_a_name_are_left_to_the_vectorised_build() -> None:
    feed = hostile_feed({})
    text = arrays(clean_columns()) | {"name": pa.array(["Ann", None], pa.string())}
    assert build_small(feed, text, np.array([2, 3]), berlin(), 5) is None
    naive = arrays(clean_columns() | {"at": ["2024-03-01T07:00:00", "2024-03-01T08:00:00"]})
    named = build_small(feed, naive, np.array([2, 3]), berlin(), 5)
    assert named is not None
    unnamed = ParseContext(zone=UTC, clock=lambda: NOW, wall=lambda: NOW)
    assert build_small(feed, naive, np.array([2, 3]), unnamed, 5) is None


def test_rows_that_where_and_exclude_agents_drop_are_not_rejections() -> None:
    feed = hostile_feed({"where": (("site", ("west",)),), "exclude_agents": ("A2",)})
    columns = replaced("at", 0, "not a time") | {"site": ["north", "west"]}
    text = arrays(columns)
    assert build_small(feed, text, np.array([2, 3]), berlin(), 5) is not None  # nothing kept
    assert differ(feed, text, berlin())


def test_the_private_frame_constructor_and_the_public_one_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed = hostile_feed({})
    text = arrays(clean_columns())
    lines = np.array([2, 3])
    private = build_small(feed, text, lines, berlin(), 5)
    monkeypatch.delattr(pd.DataFrame, "_from_arrays")
    public = build_small(feed, text, lines, berlin(), 5)
    assert private is not None and public is not None
    assert_same(public, _build_vectorised(feed, text, lines, berlin(), 5))
    assert_same(private, public)


def test_columns_of_several_files_join_as_lists_or_as_arrays() -> None:
    assert concat_columns([["a", "b"], ["c"]]) == ["a", "b", "c"]  # no Arrow call
    mixed = concat_columns([["a"], pa.array(["b", "c"], pa.string())])
    assert isinstance(mixed, pa.Array) and mixed.to_pylist() == ["a", "b", "c"]


def test_a_few_csv_records_reach_the_build_as_lists(demo: tuple[Config, Path]) -> None:
    chunk = next(simulator_chunks(demo, 3))
    assert all(isinstance(column, list) for column in chunk.values())
