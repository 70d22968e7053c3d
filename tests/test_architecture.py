"""The core never imports Textual: it must run in the CLI, the benchmarks and the SSH server's
shared ingest without a UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "floorwatch"
CORE = [
    "floorwatch.config",
    "floorwatch.config.types",
    "floorwatch.live.rows",
    "floorwatch.feeds",
    "floorwatch.live.metrics",
    "floorwatch.live.thresholds",
    "floorwatch.live.board",
    "floorwatch.live.indexes",
    "floorwatch.live.daily_figures",
    "floorwatch.reports.board",
    "floorwatch.coaching",
    "floorwatch.coaching.analysis",
    "floorwatch.coaching.floor_report",
    "floorwatch.coaching.trend",
    "floorwatch.feeds.formats.queue_log",
    "floorwatch.store",
    "floorwatch.live.floor",
    "floorwatch.live.day_keeper",
    "floorwatch.coaching.goals",
    "floorwatch.coaching.effect",
    "floorwatch.coaching.templates",
    "floorwatch.config.goals_section",
    "floorwatch.store.goals",
    "floorwatch.reports.period",
    "floorwatch.reports.review",
    "floorwatch.reports.render",
    "floorwatch.reports.html",
]


def existing(modules: list[str]) -> list[str]:
    found = []
    for name in modules:
        relative = Path(*name.split(".")[1:])
        if (PACKAGE / f"{relative}.py").exists() or (PACKAGE / relative / "__init__.py").exists():
            found.append(name)
    return found


@pytest.mark.parametrize("module", existing(CORE))
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False", f"{module} pulls in textual"


def test_every_core_module_is_checked() -> None:
    """The list above must not silently shrink: these modules exist by now."""
    assert set(existing(CORE)) >= {
        "floorwatch.config.types",
        "floorwatch.live.rows",
        "floorwatch.live.board",
    }


def test_help_lists_every_subcommand() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "floorwatch", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for command in (
        "run",
        "demo",
        "board",
        "report",
        "goals",
        "notes",
        "check",
        "simulate",
        "serve",
    ):
        assert command in result.stdout
