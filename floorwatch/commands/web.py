"""`floorwatch web`: the floor in a browser; `web passwd` and `web token` make its secrets."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from floorwatch.commands.common import add_config_argument

HELP = "serve the live board to browsers: supervisors log in, wall TVs open a kiosk URL"
DESCRIPTION = """\
Starts a web server (web.listen, default 127.0.0.1:8080) that gives every browser tab its own
live board, sharing one ingest with every other tab. Supervisors log in with the name and
password of a web.users entry (role: supervisor, or manager to read private notes too) and write
notes as themselves, their board on their teams (web.users[].teams); a wall TV opens its kiosk
URL (web.users entry with role: wall) and gets the read-only wall, nothing else.
HTTPS with web.tls {cert, key}, or behind a TLS proxy (docs/web.md). Logins, refusals and
logouts are logged to stderr and to --log-file.

  floorwatch web passwd NAME   print the password_hash: line for a supervisor
  floorwatch web token NAME    print the token_hash: line for a wall and, once, its kiosk URL"""

PASSWD_HELP = "print a supervisor's password_hash: line (password from the terminal or stdin)"
PASSWD_DESCRIPTION = """\
Reads a password (typed twice at a terminal; else the first line of standard input) and prints
the `password_hash:` line (argon2id) to put under that supervisor in web.users. The password
itself is stored nowhere."""
TOKEN_HELP = "print a wall's token_hash: line and, once, its kiosk URL"
TOKEN_DESCRIPTION = """\
Makes a new kiosk token for a wall TV: prints the `token_hash:` line to put under that wall in
web.users, and the kiosk URL http(s)://HOST:PORT/wall?token=TOKEN to open on the TV. The token
is shown this once and stored nowhere; run the command again to replace a lost or leaked one."""

NAME = re.compile(r"[A-Za-z0-9._-]+")
MIN_PASSWORD = 8


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "web",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser)
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        help="also log logins, refusals and logouts here (default: web.log, user log folder)",
    )
    # Development and tests: serve another Textual app (MODULE:FUNCTION(config, floor)).
    parser.add_argument("--app-factory", metavar="MODULE:FUNCTION", help=argparse.SUPPRESS)
    actions = parser.add_subparsers(dest="web_action", metavar="ACTION")
    passwd = actions.add_parser("passwd", help=PASSWD_HELP, description=PASSWD_DESCRIPTION)
    passwd.add_argument("name", metavar="NAME", help="the supervisor's login name")
    token = actions.add_parser("token", help=TOKEN_HELP, description=TOKEN_DESCRIPTION)
    token.add_argument("name", metavar="NAME", help="the wall's name in web.users")
    token.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,  # else it would hide `floorwatch web --config PATH token`
        help="the config whose web.listen / web.public_url the kiosk URL uses",
    )
    token.add_argument(
        "--url",
        metavar="BASE",
        help="the address the TV uses, like https://floor.example.com "
        "(default: web.public_url, else web.listen)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.web_action == "passwd":
        return passwd(args.name)
    if args.web_action == "token":
        return token(args.name, args.url, args.config)
    return serve(args)


def check_name(name: str) -> None:
    from floorwatch.cli import UserError

    if not NAME.fullmatch(name):
        raise UserError(f"{name!r} is not a login name: use letters, digits, . _ -")


def read_password() -> str:
    from floorwatch.cli import UserError

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise UserError("the two passwords differ; nothing was printed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def passwd(name: str) -> int:
    from floorwatch.cli import UserError
    from floorwatch.web.auth import hash_password

    check_name(name)
    password = read_password()
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    print(f'password_hash: "{hash_password(password)}"')
    hint = f"# put this line under `- name: {name}` (role: supervisor or manager) in web.users"
    print(hint, file=sys.stderr)
    return 0


def token(name: str, url: str | None, config: str | None) -> int:
    from floorwatch.web.auth import hash_token, new_token

    check_name(name)
    secret = new_token()
    base = (url or kiosk_base(config)).rstrip("/")
    print(f'token_hash: "{hash_token(secret)}"')
    print(f"# put that line under `- name: {name}` (role: wall) in web.users", file=sys.stderr)
    print("# the kiosk URL, shown this once (open it on the TV):", file=sys.stderr)
    print(f"{base}/wall?token={secret}")
    return 0


def kiosk_base(explicit: str | None) -> str:
    """http(s)://HOST:PORT from the config's web section, read leniently: the config may not
    validate yet (this wall has no token_hash until this command prints one)."""
    from floorwatch.commands.common import config_path

    web: dict[str, Any] = {}
    try:
        import yaml

        loaded = yaml.safe_load(Path(config_path(explicit)).read_text(encoding="utf-8"))
        section = loaded.get("web") if isinstance(loaded, dict) else None
        web = section if isinstance(section, dict) else {}
    except Exception:  # no config yet, unreadable, not YAML: the defaults say where to look
        web = {}
    if isinstance(web.get("public_url"), str):
        return web["public_url"]
    listen = str(web.get("listen") or "127.0.0.1:8080")
    host, _, port = listen.rpartition(":")
    if host.strip("[]") in ("0.0.0.0", "::", ""):
        import socket

        host = socket.getfqdn()
    scheme = "https" if web.get("tls") else "http"
    return f"{scheme}://{host}:{port}"


def serve(args: argparse.Namespace) -> int:
    import asyncio

    from floorwatch.cli import UserError
    from floorwatch.commands.common import load
    from floorwatch.ssh.app_factory import floorwatch_app_factory, load_factory_builder
    from floorwatch.ssh.auth import SshSetupError
    from floorwatch.ssh.serve import setup_logging
    from floorwatch.web.serve import default_log_file, serve_web
    from floorwatch.web.server import WebSetupError

    config = load(args.config)
    try:
        build = load_factory_builder(args.app_factory) if args.app_factory else None
        setup_logging(Path(args.log_file).expanduser() if args.log_file else default_log_file())
        asyncio.run(serve_web(config, build or floorwatch_app_factory))
    except (WebSetupError, SshSetupError) as error:
        raise UserError(f"{config.source}: {error}") from None
    except OSError as error:  # the log file's folder, mostly
        raise UserError(f"cannot start the web server: {error}") from None
    return 0
