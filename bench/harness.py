"""Run a program in a real pseudo-terminal and watch it the way a user would.

`Terminal` starts a command on a pty of a given size, reads everything it writes continuously (a
program whose output nobody reads blocks), feeds it to a pyte screen and counts the bytes: what an
SSH link would carry. `wait_for` reports *when* the screen first showed something, timed at the
arrival of the output chunk that made it true, not when the caller got round to looking.

`ProcessTree` samples CPU time (utime + stime of the process and every live descendant, plus the
cutime + cstime of children already reaped) and resident memory (VmRSS summed over the tree) from
/proc, so a program that forks a worker is charged for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyte

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Cursor moves between rows: to row;column (CUP, how Textual starts each changed stretch of a
# line), n rows up or down (how Rich's live display goes back over its table), a newline.
_CURSOR_MOVE = re.compile(rb"\x1b\[(\d*)(?:;\d*)?([HfAB])|\n")
ScreenTest = Callable[[list[str]], bool]


class Terminal:
    """One command on its own pty of `cols` x `rows`, its output read into a pyte screen."""

    def __init__(
        self,
        argv: Sequence[str],
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        # Answer the terminal's queries (device attributes, cursor position) like a terminal does.
        self.screen.write_process_input = self._answer
        self.bytes_out = 0
        self.row_bytes = [0] * rows  # bytes written while the cursor was on each row
        self._row = 0
        self.started = time.monotonic()
        self.last_output = self.started
        self._lock = threading.Condition()
        self._watches: list[_Watch] = []
        self._closed = False
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        merged = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        merged.update(env or {})
        merged.pop("TMUX", None)
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=merged,
            cwd=cwd,
            start_new_session=True,  # its own session: a signal to the group reaches its workers
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self.pid = self.process.pid
        self._reader = threading.Thread(target=self._read, name=f"pty-{self.pid}", daemon=True)
        self._reader.start()

    # -- output ------------------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: the program closed the terminal (exited)
                chunk = b""
            now = time.monotonic()
            with self._lock:
                if not chunk:
                    self._closed = True
                    self._lock.notify_all()
                    return
                self.bytes_out += len(chunk)
                self._count_rows(chunk)
                self.last_output = now
                self.stream.feed(chunk)
                if self._watches:
                    lines = self.screen.display
                    for watch in self._watches:
                        if watch.seen is None and watch.test(lines):
                            watch.seen = now
                self._lock.notify_all()

    def _count_rows(self, chunk: bytes) -> None:
        """Charge each stretch of output to the row the cursor was moved to before it (a move
        split between two chunks is charged to the previous row: a few bytes)."""
        start = 0
        for move in _CURSOR_MOVE.finditer(chunk):
            self.row_bytes[self._row] += move.start() - start
            count, kind = int(move.group(1) or 1), move.group(2)
            if kind in (b"H", b"f"):
                row = count - 1
            elif kind == b"A":
                row = self._row - count
            else:  # B, or a newline (the pty turns it into CR LF)
                row = self._row + (count if kind else 1)
            self._row = min(max(row, 0), self.rows - 1)
            start = move.start()
        self.row_bytes[self._row] += len(chunk) - start

    def bytes_by_row(self) -> list[int]:
        with self._lock:
            return list(self.row_bytes)

    def _answer(self, data: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self._master, data.encode())

    def lines(self) -> list[str]:
        """The screen now, one string per row."""
        with self._lock:
            return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_for(self, test: ScreenTest, timeout: float) -> float | None:
        """The monotonic time the screen first passed `test` (now, if it already does); None when
        `timeout` seconds pass first or the program exits."""
        watch = _Watch(test)
        deadline = time.monotonic() + timeout
        with self._lock:
            if test(self.screen.display):
                return time.monotonic()
            self._watches.append(watch)
            try:
                while watch.seen is None and not self._closed:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._lock.wait(left)
            finally:
                self._watches.remove(watch)
        return watch.seen

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """Wait until the program has written nothing for `quiet` seconds (False on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = time.monotonic() - self.last_output
            if idle >= quiet:
                return True
            time.sleep(min(quiet - idle, max(0.0, deadline - time.monotonic())) + 0.01)
        return False

    # -- input and lifetime ------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Type `data` on the terminal's keyboard."""
        os.write(self._master, data)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 5.0, first: signal.Signals | None = None) -> int | None:
        """End the program: `first` (e.g. SIGINT, for a profiler to write its file) to the
        program alone, then SIGTERM to its whole process group, SIGKILL after `grace`.
        Returns the program's exit code."""
        if first is not None and self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace * 4)
        # The group may outlive the program (a profiled child, a worker): end it all.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(grace)
        self._reader.join(2.0)
        with contextlib.suppress(OSError):
            os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class _Watch:
    test: ScreenTest
    seen: float | None = None


# -- /proc sampling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """A process tree's CPU seconds (so far) and resident memory (now), at `at` (monotonic)."""

    at: float
    cpu_s: float
    rss_bytes: int
    out_bytes: int = 0  # what the program had written to its terminal so far, when given


class ProcessTree:
    """CPU and memory of a process and its descendants, read from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def descendants(self) -> list[int]:
        """The live descendants of the process (children of children included)."""
        parents: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            stat = _read_stat(int(entry.name))
            if stat is not None:
                parents.setdefault(int(stat[1]), []).append(int(entry.name))
        found, todo = [], [self.pid]
        while todo:
            for child in parents.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def sample(self) -> Usage:
        """CPU seconds and RSS of the whole tree, now. Raises ProcessLookupError once it is gone."""
        at = time.monotonic()
        root = _read_stat(self.pid)
        if root is None:
            raise ProcessLookupError(self.pid)
        # After the ')' of the command name: field 3 (state) is index 0, so utime (14) is 11.
        ticks = sum(int(root[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        rss = _rss(self.pid)
        for pid in self.descendants():
            stat = _read_stat(pid)
            if stat is not None:
                ticks += int(stat[11]) + int(stat[12])
                rss += _rss(pid)
        return Usage(at, ticks / CLOCK_TICKS, rss)


def _read_stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (which may hold spaces and parentheses)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2 :].split()


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


class Sampler:
    """Samples a ProcessTree every `interval` seconds on a thread, between `start` and `stop`."""

    def __init__(
        self,
        tree: ProcessTree,
        interval: float = 1.0,
        out_bytes: Callable[[], int] | None = None,
    ) -> None:
        self.tree = tree
        self.interval = interval
        self.out_bytes = out_bytes
        self.samples: list[Usage] = []
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _take(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            usage = self.tree.sample()
            if self.out_bytes is not None:
                usage = Usage(usage.at, usage.cpu_s, usage.rss_bytes, self.out_bytes())
            self.samples.append(usage)

    def _run(self) -> None:
        self._take()
        self._started.set()
        while not self._stop.wait(self.interval):
            self._take()
        self._take()

    def start(self) -> Sampler:
        """Start sampling; returns once the first sample is taken."""
        self._thread.start()
        self._started.wait()
        return self

    def stop(self) -> list[Usage]:
        self._stop.set()
        self._thread.join()
        return self.samples

    def cpu_share(self) -> float:
        """CPU over the whole sampled period, as a fraction of one core."""
        first, last = self.samples[0], self.samples[-1]
        return (last.cpu_s - first.cpu_s) / max(1e-9, last.at - first.at)

    def cpu_shares(self) -> list[float]:
        """CPU per sampling interval, as fractions of one core (for medians and spreads)."""
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return [(b.cpu_s - a.cpu_s) / max(1e-9, b.at - a.at) for a, b in pairs]

    def out_rate(self) -> float:
        """Terminal output over the whole sampled period, in bytes per second."""
        first, last = self.samples[0], self.samples[-1]
        return (last.out_bytes - first.out_bytes) / max(1e-9, last.at - first.at)

    def out_rates(self) -> list[float]:
        """Terminal output per sampling interval, in bytes per second."""
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return [(b.out_bytes - a.out_bytes) / max(1e-9, b.at - a.at) for a, b in pairs]
