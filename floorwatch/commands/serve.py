"""`floorwatch serve`: the floor over SSH, one session per supervisor or wall terminal."""

from __future__ import annotations

import argparse
from pathlib import Path

from floorwatch.commands.common import add_config_argument

HELP = "serve the live board over SSH to every supervisor and wall (one shared ingest)"
DESCRIPTION = """\
Starts an SSH server (ssh.listen, default 127.0.0.1:2222) that gives every connection its own
live board, as the person whose key logged in: supervisors get the board and BEST notes, wall
keys the read-only wall. Only public keys listed under ssh.users are accepted; there is no shell,
no command execution and no forwarding. The feeds are read once for all sessions. The host key
(ssh.host_key) is created on first start; its fingerprint is printed. Logins, refusals and
logouts are logged to stderr and to --log-file."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help=HELP, description=DESCRIPTION)
    add_config_argument(parser)
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        help="also log logins, refusals and logouts here (default: serve.log, user log folder)",
    )
    # Development and tests: serve another Textual app (MODULE:FUNCTION(config, floor)).
    parser.add_argument("--app-factory", metavar="MODULE:FUNCTION", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from floorwatch.cli import UserError
    from floorwatch.commands.common import load
    from floorwatch.ssh.app_factory import floorwatch_app_factory, load_factory_builder
    from floorwatch.ssh.auth import SshSetupError
    from floorwatch.ssh.serve import default_log_file, serve, setup_logging

    config = load(args.config)
    try:
        build = load_factory_builder(args.app_factory) if args.app_factory else None
        setup_logging(Path(args.log_file).expanduser() if args.log_file else default_log_file())
        asyncio.run(serve(config, build or floorwatch_app_factory))
    except SshSetupError as error:
        raise UserError(f"{config.source}: {error}") from None
    except OSError as error:  # the log file's folder, mostly
        raise UserError(f"cannot start the SSH server: {error}") from None
    return 0
