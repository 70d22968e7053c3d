"""Each supervisor's own floor: the teams a supervisor's board shows by default.

A supervisor's teams are those their login lists (`ssh.users[].teams` over SSH,
`web.users[].teams` in a browser: the session carries them), else those `ssh.users[].teams`
lists for their name (a board run in their own terminal), else the teams of the roster's agents
whose `supervisor` is them (their name as on their notes, or their login; compared without
case). No teams found: the whole floor. Notes and reports never use this.
"""

from __future__ import annotations

from collections.abc import Iterable

from floorwatch.config.types import Config
from floorwatch.feeds.roster import Roster


def supervisor_teams(
    config: Config, roster: Roster | None, who: str | None, listed: Iterable[str] = ()
) -> frozenset[str]:
    """The teams `who` supervises (empty: none known, show the whole floor); `listed` are the
    teams their login lists, which come first."""
    own = frozenset(listed)
    if own:
        return own
    if not who:
        return frozenset()
    wanted = who.strip().casefold()
    for user in config.ssh.users:
        if user.name.casefold() == wanted and user.teams:
            return frozenset(user.teams)
    if roster is None:
        return frozenset()
    return frozenset(
        entry.team
        for entry in roster.entries.values()
        if entry.team and entry.supervisor and entry.supervisor.strip().casefold() == wanted
    )
