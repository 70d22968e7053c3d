"""The core never imports Textual: it must run in the CLI, the benchmarks and the SSH server's
shared ingest without a UI. The rest of the architecture is import-linter contracts in
pyproject.toml, and the core is typed: both are run here, so CI runs them."""

from __future__ import annotations

import ast
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
    "floorwatch.live.reds",
    "floorwatch.config.formats",
    "floorwatch.text.safe",
    "floorwatch.text.values",
]
# Kept light (no pandas, numpy or pyarrow): what coaching rules and text wording need to load.
LIGHT = [
    "floorwatch.text.safe",
    "floorwatch.text.values",
    "floorwatch.coaching",
    "floorwatch.coaching.analysis",
    "floorwatch.coaching.evidence",
    "floorwatch.coaching.floor_report",
    "floorwatch.coaching.trend",
    "floorwatch.coaching.goals",
    "floorwatch.coaching.effect",
    "floorwatch.coaching.templates",
]
REPO = PACKAGE.parent
BIN = Path(sys.executable).parent


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


@pytest.mark.parametrize("module", LIGHT)
def test_text_and_coaching_load_without_pandas(module: str) -> None:
    heavy = ("pandas", "numpy", "pyarrow")
    code = f"import sys, {module}; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"{module} pulls in {result.stdout.strip()}"


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    command = BIN / "lint-imports"
    assert command.exists(), "import-linter is in the test extra: pip install -e '.[test]'"
    return subprocess.run(
        [str(command), "--no-cache", *args], cwd=REPO, capture_output=True, text=True
    )


def test_the_import_contracts_in_pyproject_hold() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "The core never imports Textual" in result.stdout


def test_a_broken_contract_fails_the_check(tmp_path: Path) -> None:
    """The check above can fail: a contract the code breaks (tui/ does import Textual)."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "floorwatch"\ninclude_external_packages = true\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "tui without Textual"\ntype = "forbidden"\n'
        'source_modules = ["floorwatch.tui"]\nforbidden_modules = ["textual"]\n'
    )
    result = lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "tui without Textual BROKEN" in result.stdout


def test_the_core_is_strictly_typed() -> None:
    """`mypy --strict` on the core packages ([tool.mypy] in pyproject.toml names them)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


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


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, those under `if TYPE_CHECKING:` included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("tui/screens", "floorwatch.tui.app"),
        ("tui/widgets", "floorwatch.tui.app"),
        ("tui/widgets", "floorwatch.tui.screens"),
        ("ssh/terminal.py", "floorwatch.ssh.server"),
    ],
)
def test_no_cycle_comes_back_even_for_typing(folder: str, forbidden: str) -> None:
    """The layers contracts skip `if TYPE_CHECKING:` imports (coaching types its arguments with
    the board's rows); the App <-> screens and server <-> terminal cycles stay gone there too."""
    target = PACKAGE / folder
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for path in files:
        bad = {m for m in imported_modules(path) if m == forbidden or m.startswith(forbidden + ".")}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
