"""The live floor on the board: states from CSV, JSONL and queue_log feeds, their limits
turning an agent's row with no new row, offline agents leaving, queues' figures per tick."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from floorwatch.config import ConfigError, load_config
from floorwatch.feeds import FloorFeeds
from floorwatch.live.board import Board
from floorwatch.live.thresholds import Status

T0 = 1_717_236_000.0  # 2024-06-01 10:00:00 UTC

CONFIG = """
floor: {{timezone: UTC, state_counts: {counts}, offline_hides: 10m}}
feeds:
  - name: calls
    path: calls.csv
    time: {{column: ended_at}}
    agent: agent_id
    fields: {{handle: {{column: handle_s, type: seconds}}}}
  - name: states
    path: {states_path}
    kind: states
    time: {{column: changed_at}}
    agent: agent_id
    name: agent_name
    team: team
    state: state
    reason: reason
  - name: queue
    path: queue.csv
    kind: queue
    time: {{column: at}}
    queue: queue
    contact: contact_id
    event: event
metrics:
  aht: {{field: handle, agg: mean, better: lower, green: 300, red: 400}}
states:
  Available: {{category: available}}
  "On Call": {{category: on_contact, amber: 10m, red: 20m}}
  Break: {{category: away, amber: 15m, red: 20m}}
  Offline: {{category: offline}}
queues:
  defaults:
    waiting: {{green: 1, red: 2}}
"""


def iso(offset: float) -> str:
    return f"2024-06-01T10:{int(offset) // 60:02d}:{int(offset) % 60:02d}Z"


def make_floor(
    tmp_path: Path, counts: bool = True, jsonl: bool = False
) -> tuple[Board, FloorFeeds]:
    states_path = "states.jsonl" if jsonl else "states.csv"
    (tmp_path / "floorwatch.yaml").write_text(
        CONFIG.format(counts=str(counts).lower(), states_path=states_path)
    )
    (tmp_path / "calls.csv").write_text("ended_at,agent_id,handle_s\n")
    if not jsonl:
        (tmp_path / "states.csv").write_text("changed_at,agent_id,agent_name,team,state,reason\n")
    (tmp_path / "queue.csv").write_text("at,queue,contact_id,event\n")
    config = load_config(tmp_path / "floorwatch.yaml")
    return Board(config), FloorFeeds(config, clock=lambda: T0)


def ingest(board: Board, feeds: FloorFeeds) -> None:
    for update in feeds.poll():
        if len(update.rows):
            board.ingest(update.feed, update.rows)


def add(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


def test_break_past_red_turns_the_row_red_with_no_new_row(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(
        tmp_path / "states.csv",
        f"{iso(0)},a1,Ana,North,Break,Coffee\n{iso(0)},a2,Bo,North,Available,\n",
    )
    ingest(board, feeds)
    delta = board.tick(T0 + 60)
    assert delta.added == {"a1", "a2"}
    row = board.rows["a1"]
    assert row.name == "Ana" and row.team == "North"
    assert row.state is not None and row.state.name == "Break" and row.state.reason == "Coffee"
    assert row.status is Status.GREEN
    assert board.tick(T0 + 899).empty
    assert board.tick(T0 + 900).changed == {"a1"}
    assert board.rows["a1"].status is Status.AMBER
    delta = board.tick(T0 + 1200)
    assert delta.changed == {"a1"} and board.rows["a1"].status is Status.RED
    assert board.rows["a1"].red_since == T0 + 1200
    assert board.state_counts() == {
        "available": 1, "on_contact": 0, "after_contact_work": 0, "away": 1, "offline": 0,
        "other": 0,
    }  # fmt: skip


def test_state_counts_false_leaves_the_overall_status_to_metrics(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path, counts=False)
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,Break,\n")
    ingest(board, feeds)
    board.tick(T0 + 1300)
    row = board.rows["a1"]
    assert row.state is not None and row.state.status(T0 + 1300) is Status.RED
    assert row.status is Status.NONE


def test_offline_agents_leave_unless_red_for_metrics(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(tmp_path / "calls.csv", f"{iso(0)},a2,500\n")
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,Offline,\n{iso(0)},a2,Bo,North,Offline,\n")
    ingest(board, feeds)
    board.tick(T0 + 599)
    assert set(board.rows) == {"a1", "a2"}
    delta = board.tick(T0 + 600)
    assert delta.removed == {"a1"}
    assert set(board.rows) == {"a2"}  # red for handle time: stays in sight
    add(tmp_path / "states.csv", f"{iso(700)},a1,Ana,North,Available,\n")
    ingest(board, feeds)
    assert board.tick(T0 + 701).added == {"a1"}


def test_state_filter_and_time_in_state_sort(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(
        tmp_path / "states.csv",
        f"{iso(0)},a1,Ana,North,Available,\n{iso(5)},a2,Bo,South,Break,\n"
        f"{iso(2)},a3,Cy,North,Break,\n",
    )
    ingest(board, feeds)
    board.tick(T0 + 10)
    assert board.sorted_ids("state") == ["a1", "a3", "a2"]
    assert board.sorted_ids("state", category="away") == ["a3", "a2"]
    assert board.sorted_ids("name", teams={"North"}) == ["a1", "a3"]
    assert board.counts(teams={"South"})[Status.GREEN] == 1


def test_unknown_states_show_as_they_are(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,Training,\n")
    ingest(board, feeds)
    board.tick(T0 + 1)
    assert board.rows["a1"].state.category == "other"
    assert board.presence.unknown_states() == ["Training"]


def test_states_from_jsonl(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path, jsonl=True)
    record = {"changed_at": iso(0), "agent_id": "a1", "agent_name": "Ana", "team": "North",
              "state": "On Call", "reason": None}  # fmt: skip
    (tmp_path / "states.jsonl").write_text(json.dumps(record) + "\n")
    ingest(board, feeds)
    board.tick(T0 + 601)
    assert board.rows["a1"].state.category == "on_contact"
    assert board.rows["a1"].status is Status.AMBER


def test_a_state_row_without_its_state_is_rejected_alone(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,,\n{iso(0)},a2,Bo,North,Break,\n")
    ingest(board, feeds)
    board.tick(T0 + 1)
    assert set(board.rows) == {"a2"}
    (status,) = [s for s in feeds.statuses() if s.feed == "states"]
    assert status.rejected == 1 and "state is empty" in status.errors[0]


def test_queue_waiting_rises_and_falls(tmp_path: Path) -> None:
    board, feeds = make_floor(tmp_path)
    add(tmp_path / "queue.csv", f"{iso(0)},Sales,c1,enter\n{iso(3)},Sales,c2,ENTER\n")
    ingest(board, feeds)
    delta = board.tick(T0 + 5)
    assert delta.queues
    (sales,) = board.queue_figures
    assert sales.waiting == 2 and sales.longest_wait == 5 and sales.status is Status.AMBER
    add(tmp_path / "queue.csv", f"{iso(8)},Sales,c1,answer\n{iso(9)},Sales,c2,abandon\n")
    add(tmp_path / "queue.csv", f"{iso(9)},Sales,c3,hold\n")
    ingest(board, feeds)
    board.tick(T0 + 10)
    (sales,) = board.queue_figures
    assert sales.waiting == 0 and sales.abandon_rate == 0.5 and sales.asa == 8
    (status,) = [s for s in feeds.statuses() if s.feed == "queue"]
    assert status.rejected == 1 and "is not enter, answer or abandon" in status.errors[0]
    assert not board.tick(T0 + 10).queues  # nothing moved


ASTERISK = """
floor: {timezone: UTC}
feeds:
  - name: asterisk
    path: queue_log
    time: {column: time}
    agent: agent
    fields: {talk: {column: talk_s, type: seconds}}
  - name: asterisk-states
    path: queue_log
    kind: states
  - name: asterisk-queues
    path: queue_log
    kind: queue
metrics:
  talk: {field: talk, agg: mean, better: lower, green: 300}
states:
  Available: {category: available}
  "On Call": {category: on_contact}
  Paused: {category: away, amber: 15m, red: 20m}
  "Logged out": {category: offline}
"""


def ql(offset: int, callid: str, queue: str, agent: str, event: str, *data: object) -> str:
    return "|".join([str(int(T0) + offset), callid, queue, agent, event, *map(str, data)]) + "\n"


def test_an_asterisk_queue_log_gives_events_states_and_queues(tmp_path: Path) -> None:
    (tmp_path / "floorwatch.yaml").write_text(ASTERISK)
    log = (
        ql(0, "NONE", "support", "PJSIP/1001", "ADDMEMBER", "")
        + ql(0, "NONE", "support", "PJSIP/1002", "ADDMEMBER", "")
        + ql(1, "c1", "support", "NONE", "ENTERQUEUE", "", "5551234", "1")
        + ql(2, "c2", "support", "NONE", "ENTERQUEUE", "", "5551235", "2")
        + ql(11, "c1", "support", "PJSIP/1001", "CONNECT", "10", "1717236011.5", "3")
        + ql(40, "NONE", "NONE", "PJSIP/1002", "PAUSEALL", "Lunch")
        + ql(52, "c2", "support", "NONE", "ABANDON", "1", "2", "50")
        + ql(70, "c3", "support", "NONE", "ENTERQUEUE", "", "5551236", "1")
        + ql(75, "c3", "support", "NONE", "EXITWITHKEY", "5", "1", "1", "5")
    )
    (tmp_path / "queue_log").write_text(log)
    config = load_config(tmp_path / "floorwatch.yaml")
    board, feeds = Board(config), FloorFeeds(config)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick(T0 + 80)
    assert board.rows["PJSIP/1001"].state.name == "On Call"
    paused = board.rows["PJSIP/1002"].state
    assert paused.name == "Paused" and paused.reason == "Lunch" and paused.category == "away"
    (support,) = board.queue_figures
    assert support.waiting == 0 and support.answered == 1 and support.abandoned == 2
    assert support.asa == 10
    add(
        tmp_path / "queue_log",
        ql(90, "c1", "support", "PJSIP/1001", "COMPLETECALLER", "10", "79", "1"),
    )
    add(tmp_path / "queue_log", ql(91, "NONE", "NONE", "PJSIP/1002", "UNPAUSEALL", ""))
    for update in feeds.poll():
        board.ingest(update.feed, update.rows)
    board.tick(T0 + 92)
    assert board.rows["PJSIP/1001"].state.name == "Available"
    assert board.rows["PJSIP/1002"].state.name == "Available"
    assert board.rows["PJSIP/1001"].cells["talk"].value == 79


def test_the_shipped_asterisk_config_reads() -> None:
    config = load_config(Path(__file__).parents[1] / "config" / "asterisk.yaml")
    assert {feed.kind for feed in config.feeds} == {"events", "states", "queue"}


def test_live_config_errors_name_their_line(tmp_path: Path) -> None:
    (tmp_path / "floorwatch.yaml").write_text(
        textwrap.dedent(
            """\
            feeds:
              - {name: s, path: s.csv, kind: states, agent: a}
            metrics: {}
            states:
              Break: {category: breaks}
            """
        )
    )
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "floorwatch.yaml")
    text = str(error.value)
    assert "floorwatch.yaml:2:5: feeds[0]: kind: states needs `state: COLUMN`" in text
    assert "floorwatch.yaml:5:21: states.Break.category must be one of" in text


def test_board_json_has_queues_and_each_agents_state(tmp_path: Path) -> None:
    from floorwatch.reports.board import board_document, render_text

    board, feeds = make_floor(tmp_path)
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,Break,Coffee\n")
    add(tmp_path / "calls.csv", f"{iso(0)},a2,100\n")
    add(tmp_path / "queue.csv", f"{iso(0)},Sales,c1,enter\n{iso(10)},Sales,c2,enter\n")
    add(tmp_path / "queue.csv", f"{iso(15)},Sales,c2,answer\n")
    ingest(board, feeds)
    board.tick(T0 + 1300)
    document = board_document(board, board.config, feeds.statuses(), T0 + 1300)
    assert document["queues"] == [
        {
            "queue": "Sales", "waiting": 1, "longest_wait": 1300.0, "service_level": 1.0,
            "abandon_rate": 0.0, "asa": 5.0, "status": "red",
        }
    ]  # fmt: skip
    agents = {a["agent"]: a for a in document["agents"]}
    assert agents["a1"]["state"] == {
        "name": "Break", "category": "away", "reason": "Coffee",
        "since": "2024-06-01T10:00:00+00:00", "status": "red",
    }  # fmt: skip
    assert agents["a1"]["status"] == "red"
    assert agents["a2"]["state"] is None
    text = render_text(board, board.config, feeds.statuses(), T0 + 1300)
    assert "Break 21:40 ■ Coffee" in text
    assert "■ RED Sales: 1 waiting, oldest 21:40, SL 100%, abandoned 0%, ASA 0:05" in text


def test_check_names_unknown_states_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from floorwatch.cli import main

    make_floor(tmp_path)
    add(
        tmp_path / "states.csv",
        f"{iso(0)},a1,Ana,North,Training,\n{iso(5)},a2,Bo,North,Training,\n{iso(9)},a2,Bo,North,Break,\n",
    )
    assert main(["check", "--config", str(tmp_path / "floorwatch.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.count("'Training'") == 1
    assert (
        "feed states: states not in `states:` (shown as they are, category other): 'Training'"
        in out
    )


async def test_the_floor_says_an_unknown_state_once(tmp_path: Path) -> None:
    from floorwatch.live.floor import Floor

    _, feeds = make_floor(tmp_path)
    add(
        tmp_path / "states.csv",
        f"{iso(0)},a1,Ana,North,Training,\n{iso(1)},a2,Bo,North,Training,\n",
    )
    floor = Floor(feeds.config, clock=lambda: T0 + 10)
    published: list[tuple[str, ...]] = []
    floor.subscribe(lambda update: published.append(update.errors))
    await floor._cold_load()
    assert published == [
        ("state 'Training' is not in the config's `states:` (shown as it is, category other)",)
    ]
    assert floor._unknown_states() == []


def test_every_asterisk_member_and_caller_event(tmp_path: Path) -> None:
    """Each event the issue lists, as Asterisk writes it (NONE queues, pause reasons)."""
    (tmp_path / "floorwatch.yaml").write_text(ASTERISK)
    log = (
        ql(0, "NONE", "support", "Agent/1", "AGENTLOGIN", "PJSIP/1001")
        + ql(0, "NONE", "support", "Agent/2", "ADDMEMBER", "")
        + ql(0, "NONE", "support", "Agent/3", "ADDMEMBER", "")
        + ql(1, "NONE", "support", "Agent/2", "PAUSE", "Coaching")
        + ql(2, "c1", "support", "NONE", "ENTERQUEUE", "", "555", "1")
        + ql(3, "c2", "support", "NONE", "ENTERQUEUE", "", "556", "2")
        + ql(4, "c3", "support", "NONE", "ENTERQUEUE", "", "557", "3")
        + ql(5, "c4", "support", "NONE", "ENTERQUEUE", "", "558", "4")
        + ql(6, "c1", "support", "Agent/1", "CONNECT", "4", "x.1", "2")
        + ql(7, "c2", "support", "Agent/3", "CONNECT", "4", "x.2", "2")
        + ql(30, "c3", "support", "NONE", "EXITWITHTIMEOUT", "1", "3", "26")
        + ql(31, "c4", "support", "NONE", "EXITEMPTY", "1", "4", "26")
    )
    (tmp_path / "queue_log").write_text(log)
    config = load_config(tmp_path / "floorwatch.yaml")
    board, feeds = Board(config), FloorFeeds(config)
    for update in feeds.load_all():
        board.ingest(update.feed, update.rows)
    board.tick(T0 + 32)
    names = {agent: row.state.name for agent, row in board.rows.items() if row.state}
    assert names == {"Agent/1": "On Call", "Agent/2": "Paused", "Agent/3": "On Call"}
    assert board.rows["Agent/2"].state.reason == "Coaching"
    (support,) = board.queue_figures
    assert support.waiting == 0 and support.abandoned == 2 and support.answered == 2
    more = (
        ql(40, "c1", "support", "Agent/1", "COMPLETEAGENT", "4", "34", "1")
        + ql(41, "c2", "support", "Agent/3", "TRANSFER", "200", "from-internal", "4", "34", "1")
        + ql(42, "NONE", "support", "Agent/2", "UNPAUSE", "")
        + ql(50, "NONE", "support", "Agent/1", "AGENTLOGOFF", "PJSIP/1001", "600")
        + ql(51, "NONE", "support", "Agent/3", "REMOVEMEMBER", "")
    )
    add(tmp_path / "queue_log", more)
    for update in feeds.poll():
        board.ingest(update.feed, update.rows)
    board.tick(T0 + 52)
    names = {agent: row.state.name for agent, row in board.rows.items() if row.state}
    assert names == {"Agent/1": "Logged out", "Agent/2": "Available", "Agent/3": "Logged out"}
    assert board.rows["Agent/1"].state.category == "offline"
    assert all(status.rejected == 0 for status in feeds.statuses())


def test_board_csv_has_each_agents_state(tmp_path: Path) -> None:
    import csv
    import io

    from floorwatch.reports.board import render_csv

    board, feeds = make_floor(tmp_path)
    add(tmp_path / "states.csv", f"{iso(0)},a1,Ana,North,Break,=cmd()\n")
    ingest(board, feeds)
    board.tick(T0 + 1000)
    rows = list(csv.DictReader(io.StringIO(render_csv(board, board.config, [], T0 + 1000))))
    assert rows[0]["state"] == "Break" and rows[0]["state_category"] == "away"
    assert rows[0]["state_reason"] == "'=cmd()"  # never a formula in a spreadsheet
    assert rows[0]["state_since"] == "2024-06-01T10:00:00+00:00"
    assert rows[0]["state_status"] == "amber"
