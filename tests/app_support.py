"""Deterministic floors for the app tests: a real Board from a fixture config and fixed rows, and
a stand-in Floor that publishes what a test tells it to (no files watched, no threads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from floorwatch.config import load_config
from floorwatch.config.types import Config
from floorwatch.live.board import Board, BoardDelta
from floorwatch.live.reds import FloorReds

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "app" / "board.yaml"
NOW = datetime(2025, 6, 16, 10, 42, 0, tzinfo=UTC).timestamp()

# Names and teams as a feed could send them: markup, an unbalanced tag, an action, a link.
HOSTILE_NAMES = ("[bold red]X[/]", "[/oops]", "[@click=app.quit]Y", "[link=https://e.vil]Z")


@dataclass(frozen=True)
class Agent:
    agent: str
    name: str
    team: str
    aht: float  # seconds
    asa: float  # seconds
    fcr: float  # 0..1, the share of resolved calls (of 10)
    csat: float
    adherence: float  # 0..1


AGENTS: tuple[Agent, ...] = (
    Agent("A001", "Li Wei", "north", 330, 12, 0.9, 93, 0.95),  # red on AHT
    Agent("A002", "Ana Souza", "north", 200, 25, 0.9, 92, 0.97),  # amber on ASA
    Agent("A003", "Tomás Ruiz", "south", 190, 10, 0.9, 95, 0.99),
    Agent("A004", "Grace Okafor", "south", 240, 15, 0.7, 91, 0.92),  # red on FCR
    Agent("A005", "Jonas Berg", "north", 205, 18, 0.9, 85, 0.96),  # amber on CSAT
    Agent("A006", "Mei Chen", "south", 180, 8, 1.0, 97, 0.98),
    Agent("A007", HOSTILE_NAMES[0], "[red]west[/red]", 320, 35, 0.8, 70, 0.7),  # red everywhere
    Agent("A008", HOSTILE_NAMES[1], "north", 205, 10, 0.9, 92, 0.95),
    Agent("A009", HOSTILE_NAMES[2], "south", 150, 5, 0.9, 99, 0.99),
    Agent("A010", HOSTILE_NAMES[3], "south", 215, 12, 0.8, 89, 0.85),  # amber, several
    Agent("A011", "Priya Nair", "north", 195, 14, 0.9, 94, 0.93),
    Agent("A012", "Omar Haddad", "south", 260, 22, 0.9, 90, 0.91),  # amber on AHT, ASA
)
CALLS_PER_AGENT = 10


def load_fixture_config() -> Config:
    return load_config(FIXTURE)


def calls_frame(agents: Iterable[Agent], now: float, calls: int = CALLS_PER_AGENT) -> pd.DataFrame:
    """`calls` calls per agent over the last 50 minutes with exactly the agent's figures."""
    records = []
    for agent in agents:
        resolved = round(agent.fcr * calls)
        for index in range(calls):
            records.append(
                {
                    "ts": now - 300.0 * (calls - index),
                    "agent": agent.agent,
                    "name": agent.name,
                    "team": agent.team,
                    "handle_time": float(agent.aht),
                    "answer_time": float(agent.asa),
                    "resolved": 1.0 if index < resolved else 0.0,
                    "csat": float(agent.csat),
                }
            )
    return pd.DataFrame.from_records(records)


def status_frame(agents: Iterable[Agent], now: float) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "ts": now - 30.0,
                "agent": a.agent,
                "name": None,
                "team": None,
                "adherence": a.adherence,
            }
            for a in agents
        ]
    )


def build_board(
    config: Config | None = None, agents: Iterable[Agent] = AGENTS, now: float = NOW
) -> tuple[Board, BoardDelta]:
    config = config or load_fixture_config()
    board = Board(config, clock=lambda: now)
    agents = list(agents)
    feeds = {feed.name: feed for feed in config.feeds}
    board.ingest(feeds["calls"], calls_frame(agents, now))
    board.ingest(feeds["status"], status_frame(agents, now))
    return board, board.tick(now=now)


@dataclass
class FileStatus:
    """Stands in for floorwatch.feeds.FileStatus."""

    feed: str
    path: str
    rows: int
    rejected: int = 0
    errors: tuple[str, ...] = ()
    last_row_at: float | None = None


@dataclass(frozen=True)
class Update:
    """The shape of floorwatch.live.floor.FloorUpdate."""

    delta: BoardDelta
    statuses: tuple[Any, ...]
    stale: frozenset[str] = frozenset()
    loaded: bool = True
    errors: tuple[str, ...] = field(default_factory=tuple)


def default_statuses(now: float = NOW) -> tuple[FileStatus, ...]:
    return (
        FileStatus("calls", "feeds/calls-north.csv", 60, 0, (), now - 20),
        FileStatus(
            "calls", "feeds/calls-south.csv", 61, 2,
            ("feeds/calls-south.csv:17: handle_s '[bold]abc[/]' is not a number",
             "feeds/calls-south.csv:40: missing column agent_id"),
            now - 4,
        ),
        FileStatus("status", "feeds/status.jsonl", 12, 0, (), now - 30),
    )  # fmt: skip


class FakeFloor:
    """A Floor that publishes only when told: `push` rows, then `tick`."""

    def __init__(
        self,
        board: Board,
        first: BoardDelta,
        statuses: tuple[Any, ...] | None = None,
        now: float = NOW,
    ) -> None:
        self.board = board
        self.config = board.config
        self.now = now
        self.statuses = statuses if statuses is not None else default_statuses(now)
        self.subscribers: list[Callable[[Any], None]] = []
        self.reds = FloorReds(self.config.floor.clock)  # as a Floor's: fed every publish
        self.last_update: Update | None = Update(first, self.statuses)
        self.started = self.stopped = False

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    def push_calls(self, agents: Iterable[Agent], calls: int = CALLS_PER_AGENT) -> None:
        feed = next(f for f in self.config.feeds if f.name == "calls")
        self.board.ingest(feed, calls_frame(agents, self.now, calls))

    def tick(
        self,
        advance: float = 1.0,
        stale: frozenset[str] = frozenset(),
        errors: tuple[str, ...] = (),
    ) -> BoardDelta:
        self.now += advance
        self.board.set_stale(stale)
        delta = self.board.tick(now=self.now)
        self.publish(delta, stale=stale, errors=errors)
        return delta

    def publish(
        self,
        delta: BoardDelta,
        stale: frozenset[str] = frozenset(),
        errors: tuple[str, ...] = (),
    ) -> None:
        update = Update(delta, self.statuses, stale=stale, errors=errors)
        self.last_update = update
        self.reds.ticked(delta)
        for callback in list(self.subscribers):
            callback(update)


def make_app(size_hint: Any = None, **kwargs: Any) -> Any:
    """A FloorwatchApp on a FakeFloor with the fixture board, clock frozen at NOW."""
    from floorwatch.tui.app import FloorwatchApp

    board, first = build_board()
    floor = FakeFloor(board, first)
    app = FloorwatchApp(board.config, floor, clock=lambda: floor.now, **kwargs)  # type: ignore[arg-type]
    app.REPAINT_INTERVAL = 0.0  # every update repaints at once: tests need no waiting
    app.HEADER_INTERVAL = 0.0
    return app
