"""The simulated floor's people: ids, names, teams, sites, hire dates and supervisors.

The roster depends only on the number of agents (never on the seed), so agent A007 is the same
person in every run, in `config/roster.csv` and in the threshold overrides of the example configs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# A varied, international floor. The first 40 are the default floor, in order.
FULL_NAMES = (
    "Amara Okafor", "Wei Zhang", "Sofia Rossi", "Mateo García", "Priya Natarajan",
    "Lars Eriksson", "Fatima Al-Sayed", "Kenji Watanabe", "Chloé Martin", "Diego Fernández",
    "Aisha Bello", "Tomasz Nowak", "Mei Lin", "Olumide Adeyemi", "Hannah Schmidt",
    "Rahul Mehta", "Ana Sousa", "Yusuf Demir", "Emily Clarke", "Nguyen Van An",
    "Zoë van Dijk", "Kwame Boateng", "Elena Popescu", "Javier Morales", "Siobhán Murphy",
    "Hiroshi Sato", "Leila Haddad", "Björn Lindqvist", "Camila Rojas", "Arjun Iyer",
    "Noura Khalil", "Pavel Horák", "Grace Wanjiru", "Lucas Dubois", "Min-jun Park",
    "Isabela Costa", "Dmitri Volkov", "Thandiwe Ndlovu", "Marco Bianchi", "Aroha Ngata",
)  # fmt: skip
# For floors larger than the list: first x last combinations, still unique.
FIRST_NAMES = (
    "Ada", "Bilal", "Carmen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Kiri", "Luca", "Maya", "Nadia", "Omar", "Paula", "Quang", "Rosa", "Sven", "Tariq",
    "Uma", "Vera", "Wanjiku", "Ximena", "Yara", "Zeynep", "Aleksander", "Beatriz", "Chidi",
    "Dalia", "Esteban", "Freya", "Giulia", "Hamza", "Ioana", "Jae-won", "Kofi", "Lotte",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Cruz", "Dlamini", "Ekström", "Farouk", "Gomes", "Hoang", "Ivanova",
    "Jensen", "Kowalski", "López", "Mensah", "Nakamura", "Oliveira", "Petrov", "Quispe",
    "Rahman", "Santos", "Tanaka", "Urquhart", "Varga", "Walsh", "Xu", "Yilmaz", "Zulu",
    "Achebe", "Brennan", "Castillo", "Duarte", "Eze", "Fischer", "Gupta", "Haddad",
)  # fmt: skip

TEAMS = ("Billing", "Tech Support", "Onboarding")
# The index cycle that assigns teams: 2 of 5 agents Billing, 2 Tech Support, 1 Onboarding.
TEAM_CYCLE = (0, 0, 1, 1, 2)
SITES = ("north", "south")
SUPERVISORS = {
    "Billing": "Grace Mensah",
    "Tech Support": "Tomás Herrera",
    "Onboarding": "Ingrid Solberg",
}
NEW_HIRE_TEAM = "Onboarding"  # new hires sit with a lenient AHT target while they ramp up


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    team: str
    site: str
    hire_date: date
    supervisor: str

    @property
    def new_hire(self) -> bool:
        return self.team == NEW_HIRE_TEAM


def agent_name(index: int) -> str:
    """The name of the index-th agent (0-based); unique for any index below ~1,300."""
    if index < len(FULL_NAMES):
        return FULL_NAMES[index]
    extra = index - len(FULL_NAMES)
    first = FIRST_NAMES[extra % len(FIRST_NAMES)]
    # The stride walks the last names out of step with the first names, so pairs don't repeat
    # until every combination is used.
    last = LAST_NAMES[(extra // len(FIRST_NAMES) + extra) % len(LAST_NAMES)]
    return f"{first} {last}" + ("" if extra < len(FIRST_NAMES) * len(LAST_NAMES) else f" {extra}")


def build_roster(agents: int, today: date) -> list[Agent]:
    """The floor of `agents` people; hire dates are relative to `today`."""
    roster = []
    for index in range(agents):
        team = TEAMS[TEAM_CYCLE[index % len(TEAM_CYCLE)]]
        if team == NEW_HIRE_TEAM:
            # New hires: 2 to 11 weeks in, spread deterministically.
            tenure = timedelta(weeks=2 + (index * 7) % 10)
        else:
            # Tenured agents: 1 to ~9 years.
            tenure = timedelta(days=365 + (index * 211) % 2900)
        roster.append(
            Agent(
                agent_id=f"A{index + 1:03d}",
                name=agent_name(index),
                team=team,
                site=SITES[index % len(SITES)],
                hire_date=today - tenure,
                supervisor=SUPERVISORS[team],
            )
        )
    return roster


ROSTER_COLUMNS = ("agent_id", "name", "team", "hire_date", "supervisor")


def write_roster(path: Path, roster: list[Agent]) -> Path:
    """Write the roster CSV (agent_id,name,team,hire_date,supervisor) that configs point at."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(ROSTER_COLUMNS)
        for agent in roster:
            writer.writerow(
                (
                    agent.agent_id,
                    agent.name,
                    agent.team,
                    agent.hire_date.isoformat(),
                    agent.supervisor,
                )
            )
    return path
