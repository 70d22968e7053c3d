"""Each supervisor's teams: those their login lists (web.users[].teams in a browser,
ssh.users[].teams over SSH), then ssh.users[].teams by name, then the roster's supervisor
column; and the scope each session gets from the real app factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_the_teams_a_login_lists_come_first(tmp_path: Path) -> None:
    (tmp_path / "floorwatch.yaml").write_text(CONFIG.replace("{KEY}", KEY))
    (tmp_path / "calls.csv").write_text("t,a,h\n")
    (tmp_path / "roster.csv").write_text(
        "agent_id,name,team,hire_date,supervisor\na1,A,North,,Li\n"
    )
    config = load_config(tmp_path / "floorwatch.yaml")
    roster = load_roster(tmp_path / "roster.csv")
    assert supervisor_teams(config, roster, "li", ("West",)) == {"West"}
    assert supervisor_teams(config, roster, "dana", ["North", "East"]) == {"North", "East"}
    assert supervisor_teams(config, roster, "li", ()) == {"North"}  # nothing listed: as before


# -- the scope a browser (or SSH) session gets from the real app factory ---------------------


def session(user: str, role: Any = "supervisor", teams: tuple[str, ...] = ()) -> Any:
    """A session as the web (or SSH) terminal makes one for a login."""
    from floorwatch.ssh.session import SshSession

    return SshSession(
        user=user, role=role, term="xterm-256color", size=(140, 40), color_system="truecolor",
        peer="127.0.0.1:5000", teams=teams,
    )  # fmt: skip


async def test_a_web_users_teams_scope_their_board_as_ssh_users_teams_do() -> None:
    from floorwatch.ssh.app_factory import floorwatch_app_factory
    from tests.test_app_floor_live import make_live_app

    floor = make_live_app().floor  # the live fixture floor: teams north and south; dana: south
    make = floorwatch_app_factory(floor.config, floor)
    cases = [
        (session("nina", teams=("north",)), {"north"}),  # web.users[].teams, carried by the session
        (session("dana", teams=("north",)), {"north"}),  # the login's own list wins
        (session("dana"), {"south"}),  # a login listing none: ssh.users[].teams for the name
        (session("nobody"), None),  # no teams known: the whole floor
    ]
    for who, shown in cases:
        app = make(who)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            view = app.main_screen.view
            assert view.teams_shown == shown, who
            rows = floor.board.rows
            assert all(shown is None or rows[a].team in shown for a in app.main_screen.table.order)


async def test_a_managers_session_reads_private_notes_and_a_wall_stays_whole() -> None:
    from floorwatch.ssh.app_factory import floorwatch_app_factory
    from tests.test_app_floor_live import make_live_app

    floor = make_live_app().floor
    make = floorwatch_app_factory(floor.config, floor)
    manager = make(session("mo", "manager", ("south",)))
    assert manager.role == "manager" and manager.notes.reader.manager
    supervisor = make(session("li", "supervisor"))
    assert supervisor.role == "supervisor" and not supervisor.notes.reader.manager
    wall = make(session("tv", "wall"))
    async with wall.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert wall.wall and len(wall.main_screen.table.order) == 12


def test_an_ssh_login_carries_its_users_teams() -> None:
    from floorwatch.config.types import SshUser
    from floorwatch.ssh.auth import KeyBook

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    book = KeyBook((SshUser("dana", "supervisor", (key,), ("South",)),))
    assert (book._people["dana"].role, book._people["dana"].teams) == ("supervisor", ("South",))
