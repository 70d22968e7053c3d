"""Run `floorwatch web`: one floor (one ingest), one web server, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from floorwatch.config.types import Config
from floorwatch.live.floor import Floor
from floorwatch.ssh.app_factory import FactoryBuilder, floorwatch_app_factory
from floorwatch.ssh.serve import EXECUTOR_THREADS, wait_for_stop_signal
from floorwatch.web.server import WebServer

log = logging.getLogger("floorwatch.web")


def default_log_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("floorwatch")) / "web.log"


async def serve_web(config: Config, build_factory: FactoryBuilder = floorwatch_app_factory) -> None:
    """Load the floor once, then serve it to every browser until asked to stop."""
    # Every tab's short thread workers (saves, drafts) and the floor's polls share the loop's
    # default executor, as do password checks (argon2): size it for many sessions.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(EXECUTOR_THREADS, thread_name_prefix="floorwatch-web")
    )
    floor = Floor(config)
    server = WebServer(config.web, build_factory(config, floor), title=config.floor.name)
    await floor.start()
    try:
        await server.start()
        supervisors = sum(1 for p in server.accounts.people.values() if p.role != "wall")
        walls = len(server.accounts) - supervisors
        print(
            f"floorwatch web: listening on {server.base_url}\n"
            f"  {supervisors} supervisor(s) log in at {server.base_url}/login; "
            f"{walls} wall(s) open their kiosk URL",
            flush=True,
        )
        await wait_for_stop_signal()
        log.info("shutting down: ending %d board(s)", len(server.terminals))
        await server.close()
    finally:
        await floor.stop()
