"""Regenerate docs/board.svg: the demo floor's board, as a new user first sees it.

.venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from floorwatch.config import load_config
from floorwatch.demo import write_demo_config
from floorwatch.demo.simulator import FloorSimulator
from floorwatch.tui.app import FloorwatchApp

OUT = Path(__file__).resolve().parent / "board.svg"


async def shoot(folder: Path) -> None:
    FloorSimulator(folder / "feeds", agents=40, seed=3).backfill(minutes=120)
    app = FloorwatchApp(load_config(write_demo_config(folder)))
    async with app.run_test(size=(120, 34)) as pilot:
        for _ in range(100):  # until the cold load has reached the board
            await pilot.pause(0.1)
            if app.floor.board.rows and app.last_update.loaded:
                break
        await pilot.pause(1.0)
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temporary:
        asyncio.run(shoot(Path(temporary)))
    print(f"wrote {OUT}")
