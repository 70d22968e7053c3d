"""What does one more idle browser session of `floorwatch web` cost, beside an SSH session?

Both servers run the real FloorwatchApp per session on one shared, idle 2,000-agent floor (a
simulated hour, then no new rows), each in a child process of its own, as `floorwatch web` and
`floorwatch serve` do. Measured: the server process's RSS, PSS and CPU with 0, 1 and 10 idle
sessions connected, each client reading everything it is sent (web: an aiohttp client that
logs in and opens the board's WebSocket as textual-serve's page does; SSH: bench_ssh's asyncssh
client with a pty). The browser's own cost (Chromium and xterm.js) is on the viewer's machine
and is not counted.

    .venv/bin/python bench/bench_web.py            # 0, 1, 10 sessions, 20 s windows
    .venv/bin/python bench/bench_web.py --quick    # smoke test: 0, 1, 2 sessions, 2 s windows

Target (as for SSH, issue 6): each extra idle session < 1% of a core and < 30 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_ssh import FLOOR_MARKER, Row, cpu_share, measure_a, report  # noqa: E402

PASSWORD = "bench password"


async def run_server(folder: Path, port_file: Path, users: int) -> None:
    """`floorwatch web`'s server on the shared floor, with `users` supervisors."""
    from bench.bench_ssh import shared_floor_factory
    from floorwatch.config.types import WebConfig, WebUser
    from floorwatch.web.auth import hash_password
    from floorwatch.web.server import WebServer

    factory = await shared_floor_factory(folder / "floor")
    stored = hash_password(PASSWORD)
    people = tuple(WebUser(f"user{n}", "supervisor", password_hash=stored) for n in range(users))
    server = WebServer(WebConfig(listen="127.0.0.1:0", users=people), factory)
    await server.start()
    port_file.write_text(str(server.port))
    await asyncio.Event().wait()


async def open_board(base: str, name: str, ready_marker: bytes) -> tuple[object, asyncio.Task]:
    """Log in as `name`, open the board's socket, read until the board has drawn; then keep
    reading (and discarding) in a task, as an idle browser tab does."""
    import aiohttp

    client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    origin = {"Origin": base}
    answer = await client.post(
        f"{base}/login", data={"name": name, "password": PASSWORD}, headers=origin
    )
    assert answer.status == 200, answer.status  # followed the redirect to the board page
    socket = await client.ws_connect(f"{base}/ws?width=120&height=40", headers=origin)
    seen = b""
    async with asyncio.timeout(120):
        while ready_marker not in seen:
            message = await socket.receive()
            if message.type != aiohttp.WSMsgType.BINARY:
                raise RuntimeError(f"the board closed: {message}")
            seen = seen[-200:] + message.data

    async def drain() -> None:
        async for _ in socket:
            pass

    return client, asyncio.get_running_loop().create_task(drain())


async def measure_web(counts: list[int], seconds: float, folder: Path) -> list[Row]:
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    here = Path(__file__).resolve()
    child = subprocess.Popen(
        [sys.executable, str(here), "--child-server", str(folder), str(port_file),
         str(max(counts))],
    )  # fmt: skip
    rows: list[Row] = []
    clients: list[tuple[object, asyncio.Task]] = []
    try:
        while not port_file.exists():
            if child.poll() is not None:
                raise RuntimeError("the web server did not start")
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{int(port_file.read_text())}"
        for count in counts:
            while len(clients) < count:
                clients.append(await open_board(base, f"user{len(clients)}", FLOOR_MARKER))
            await asyncio.sleep(min(2.0, seconds))  # let start-up settle
            memory, cpu = await cpu_share([child.pid], seconds)
            rows.append(Row("web", "fw", count, memory.rss, memory.pss, cpu))
    finally:
        for client, task in clients:
            task.cancel()
            await client.close()  # type: ignore[attr-defined]
        child.terminate()
        child.wait(30)
    return rows


async def main(args: argparse.Namespace) -> None:
    counts = [0, 1, 2] if args.quick else [int(n) for n in args.sessions.split(",")]
    seconds = 2.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        rows = await measure_web(counts, seconds, Path(folder) / "web")
        if not args.web_only:
            ssh = await measure_a("floorwatch", counts, seconds, Path(folder) / "ssh")
            rows += [Row("ssh", "fw", r.sessions, r.rss, r.pss, r.cpu) for r in ssh]
    print(f"{os.cpu_count()} cores, {seconds:.0f} s per measurement, the real board, 2,000 agents")
    print(report(rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="0/1/2 sessions, 2 s windows")
    parser.add_argument("--sessions", default="0,1,10", help="session counts (default 0,1,10)")
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window (default 20)")
    parser.add_argument("--web-only", action="store_true", help="skip the SSH comparison")
    parser.add_argument("--child-server", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child_server:
        folder, port, users = arguments.child_server
        asyncio.run(run_server(Path(folder), Path(port), int(users)))
    else:
        asyncio.run(main(arguments))
