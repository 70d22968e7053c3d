"""The app's screen as plain text lines, for assertions on what a person would read."""

from __future__ import annotations

from typing import Any


def screen_lines(app: Any) -> list[str]:
    """Every line of the current screen (and any toasts over it), as characters."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))
