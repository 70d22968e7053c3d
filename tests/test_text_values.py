"""One wording of values and thresholds (floorwatch.text.values): the agent screen's rule, the
events line's crossed level, a note's evidence and the config's messages say it alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorwatch.config.types import Better, MetricFormat
from floorwatch.text.values import (
    comparison,
    condition_text,
    format_precise,
    level_text,
    rule_text,
    shower,
)

SECONDS = shower(MetricFormat.DURATION)
PERCENT = shower(MetricFormat.PERCENT)


@pytest.mark.parametrize(
    ("better", "green", "red", "rule", "target"),
    [
        (Better.LOWER, 210.0, 300.0, "green <= 3:30, red > 5:00", "target <= 3:30, red > 5:00"),
        (Better.HIGHER, 0.85, 0.75, "green >= 85%, red < 75%", "target >= 85%, red < 75%"),
        (Better.LOWER, 210.0, None, "green <= 3:30, red > -", "target <= 3:30"),
        (Better.BAND, (180.0, 300.0), (120.0, 360.0),
         "green in 3:00-5:00, red outside 2:00-6:00", "target 3:00-5:00, red outside 2:00-6:00"),
    ],
)  # fmt: skip
def test_both_levels_in_the_metrics_own_terms(
    better: Better, green: float, red: float | None, rule: str, target: str
) -> None:
    show = PERCENT if better is Better.HIGHER else SECONDS
    assert rule_text(better, green, red, show) == rule
    assert rule_text(better, green, red, show, wording="target") == target


def test_a_level_and_its_side() -> None:
    assert level_text(None, SECONDS) == "-"
    assert level_text(3723.0, SECONDS) == "1:02:03"
    assert level_text((0.85, 0.95), PERCENT) == "85%-95%"
    assert [comparison(b, g) for b in Better for g in (True, False)] == [
        "<=", ">", ">=", "<", "in", "outside"
    ]  # fmt: skip
    assert condition_text(Better.BAND, (0.85, 0.95), PERCENT, green=False) == "outside 85%-95%"


def test_a_precise_value_shows_what_the_rounded_one_hides() -> None:
    assert format_precise(300.4, MetricFormat.DURATION) == "5:00.4"
    assert format_precise(0.12345, MetricFormat.PERCENT) == "12.35%"
    assert format_precise(None, MetricFormat.NUMBER) == "-"


def test_config_messages_word_levels_as_the_board_does(tmp_path: Path) -> None:
    from floorwatch.config import ConfigError, load_config

    path = tmp_path / "floorwatch.yaml"
    path.write_text(
        "feeds:\n  - {name: calls, path: calls.csv, agent: a,"
        " fields: {h: {column: h, type: seconds}}}\n"
        "metrics:\n  aht: {field: h, agg: mean, better: lower, green: '1:10:00', red: '1:00:00'}\n"
        "  vol: {field: h, agg: count, better: band, green: [20, 60], red: [30, 80]}\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    text = str(raised.value)
    assert "(got green 1:10:00, red 1:00:00)" in text  # h:mm:ss, as the board shows it
    assert "(got green 20-60, red 30-80)" in text
