"""What the server knows about one SSH session, handed to the app factory."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from textual.app import App

Role = Literal["supervisor", "manager", "wall"]
ROLES: tuple[Role, ...] = ("supervisor", "manager", "wall")

# Rich's names for colour depths: 16 colours, 256 colours, 24-bit.
ColorSystem = Literal["standard", "256", "truecolor"]

# Terminals that are known to have only the 16 ANSI colours.
SIXTEEN_COLOR_TERMS = frozenset({"linux", "vt100", "vt102", "vt220", "ansi", "cons25"})

DEFAULT_SIZE = (80, 24)


@dataclass(frozen=True)
class SshSession:
    """One logged-in SSH session: who, with what terminal, from where."""

    user: str  # the ssh.users name that owns the key used to log in
    role: Role
    term: str  # TERM as the client sent it with its pty request
    size: tuple[int, int]  # (columns, rows) at login; later changes arrive as Resize events
    color_system: ColorSystem
    peer: str  # "host:port" of the client
    teams: tuple[str, ...] = ()  # the teams the login lists (ssh.users[] or web.users[] teams)

    @property
    def is_wall(self) -> bool:
        return self.role == "wall"


# Builds the Textual app for one session. Called in the server's event loop; must not block.
AppFactory = Callable[[SshSession], "App[Any]"]


def color_system_for(term: str, environment: Mapping[str, str]) -> ColorSystem:
    """256 colours unless the client announces truecolor (COLORTERM) or is a 16-colour console.

    SSH passes COLORTERM only when the client sends it (`SendEnv COLORTERM` or
    `SetEnv COLORTERM=truecolor` in its ssh config), which is exactly the announcement we want.
    """
    colorterm = environment.get("COLORTERM", "").strip().lower()
    if colorterm in ("truecolor", "24bit") or term.endswith("-direct"):
        return "truecolor"
    if term.lower() in SIXTEEN_COLOR_TERMS:
        return "standard"
    return "256"


# A client may claim any window size; every repaint costs per cell, so a 10,000x10,000
# "terminal" would stall the server for everyone. Larger claims are clamped.
MAX_SIZE = (500, 300)


def usable_size(columns: int, rows: int) -> tuple[int, int]:
    """The pty size, or 80x24 when the client could not tell (ssh -tt from a pipe sends 0x0);
    at most MAX_SIZE."""
    if columns <= 0 or rows <= 0:
        return DEFAULT_SIZE
    return (min(columns, MAX_SIZE[0]), min(rows, MAX_SIZE[1]))


def printable(text: object, limit: int = 80) -> str:
    """Client-supplied text (a login name, TERM, a command) as it may go into a log line or
    onto a terminal: escapes for anything that is not printable ASCII, cut at `limit`."""
    shown = str(text)[:limit].encode("ascii", "backslashreplace").decode("ascii")
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in shown)
    return shown + ("..." if len(str(text)) > limit else "")


TERM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


def terminal_name(term: str, default: str) -> str:
    """TERM as the client sent it when it is a plausible terminal name, else `default`."""
    return term if TERM_NAME.fullmatch(term or "") else default
