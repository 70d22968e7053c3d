"""Smoke runs of bench/: the harness, the naive baseline and every benchmark's quick variant.

These prove the benchmarks still work; they assert what was measured exists and makes sense
(markers seen, CPU and bytes counted, every figure filled in), never how fast anything was.
floorwatch's own figures are checked as soon as `floorwatch run` exists; until then only the
baseline runs and that part is skipped.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bench import runs, suite
from bench.floor import FeedWriter, copy_floor, prepare_floor
from bench.harness import ProcessTree, Sampler, Terminal
from bench.report import Figure, markdown_table, percentile, summarise, text_table

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and uses ptys")

SMOKE = replace(
    suite.Plan.quick(),
    name="smoke",
    agents=300,
    live_events=40_000,
    day_events=40_000,
    appends=2,
    burst_s=1.5,
    probe_every=0.5,
    idle_s=1.0,
    steady_s=1.0,
    soak_s=1.0,
    load_s=1.0,
    load_probes=2,
    scale_agents=400,
    scale_events=60_000,
)


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return prepare_floor(tmp_path_factory.mktemp("bench") / "base", agents=300, events=40_000)


def test_terminal_reads_the_screen_and_counts_bytes() -> None:
    script = "import sys, time; print('ready', flush=True); sys.stdin.readline(); print('typed')"
    with Terminal([sys.executable, "-c", script], cols=40, rows=10) as terminal:
        assert terminal.wait_for(lambda lines: "ready" in lines[0], 20) is not None
        assert terminal.lines()[0].startswith("ready")
        assert len(terminal.lines()) == 10 and len(terminal.lines()[0]) == 40
        terminal.send(b"go\r")
        assert terminal.wait_for(lambda lines: any("typed" in line for line in lines), 20)
        assert terminal.bytes_out >= len("ready\r\ntyped")
        assert terminal.process.wait(20) == 0


def test_terminal_charges_bytes_to_the_row_the_cursor_went_to() -> None:
    script = (
        "import sys; w = sys.stdout.write\n"
        "w('\\x1b[2;1Habc\\x1b[4;3H' + 'x' * 100 + '\\x1b[2Ayz\\x1b[1;1Hend')\n"
        "sys.stdout.flush()\n"
        "sys.stdin.readline()"
    )
    with Terminal([sys.executable, "-c", script], cols=40, rows=6) as terminal:
        assert terminal.wait_for(lambda lines: lines[0].startswith("end"), 20) is not None
        rows, written = terminal.bytes_by_row(), terminal.bytes_out
        terminal.send(b"\r")
    assert rows[3] == len("\x1b[4;3H") + 100
    assert rows[1] == len("\x1b[2;1Habc") + len("\x1b[2Ayz")  # two rows up from the 4th
    assert rows[0] >= len("\x1b[1;1Hend")
    assert sum(rows) == written


def test_row_names_find_agent_rows_and_regions() -> None:
    names = runs.RowNames(["Li Wei", "Ana Souza", "Grace Okafor-Smith"])
    lines = [
        "floor 3  RED 2  AMBER 1",
        " NAME          AHT   ASA",
        "▶■ RED   Li Wei        5:30  12",
        " ▲ AMBER Grace Okafo… 13:00  10",
        "│ Ana Souza    │ 2:00 │",
        "10:42 Li Wei AHT 5:30 RED",
        "q quit  / search  ",
    ]
    assert names.shown(lines) == {"Li Wei": 2, "Grace Okafo…": 3, "Ana Souza": 4}
    assert names.of(lines[5]) is None  # a name inside a line is not a row
    regions = runs.bytes_by_region(lines, [10, 20, 1, 2, 3, 40, 50], names)
    assert regions == {"header": 30, "agent rows": 6, "panels": 40, "bottom line": 50}


def test_row_moves_count_rows_that_changed_line() -> None:
    class Screen:
        frames = [["Li Wei", "Ana Souza"], ["Ana Souza", "Li Wei"], ["Ana Souza", "Li Wei"]]

        def lines(self) -> list[str]:
            return self.frames.pop(0) if len(self.frames) > 1 else self.frames[0]

    with runs.RowMoves(Screen(), runs.RowNames(["Li Wei", "Ana Souza"]), every=0.01) as moves:  # type: ignore[arg-type]
        time.sleep(0.2)
    assert moves.moved == 2 and moves.samples >= 2
    assert moves.per_minute > 0


def test_wait_for_gives_up_when_the_program_exits() -> None:
    with Terminal([sys.executable, "-c", "print('bye')"]) as terminal:
        assert terminal.wait_for(lambda lines: "never" in "".join(lines), 20) is None


def test_process_tree_counts_children() -> None:
    # A child that holds memory and burns CPU for half a second: the parent itself only waits.
    child = (
        "import time; x = bytearray(50_000_000); end = time.time() + 0.5\n"
        "while time.time() < end: pass\n"
        "time.sleep(30)"
    )
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    with Terminal([sys.executable, "-c", parent]) as terminal:
        tree = ProcessTree(terminal.pid)
        sampler = Sampler(tree, 0.2).start()
        for _ in range(200):
            if tree.descendants() and tree.sample().rss_bytes > 50_000_000:
                break
            time.sleep(0.05)
        assert tree.descendants(), "the child process is not found"
        assert tree.sample().rss_bytes > 50_000_000
        time.sleep(0.8)  # the child's busy half second passes
        sampler.stop()
    assert sampler.samples[-1].cpu_s > sampler.samples[0].cpu_s
    assert all(share >= 0 for share in sampler.cpu_shares())


def test_markers_are_unambiguous_on_screen(floor) -> None:  # type: ignore[no-untyped-def]
    names = [agent.name for agent in floor.roster]
    assert len(floor.markers) >= 20
    for agent in floor.markers:
        assert sum(agent.name[:7] in other for other in names) == 1
        assert floor.recent[agent.agent_id] >= 3  # AHT (min_count 3) has a value for them


def test_feed_writer_appends_whole_lines_to_every_file(floor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = copy_floor(floor, tmp_path / "copy")
    before = {path: path.read_text().count("\n") for path in mine.call_files}
    with FeedWriter(mine) as writer:
        marked = writer.mark_every_file()
        writer.simulated(8)
    after = {path: path.read_text() for path in mine.call_files}
    assert all(text.endswith("\n") for text in after.values())
    assert sum(text.count("\n") - before[path] for path, text in after.items()) == 12
    for agent, path in zip(marked, mine.call_files, strict=True):
        last_marker = [line for line in after[path].splitlines() if f",{agent.agent_id}," in line]
        assert int(last_marker[-1].split(",")[4]) > 10_000  # an absurd handle time
    assert floor.level == 0 and mine.level == 4  # the base floor is untouched


def test_naive_board_shows_each_append(floor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with runs.launch(runs.NAIVE, copy_floor(floor, tmp_path / "run"), 80, 24) as session:
        assert session.startup_s > 0
        latencies = runs.measure_latency(session, 3)
        usage = runs.measure_steady(session, 20, 1.0)
        text = session.terminal.text()
    assert all(math.isfinite(seconds) and seconds > 0 for seconds in latencies)
    assert "naive board" in text and "AHT" in text
    assert usage.cpu >= 0 and usage.out_rate > 0  # rows arrived, so it redrew


def test_report_judges_and_compares() -> None:
    figure = summarise("latency", "ms", [100.0, 120.0, 300.0], "p95", target=250.0)
    figure.baseline = 600.0
    assert figure.median == 120.0
    assert figure.value == percentile([100.0, 120.0, 300.0], 0.95)
    assert figure.passed is False and figure.ratio == pytest.approx(figure.value / 600.0)
    ok = Figure("idle", "%", 0.1, "p95 0.2", 0.1, "mean", target=1.0, baseline=0.0)
    assert ok.passed is True and ok.ratio == math.inf
    table = text_table([figure, ok])
    assert "FAIL" in table and "pass" in table
    markdown = markdown_table([figure, ok], "machine")
    assert markdown.splitlines()[2].startswith("| figure |")
    assert len(markdown.splitlines()) == 6


@pytest.mark.slow
def test_quick_suite_fills_every_figure(tmp_path: Path) -> None:
    messages: list[str] = []
    figures = suite.run(SMOKE, list(suite.BENCHMARKS), [runs.NAIVE], tmp_path, messages.append)
    names = [f.name for f in figures]
    assert len(figures) == 39, names
    for wanted in ("latency under load 80x24", "latency under load 200x50",
                   "steady 80x24: rows moved", "steady 200x50: rows moved",
                   "400 agents: latency", "60,000-row day: startup"):  # fmt: skip
        assert wanted in names
    assert names.count("  output: agent rows") == 2
    assert sum(name.startswith("  growth / work") for name in names) == 6
    soak = [f for f in figures if f.name.startswith("RSS growth")]
    others = [f for f in figures if f not in soak]
    assert all(f.baseline is not None and not math.isnan(f.baseline) for f in others), messages
    assert not any("failed" in message for message in messages), messages
    moved = [f for f in figures if "rows moved" in f.name]
    assert all(f.baseline >= 0 for f in moved)  # type: ignore[operator]
    rows = [f for f in figures if f.name == "  output: agent rows"]
    assert all(f.baseline > 0 for f in rows)  # type: ignore[operator]  # rows were redrawn


@pytest.mark.slow
@pytest.mark.skipif(suite.floorwatch_runs() is not None, reason="`floorwatch run` not there yet")
def test_quick_suite_measures_floorwatch(tmp_path: Path) -> None:
    messages: list[str] = []
    figures = suite.run(SMOKE, list(suite.BENCHMARKS), [runs.FLOORWATCH], tmp_path, messages.append)
    assert not any("failed" in message for message in messages), messages
    assert len(figures) == 39
    for figure in figures:
        assert figure.ran and not math.isnan(figure.value), (figure, messages)
        assert figure.passed is not None or figure.target is None
    rows = [f for f in figures if f.name == "  output: agent rows"]
    assert all(f.value > 0 for f in rows)  # rows were redrawn, and found on the screen
