"""Who may log in: the users and public keys from `ssh.users`, and the server's host key."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from floorwatch.config.types import SshConfig, SshUser
from floorwatch.ssh.session import ROLES, Role

# The first word of a public key as OpenSSH writes it; anything before it is authorized_keys
# options (`from="..."`, `command="..."`), which floorwatch does not interpret.
KEY_TYPE_PREFIXES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")
HOST_KEY_NAME = "ssh_host_ed25519_key"


class SshSetupError(Exception):
    """The SSH configuration or host key cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Person:
    """A configured SSH user: the name notes are authored under, and what they may do."""

    name: str
    role: Role
    teams: tuple[str, ...] = ()  # the teams their board shows first (none: the roster's)


@dataclass(frozen=True)
class KeyMatch:
    person: Person | None  # None when the key is not allowed for this login name
    fingerprint: str


class KeyBook:
    """Maps (login name, public key) to the person allowed to log in with it."""

    def __init__(self, users: tuple[SshUser, ...]) -> None:
        self._keys: dict[str, frozenset[bytes]] = {}
        self._people: dict[str, Person] = {}
        problems: list[str] = []
        for index, user in enumerate(users):
            where = f"ssh.users[{index}] ({user.name!r})"
            if user.role not in ROLES:
                problems.append(
                    f"{where}: role must be supervisor, manager or wall (got {user.role!r})"
                )
                continue
            if user.name in self._people:
                problems.append(f"{where}: the name {user.name!r} is listed twice")
                continue
            blobs = set()
            for number, line in enumerate(user.keys):
                try:
                    blobs.add(public_key_from_line(line).public_data)
                except ValueError as error:
                    problems.append(f"{where} keys[{number}]: {error}")
            role: Role = user.role  # type: ignore[assignment]
            self._people[user.name] = Person(user.name, role, user.teams)
            self._keys[user.name] = frozenset(blobs)
        if problems:
            raise SshSetupError("\n".join(problems))

    def __len__(self) -> int:
        return len(self._people)

    def match(self, login: str, key: asyncssh.SSHKey) -> KeyMatch:
        """The person logging in as `login` with `key`, if that key is listed for that name."""
        fingerprint = key.get_fingerprint()
        if key.public_data in self._keys.get(login, frozenset()):
            return KeyMatch(self._people[login], fingerprint)
        return KeyMatch(None, fingerprint)


def public_key_from_line(line: str) -> asyncssh.SSHKey:
    """Parse one authorized_keys line (options allowed, then ignored) into a public key."""
    words = line.split()
    start = next((i for i, word in enumerate(words) if word.startswith(KEY_TYPE_PREFIXES)), None)
    if start is None or start + 1 >= len(words):
        raise ValueError(f"not an OpenSSH public key: {shorten(line)!r}")
    try:
        return asyncssh.import_public_key(" ".join(words[start : start + 2]))
    except (asyncssh.KeyImportError, ValueError) as error:
        raise ValueError(f"cannot read public key {shorten(line)!r}: {error}") from None


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def host_key_path(ssh: SshConfig, data_dir: Path | None = None) -> Path:
    """`ssh.host_key`, or ssh_host_ed25519_key in floorwatch's user data folder."""
    if ssh.host_key is not None:
        return Path(ssh.host_key).expanduser()
    if data_dir is None:
        import platformdirs

        data_dir = Path(platformdirs.user_data_dir("floorwatch"))
    return data_dir / HOST_KEY_NAME


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The server's private host key, generated (ed25519, mode 0600) on first start.

    Returns the key and whether it was created now.
    """
    if path.exists():
        return read_host_key(path), False
    key = asyncssh.generate_private_key("ssh-ed25519", comment="floorwatch host key")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL with 0600 from the start: the private key is never readable by others, not even
        # for a moment, and two servers starting together cannot overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_host_key(path), False
    except OSError as error:
        raise SshSetupError(f"{path}: cannot create the SSH host key: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(key.export_private_key())
    return key, True


def read_host_key(path: Path) -> asyncssh.SSHKey:
    try:
        mode = path.stat().st_mode
        key = asyncssh.read_private_key(path)
    except OSError as error:
        raise SshSetupError(f"{path}: cannot read the SSH host key: {error.strerror}") from None
    except (asyncssh.KeyImportError, ValueError) as error:
        raise SshSetupError(f"{path}: not a private SSH key: {error}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SshSetupError(
            f"{path}: the SSH host key is readable by other users "
            f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}"
        )
    return key
