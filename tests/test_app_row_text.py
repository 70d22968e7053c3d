"""What one board line says, cell by cell (no Textual needed)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from rich.style import Style

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


def test_stale_cells_are_dim_and_marked() -> None:
    board, _ = build_board()
    row = board.rows["A003"]
    cells = {k: replace(c, stale=(k == "adherence")) for k, c in row.cells.items()}
    line = row_text(replace(row, cells=cells), columns(board), palette=DARK, zone=UTC)
    assert "99% ~" in line.plain
    assert styles_at(line, "99% ~").dim
    assert not styles_at(line, "3:10").dim


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
    assert styles_at(red, "■ RED").color.triplet.hex == "#e69f00"
    assert styles_at(green, "● GREEN").color.triplet.hex == "#56b4e9"


def test_the_sorted_column_title_is_reversed() -> None:
    board, _ = build_board()
    titles = title_text(columns(board), DARK, "csat")
    assert styles_at(titles, "CSAT").reverse
    assert not styles_at(titles, "AHT").reverse
