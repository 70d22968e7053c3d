"""The HTML report opened in headless Chromium (Debian's chromium, driven by Playwright): no
console errors, no request leaves the file, every growth curve drawn, the notes marked."""

from __future__ import annotations

import shutil
from datetime import UTC
from pathlib import Path

import pytest

from floorwatch.commands.report import build, render
from floorwatch.config import load_config
from floorwatch.reports.period import period_ending
from floorwatch.store import NoteStore
from tests.report_support import NOTE_DAY, write_floor, write_notes

CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


def test_html_report_in_chromium(tmp_path: Path) -> None:
    config = load_config(write_floor(tmp_path))
    store = NoteStore(tmp_path / "notes.sqlite3")
    write_notes(store)
    review = build(config, store, period_ending("week", NOTE_DAY.replace(day=14)), None, UTC)
    store.close()
    page_file = tmp_path / "week.html"
    page_file.write_text(render(review, "html"), encoding="utf-8")

    errors: list[str] = []
    requests: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(java_script_enabled=False)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            charts = page.locator("svg.chart")
            agents, metrics = 2, len(config.metrics)
            assert charts.count() == agents * metrics
            assert page.locator("svg.chart path.curve").count() == agents * metrics
            box = charts.first.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 80
            # one note per agent, marked on the AHT curve (the metric of its evidence)
            assert page.locator("svg.chart line.note").count() == 2
            assert "note #1" in page.locator("svg.chart line.note").first.inner_html()
            # the team's and A1's goals, each with its progress bar and light
            assert page.locator("table.goals svg.goal-bar").count() == 2
            assert page.locator("table.goals svg.goal-bar rect.done").count() == 2
            text = page.locator("body").inner_text()
            assert "coached metrics improved in 1 of 2 follow-ups" in text
            assert "Ann <b>One</b>" in text  # a name with markup stays text
            assert page.locator("b", has_text="One").count() == 0
            page.screenshot(path=str(tmp_path / "week.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
