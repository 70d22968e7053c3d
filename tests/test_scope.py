"""Each supervisor's teams: ssh.users[].teams first, then the roster's supervisor column."""

from __future__ import annotations

from pathlib import Path

from floorwatch.config import load_config
from floorwatch.feeds.roster import load_roster
from floorwatch.live.scope import supervisor_teams

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
CONFIG = """
feeds:
  - {name: calls, path: calls.csv, agent: a, time: {column: t}, fields: {h: {column: h}}}
metrics:
  aht: {field: h, agg: mean, better: lower, green: 300}
roster: roster.csv
ssh:
  users:
    - {name: dana, role: supervisor, keys: ["{KEY} dana@x"], teams: [South]}
    - {name: li, role: supervisor, keys: ["{KEY} li@x"]}
"""


def test_teams_from_ssh_users_then_the_roster(tmp_path: Path) -> None:
    (tmp_path / "floorwatch.yaml").write_text(CONFIG.replace("{KEY}", KEY))
    (tmp_path / "calls.csv").write_text("t,a,h\n")
    (tmp_path / "roster.csv").write_text(
        "agent_id,name,team,hire_date,supervisor\n"
        "a1,Ana,North,,Li\na2,Bo,East,,li\na3,Cy,South,,Dana\n"
    )
    config = load_config(tmp_path / "floorwatch.yaml")
    roster = load_roster(tmp_path / "roster.csv")
    assert config.ssh.users[0].teams == ("South",)
    assert supervisor_teams(config, roster, "dana") == {"South"}
    assert supervisor_teams(config, roster, "li") == {"North", "East"}
    assert supervisor_teams(config, roster, "nobody") == frozenset()
    assert supervisor_teams(config, None, None) == frozenset()
