"""Renderings of the floor for scripts and reviews: `board` is `floorwatch board --once`
(text, JSON contract, CSV)."""
