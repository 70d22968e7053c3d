"""A partial update renders only the widgets it can change.

For a partial update Textual's compositor takes the box around every dirty region and asks each
widget whose *clip* meets that box for its lines. A widget's clip is its container's area, for
the board's widgets the whole screen: so every frame asked every widget on the board (header,
goals, events, feed line, keys) for all its lines, even when only a few agent rows changed. Each
such call costs the widget's style lookups whatever its line cache holds (measured on the busy
floor at 200x50: ~2 ms of a ~6 ms frame). Here only the widgets whose visible part (region within
clip) meets the box are asked; the others could not draw a cell in it anyway.

Textual is pinned below 9 for this (and for `damage.py`): it reaches into `Compositor`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class CroppedCompositor(Compositor):
    """Textual's compositor, asking only the widgets a partial update can change."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:  # a full repaint: every widget
            return super()._get_renders(crop)
        everything = self.visible_widgets
        meets = crop.overlaps
        self._visible_widgets = {
            widget: (region, clip)
            for widget, (region, clip) in everything.items()
            if meets(region.intersection(clip))
        }
        try:  # Textual's own renders, over the widgets kept (its generator reads them at once)
            return list(super()._get_renders(crop))
        finally:
            self._visible_widgets = everything


def use_cropped_compositor(screen: Screen[object]) -> None:
    """Give `screen` (just made: nothing composed yet) the cropping compositor."""
    screen._compositor = CroppedCompositor()
