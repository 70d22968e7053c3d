"""One board program on one floor in one terminal: launch it, load it, measure it.

Every measurement here is taken the way a user experiences the board: a real process on a real
pty, fed by real appends to real files, judged by what the terminal screen shows.
"""

from __future__ import annotations

import contextlib
import queue
import random
import re
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import profile as profiling
from bench.floor import FeedWriter, Floor, name_shown
from bench.harness import ProcessTree, Sampler, Terminal

REPO = Path(__file__).resolve().parents[1]
LOAD_TIMEOUT_S = 120.0  # a board that has not shown a full day by then has failed


@dataclass(frozen=True)
class BoardProgram:
    """A board to measure: floorwatch itself or the naive baseline."""

    name: str
    env: tuple[tuple[str, str], ...] = ()  # extra environment, e.g. a watcher setting to try

    @property
    def top_key(self) -> bytes | None:
        """The key that brings the board's first row into view (None: it is always in view).

        floorwatch keeps the selected agent in view: as markers pile in above it, the view would
        scroll down with it and hide the newest marker at the top. Home selects the first row.
        The naive board reads no keys (and its terminal would echo them), so it gets none."""
        return b"\x1b[H" if self.name == "floorwatch" else None

    def argv(self, floor: Floor) -> list[str]:
        if self.name == "floorwatch":
            return [sys.executable, "-m", "floorwatch", "run", "--config", str(floor.config)]
        return [sys.executable, "-m", "bench.naive_board", "--feeds", str(floor.feeds)]


FLOORWATCH = BoardProgram("floorwatch")
NAIVE = BoardProgram("naive")


def names_shown(names: list[str]):  # type: ignore[no-untyped-def]
    """A screen test: every one of `names` is on the screen."""

    def test(lines: list[str]) -> bool:
        text = "\n".join(lines)
        return all(name_shown(name, text) for name in names)

    return test


@dataclass
class Session:
    """A running board: its terminal, its process tree, the writer appending to its floor."""

    terminal: Terminal
    tree: ProcessTree
    writer: FeedWriter
    startup_s: float  # spawn to the first full board (every file's end marker shown)
    program: BoardProgram

    def to_top(self, pause: float = 0.1) -> None:
        """Bring the board's first row into view (where the next marker will land)."""
        key = self.program.top_key
        if key is not None:
            self.terminal.send(key)
            time.sleep(pause)

    def probe(self, timeout: float) -> float:
        """Append one marker row now; seconds until its agent showed (inf if it never did)."""
        agent = self.writer.next_marker(self.terminal.text())
        written = time.monotonic()
        self.writer.mark(agent)
        seen = self.terminal.wait_for(names_shown([agent.name]), timeout)
        return seen - written if seen is not None else float("inf")


@contextlib.contextmanager
def launch(
    program: BoardProgram, floor: Floor, cols: int, rows: int, profile: Path | None = None
) -> Iterator[Session]:
    """Start `program` on `floor` in a `cols` x `rows` terminal and wait for its first full board.

    Before the start, every call file gets a marker row at its end; the board counts as loaded
    when all of those agents are on the screen, so the whole day has been read. With `profile`,
    the program runs under py-spy, which writes its stacks there when the program is stopped."""
    writer = FeedWriter(floor)
    markers = writer.mark_every_file()
    argv = program.argv(floor)
    if profile is not None:
        argv = profiling.wrap(argv, profile)
    terminal = Terminal(argv, cols=cols, rows=rows, env=dict(program.env), cwd=REPO)
    try:
        seen = terminal.wait_for(names_shown([a.name for a in markers]), LOAD_TIMEOUT_S)
        if seen is None:
            raise RuntimeError(
                f"{program.name} never showed a full board "
                f"({'exited' if not terminal.alive else 'timed out'}); its screen:\n"
                + terminal.text()
            )
        yield Session(terminal, ProcessTree(terminal.pid), writer, seen - terminal.started, program)
    finally:
        terminal.stop(first=signal.SIGINT if profile is not None else None)
        writer.close()


def settle(session: Session, quiet: float = 0.5, timeout: float = 3.0) -> None:
    """Let the board finish what it was doing: no output for `quiet` seconds, or `timeout`
    (a board with a ticking clock is never quiet for long)."""
    session.terminal.wait_quiet(quiet, timeout)


# -- paced appends ------------------------------------------------------------------------------


@dataclass
class _Probe:
    agent_name: str
    written: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)


class PacedWriter:
    """Appends simulator rows at `rate` rows per second on a thread; can slip in probes."""

    def __init__(self, session: Session, rate: float) -> None:
        self.session = session
        self.rate = rate
        self.rows = 0
        self._stop = threading.Event()
        self._probes: queue.Queue[_Probe] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="paced-writer", daemon=True)
        self.started = 0.0
        self.stopped = 0.0

    def _run(self) -> None:
        writer = self.session.writer
        self.started = time.monotonic()
        while not self._stop.is_set():
            due = int((time.monotonic() - self.started) * self.rate) - self.rows
            if due > 0:
                writer.simulated(due)
                self.rows += due
            while not self._probes.empty():
                probe = self._probes.get()
                agent = next(a for a in writer.floor.roster if a.name == probe.agent_name)
                writer.mark(agent)
                self.rows += 1
                probe.written = time.monotonic()
                probe.done.set()
            self._stop.wait(0.01)
        self.stopped = time.monotonic()

    def __enter__(self) -> PacedWriter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def probe(self, timeout: float) -> float:
        """Slip a marker row into the stream; seconds until the screen showed it (inf: never)."""
        terminal = self.session.terminal
        self.session.to_top()
        agent = self.session.writer.next_marker(terminal.text())
        probe = _Probe(agent.name)
        self._probes.put(probe)
        probe.done.wait()
        seen = terminal.wait_for(names_shown([agent.name]), timeout)
        return seen - probe.written if seen is not None else float("inf")


# -- what the screen shows: rows moving, bytes per region -----------------------------------------

_CELL_GAP = re.compile(r"\s{2,}|[│┃║|]")  # between two cells of a board's row


class RowNames:
    """Which screen lines are agent rows, and whose: a line with a cell (cells are parted by
    two spaces or a border) that is an agent's name, whole or cut short with an ellipsis. The
    cell text is the row's identity: the same agent always shows the same."""

    def __init__(self, names: Iterable[str], shortest: int = 4) -> None:
        self.names = set(names)
        self.prefixes = {name[:cut] for name in self.names for cut in range(shortest, len(name))}

    def of(self, line: str) -> str | None:
        for cell in _CELL_GAP.split(line):
            cell = cell.strip()
            cut = cell.find("…")  # a cut name may run into the next cell by one space
            # A narrow column may leave one space between a name and the cell before it.
            starts = [0, *(i + 1 for i, char in enumerate(cell) if char == " ")]
            for start in starts:
                if cell[start:] in self.names:
                    return cell[start:]
                if cut > start and cell[start:cut] in self.prefixes:
                    return cell[start : cut + 1]
        return None

    def shown(self, lines: list[str]) -> dict[str, int]:
        """{row identity: its line} for the agent rows on the screen."""
        found: dict[str, int] = {}
        for index, line in enumerate(lines):
            name = self.of(line)
            if name is not None and name not in found:
                found[name] = index
        return found


class RowMoves:
    """Samples the screen every `every` seconds on a thread and counts the agent rows that
    moved: on another line than in the previous sample, or newly in view (they pushed others)."""

    def __init__(self, terminal: Terminal, names: RowNames, every: float = 0.2) -> None:
        self.terminal, self.names, self.every = terminal, names, every
        self.moved = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="row-moves", daemon=True)
        self.started = self.stopped = 0.0

    def _run(self) -> None:
        before = self.names.shown(self.terminal.lines())
        self.started = time.monotonic()
        while not self._stop.wait(self.every):
            now = self.names.shown(self.terminal.lines())
            self.moved += sum(1 for name, line in now.items() if before.get(name) != line)
            self.samples += 1
            before = now
        self.stopped = time.monotonic()

    def __enter__(self) -> RowMoves:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def per_minute(self) -> float:
        seconds = self.stopped - self.started
        return self.moved / seconds * 60 if seconds > 0 else float("nan")


REGIONS = ("header", "agent rows", "panels", "bottom line")


def bytes_by_region(lines: list[str], row_bytes: list[int], names: RowNames) -> dict[str, int]:
    """Output bytes per screen region: the lines above the first agent row (header, column
    titles), the agent rows, the lines below the last one (events, feed status) but the bottom
    line (keys), and the bottom line. The regions are read off the screen `lines`."""
    rows = [index for index, line in enumerate(lines) if names.of(line) is not None]
    first, last = (rows[0], rows[-1]) if rows else (len(lines), len(lines) - 1)
    totals = dict.fromkeys(REGIONS, 0)
    for index, count in enumerate(row_bytes):
        if index == len(lines) - 1:
            region = "bottom line"
        elif index < first:
            region = "header"
        elif index <= last:
            region = "agent rows"
        else:
            region = "panels"
        totals[region] += count
    return totals


# -- the measurements -----------------------------------------------------------------------------


@dataclass
class Usage:
    """CPU (fractions of a core) and terminal output (bytes/s) over a measured period."""

    cpu: float
    cpu_samples: list[float]
    out_rate: float
    out_samples: list[float]
    rss: list[int]
    seconds: float
    moved_per_minute: float = float("nan")  # agent rows that moved on screen (steady, load)
    regions: dict[str, float] = field(default_factory=dict)  # output bytes/s per screen region


def _usage(sampler: Sampler) -> Usage:
    samples = sampler.samples
    return Usage(
        cpu=sampler.cpu_share(),
        cpu_samples=sampler.cpu_shares(),
        out_rate=sampler.out_rate(),
        out_samples=sampler.out_rates(),
        rss=[s.rss_bytes for s in samples],
        seconds=samples[-1].at - samples[0].at,
    )


def _sampler(session: Session) -> Sampler:
    return Sampler(session.tree, 1.0, lambda: session.terminal.bytes_out)


def measure_latency(session: Session, appends: int, timeout: float = 10.0) -> list[float]:
    """Seconds from one appended row to its change on screen, `appends` times, the board quiet
    before each. A random pause (seeded) before each append keeps appends out of step with any
    periodic work of the board's (a refresh timer, a polling watcher)."""
    jitter = random.Random(appends)
    latencies = []
    for _ in range(appends):
        session.to_top()
        settle(session, quiet=0.3, timeout=1.0)
        time.sleep(jitter.uniform(0.0, 0.2))
        latencies.append(session.probe(timeout))
    return latencies


def measure_idle(session: Session, seconds: float) -> Usage:
    """CPU and output with no feed changes at all."""
    settle(session)
    sampler = _sampler(session).start()
    time.sleep(seconds)
    sampler.stop()
    return _usage(sampler)


def _names(session: Session) -> RowNames:
    return RowNames(agent.name for agent in session.writer.floor.roster)


def measure_steady(session: Session, rate: float, seconds: float) -> Usage:
    """CPU, output (and where on the screen it went) and rows moved while `rate` simulator rows
    per second are appended."""
    settle(session)
    names = _names(session)
    row_bytes = session.terminal.bytes_by_row()
    sampler = _sampler(session).start()
    with PacedWriter(session, rate), RowMoves(session.terminal, names) as moves:
        time.sleep(seconds)
    sampler.stop()
    usage = _usage(sampler)
    spent = [b - a for a, b in zip(row_bytes, session.terminal.bytes_by_row(), strict=True)]
    regions = bytes_by_region(session.terminal.lines(), spent, names)
    usage.regions = {region: count / usage.seconds for region, count in regions.items()}
    usage.moved_per_minute = moves.per_minute
    return usage


def measure_load(
    session: Session, rate: float, seconds: float, probes: int, timeout: float = 10.0
) -> tuple[Usage, list[float]]:
    """Append `rate` simulator rows per second for at least `seconds` and, meanwhile, `probes`
    marker rows at random moments (seeded), each after its predecessor showed: the seconds from
    each probe's write to its agent on screen, and the CPU over the whole stream."""
    settle(session)
    jitter = random.Random(probes)
    lags = []
    sampler = _sampler(session).start()
    with PacedWriter(session, rate) as writer:
        end = time.monotonic() + seconds
        for _ in range(probes):
            time.sleep(jitter.uniform(0.2, 0.6))
            lags.append(writer.probe(timeout))
        time.sleep(max(0.0, end - time.monotonic()))
    sampler.stop()
    return _usage(sampler), lags


def measure_burst(
    session: Session, rate: float, seconds: float, probe_every: float, timeout: float = 30.0
) -> tuple[Usage, list[float], float]:
    """Append `rate` rows/s for `seconds`, probing the lag every `probe_every` seconds.

    Returns the usage from the burst's start until the board caught up, the lags of the probes
    during the burst, and the lag of the last row appended (time from the burst's end to the
    screen showing it)."""
    settle(session)
    sampler = _sampler(session).start()
    lags = []
    with PacedWriter(session, rate) as writer:
        end = writer.started + seconds if writer.started else time.monotonic() + seconds
        while time.monotonic() + probe_every < end:
            time.sleep(probe_every)
            lags.append(writer.probe(timeout))
        time.sleep(max(0.0, end - time.monotonic()))
    session.to_top()
    final = session.probe(timeout)  # the burst's last row: how far behind the board still is
    sampler.stop()
    return _usage(sampler), lags, final


def measure_soak(session: Session, rate: float, seconds: float) -> Usage:
    """RSS (sampled every second) while `rate` rows per second are appended for `seconds`."""
    settle(session, timeout=5.0)
    sampler = Sampler(session.tree, 1.0, lambda: session.terminal.bytes_out).start()
    with PacedWriter(session, rate):
        time.sleep(seconds)
    sampler.stop()
    return _usage(sampler)
