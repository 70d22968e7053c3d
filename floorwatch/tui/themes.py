"""Colours for statuses, per theme. Colour only reinforces: every status also has a shape and a
word, so the board reads the same with NO_COLOR or on a 16-colour console."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style

from floorwatch.live.thresholds import Status

DIM = Style(dim=True)
REVERSE = Style(reverse=True)


@dataclass(frozen=True)
class Palette:
    """One theme's styles for the board, the header and the events panel."""

    name: str
    textual_theme: str  # the Textual theme behind the widgets
    status: Mapping[Status, Style]  # a status's text style (cells, counts, the status column)
    cursor: Style  # the selected row (a gutter marker carries it without colour)
    title: Style  # column titles
    stale: Style = DIM
    flash: Style = REVERSE  # a cell that just turned red

    def for_status(self, status: Status) -> Style:
        return self.status[status]


DARK = Palette(
    name="dark",
    textual_theme="textual-dark",
    status={
        Status.RED: Style(color="#ff5f5f", bold=True),
        Status.AMBER: Style(color="#ffaf00"),
        Status.GREEN: Style(color="#5fd75f"),
        Status.NONE: Style(color="#8a8a8a"),
    },
    cursor=Style(bgcolor="#303a55", bold=True),
    title=Style(bold=True, underline=True),
)

LIGHT = Palette(
    name="light",
    textual_theme="textual-light",
    status={
        Status.RED: Style(color="#c00000", bold=True),
        Status.AMBER: Style(color="#9a5b00", bold=True),
        Status.GREEN: Style(color="#006e00"),
        Status.NONE: Style(color="#6c6c6c"),
    },
    cursor=Style(bgcolor="#cdd8f0", bold=True),
    title=Style(bold=True, underline=True),
)

# Blue for green and a deep orange for red: the pair people with red-green colour blindness tell
# apart best. Amber is a pale yellow, far lighter than the red's orange, so the two differ in
# lightness as well as hue (not two golds); the shapes tell all three apart without colour.
COLORBLIND = Palette(
    name="colorblind",
    textual_theme="textual-dark",
    status={
        Status.RED: Style(color="#ff6a00", bold=True),
        Status.AMBER: Style(color="#fff07a"),
        Status.GREEN: Style(color="#4aa8ff"),
        Status.NONE: Style(color="#8a8a8a"),
    },
    cursor=Style(bgcolor="#303a55", bold=True),
    title=Style(bold=True, underline=True),
)

PALETTES: dict[str, Palette] = {p.name: p for p in (DARK, LIGHT, COLORBLIND)}
THEME_TITLES = {"dark": "dark", "light": "light", "colorblind": "colour-blind (blue/orange)"}
THEME_NAMES = tuple(PALETTES)  # the order `c` cycles through


def palette_for(name: str | None) -> Palette:
    """The palette called `name` ('colour-blind' and 'color-blind' accepted), dark if unknown."""
    key = (name or "dark").lower().replace("-", "").replace("colour", "color")
    return PALETTES.get(key, DARK)


def next_theme(name: str) -> str:
    index = THEME_NAMES.index(name) if name in THEME_NAMES else -1
    return THEME_NAMES[(index + 1) % len(THEME_NAMES)]
