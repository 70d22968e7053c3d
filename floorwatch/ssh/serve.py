"""Run `floorwatch serve`: one floor (one ingest), one SSH server, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from floorwatch.config.types import Config
from floorwatch.live.floor import Floor
from floorwatch.ssh.app_factory import FactoryBuilder, floorwatch_app_factory
from floorwatch.ssh.server import CLOSE_SECONDS, SshServer
from floorwatch.store import open_store

log = logging.getLogger("floorwatch.ssh")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_log_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("floorwatch")) / "serve.log"


def setup_logging(log_file: Path) -> None:
    """Logins, refusals and logouts to stderr and to `log_file`, with the time of each."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # Who logged in from where, and who was refused: readable by the server's user only.
    os.close(os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(log_file, 0o600)
    formatter = logging.Formatter(LOG_FORMAT)
    # sys.stderr is bound now, before any session's app redirects the process's streams.
    handlers: list[logging.Handler] = [
        logging.StreamHandler(sys.stderr),
        logging.FileHandler(log_file, encoding="utf-8"),
    ]
    package = logging.getLogger("floorwatch")
    for handler in handlers:
        handler.setFormatter(formatter)
        package.addHandler(handler)
    package.setLevel(logging.INFO)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # one line per packet otherwise


EXECUTOR_THREADS = 32


async def serve(config: Config, build_factory: FactoryBuilder = floorwatch_app_factory) -> None:
    """Load the floor once, then serve it to every SSH session until asked to stop."""
    # Every session's short thread workers (saves, drafts, timelines) and the floor's polls
    # share the loop's default executor: size it for many sessions, not for one app.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(EXECUTOR_THREADS, thread_name_prefix="floorwatch-serve")
    )
    floor = Floor(config)
    server = SshServer(config.ssh, build_factory(config, floor))
    # The floor's reds are kept for the coaching report as long as the server runs, whether or
    # not a supervisor is connected; sessions share this one keeper.
    floor.reds.keep(lambda: open_store(config))
    await floor.start()
    from floorwatch.live.day_keeper import DayKeeper

    keeper = DayKeeper(  # each closed day's figures, kept without cron
        config,
        earliest=lambda: floor.earliest,
        newest=lambda: floor.newest,
        loaded=lambda: floor.loaded,
    )
    keeper.start()
    try:
        await server.start()
        announce(server)
        await wait_for_stop_signal()
        log.info("shutting down: ending %d session(s)", len(server.sessions))
        await server.close()
    finally:
        await asyncio.to_thread(keeper.stop)
        await floor.stop()
        await asyncio.to_thread(floor.reds.release)


def announce(server: SshServer) -> None:
    created = " (created now)" if server.host_key_created else ""
    print(
        f"floorwatch serve: listening on {server.host}:{server.port}\n"
        f"  host key {server.fingerprint}{created}\n"
        f"  {server.host_key_path}\n"
        f"  {len(server.keys)} user(s); connect with: ssh -t -p {server.port} NAME@HOST",
        flush=True,
    )


# After SIGTERM or SIGINT the sessions get SshServer's CLOSE_SECONDS to end (drafts kept);
# the process ends by this deadline whatever they, or a wedged event loop, are doing. A second
# signal ends it at once.
STOP_DEADLINE_SECONDS = CLOSE_SECONDS + 5.0


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    stopping: list[int] = []

    def on_signal(number: int, _frame: object) -> None:
        # A plain handler, not loop.add_signal_handler: it runs even while the loop is busy.
        if stopping:
            os._exit(128 + number)
        stopping.append(number)
        deadline = threading.Timer(STOP_DEADLINE_SECONDS, os._exit, (128 + number,))
        deadline.daemon = True
        deadline.start()
        loop.call_soon_threadsafe(stop.set)

    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(number, on_signal)
        except ValueError:  # not the main thread: the loop's handler, without the deadline
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, stop.set)
    await stop.wait()
