"""The simulated floor's parameters and feed layout, shared by the live simulator and `write_day`.

How each figure was measured or chosen is told in `floorwatch.demo.simulator`'s docstring;
tests/test_simulator.py::test_calibration_* recomputes the measured ones from ../shared/realdata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

# The chance functions serve one call (floats) and a vectorised day (arrays) alike.
Strain = TypeVar("Strain", float, "np.ndarray")

# The feed folder's layout: calls-<site>.csv, status.jsonl and roster.csv.
CALL_COLUMNS = (
    "ended_at", "agent_id", "agent_name", "team", "handle_s", "answer_s", "resolved", "csat",
    "complaint",
)  # fmt: skip
STATUS_FILE = "status.jsonl"
ROSTER_FILE = "roster.csv"

# Measured in realdata.
BANK_MEAN_HANDLE_S = 179.0  # anonymous_bank_feb1999: ser_time of served calls
BANK_MEDIAN_HANDLE_S = 109.0
BANK_AGENT_LOG_SPREAD = 0.41  # standard deviation of the agents' mean log ser_time
BANK_ZERO_WAIT_SHARE = 0.47  # q_time == 0 among served calls
BANK_WAIT_TAIL_MEAN_S = 79.0  # mean q_time of those who waited
BANK_WAIT_TAIL_CV = 1.0  # standard deviation / mean of those waits: exponential-like
HELPDESK_RESOLVED = 0.899  # call_center_2021q1: answered calls resolved
HELPDESK_RATINGS = (0.103, 0.098, 0.300, 0.291, 0.208)  # shares of ratings 1..5, answered calls

# Chosen (see the simulator's docstring for why).
HANDLE_MEDIAN_S = 97.0  # a steady, tenured Billing agent at rest
HANDLE_LOG_SIGMA = 0.91  # within one agent: sqrt(1.00^2 - 0.41^2)
SKILL_LOG_SIGMA = 0.12  # between agents at rest
TEAM_FACTOR = {"Billing": 1.0, "Tech Support": 1.1, "Onboarding": 1.25}
STEADY_MEAN_S = 180 * 60.0  # mean length of a steady spell
STRUGGLING_MEAN_S = 45 * 60.0  # mean length of a struggling spell
STRAIN_RANGE = (0.45, 1.0)  # a struggling spell's strain: handle time x1.6 to x2.7
STRAIN_TAU_S = 4 * 60.0  # how fast strain moves toward its target
IDLE_MEAN_S = 25.0  # available between calls
BREAK_CHANCE = 0.02  # of a break after a call
BREAK_RANGE_S = (8 * 60.0, 15 * 60.0)
QUIET_MEAN_S, BUSY_MEAN_S = 50 * 60.0, 10 * 60.0  # queue spells
QUEUE = {False: (0.6, 28.0), True: (0.3, 50.0)}  # busy? -> (zero-wait share, wait tail mean s)
RESOLVED_STEADY, RESOLVED_STRAIN_DROP = 0.915, 0.2
SURVEY_RATE = 0.3
GOOD_RATINGS = (0.0, 0.005, 0.015, 0.15, 0.83)  # a call that went well; badly: HELPDESK_RATINGS
BAD_LUCK, BAD_LUCK_STRAIN = 0.03, 0.35  # chance a resolved call still goes badly
COMPLAINT_BASE, COMPLAINT_STRAIN, COMPLAINT_UNRESOLVED = 0.001, 0.01, 0.004
ADHERENCE_REST, ADHERENCE_STRAIN, ADHERENCE_NOISE = 0.965, 0.12, 0.015
MEAN_CYCLE_S = 220.0  # an agent's call, idle gap and breaks: turns --rate into a speed
DEMO_SPEED = 10.0  # simulated seconds per wall second in `floorwatch demo`


def resolved_chance(strain: Strain) -> Strain:
    return RESOLVED_STEADY - RESOLVED_STRAIN_DROP * strain / STRAIN_RANGE[1]


def bad_call_chance(strain: Strain) -> Strain:
    """Of a resolved call going badly for the caller anyway."""
    return BAD_LUCK + BAD_LUCK_STRAIN * strain / STRAIN_RANGE[1]


def complaint_chance(strain: Strain, unresolved: Strain) -> Strain:
    """`unresolved` is 1.0 for an unresolved call, 0.0 for a resolved one."""
    return (
        COMPLAINT_BASE
        + COMPLAINT_STRAIN * strain / STRAIN_RANGE[1]
        + COMPLAINT_UNRESOLVED * unresolved
    )


def adherence_at(strain: Strain) -> Strain:
    """Schedule adherence before noise: strained agents overrun calls and breaks."""
    return ADHERENCE_REST - ADHERENCE_STRAIN * strain
