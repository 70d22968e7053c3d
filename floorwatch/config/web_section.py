"""The `web:` section: where `floorwatch web` listens, its TLS files and who may open it.

Supervisors and managers carry an argon2 `password_hash` (from `floorwatch web passwd NAME`),
wall TVs a `token_hash` (from `floorwatch web token NAME`); neither secret itself is ever in the
config. A supervisor's or manager's `teams` scope their board, as `ssh.users[].teams` do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import Node, SequenceNode

from floorwatch.config.types import WebConfig, WebTls, WebUser
from floorwatch.config.yaml_nodes import Entries, NodeReader, first_value

WEB_KEYS = ("listen", "tls", "public_url", "session_expiry", "users")
USER_KEYS = ("name", "role", "password_hash", "token_hash", "teams")
PASSWORD_ROLES = ("supervisor", "manager")  # they log in with a password
TOKEN_HASH = re.compile(r"sha256:[0-9a-f]{64}")
LOGIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
LONGEST_SESSION = 7 * 24 * 3600.0


class WebReader:
    """Reads `web:`; every problem goes to the shared problem list with its line and column."""

    def __init__(
        self,
        nodes: NodeReader,
        base_dir: Path,
        listen: Callable[[Node, str], str | None],
    ) -> None:
        self.nodes = nodes
        self.problems = nodes.problems
        self.base_dir = base_dir
        self.listen = listen

    def web(self, node: Node | None) -> WebConfig:
        entries = self.nodes.mapping(node, "web", WEB_KEYS) if node is not None else None
        if entries is None:
            return WebConfig()
        users: list[WebUser] = []
        for index, item in enumerate(entries.read("users", self.nodes.sequence) or []):
            user = self.user(item, f"web.users[{index}]")
            if user is not None and any(u.name == user.name for u in users):
                message = f"web.users[{index}].name {user.name!r} is listed twice"
                self.problems.error(first_value(item, "name") or item, message)
            elif user is not None:
                users.append(user)
        return WebConfig(
            listen=entries.read("listen", self.listen) or WebConfig.listen,
            tls=entries.read("tls", self.tls),
            public_url=entries.read("public_url", self.public_url),
            session_expiry=self.session_expiry(entries),
            users=tuple(users),
        )

    def session_expiry(self, entries: Entries) -> float:
        seconds = entries.read("session_expiry", self.nodes.duration)
        if seconds is not None and seconds > LONGEST_SESSION:
            message = f"web.session_expiry must be at most 7d (got {seconds / 3600:g}h)"
            self.problems.error(entries.values["session_expiry"], message)
        return seconds or WebConfig.session_expiry

    def tls(self, node: Node, where: str) -> WebTls | None:
        what = "a mapping like {cert: fullchain.pem, key: privkey.pem}"
        entries = self.nodes.mapping(node, where, ("cert", "key"), ("cert", "key"), what)
        if entries is None:
            return None
        paths = {}
        for key in ("cert", "key"):
            path = entries.read(key, self.path)
            if path is not None and not path.is_file():
                self.problems.error(entries.values[key], f"{where}.{key}: {path} does not exist")
            paths[key] = path
        if paths["cert"] is None or paths["key"] is None:
            return None
        return WebTls(paths["cert"], paths["key"])

    def path(self, node: Node, where: str) -> Path | None:
        text = self.nodes.text(node, where)
        return None if text is None else self.base_dir / Path(text).expanduser()

    def public_url(self, node: Node, where: str) -> str | None:
        text = self.nodes.text(node, where)
        if text is None:
            return None
        parts = urlsplit(text.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            example = "like https://floor.example.com"
            self.problems.error(node, f"{where} must be http(s)://HOST[:PORT] {example}")
            return None
        return f"{parts.scheme}://{parts.netloc}"

    def user(self, node: Node, where: str) -> WebUser | None:
        entries = self.nodes.mapping(node, where, USER_KEYS, ("name", "role"))
        if entries is None:
            return None
        name = entries.read("name", self.nodes.text)
        if name is not None and not LOGIN_NAME.fullmatch(name):
            message = f"{where}.name must be a login name: letters, digits, . _ - (got {name!r})"
            self.problems.error(entries.values["name"], message)
        role = entries.read("role", self.nodes.one_of(*PASSWORD_ROLES, "wall"))
        password_hash = entries.read("password_hash", self.nodes.text)
        token_hash = entries.read("token_hash", self.nodes.text)
        teams = self.teams(entries, where, role)
        if role in PASSWORD_ROLES:
            self.secret(entries, where, "password_hash", "token_hash", name, role)
            if password_hash is not None and not password_hash.startswith("$argon2"):
                message = f"{where}.password_hash must be an argon2 hash ($argon2id$...)"
                hint = f"; `floorwatch web passwd {name}` prints one"
                self.problems.error(entries.values["password_hash"], message + hint)
        elif role == "wall":
            self.secret(entries, where, "token_hash", "password_hash", name, role)
            if token_hash is not None and not TOKEN_HASH.fullmatch(token_hash):
                message = f"{where}.token_hash must be sha256:<64 hex digits>"
                hint = f"; `floorwatch web token {name}` prints one"
                self.problems.error(entries.values["token_hash"], message + hint)
        return WebUser(name or "", role or "wall", password_hash, token_hash, teams)

    def teams(self, entries: Entries, where: str, role: str | None) -> tuple[str, ...]:
        """`teams: [North, South]` (or one name): each once; none for a wall (the wall shows
        the whole floor)."""
        teams = entries.read("teams", self.nodes.texts) or ()
        if teams and role == "wall":
            message = f"{where}.teams does not apply to a wall (it shows the whole floor)"
            self.problems.error(entries.keys["teams"], message)
            return ()
        node = entries.values.get("teams")
        items = node.value if isinstance(node, SequenceNode) else [node]
        for index, (team, item) in enumerate(zip(teams, items, strict=False)):
            if team in teams[:index]:
                self.problems.error(item, f"{where}.teams[{index}] {team!r} is listed twice")
        return tuple(dict.fromkeys(teams))

    def secret(
        self, entries: Entries, where: str, needed: str, other: str, name: str | None, role: str
    ) -> None:
        """A supervisor or manager logs in with a password only, a wall with a token only."""
        if other in entries.values:
            message = f"{where}.{other} does not apply to a {role} (it uses {needed})"
            self.problems.error(entries.keys[other], message)
        if needed not in entries.values:
            command = "passwd" if needed == "password_hash" else "token"
            message = f"{where}: a {role} needs {needed} (`floorwatch web {command} {name}`)"
            self.problems.error(entries.node, message)
