"""The benchmarks' floor: a simulated day on disk, the demo config, and a writer that appends.

`prepare_floor` writes a day with the simulator's vectorised `write_day` (2,000 agents), splits
the calls over four files (`calls-north/south/east/west.csv`, all matched by the demo config's
`feeds/calls-*.csv` glob, so a burst can spread over 4 files), adds one `status.jsonl` snapshot
per agent, each agent's current state (`states.csv`: so every row on screen has a STATE timer
ticking, as on a real floor) and a few callers waiting (`queue.csv`), and writes the demo config
beside the `feeds/` folder, exactly as `floorwatch demo` does. `copy_floor` gives each run its
own copy, so appends never leak from one run into the next.

`FeedWriter` appends the way a dialer does, a line per `write` and a `flush`: the simulator's
own call events (`FloorSimulator.step`) for load, and *marker* rows for measuring. A marker gives
one agent an absurd handle time, so that agent jumps to the top of a worst-first board: the moment
its name shows on the screen is the moment the row was seen. Each marker must out-rank the ones
before it, or after a few dozen appends a new one would land below the screen's last row. AHT is
a mean over the last hour, so the row's value is scaled by the agent's rows in that hour (known
from the day on disk) and grows geometrically, by more than a miscounted row or two could undo.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from floorwatch.demo import write_demo_config
from floorwatch.demo.model import CALL_COLUMNS, STATUS_FILE
from floorwatch.demo.roster import Agent, build_roster
from floorwatch.demo.simulator import FloorSimulator, csv_line, write_day

SITES = ("north", "south", "east", "west")
MARKER_HANDLE_S = 10_000  # a marker's mean handle time at level 0: nothing real comes close
MARKER_GROWTH = 1.3  # each marker's mean this much above the previous one's
MARKER_LEVELS = 110  # beyond, handle times would overflow a 64-bit integer column
MARKER_NAME_MAX = 14  # short names: few boards truncate them
MARKER_PREFIX = 7  # the shortest cut a board may show: floorwatch's narrowest name column is 8
MARKER_RECENT_ROWS = 5  # a marker agent needs rows in the last hour for AHT to have a value


@dataclass
class Floor:
    """A prepared floor folder: the config beside `feeds/`."""

    folder: Path
    config: Path
    feeds: Path
    agents: int
    events: int
    seed: int
    roster: list[Agent]
    close: datetime  # the newest row's time on disk
    markers: list[Agent] = field(default_factory=list)  # agents fit to be markers, in order
    recent: dict[str, int] = field(default_factory=dict)  # agent -> rows in the last hour on disk
    used: int = 0  # markers used so far (each agent is a marker once per floor)
    level: int = 0  # the last marker's level

    @property
    def call_files(self) -> list[Path]:
        return [self.feeds / f"calls-{site}.csv" for site in SITES]


def prepare_floor(folder: Path, agents: int, events: int, seed: int = 7) -> Floor:
    """Write a day of `events` calls by `agents` agents, and the demo config, into `folder`."""
    folder = Path(folder)
    feeds = folder / "feeds"
    if folder.exists():
        shutil.rmtree(folder)
    feeds.mkdir(parents=True)
    day_files = write_day(feeds, agents=agents, events=events, seed=seed)
    _split_sites(day_files, feeds)
    roster = build_roster(agents, datetime.now().date())
    _write_status(feeds / STATUS_FILE, roster, seed)
    config = write_demo_config(folder)
    calls = pd.concat(pd.read_csv(path) for path in sorted(feeds.glob("calls-*.csv")))
    stamps = pd.to_datetime(calls["ended_at"], format="ISO8601", utc=True)
    close = stamps.max().to_pydatetime().astimezone()
    _write_live_floor(feeds, roster, close, seed)
    last_hour = calls[stamps > stamps.max() - pd.Timedelta(minutes=60)]
    recent = last_hour["agent_id"].value_counts()
    fit = set(recent[recent >= MARKER_RECENT_ROWS].index)
    floor = Floor(folder, config, feeds, agents, events, seed, roster, close)
    floor.markers = _marker_agents(roster, fit, seed)
    floor.recent = {str(agent): int(count) for agent, count in recent.items()}
    return floor


def copy_floor(floor: Floor, folder: Path) -> Floor:
    """A fresh copy of `floor` in `folder` (the config is rewritten for its new place)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(floor.feeds, folder / "feeds")
    config = write_demo_config(folder)
    return Floor(
        folder, config, folder / "feeds", floor.agents, floor.events, floor.seed, floor.roster,
        floor.close, list(floor.markers), dict(floor.recent), floor.used, floor.level,
    )  # fmt: skip


def _split_sites(day_files: list[Path], feeds: Path) -> None:
    """Move every other row of each written site into a third and fourth file (east, west)."""
    for source, extra in zip(
        day_files, (feeds / "calls-east.csv", feeds / "calls-west.csv"), strict=True
    ):
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        header, rows = lines[0], lines[1:]
        source.write_text(header + "".join(rows[0::2]), encoding="utf-8")
        extra.write_text(header + "".join(rows[1::2]), encoding="utf-8")


def _write_status(path: Path, roster: list[Agent], seed: int) -> None:
    """One agent-state snapshot per agent, so the adherence column has values."""
    chance = random.Random(seed)
    with path.open("w", encoding="utf-8") as file:
        for agent in roster:
            record = {
                "at": datetime.now()
                .astimezone()
                .replace(hour=8, minute=0, second=0)
                .isoformat(timespec="seconds"),
                "agent_id": agent.agent_id,
                "agent_name": agent.name,
                "team": agent.team,
                "state": "available",
                "adherence": round(chance.uniform(0.82, 1.0), 3),
            }
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


STATES = (("On Call", ""), ("Available", ""), ("ACW", ""), ("Break", "Coffee"), ("Lunch", ""))


def _write_live_floor(feeds: Path, roster: list[Agent], close: datetime, seed: int) -> None:
    """Each agent's state as of the day's close (entered up to 25 minutes before, so some are
    amber and red), and each team queue's callers waiting."""
    chance = random.Random(seed + 1)
    end = close.timestamp()
    with (feeds / "states.csv").open("w", encoding="utf-8", newline="") as file:
        file.write(csv_line(("changed_at", "agent_id", "agent_name", "team", "state", "reason")))
        for agent in roster:
            state, reason = chance.choices(STATES, weights=(60, 15, 12, 10, 3))[0]
            since = datetime.fromtimestamp(end - chance.uniform(0, 25 * 60)).astimezone()
            at = since.isoformat(timespec="seconds")
            file.write(csv_line((at, agent.agent_id, agent.name, agent.team, state, reason)))
    teams = sorted({agent.team for agent in roster})
    with (feeds / "queue.csv").open("w", encoding="utf-8", newline="") as file:
        file.write(csv_line(("at", "queue", "contact_id", "event", "agent_id", "wait_s")))
        for index in range(12):
            at = datetime.fromtimestamp(end - chance.uniform(0, 90)).astimezone()
            row = (at.isoformat(timespec="seconds"), teams[index % len(teams)], f"Q{index}")
            file.write(csv_line((*row, "enter", "", "")))


def _marker_agents(roster: list[Agent], fit: set[str], seed: int) -> list[Agent]:
    """Agents whose name is short, ASCII, and whose first MARKER_PREFIX characters start no other
    name (nor appear inside one): a screen search for the name, even cut to that prefix and an
    ellipsis by a narrow column, cannot match anyone else. Shuffled (deterministically) so markers
    spread over the floor."""
    names = [agent.name for agent in roster]
    joined = "\n".join(names)
    found = [
        agent
        for agent in roster
        if agent.agent_id in fit
        and agent.name.isascii()
        and len(agent.name) <= MARKER_NAME_MAX
        and joined.count(agent.name[:MARKER_PREFIX]) == 1
    ]
    random.Random(seed).shuffle(found)
    return found


def name_shown(name: str, text: str) -> bool:
    """Whether `name` is in the screen's `text`, whole or cut short with an ellipsis."""
    if name in text:
        return True
    return any(name[:cut] + "…" in text for cut in range(MARKER_PREFIX, len(name)))


class FeedWriter:
    """Appends rows to a floor's call files, a line per write, flushed, like a dialer."""

    def __init__(self, floor: Floor, seed: int = 11) -> None:
        self.floor = floor
        self._files = [path.open("a", encoding="utf-8", newline="") for path in floor.call_files]
        self._turn = 0
        self.latest = floor.close
        self.simulator = FloorSimulator(floor.feeds, floor.agents, seed=seed, start=floor.close)
        self.rows = 0

    def close(self) -> None:
        for file in self._files:
            file.close()

    def __enter__(self) -> FeedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, values: tuple[str, ...]) -> None:
        file = self._files[self._turn % len(self._files)]
        self._turn += 1
        file.write(csv_line(values))
        file.flush()
        self.rows += 1

    def simulated(self, count: int) -> None:
        """Append the simulator's next `count` call events, spread over the four files."""
        for event in self.simulator.step(count):
            values = event.row(self.floor.close.tzinfo)
            self.latest = max(self.latest, datetime.fromisoformat(values[0]))
            self._write(values)

    def next_marker(self, avoid: str = "") -> Agent:
        """The next unused marker agent whose name is not in `avoid` (e.g. the screen's text)."""
        floor = self.floor
        while floor.used < len(floor.markers):
            agent = floor.markers[floor.used]
            floor.used += 1
            if not name_shown(agent.name, avoid):
                return agent
        raise RuntimeError("out of marker agents: use a bigger floor or fewer appends")

    def mark(self, agent: Agent) -> None:
        """Give `agent` the worst handle time yet, in one row stamped with the newest time, in the
        next file in turn."""
        self.floor.level += 1
        if self.floor.level > MARKER_LEVELS:
            raise RuntimeError(f"more than {MARKER_LEVELS} markers on one floor: copy it afresh")
        rows = self.floor.recent.get(agent.agent_id, 0) + 1
        handle = str(round(MARKER_HANDLE_S * MARKER_GROWTH**self.floor.level * rows))
        stamp = self.latest.isoformat(timespec="seconds")
        values = (stamp, agent.agent_id, agent.name, agent.team, handle, "0", "Y", "", "N")
        assert len(values) == len(CALL_COLUMNS)
        self._write(values)

    def mark_every_file(self, avoid: str = "") -> list[Agent]:
        """A marker row at the end of each file, each for another agent: a board shows all of
        them only once it has read every file to its end."""
        agents = []
        for _ in self._files:
            agents.append(self.next_marker(avoid))
            self.mark(agents[-1])
        return agents
