"""JSON Lines feeds: objects in bulk, bad lines rejected alone."""

from __future__ import annotations

import json
from pathlib import Path

from floorwatch.config.types import FieldSpec, FieldType, TimeSpec
from floorwatch.feeds import FloorFeeds
from tests.test_feeds_support import append, feed_config, floor_config, rows_of, status_of

STATUS_FIELDS = (
    FieldSpec("adherence", "adherence", FieldType.PERCENT),
    FieldSpec("on_call", "on_call", FieldType.BOOL),
)


def status_floor(tmp_path: Path, **options: object) -> tuple[FloorFeeds, Path]:
    path = tmp_path / "feeds" / "status.jsonl"
    path.parent.mkdir(exist_ok=True)
    feed = feed_config(
        tmp_path,
        "feeds/status.jsonl",
        name="status",
        fmt="jsonl",
        kind="snapshot",
        time=TimeSpec(("at",)),
        fields=STATUS_FIELDS,
        **options,
    )
    return FloorFeeds(floor_config(tmp_path, feed, timezone="Europe/Paris")), path


def record(agent: object, adherence: object = 0.95, **extra: object) -> str:
    values = {
        "at": "2024-03-01T09:00:00+01:00",
        "agent_id": agent,
        "agent_name": f"Agent {agent}",
        "team": "north",
        "adherence": adherence,
        "on_call": True,
        **extra,
    }
    return json.dumps(values) + "\n"


def test_objects_in_bulk(tmp_path: Path) -> None:
    feeds, path = status_floor(tmp_path)
    path.write_text(record("A1") + record("A2", "87%", on_call=False) + record(7, None))
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["A1", "A2", "7"]
    assert rows["adherence"].tolist()[:2] == [0.95, 0.87]
    assert rows["adherence"].isna().tolist() == [False, False, True]
    assert rows["on_call"].tolist() == [1.0, 0.0, 1.0]
    assert rows["ts"].tolist() == [1709280000.0] * 3  # 09:00+01:00, offset kept


def test_bad_lines_are_rejected_alone(tmp_path: Path) -> None:
    feeds, path = status_floor(tmp_path)
    lines = [
        record("A1"),
        "[1, 2, 3]\n",  # not an object
        '"just a string"\n',
        "{not json\n",
        record("B1", "lots"),  # a bad value
        record("B2", {"nested": 1}),
        "\n",  # blank: skipped
        json.dumps({"at": "2024-03-01T09:00:00", "team": "x"}) + "\n",  # no agent
        record("A2"),
    ]
    path.write_text("".join(lines))
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["A1", "A2"]
    status = status_of(feeds, "status.jsonl")
    assert status.rejected == 6
    assert status.errors[0] == "feeds/status.jsonl:2: is not a JSON object (it is an array)"
    assert status.errors[1] == "feeds/status.jsonl:3: is not a JSON object (it is a string)"
    assert status.errors[2].startswith("feeds/status.jsonl:4: is not valid JSON")
    assert status.errors[3] == "feeds/status.jsonl:5: adherence 'lots' is not a percent"
    assert status.errors[4].startswith("feeds/status.jsonl:6: adherence '{")
    assert status.errors[5] == "feeds/status.jsonl:8: agent_id is empty"


def test_partial_lines_wait_and_appends_read_once(tmp_path: Path) -> None:
    feeds, path = status_floor(tmp_path)
    path.write_text(record("A1"))
    feeds.load_all()
    line = record("A2")
    append(path, line[:20])
    assert rows_of(feeds.poll()).empty
    append(path, line[20:] + record("A3"))
    assert rows_of(feeds.poll())["agent"].tolist() == ["A2", "A3"]


def test_invalid_utf8_and_control_characters(tmp_path: Path) -> None:
    feeds, path = status_floor(tmp_path)
    path.write_bytes(
        record("A1").encode()
        + b'{"at": "2024-03-01T09:00:00", "agent_id": "\xff"}\n'
        + record("\x1b[31mA2\u202e").encode()
    )
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["A1", "[31mA2"]
    assert status_of(feeds, "status.jsonl").errors == [
        "feeds/status.jsonl:2: is not valid UTF-8 text"
    ]


def test_a_snapshot_without_a_time_holds_as_of_reading(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "status.jsonl"
    path.parent.mkdir()
    path.write_text(record("A1"))
    feed = feed_config(
        tmp_path, "feeds/*.jsonl", fmt="jsonl", kind="snapshot", time=None, fields=STATUS_FIELDS
    )
    feeds = FloorFeeds(floor_config(tmp_path, feed), clock=lambda: 1234.5)
    assert rows_of(feeds.load_all())["ts"].tolist() == [1234.5]
