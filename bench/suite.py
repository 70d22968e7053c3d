"""The benchmarks of issue 7, each run on floorwatch and on the naive board, as table figures."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench import runs
from bench.floor import Floor, copy_floor, prepare_floor
from bench.report import Figure, percentile, summarise
from bench.runs import FLOORWATCH, NAIVE, BoardProgram

BENCHMARKS = ("latency", "load", "burst", "idle", "steady", "startup", "memory", "scale")
Log = Callable[[str], None]
MB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    """Sizes and durations. The defaults shorten the issue's durations; `full` is the issue's."""

    name: str = "default"
    agents: int = 2_000
    live_events: int = 200_000  # the day on disk under the live benchmarks (latency ... steady)
    day_events: int = 1_000_000  # the day on disk for startup and memory
    appends: int = 50
    burst_rate: float = 500.0
    burst_s: float = 20.0
    probe_every: float = 2.0
    idle_s: float = 20.0
    steady_rate: float = 50.0
    steady_s: float = 20.0
    soak_rate: float = 50.0
    soak_s: float = 150.0
    startup_runs: int = 3
    load_rate: float = 50.0  # latency under load: the stream beside the probes
    load_s: float = 20.0  # at least this long, and until every probe showed
    load_probes: int = 30
    small: tuple[int, int] = (80, 24)
    large: tuple[int, int] = (200, 50)
    # Scale (0: not run; `--full` runs it): this many agents for startup, RSS, steady CPU and
    # latency, and a day of `scale_events` rows for startup and RSS, each beside the plan's own.
    scale_agents: int = 0
    scale_events: int = 0
    profile: Path | None = None  # run floorwatch under py-spy, its stacks in this folder

    def profile_for(self, program: BoardProgram, label: str) -> Path | None:
        """Where floorwatch's stacks for the run `label` go (None: not profiled)."""
        if self.profile is None or program.name != FLOORWATCH.name:
            return None
        return self.profile / f"{label}.txt"

    @classmethod
    def full(cls) -> Plan:
        return cls(
            name="full", live_events=1_000_000, burst_s=60.0, probe_every=5.0, idle_s=60.0,
            steady_s=60.0, soak_s=1800.0, startup_runs=5, load_s=60.0, load_probes=60,
            scale_agents=10_000, scale_events=5_000_000,
        )  # fmt: skip

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            name="quick", agents=300, live_events=60_000, day_events=60_000, appends=5,
            burst_rate=100.0, burst_s=3.0, probe_every=1.0, idle_s=2.0, steady_s=2.0,
            soak_s=3.0, startup_runs=1, load_s=2.0, load_probes=3, scale_agents=600,
            scale_events=120_000,
        )  # fmt: skip

    def override(self, settings: list[str]) -> Plan:
        """This plan with FIELD=VALUE settings applied (numbers only)."""
        changes: dict[str, object] = {}
        for setting in settings:
            name, _, text = setting.partition("=")
            current = getattr(self, name, None)
            if name in ("name", "profile", "small", "large") or not isinstance(
                current, int | float
            ):
                raise ValueError(f"{name!r} is not a numeric plan field")
            try:
                changes[name] = type(current)(text)
            except ValueError:
                raise ValueError(f"{setting!r}: not a {type(current).__name__}") from None
        plan = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        if changes:
            plan = replace(plan, name=f"{self.name} + " + ", ".join(settings))
        return plan

    def describe(self) -> str:
        return (
            f"{self.name} plan: {self.agents:,} agents, {self.live_events:,} rows on disk "
            f"({self.day_events:,} for startup and memory)"
        )


def boards(names: list[str], env: dict[str, str] | None = None) -> list[BoardProgram]:
    """The boards to run, in order; `env` is added to floorwatch's environment."""
    chosen = []
    for name in names:
        if name not in ("floorwatch", "naive"):
            raise SystemExit(f"python -m bench: unknown board {name!r} (floorwatch or naive)")
        if name == "floorwatch":
            chosen.append(replace(FLOORWATCH, env=tuple(sorted((env or {}).items()))))
        else:
            chosen.append(NAIVE)
    return chosen


def floorwatch_runs() -> str | None:
    """None when `floorwatch run` is ready to be measured; else why not."""
    if not (runs.REPO / "floorwatch" / "tui" / "app.py").exists():
        return "floorwatch/tui/app.py is not there yet"
    check = subprocess.run(
        [sys.executable, "-m", "floorwatch", "run", "--help"],
        cwd=runs.REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        return "`floorwatch run --help` fails: " + (check.stderr.strip().splitlines() or ["?"])[-1]
    # `run --help` works before the feeds tailer lands; the app needs the whole floor.
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import floorwatch.tui.app, floorwatch.live.floor, floorwatch.feeds",
        ],
        cwd=runs.REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        return "the app does not import yet: " + (check.stderr.strip().splitlines() or ["?"])[-1]
    return None


class Floors:
    """The prepared floors, written once, and a fresh copy for every run."""

    def __init__(self, where: Path, plan: Plan, log: Log) -> None:
        self.where, self.plan, self.log = where, plan, log
        self._bases: dict[tuple[int, int], Floor] = {}
        self._copies = 0

    def fresh(self, events: int, agents: int | None = None) -> Floor:
        agents = agents or self.plan.agents
        base = self._bases.get((agents, events))
        if base is None:
            self.log(f"writing a day of {events:,} calls by {agents:,} agents")
            base = prepare_floor(self.where / f"day-{events}-{agents}", agents, events)
            self._bases[(agents, events)] = base
        self._copies += 1
        return copy_floor(base, self.where / f"run-{self._copies}")


@dataclass
class Result:
    """One board's samples for one figure, and the value its target is judged on."""

    samples: list[float]
    value: float | None = None  # None: the figure's basis of the samples


Results = dict[str, Result]  # board name -> result


class Measured(dict[str, Results]):
    """Figure key -> board name -> result, and the boards that failed (name -> why)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: dict[str, str] = {}


def run(plan: Plan, only: list[str], programs: list[BoardProgram], where: Path, log: Log):  # type: ignore[no-untyped-def]
    """Run the chosen benchmarks on the chosen boards; the figures, in table order."""
    asked = any(p.name == FLOORWATCH.name for p in programs)
    missing = floorwatch_runs() if asked else "not asked for"
    if missing:
        log(f"floorwatch is not measured: {missing}")
        programs = [p for p in programs if p.name != FLOORWATCH.name]
    floors = Floors(where, plan, log)
    figures: list[Figure] = []
    for name in BENCHMARKS:
        if name in only:
            figures.extend(BENCHMARK_RUNS[name](plan, programs, floors, log))
    if missing:
        figures = [replace(f, ran=False, note=f"{f.note}; floorwatch not run") for f in figures]
    return figures


def _each(
    programs: list[BoardProgram],
    log: Log,
    what: str,
    measure: Callable[[BoardProgram], dict[str, Result]],
) -> Measured:
    """Run `measure` for every board. A board that fails is reported and left out, the others
    still run."""
    table = Measured()
    for program in programs:
        log(f"{what}: {program.name}")
        try:
            measured = measure(program)
        except Exception as error:  # a benchmark failing must not lose the others' figures
            log(f"{what}: {program.name} failed: {error}")
            table.failed[program.name] = str(error).splitlines()[0] if str(error) else repr(error)
            continue
        for figure, result in measured.items():
            table.setdefault(figure, {})[program.name] = result
            log(f"  {figure}: {_brief(result)}")
    return table


def _brief(result: Result) -> str:
    value = result.value if result.value is not None else percentile(result.samples, 0.5)
    return f"{value:.4g} ({len(result.samples)} samples)"


def _figure(
    name: str,
    unit: str,
    basis: str,
    target: float | None,
    note: str,
    table: Measured,
    key: str,
) -> Figure:
    results = table.get(key, {})
    mine = results.get(FLOORWATCH.name)
    naive = results.get(NAIVE.name)
    figure = summarise(
        name, unit, mine.samples if mine else [], basis, target,
        value=mine.value if mine and mine.value is not None else None, note=note,
    )  # fmt: skip
    if FLOORWATCH.name in table.failed:
        figure.note = f"{note}; floorwatch failed: {table.failed[FLOORWATCH.name]}"
    if naive:
        figure.baseline = summarise(name, unit, naive.samples, basis, value=naive.value).value
    return figure


# -- the benchmarks -------------------------------------------------------------------------------


def bench_latency(
    plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log
) -> list[Figure]:
    cols, rows = plan.small

    def measure(program: BoardProgram) -> dict[str, Result]:
        with runs.launch(
            program,
            floors.fresh(plan.live_events),
            cols,
            rows,
            plan.profile_for(program, "latency"),
        ) as session:
            seconds = runs.measure_latency(session, plan.appends)
        return {"latency": Result([s * 1000 for s in seconds])}

    table = _each(programs, log, f"latency, {plan.appends} appends", measure)
    note = f"{plan.appends} appends, {plan.live_events:,} rows, {cols}x{rows}"
    return [_figure("append -> screen latency", "ms", "p95", 250.0, note, table, "latency")]


def bench_load(plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log) -> list[Figure]:
    """Latency under load: probes slipped into a steady stream, at both terminal sizes."""
    figures = []
    for cols, rows in (plan.small, plan.large):

        def measure(program: BoardProgram, cols: int = cols, rows: int = rows) -> dict[str, Result]:
            profile = plan.profile_for(program, f"load-{cols}x{rows}")
            floor = floors.fresh(plan.live_events)
            with runs.launch(program, floor, cols, rows, profile) as session:
                usage, lags = runs.measure_load(
                    session, plan.load_rate, plan.load_s, plan.load_probes
                )
            return {
                "latency": Result([lag * 1000 for lag in lags]),
                "cpu": Result([c * 100 for c in usage.cpu_samples], value=usage.cpu * 100),
            }

        what = f"latency under load, {plan.load_rate:g} rows/s, {cols}x{rows}"
        table = _each(programs, log, what, measure)
        note = (
            f"{plan.load_probes} probes in {plan.load_rate:g} rows/s to other agents, {cols}x{rows}"
        )
        figures += [
            _figure(f"latency under load {cols}x{rows}", "ms", "p95", 250.0, note, table,
                    "latency"),
            _figure(f"under load {cols}x{rows}: CPU", "%", "mean", 5.0, note, table, "cpu"),
        ]  # fmt: skip
    return figures


def bench_burst(plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log) -> list[Figure]:
    cols, rows = plan.small

    def measure(program: BoardProgram) -> dict[str, Result]:
        with runs.launch(
            program, floors.fresh(plan.live_events), cols, rows, plan.profile_for(program, "burst")
        ) as session:
            usage, lags, final = runs.measure_burst(
                session, plan.burst_rate, plan.burst_s, plan.probe_every
            )
        return {
            "lag": Result([*lags, final], value=max([*lags, final])),
            "last": Result([final]),
            "cpu": Result([c * 100 for c in usage.cpu_samples], value=usage.cpu * 100),
        }

    what = f"burst, {plan.burst_rate:g} rows/s for {plan.burst_s:g} s over 4 files"
    table = _each(programs, log, what, measure)
    note = f"{plan.burst_rate:g} rows/s, {plan.burst_s:g} s, 4 files"
    note += f", a probe every {plan.probe_every:g} s"
    return [
        _figure("burst: lag (probes)", "s", "max", 1.0, note, table, "lag"),
        _figure("burst: lag of last row", "s", "max", 1.0, note, table, "last"),
        _figure("burst: CPU", "%", "mean", 50.0, note, table, "cpu"),
    ]


def bench_idle(plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log) -> list[Figure]:
    cols, rows = plan.small

    def measure(program: BoardProgram) -> dict[str, Result]:
        with runs.launch(
            program, floors.fresh(plan.live_events), cols, rows, plan.profile_for(program, "idle")
        ) as session:
            usage = runs.measure_idle(session, plan.idle_s)
        return {
            "cpu": Result([c * 100 for c in usage.cpu_samples], value=usage.cpu * 100),
            "out": Result(usage.out_samples, value=usage.out_rate),
        }

    table = _each(programs, log, f"idle, {plan.idle_s:g} s", measure)
    note = f"{plan.idle_s:g} s, {plan.agents:,} agents, {cols}x{rows}"
    return [
        _figure("idle: CPU", "%", "mean", 1.0, note, table, "cpu"),
        _figure("idle: terminal output", "B/s", "mean", None, note, table, "out"),
    ]


def bench_steady(
    plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log
) -> list[Figure]:
    figures = []
    for (cols, rows), out_target in ((plan.small, 3.0), (plan.large, 10.0)):

        def measure(program: BoardProgram, cols: int = cols, rows: int = rows) -> dict[str, Result]:
            profile = plan.profile_for(program, f"steady-{cols}x{rows}")
            floor = floors.fresh(plan.live_events)
            with runs.launch(program, floor, cols, rows, profile) as session:
                usage = runs.measure_steady(session, plan.steady_rate, plan.steady_s)
            regions = {
                f"out {region}": Result([rate / 1024], value=rate / 1024)
                for region, rate in usage.regions.items()
            }
            return {
                "cpu": Result([c * 100 for c in usage.cpu_samples], value=usage.cpu * 100),
                "out": Result([b / 1024 for b in usage.out_samples], value=usage.out_rate / 1024),
                "moved": Result([usage.moved_per_minute]),
                **regions,
            }

        what = f"steady, {plan.steady_rate:g} rows/s for {plan.steady_s:g} s at {cols}x{rows}"
        table = _each(programs, log, what, measure)
        note = f"{plan.steady_rate:g} rows/s, {plan.steady_s:g} s, {cols}x{rows}"
        figures += [
            _figure(f"steady {cols}x{rows}: CPU", "%", "mean", 5.0, note, table, "cpu"),
            _figure(f"steady {cols}x{rows}: output", "KB/s", "mean", out_target, note,
                    table, "out"),
            *(_figure(f"  output: {region}", "KB/s", "mean", None, note, table, f"out {region}")
              for region in runs.REGIONS),
            _figure(f"steady {cols}x{rows}: rows moved", "/min", "mean", None, note, table,
                    "moved"),
        ]  # fmt: skip
    return figures


def bench_startup(
    plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log
) -> list[Figure]:
    cols, rows = plan.small

    def measure(program: BoardProgram) -> dict[str, Result]:
        floor = floors.fresh(plan.day_events)
        seconds, rss = [], []
        for run in range(plan.startup_runs):
            profile = plan.profile_for(program, f"startup-{run + 1}")
            with runs.launch(program, floor, cols, rows, profile) as session:
                seconds.append(session.startup_s)
                runs.settle(session)
                rss.append(session.tree.sample().rss_bytes / MB)
        return {"startup": Result(seconds, value=max(seconds)), "rss": Result(rss, value=max(rss))}

    table = _each(
        programs, log, f"startup, {plan.day_events:,} rows, {plan.startup_runs} runs", measure
    )
    note = f"{plan.day_events:,} rows on disk, {plan.startup_runs} runs"
    return [
        _figure("startup to full board", "s", "max", 3.0, note, table, "startup"),
        _figure("RSS after a full day", "MB", "max", 300.0, note, table, "rss"),
    ]


def bench_memory(
    plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log
) -> list[Figure]:
    cols, rows = plan.small
    # The naive board re-reads the whole day on every append: at 50 rows/s it never catches up,
    # and its memory after the day is already in the startup figures. The soak is floorwatch's.
    mine = [p for p in programs if p.name == FLOORWATCH.name]

    def measure(program: BoardProgram) -> dict[str, Result]:
        profile = plan.profile_for(program, "soak")
        with runs.launch(program, floors.fresh(plan.day_events), cols, rows, profile) as session:
            usage = runs.measure_soak(session, plan.soak_rate, plan.soak_s)
        first, last = usage.rss[0], usage.rss[-1]
        growth = [(r - first) / first * 100 for r in usage.rss]
        return {"growth": Result(growth, value=(last - first) / first * 100)}

    what = f"memory soak, {plan.soak_rate:g} rows/s for {plan.soak_s:g} s"
    table = _each(mine, log, what, measure)
    note = f"{plan.soak_rate:g} rows/s for {plan.soak_s:g} s on {plan.day_events:,} rows"
    figure = _figure("RSS growth over soak", "%", "last", 5.0, note, table, "growth")
    return [figure]


def bench_scale(plan: Plan, programs: list[BoardProgram], floors: Floors, log: Log) -> list[Figure]:
    """More agents and a longer day beside the plan's own, in the same run: the figures, and how
    much each cost grew for the growth of the work (judged <= 1: no faster than the work)."""
    if not plan.scale_agents and not plan.scale_events:
        return []
    cols, rows = plan.small
    figures: list[Figure] = []
    if plan.scale_agents:
        agents = (plan.agents, plan.scale_agents)

        def measure(program: BoardProgram) -> dict[str, Result]:
            found: dict[str, Result] = {}
            for size in agents:
                floor = floors.fresh(plan.live_events, size)
                with runs.launch(program, floor, cols, rows) as session:
                    startup = session.startup_s
                    runs.settle(session)
                    rss = session.tree.sample().rss_bytes / MB
                    usage = runs.measure_steady(session, plan.steady_rate, plan.steady_s)
                    lags = runs.measure_latency(session, max(3, plan.appends // 5))
                found |= {
                    f"startup {size}": Result([startup]),
                    f"rss {size}": Result([rss]),
                    f"cpu {size}": Result([c * 100 for c in usage.cpu_samples],
                                          value=usage.cpu * 100),
                    f"latency {size}": Result([lag * 1000 for lag in lags]),
                }  # fmt: skip
            return found | _growths(found, agents, ("startup", "rss", "cpu", "latency"))

        table = _each(programs, log, f"scale: {agents[0]:,} and {agents[1]:,} agents", measure)
        note = f"{plan.live_events:,} rows on disk, {plan.steady_rate:g} rows/s for the CPU"
        work = f"x{agents[1] / agents[0]:g} agents"
        for what, unit, basis in (("startup", "s", "max"), ("rss", "MB", "max"),
                                  ("cpu", "%", "mean"), ("latency", "ms", "p95")):  # fmt: skip
            figures.append(
                _figure(f"{agents[1]:,} agents: {what}", unit, basis, None, note, table,
                        f"{what} {agents[1]}")
            )  # fmt: skip
            figures.append(
                _figure(f"  growth / work ({work}): {what}", "x", "max", 1.0, note, table,
                        f"growth {what}")
            )  # fmt: skip
    if plan.scale_events:
        days = (plan.day_events, plan.scale_events)

        def measure_day(program: BoardProgram) -> dict[str, Result]:
            found: dict[str, Result] = {}
            for events in days:
                with runs.launch(program, floors.fresh(events), cols, rows) as session:
                    startup = session.startup_s
                    runs.settle(session)
                    rss = session.tree.sample().rss_bytes / MB
                found |= {f"startup {events}": Result([startup]), f"rss {events}": Result([rss])}
            return found | _growths(found, days, ("startup", "rss"))

        table = _each(
            programs, log, f"scale: days of {days[0]:,} and {days[1]:,} rows", measure_day
        )
        note = f"{plan.agents:,} agents"
        work = f"x{days[1] / days[0]:g} rows"
        for what, unit in (("startup", "s"), ("rss", "MB")):
            figures.append(
                _figure(f"{days[1]:,}-row day: {what}", unit, "max", None, note, table,
                        f"{what} {days[1]}")
            )  # fmt: skip
            figures.append(
                _figure(f"  growth / work ({work}): {what}", "x", "max", 1.0, note, table,
                        f"growth {what}")
            )  # fmt: skip
    return figures


def _growths(found: dict[str, Result], sizes: tuple[int, int], costs: tuple[str, ...]) -> Results:
    """Each cost's growth from the small size to the large one, over the work's growth."""
    small, large = sizes
    growths: Results = {}
    for cost in costs:
        before = _basis(found[f"{cost} {small}"], cost)
        after = _basis(found[f"{cost} {large}"], cost)
        ratio = (after / before) / (large / small) if before > 0 else float("nan")
        growths[f"growth {cost}"] = Result([ratio], value=ratio)
    return growths


def _basis(result: Result, cost: str) -> float:
    if result.value is not None:
        return result.value
    return percentile(result.samples, 0.95 if cost == "latency" else 0.5)


BENCHMARK_RUNS = {
    "latency": bench_latency,
    "load": bench_load,
    "burst": bench_burst,
    "idle": bench_idle,
    "steady": bench_steady,
    "startup": bench_startup,
    "memory": bench_memory,
    "scale": bench_scale,
}
