"""A whole day of simulated calls written at once, vectorised: benchmark volume in seconds.

Same columns, distributions and drift as the live simulator (`floorwatch.demo.simulator`), but
calls are spread uniformly over the day with no per-agent timeline: volume to load, not a floor to
watch. 1,000,000 rows take a few seconds.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, tzinfo
from pathlib import Path

import numpy as np

from floorwatch.demo import model as m
from floorwatch.demo.roster import SITES, build_roster, write_roster

DAY_OPENS = 8  # calls spread over 08:00-20:00 local
DAY_HOURS = 12
SLOT_S = 60.0  # time resolution of the vectorised drift and queue spells


def write_day(
    out_dir: Path,
    agents: int = 40,
    events: int = 1_000_000,
    seed: int | None = None,
    day: date | None = None,
    zone: tzinfo | None = None,
) -> list[Path]:
    """Write `events` call rows of one day into calls-<site>.csv (replacing them) and roster.csv.

    Times are ISO 8601 with the offset `zone` (default: local) has when the day opens.
    Returns the call files' paths.
    """
    rng = np.random.default_rng(seed)
    day = day or date.today()
    opens = datetime.combine(day, datetime.min.time()).replace(hour=DAY_OPENS)
    opens = opens.replace(tzinfo=zone) if zone else opens.astimezone()
    roster = build_roster(agents, day)

    offsets = np.sort(rng.uniform(0.0, DAY_HOURS * 3600.0, events))
    slot = (offsets // SLOT_S).astype(np.int64)
    slots = int(slot.max(initial=0)) + 1
    who = rng.integers(0, agents, events)
    columns = _simulate(rng, who, slot, slots, [m.TEAM_FACTOR[a.team] for a in roster])

    # Every column becomes an array of ready-made strings by indexing a small table of
    # distinct values: a day has only 43,200 distinct seconds and 40 agents.
    seconds, second_of = np.unique(offsets.astype(np.int64), return_inverse=True)
    local = np.datetime64(opens.replace(tzinfo=None), "s") + seconds.astype("timedelta64[s]")
    offset = opens.isoformat()[19:]  # "+08:00"
    text = {
        "ended_at": _table([s + offset for s in np.datetime_as_string(local, unit="s")])[second_of],
        "agent_id": _table([a.agent_id for a in roster])[who],
        "agent_name": _table([a.name for a in roster])[who],
        "team": _table([a.team for a in roster])[who],
        "handle_s": _numbers(columns["handle_s"]),
        "answer_s": _numbers(columns["answer_s"]),
        "resolved": _table(["N", "Y"])[columns["resolved"].astype(np.int64)],
        "csat": _table(["", "20", "40", "60", "80", "100"])[columns["rating"]],
        "complaint": _table(["N", "Y"])[columns["complaint"].astype(np.int64)],
    }
    site = _table([a.site for a in roster])[who]

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_roster(out_dir / m.ROSTER_FILE, roster)
    paths = []
    for name in SITES:
        mine = site == name
        path = out_dir / f"calls-{name}.csv"
        lines = map(",".join, zip(*(text[c][mine].tolist() for c in m.CALL_COLUMNS), strict=True))
        with path.open("w", encoding="utf-8", newline="") as file:
            file.write(",".join(m.CALL_COLUMNS) + "\n")
            file.writelines(line + "\n" for line in lines)
        paths.append(path)
    return paths


def _simulate(
    rng: np.random.Generator, who: np.ndarray, slot: np.ndarray, slots: int, teams: list[float]
) -> dict[str, np.ndarray]:
    """Every call's figures, drawn from the live floor's model."""
    events = len(who)
    skill = rng.normal(0.0, m.SKILL_LOG_SIGMA, len(teams)) + np.log(teams)
    strain = _strain_grid(rng, len(teams), slots)[who, slot]
    log_median = math.log(m.HANDLE_MEDIAN_S) + skill[who] + strain
    handle = np.maximum(3.0, rng.lognormal(log_median, m.HANDLE_LOG_SIGMA))
    busy = _busy_grid(rng, slots)[slot]
    zero_share = np.where(busy, m.QUEUE[True][0], m.QUEUE[False][0])
    tail = np.where(busy, m.QUEUE[True][1], m.QUEUE[False][1])
    answer = np.where(rng.random(events) < zero_share, 0.0, rng.exponential(tail))
    resolved = rng.random(events) < m.resolved_chance(strain)
    badly = ~resolved | (rng.random(events) < m.bad_call_chance(strain))
    rating = np.where(
        badly, _ratings(rng, m.HELPDESK_RATINGS, events), _ratings(rng, m.GOOD_RATINGS, events)
    )
    rating = np.where(rng.random(events) < m.SURVEY_RATE, rating, 0)  # 0: not surveyed
    complaint = rng.random(events) < m.complaint_chance(strain, (~resolved).astype(float))
    return {
        "handle_s": np.rint(handle).astype(np.int64),
        "answer_s": np.rint(answer).astype(np.int64),
        "resolved": resolved,
        "rating": rating,
        "complaint": complaint,
    }


def _strain_grid(rng: np.random.Generator, agents: int, slots: int) -> np.ndarray:
    """Per agent and time slot, the strain of the live floor's regime model."""
    share = m.STRUGGLING_MEAN_S / (m.STRUGGLING_MEAN_S + m.STEADY_MEAN_S)
    struggling = rng.random(agents) < share
    target = np.where(struggling, rng.uniform(*m.STRAIN_RANGE, agents), 0.0)
    strain = target.copy()
    grid = np.empty((agents, slots))
    start_chance = 1.0 - math.exp(-SLOT_S / m.STEADY_MEAN_S)
    end_chance = 1.0 - math.exp(-SLOT_S / m.STRUGGLING_MEAN_S)
    decay = math.exp(-SLOT_S / m.STRAIN_TAU_S)
    for index in range(slots):
        switch = rng.random(agents) < np.where(struggling, end_chance, start_chance)
        struggling ^= switch
        fresh = rng.uniform(*m.STRAIN_RANGE, agents)
        target = np.where(switch, np.where(struggling, fresh, 0.0), target)
        strain = target + (strain - target) * decay
        grid[:, index] = strain
    return grid


def _busy_grid(rng: np.random.Generator, slots: int) -> np.ndarray:
    """Per time slot, whether the floor's queue is in a busy spell."""
    busy = np.empty(slots, dtype=bool)
    state = False
    draws = rng.random(slots)
    for index in range(slots):
        mean = m.BUSY_MEAN_S if state else m.QUIET_MEAN_S
        if draws[index] < 1.0 - math.exp(-SLOT_S / mean):
            state = not state
        busy[index] = state
    return busy


def _ratings(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> np.ndarray:
    p = np.array(weights) / sum(weights)
    return rng.choice(np.arange(1, 6), size=size, p=p)


def _table(values: list[str]) -> np.ndarray:
    """Distinct values as CSV cells (quoted where needed), ready to index."""
    cells = []
    for value in values:
        if not value:
            cells.append("")  # the csv module would write "" for an empty lone field
            continue
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([value])
        cells.append(buffer.getvalue())
    return np.array(cells, dtype=object)


def _numbers(values: np.ndarray) -> np.ndarray:
    distinct, index = np.unique(values, return_inverse=True)
    return np.array([str(v) for v in distinct.tolist()], dtype=object)[index]
