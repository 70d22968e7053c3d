"""What does one more idle SSH session cost? Design A (apps in the server) vs B (a process each).

A: `floorwatch serve`'s design. One server process; every session is a Textual app in the
   server's event loop, drawing through the SSH channel. Measured: the server's RSS and CPU with
   0, 1 and 10 idle sessions connected (asyncssh clients with a pty, reading everything).
B: the alternative. A thin process per session (Python + Textual, the same app) in its own pty,
   as `floorwatch run --attach` in a pty would be. Measured: the sum over the session processes
   (RSS and PSS, CPU). B would also need the server and a way to share the model; not counted.

Three apps: `stub` (a static screen, the floor of the cost), `board` (a 40-agent DataTable with
6 metrics, 5 cells changing every second: a busy stand-in) and `floorwatch` (the real
FloorwatchApp on one shared, idle 2,000-agent floor: what `floorwatch serve` runs; design A only).

    .venv/bin/python bench/bench_ssh.py            # 0, 1, 10 sessions, 20 s windows
    .venv/bin/python bench/bench_ssh.py --quick    # smoke test: 0, 1, 2 sessions, 2 s windows
    .venv/bin/python bench/bench_ssh.py --flood    # another session's answer during a flood

Target (issue 6): each extra idle session < 1% of a core and < 30 MB.

`--flood` (issue 18.5): two sessions of a key-counting app in one server (design A); the time from
a key typed in one session to its screen showing it, quiet and then while the other session's
client sends 200 KB of unbracketed bytes (a paste without bracketed paste mode).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import random
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
MARKER = b"bench-ready"
FLOOR_AGENTS = 2_000  # the `floorwatch` app's floor
FLOOR_MARKER = b"simulated"  # in the demo floor's name: the real board has drawn its header


# -- the apps -----------------------------------------------------------------------------------


def make_app(kind: str, title: str):  # type: ignore[no-untyped-def]
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Static

    class StubBench(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(f"bench-ready {title}")

    class BoardBench(App[None]):
        """A board-like screen: 40 agents x 6 metrics, 5 cells change each second."""

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static(f"bench-ready {title}")
            yield DataTable(id="board")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            self.metrics = ["AHT", "ASA", "CSAT", "FCR", "Hold", "Util"]
            for metric in ["Agent", *self.metrics]:
                table.add_column(metric, key=metric)
            for n in range(40):
                cells = [f"{random.randint(100, 400)}" for _ in self.metrics]
                table.add_row(f"agent {n:02d}", *cells, key=f"a{n}")
            self.set_interval(1.0, self.tick)

        def tick(self) -> None:
            table = self.query_one(DataTable)
            for _ in range(5):
                row = f"a{random.randrange(40)}"
                table.update_cell(row, random.choice(self.metrics), str(random.randint(100, 400)))

    class KeysBench(App[None]):
        """Counts the keys typed: `keys=N .` after each one."""

        def compose(self) -> ComposeResult:
            yield Static(f"bench-ready {title}")
            yield Static("keys=0 .", id="keys")

        def on_key(self) -> None:
            self.typed = getattr(self, "typed", 0) + 1
            self.query_one("#keys", Static).update(f"keys={self.typed} .")

    if kind == "keys":
        return KeysBench()
    return StubBench() if kind == "stub" else BoardBench()


# -- children -----------------------------------------------------------------------------------


async def run_server(users_file: Path, port_file: Path, app: str) -> None:
    """Design A's server: SshServer with every session running `app`."""
    from floorwatch.config.types import SshConfig, SshUser
    from floorwatch.ssh.server import SshServer

    users = json.loads(users_file.read_text())
    config = SshConfig(
        listen="127.0.0.1:0",
        host_key=users_file.parent / "host_key",
        users=tuple(SshUser(name, "supervisor", (key,)) for name, key in users.items()),
    )
    if app == "floorwatch":
        factory = await shared_floor_factory(users_file.parent / "floor")
    else:
        factory = lambda session: make_app(app, session.user)  # noqa: E731
    server = SshServer(config, factory)
    await server.start()
    port_file.write_text(str(server.port))
    await server.wait_closed()


async def shared_floor_factory(folder: Path):  # type: ignore[no-untyped-def]
    """The real board: one Floor (a simulated day of FLOOR_AGENTS agents, then no new rows, so
    the sessions are idle) shared by every session's FloorwatchApp, as `floorwatch serve` does."""
    from floorwatch.config import load_config
    from floorwatch.demo import write_demo_config
    from floorwatch.demo.simulator import FloorSimulator
    from floorwatch.live.floor import Floor
    from floorwatch.tui.app import FloorwatchApp

    FloorSimulator(folder / "feeds", agents=FLOOR_AGENTS, seed=1).backfill(minutes=60)
    config = load_config(write_demo_config(folder))
    floor = Floor(config)
    await floor.start()
    return lambda session: FloorwatchApp(config, floor=floor, author=session.user)


def run_local_app(app: str) -> None:
    """Design B's session process: the app on its own terminal (the pty it was started in)."""
    make_app(app, "local").run(mouse=False)


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Sample:
    rss: int  # bytes
    pss: int  # bytes
    cpu: float  # seconds of user + system time


def sample(pid: int) -> Sample:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    rss = int(fields[21]) * PAGE
    pss = rss
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    return Sample(rss, pss, cpu)


def total(pids: list[int]) -> Sample:
    samples = [sample(pid) for pid in pids]
    return Sample(
        sum(s.rss for s in samples), sum(s.pss for s in samples), sum(s.cpu for s in samples)
    )


async def cpu_share(pids: list[int], seconds: float) -> tuple[Sample, float]:
    """Memory at the end of the window, and CPU used over it as a share of one core."""
    before, started = total(pids), time.monotonic()
    await asyncio.sleep(seconds)
    after = total(pids)
    return after, (after.cpu - before.cpu) / (time.monotonic() - started)


@dataclass
class Row:
    design: str
    app: str
    sessions: int
    rss: int
    pss: int
    cpu: float


# -- design A -----------------------------------------------------------------------------------


class Reader:
    """An idle client's output: read (and discarded) as it comes; notes when the app has drawn."""

    def __init__(self, marker: bytes = MARKER) -> None:
        self.ready = asyncio.Event()
        self.marker = marker
        self._tail = b""

    def feed(self, data: bytes) -> None:
        if self.marker in self._tail + data:
            self.ready.set()
        self._tail = data[-len(self.marker) :]


def reader_session(reader: Reader):  # type: ignore[no-untyped-def]
    import asyncssh

    class ReaderSession(asyncssh.SSHClientSession):  # type: ignore[type-arg]
        def data_received(self, data: bytes, datatype: object) -> None:  # type: ignore[override]
            reader.feed(data)

    return ReaderSession()


async def measure_a(app: str, counts: list[int], seconds: float, folder: Path) -> list[Row]:
    import asyncssh

    keys = {f"user{n}": asyncssh.generate_private_key("ssh-ed25519") for n in range(max(counts))}
    folder.mkdir(parents=True, exist_ok=True)
    users_file, port_file = folder / "users.json", folder / "port"
    public = {name: key.export_public_key().decode() for name, key in keys.items()}
    users_file.write_text(json.dumps(public or {"nobody": ""}))
    here = Path(__file__).resolve()
    child = subprocess.Popen(
        [sys.executable, str(here), "--child-server", str(users_file), str(port_file), app]
    )
    rows: list[Row] = []
    connections = []
    try:
        while not port_file.exists():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        port = int(port_file.read_text())
        names = list(keys)
        for count in counts:
            while len(connections) < count:
                name = names[len(connections)]
                connection = await asyncssh.connect(
                    "127.0.0.1", port, username=name, client_keys=[keys[name]],
                    known_hosts=None, agent_path=None, config=None,
                )  # fmt: skip
                reader = Reader(FLOOR_MARKER if app == "floorwatch" else MARKER)
                await connection.create_session(
                    lambda reader=reader: reader_session(reader),
                    term_type="xterm-256color", term_size=(120, 40), encoding=None,
                )  # fmt: skip
                await asyncio.wait_for(reader.ready.wait(), 60)
                connections.append(connection)
            await asyncio.sleep(min(2.0, seconds))  # let start-up settle
            memory, cpu = await cpu_share([child.pid], seconds)
            rows.append(Row("A", app, count, memory.rss, memory.pss, cpu))
    finally:
        for connection in connections:
            connection.close()
        child.terminate()
        child.wait(30)
    return rows


# -- a flood from one session --------------------------------------------------------------------

FLOOD_BYTES = 200 * 1024


class Screen:
    """A session's output kept whole, to wait for a text to appear in it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.changed = asyncio.Event()

    def feed(self, data: bytes) -> None:
        self.data.extend(data)
        self.changed.set()

    async def wait_for(self, text: bytes, start: int, timeout: float = 120.0) -> None:
        async with asyncio.timeout(timeout):
            while text not in self.data[start:]:
                self.changed.clear()
                await self.changed.wait()


def screen_session(screen: Screen):  # type: ignore[no-untyped-def]
    import asyncssh

    class ScreenSession(asyncssh.SSHClientSession):  # type: ignore[type-arg]
        def data_received(self, data: bytes, datatype: object) -> None:  # type: ignore[override]
            screen.feed(data)

    return ScreenSession()


async def measure_flood(rounds: int, folder: Path) -> dict[str, list[float]]:
    """Seconds from a key to the screen showing it, `rounds` times quiet and during a flood."""
    import asyncssh

    keys = {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("flood", "other")}
    folder.mkdir(parents=True, exist_ok=True)
    users_file, port_file = folder / "users.json", folder / "port"
    users_file.write_text(
        json.dumps({name: key.export_public_key().decode() for name, key in keys.items()})
    )
    here = Path(__file__).resolve()
    child = subprocess.Popen(
        [sys.executable, str(here), "--child-server", str(users_file), str(port_file), "keys"]
    )
    try:
        while not port_file.exists():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        port = int(port_file.read_text())
        channels, screens = {}, {}
        for name, key in keys.items():
            connection = await asyncssh.connect(
                "127.0.0.1", port, username=name, client_keys=[key],
                known_hosts=None, agent_path=None, config=None,
            )  # fmt: skip
            screen = screens[name] = Screen()
            channels[name], _ = await connection.create_session(
                lambda screen=screen: screen_session(screen),
                term_type="xterm-256color", term_size=(120, 40), encoding=None,
            )  # fmt: skip
            await screen.wait_for(MARKER, 0, timeout=60)
        typed = 0

        async def answer() -> float:
            nonlocal typed
            typed += 1
            start, started = len(screens["other"].data), time.perf_counter()
            channels["other"].write(b"x")
            await screens["other"].wait_for(f"keys={typed} .".encode(), start)
            return time.perf_counter() - started

        quiet = []
        for _ in range(rounds):
            quiet.append(await answer())
            await asyncio.sleep(0.1)
        rng = random.Random(18)
        alphabet = "abcdefghijklmnopABCDEFGHIJKLMNOP0123456789 \r\t.,;:-"
        channels["flood"].write("".join(rng.choice(alphabet) for _ in range(FLOOD_BYTES)).encode())
        await asyncio.sleep(0.2)
        during = []
        for _ in range(rounds):
            during.append(await answer())
            await asyncio.sleep(0.1)
        return {"quiet": quiet, "during a 200 KB flood": during}
    finally:
        child.terminate()
        child.wait(30)


def flood_report(times: dict[str, list[float]]) -> str:
    lines = ["another session's answer to a key   median ms    max ms"]
    for label, seconds in times.items():
        median = sorted(seconds)[len(seconds) // 2]
        lines.append(f"{label:<35} {median * 1000:9.0f} {max(seconds) * 1000:9.0f}")
    return "\n".join(lines)


# -- design B -----------------------------------------------------------------------------------


async def measure_b(app: str, counts: list[int], seconds: float) -> list[Row]:
    here = Path(__file__).resolve()
    loop = asyncio.get_running_loop()
    children: list[tuple[subprocess.Popen[bytes], int]] = []
    rows: list[Row] = []
    try:
        for count in counts:
            while len(children) < count:
                master, slave = pty.openpty()
                os.set_blocking(master, False)
                ready = asyncio.Event()
                tail = bytearray()

                def drain(master: int = master, ready: asyncio.Event = ready, tail=tail) -> None:
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        loop.remove_reader(master)
                        return
                    if MARKER in bytes(tail) + data:
                        ready.set()
                    tail[:] = data[-len(MARKER) :]

                loop.add_reader(master, drain)
                fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                child = subprocess.Popen(
                    [sys.executable, str(here), "--child-app", app],
                    stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                    env={**os.environ, "TERM": "xterm-256color"},
                )  # fmt: skip
                os.close(slave)
                await asyncio.wait_for(ready.wait(), 60)
                children.append((child, master))
            await asyncio.sleep(min(2.0, seconds))
            if count == 0:
                rows.append(Row("B", app, 0, 0, 0, 0.0))
                continue
            memory, cpu = await cpu_share([child.pid for child, _ in children], seconds)
            rows.append(Row("B", app, count, memory.rss, memory.pss, cpu))
    finally:
        for child, master in children:
            child.terminate()
            child.wait(30)
            loop.remove_reader(master)
            os.close(master)
    return rows


# -- report -------------------------------------------------------------------------------------


def report(rows: list[Row]) -> str:
    lines = [
        "design app    sessions   RSS MB   PSS MB  CPU %core | per extra session: RSS MB  CPU %",
    ]
    base: dict[tuple[str, str], Row] = {}
    for row in rows:
        first = base.setdefault((row.design, row.app), row)
        extra = row.sessions - first.sessions
        per = ""
        if extra > 0:
            rss = (row.rss - first.rss) / extra / 2**20
            cpu = (row.cpu - first.cpu) / extra * 100
            per = f"{rss:8.1f} {cpu:6.2f}"
        lines.append(
            f"{row.design:<6} {row.app:<6} {row.sessions:>8} {row.rss / 2**20:8.1f} "
            f"{row.pss / 2**20:8.1f} {row.cpu * 100:8.2f}  | {per:>26}"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    if args.flood:
        rounds = 3 if args.quick else 9
        with tempfile.TemporaryDirectory(prefix="bench-ssh-") as folder:
            times = await measure_flood(rounds, Path(folder) / "flood")
        print(f"{os.cpu_count()} cores, {rounds} keys each")
        print(flood_report(times))
        return
    counts = [0, 1, 2] if args.quick else [int(n) for n in args.sessions.split(",")]
    seconds = 2.0 if args.quick else args.seconds
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as folder:
        for app in args.apps.split(","):
            if "a" in args.design:
                rows += await measure_a(app, counts, seconds, Path(folder) / app)
            if "b" in args.design and app != "floorwatch":  # B has no shared floor to serve
                rows += await measure_b(app, counts, seconds)
    print(f"{os.cpu_count()} cores, {seconds:.0f} s per measurement")
    print(report(rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="0/1/2 sessions, 2 s windows")
    parser.add_argument("--sessions", default="0,1,10", help="session counts (default 0,1,10)")
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window (default 20)")
    parser.add_argument("--design", default="ab", help="a, b or ab (default)")
    parser.add_argument(
        "--flood", action="store_true", help="another session's answer during a 200 KB flood"
    )
    parser.add_argument(
        "--apps",
        default="stub,board,floorwatch",
        help="comma-separated: stub, board (a DataTable stand-in), floorwatch (the real board on "
        "a shared 2,000-agent floor, design A only); default all three",
    )
    parser.add_argument("--child-server", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-app", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child_server:
        users, port, app = arguments.child_server
        Path(users).parent.mkdir(parents=True, exist_ok=True)
        asyncio.run(run_server(Path(users), Path(port), app))
    elif arguments.child_app:
        run_local_app(arguments.child_app)
    else:
        asyncio.run(main(arguments))
