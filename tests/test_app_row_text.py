"""What one board line says, cell by cell (no Textual needed)."""

from __future__ import annotations

import colorsys
from dataclasses import replace
from zoneinfo import ZoneInfo

from rich.style import Style

from floorwatch.live.thresholds import Status
from floorwatch.tui.themes import DARK, palette_for
from floorwatch.tui.widgets.columns import choose_columns
from floorwatch.tui.widgets.row_text import CURSOR_MARK, row_text, title_text
from tests.app_support import NOW, build_board

UTC = ZoneInfo("UTC")


def columns(board):  # type: ignore[no-untyped-def]
    return choose_columns(
        200, board.config.metrics, longest_name=20, longest_team=16, longest_id=4, trouble={},
        notes=True,
    )  # fmt: skip


def styles_at(text, needle):  # type: ignore[no-untyped-def]
    """The style covering the first character of `needle` in `text`."""
    start = text.plain.index(needle)
    style = Style()
    for span in text.spans:
        if span.start <= start < span.end:
            style += span.style if isinstance(span.style, Style) else Style.parse(span.style)
    return style


def test_a_red_row_reads_without_colour() -> None:
    board, _ = build_board()
    line = row_text(board.rows["A001"], columns(board), palette=DARK, zone=UTC)
    plain = line.plain
    assert plain.startswith(" ■ RED   Li Wei")
    assert "5:30 ■" in plain  # the red metric carries its shape
    # Red since hh:mm: read from the rows, its first call of the fixture's 50 minutes (09:52).
    assert plain.rstrip().endswith("09:52")


def test_a_green_row_has_no_since_and_no_marks() -> None:
    board, _ = build_board()
    plain = row_text(board.rows["A003"], columns(board), palette=DARK, zone=UTC).plain
    assert "● GREEN" in plain and "■" not in plain and "▲" not in plain
    assert "10:42" not in plain


def test_stale_cells_are_dim_and_keep_their_status_mark() -> None:
    board, _ = build_board()
    row = board.rows["A001"]  # red on AHT
    cells = {k: replace(c, stale=True) for k, c in row.cells.items()}
    fresh = row_text(row, columns(board), palette=DARK, zone=UTC)
    line = row_text(replace(row, cells=cells), columns(board), palette=DARK, zone=UTC)
    assert line.plain == fresh.plain  # '5:30 ■' stays '5:30 ■': no '~' in its place
    assert "5:30 ■" in line.plain and "~" not in line.plain
    assert styles_at(line, "5:30 ■").dim
    assert not styles_at(fresh, "5:30 ■").dim


def test_an_agent_without_a_name_shows_its_id_once() -> None:
    board, _ = build_board()
    row = replace(board.rows["A003"], name="A003")
    plain = row_text(row, columns(board), palette=DARK, zone=UTC).plain
    assert plain.count("A003") == 1


def test_a_flashing_cell_is_reversed_and_the_selection_is_marked() -> None:
    board, _ = build_board()
    line = row_text(
        board.rows["A001"], columns(board), palette=DARK, zone=UTC,
        flashing={"aht": NOW + 3}, selected=True,
    )  # fmt: skip
    assert line.plain.startswith(CURSOR_MARK)
    assert styles_at(line, "5:30").reverse
    assert not styles_at(line, "0:12").reverse


def test_markup_in_names_teams_and_notes_stays_text() -> None:
    board, _ = build_board()
    line = row_text(board.rows["A007"], columns(board), palette=DARK, zone=UTC, note="[/]")
    assert "[bold red]X[/]" in line.plain and "[red]west[/red]" in line.plain
    assert "[/]" in line.plain


def test_colour_blind_palette_uses_orange_and_blue() -> None:
    palette = palette_for("colour-blind")
    board, _ = build_board()
    red = row_text(board.rows["A001"], columns(board), palette=palette, zone=UTC)
    green = row_text(board.rows["A003"], columns(board), palette=palette, zone=UTC)
    hue = {}
    lightness = {}
    for status, text, needle in (("red", red, "■ RED"), ("green", green, "● GREEN")):
        rgb = styles_at(text, needle).color.triplet.normalized
        hue[status], lightness[status], _ = colorsys.rgb_to_hls(*rgb)
    amber = colorsys.rgb_to_hls(*palette.for_status(Status.AMBER).color.triplet.normalized)
    assert 15 <= hue["red"] * 360 <= 40  # orange
    assert 195 <= hue["green"] * 360 <= 225  # blue
    # Red and amber: hues apart and one far lighter (not two golds).
    assert abs(amber[0] - hue["red"]) * 360 >= 15
    assert amber[1] - lightness["red"] >= 0.2


def test_the_sorted_column_title_is_reversed() -> None:
    board, _ = build_board()
    titles = title_text(columns(board), DARK, "csat")
    assert styles_at(titles, "CSAT").reverse
    assert not styles_at(titles, "AHT").reverse


def test_deciding_digits_are_never_cut_in_a_cell() -> None:
    """AHT 5:30.4 beside its bound 5:30 fills the space before the mark instead of reading
    '5:30.'; a value whose digits cannot fit shows plainly."""
    board, _ = build_board()
    row = board.rows["A001"]  # red on AHT
    aht = row.cells["aht"]

    def cell_text(value: float, bound: float) -> str:
        cells = {**row.cells, "aht": replace(aht, value=value, bound=bound)}
        return row_text(replace(row, cells=cells), columns(board), palette=DARK, zone=UTC).plain

    assert "5:30.4■" in cell_text(330.4, 330.0)
    assert "5:30." not in cell_text(330.4, 330.0).replace("5:30.4", "")
    long = cell_text(750.3, 750.0)  # '12:30.3' is wider than the cell
    assert "12:30 ■" in long and "12:30." not in long
