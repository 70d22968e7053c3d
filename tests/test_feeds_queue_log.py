"""Asterisk queue_log feeds: call outcomes as rows, everything else skipped, bad lines named."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorwatch.config import ConfigError, load_config
from floorwatch.config.types import FieldSpec, FieldType, TimeSpec
from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from floorwatch.live.thresholds import Status
from tests.test_feeds_support import append, feed_config, floor_config, rows_of

T0 = 1_717_236_000  # 2024-06-01 10:00:00 UTC

QUEUE_LOG_FIELDS = (
    FieldSpec("handle_time", "talk_s", FieldType.SECONDS),
    FieldSpec("answer_time", "wait_s", FieldType.SECONDS),
    FieldSpec("transfer", "transferred", FieldType.BOOL),
    FieldSpec("missed_ring", "ring_s", FieldType.SECONDS),
)


def line(offset: int, agent: str, event: str, *data: object, queue: str = "support") -> str:
    callid = f"{T0 + offset}.{offset}"
    return "|".join([str(T0 + offset), callid, queue, agent, event, *map(str, data)]) + "\n"


# A day as Asterisk writes it: queue and member housekeeping around three calls.
DAY = (
    line(0, "NONE", "QUEUESTART", queue="NONE")
    + line(1, "PJSIP/1001", "ADDMEMBER")
    + line(2, "NONE", "ENTERQUEUE", "", "5551234", "1")
    + line(9, "PJSIP/1001", "RINGNOANSWER", "15000")
    + line(12, "PJSIP/1002", "CONNECT", "10", "1717236012.7", "2")
    + line(200, "PJSIP/1002", "COMPLETECALLER", "10", "188", "1")
    + line(230, "PJSIP/1001", "COMPLETEAGENT", "4", "226", "1")
    + line(260, "PJSIP/1001", "BLINDTRANSFER", "2000", "from-internal", "6", "250", "1")
    + line(300, "NONE", "ABANDON", "1", "1", "33")
    + line(310, "PJSIP/1002", "PAUSE", "Lunch")
)


def queue_log_feed(tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    return feed_config(
        tmp_path, "feeds/queue_log", name="asterisk", fmt="queue_log", time=TimeSpec(("time",)),
        agent="agent", fields=QUEUE_LOG_FIELDS, name_column=None, team_column="queue",
        **options,
    )  # fmt: skip


def load(tmp_path: Path, text: str, **options: object) -> FloorFeeds:
    path = tmp_path / "feeds" / "queue_log"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    feeds = FloorFeeds(floor_config(tmp_path, queue_log_feed(tmp_path, **options)))
    feeds.load_all()
    return feeds


def test_call_outcomes_become_rows_and_housekeeping_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "queue_log"
    path.parent.mkdir()
    path.write_text(DAY)
    feeds = FloorFeeds(floor_config(tmp_path, queue_log_feed(tmp_path)))
    rows = rows_of(feeds.load_all())
    assert rows["agent"].tolist() == ["PJSIP/1001", "PJSIP/1002", "PJSIP/1001", "PJSIP/1001"]
    assert rows["ts"].tolist() == [T0 + 9, T0 + 200, T0 + 230, T0 + 260]
    assert rows["team"].tolist() == ["support"] * 4
    assert rows["missed_ring"].tolist()[0] == 15.0  # written in milliseconds
    assert rows["handle_time"].tolist()[1:] == [188.0, 226.0, 250.0]
    assert rows["answer_time"].tolist()[1:] == [10.0, 4.0, 6.0]
    assert rows["transfer"].tolist()[1:] == [0.0, 0.0, 1.0]
    status = feeds.statuses()[0]
    assert (status.rows, status.rejected, status.errors) == (4, 0, [])


def test_appended_lines_are_read_as_they_come(tmp_path: Path) -> None:
    feeds = load(tmp_path, DAY)
    append(
        tmp_path / "feeds" / "queue_log", line(400, "PJSIP/1003", "COMPLETEAGENT", "3", "95", "1")
    )
    rows = rows_of(feeds.poll())
    assert rows[["agent", "handle_time"]].values.tolist() == [["PJSIP/1003", 95.0]]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("1717236500|x|support\n", "has 3 fields; a queue_log line has at least 5"),
        (line(500, "NONE", "COMPLETEAGENT", "3", "95", "1"), "agent is empty"),
        (line(500, "PJSIP/1001", "COMPLETEAGENT", "3", "soon", "1"),
         "handle_time 'soon' is not a number of seconds (column 'talk_s')"),
        ("yesterday|1.1|q|PJSIP/1001|COMPLETEAGENT|3|95|1\n", "time 'yesterday' is not a time"),
        (line(500, "PJSIP/1001", "RINGNOANSWER", "lots"),
         "missed_ring 'lots' is not a number of seconds (column 'ring_s')"),
    ],
)  # fmt: skip
def test_a_bad_line_is_rejected_alone_with_its_line_number(
    tmp_path: Path, bad: str, reason: str
) -> None:
    feeds = load(tmp_path, DAY + bad + line(600, "PJSIP/1002", "COMPLETECALLER", "1", "60", "1"))
    status = feeds.statuses()[0]
    assert status.rows == 5 and status.rejected == 1
    assert status.errors[0].startswith("feeds/queue_log:11: ")
    assert reason in status.errors[0]


def test_untrusted_agent_names_arrive_cleaned(tmp_path: Path) -> None:
    hostile = "[bold red]X[/]\x1b[2J"
    feeds = FloorFeeds(floor_config(tmp_path, queue_log_feed(tmp_path)))
    path = tmp_path / "feeds" / "queue_log"
    path.parent.mkdir()
    path.write_text(line(5, hostile, "COMPLETEAGENT", "1", "2", "1"))
    assert rows_of(feeds.load_all())["agent"].tolist() == ["[bold red]X[/][2J"]


def test_where_picks_the_events_a_feed_counts(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "queue_log"
    path.parent.mkdir()
    path.write_text(DAY)
    answered = (("event", ("COMPLETEAGENT", "COMPLETECALLER")),)
    feeds = FloorFeeds(floor_config(tmp_path, queue_log_feed(tmp_path, where=answered)))
    rows = rows_of(feeds.load_all())
    assert rows[["agent", "ts"]].values.tolist() == [
        ["PJSIP/1002", T0 + 200],
        ["PJSIP/1001", T0 + 230],
    ]


def test_crlf_and_blank_lines_are_fine(tmp_path: Path) -> None:
    feeds = load(tmp_path, "\n" + DAY.replace("\n", "\r\n"))
    status = feeds.statuses()[0]
    assert (status.rows, status.rejected) == (4, 0)


CONFIG = """\
floor: {{name: Test}}
feeds:
  - name: asterisk
    path: queue_log
    time: {{column: time}}
    agent: agent
    fields:
      handle_time: {{column: {talk}, type: seconds}}
metrics:
  aht: {{field: handle_time, agg: mean, window: 60m, better: lower, green: 300, red: 420}}
"""


def test_the_config_names_a_column_queue_log_does_not_have(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text(DAY)
    config = tmp_path / "floorwatch.yaml"
    config.write_text(CONFIG.format(talk="talk_s"))
    assert load_config(config).feeds[0].format == "queue_log"  # known from the file's name
    config.write_text(CONFIG.format(talk="handle_s"))
    with pytest.raises(ConfigError) as error:
        load_config(config)
    message = str(error.value)
    assert f"{config}:8:" in message and "'handle_s'" in message and "talk_s" in message


def test_the_asterisk_example_config_colours_agents_from_a_queue_log(tmp_path: Path) -> None:
    """config/asterisk.yaml on a queue_log: one agent talks long and lets calls ring out."""
    example = Path(__file__).resolve().parents[1] / "config" / "asterisk.yaml"
    log = tmp_path / "queue_log"
    text = example.read_text().replace("/var/log/asterisk/queue_log*", str(log))
    config_path = tmp_path / "asterisk.yaml"
    config_path.write_text(text)
    lines = []
    for call in range(6):
        at = 60 * call
        lines.append(line(at, "PJSIP/1001", "COMPLETEAGENT", "8", "150", "1"))
        lines.append(line(at + 5, "PJSIP/1002", "RINGNOANSWER", "15000"))
        lines.append(line(at + 30, "PJSIP/1002", "COMPLETECALLER", "45", "600", "1"))
    log.write_text("".join(lines))
    config = load_config(config_path)
    board = Board(config)
    for update in FloorFeeds(config).load_all():
        board.ingest(update.feed, update.rows)
    board.tick(now=T0 + 400)
    good, slow = board.rows["PJSIP/1001"], board.rows["PJSIP/1002"]
    assert good.status is Status.GREEN and good.team == "support"
    assert slow.status is Status.RED
    assert {key: cell.status for key, cell in slow.cells.items() if cell.status is Status.RED} == {
        "talk": Status.RED, "asa": Status.RED, "rona": Status.RED,
    }  # fmt: skip
