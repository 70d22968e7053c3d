"""Helpers for the feed tests: configs built directly, files written the way real writers do."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from floorwatch.config.types import (
    Config,
    FeedConfig,
    FieldSpec,
    FieldType,
    FloorConfig,
    TimeSpec,
)
from floorwatch.feeds import FeedUpdate, FileStatus, FloorFeeds

ENDED_AT = TimeSpec(("ended_at",))
CALL_HEADER = "ended_at,agent_id,agent_name,team,handle_s,resolved\n"
CALL_FIELDS = (
    FieldSpec("handle_time", "handle_s", FieldType.SECONDS),
    FieldSpec("resolved", "resolved", FieldType.BOOL),
)


def call_line(minute: int, agent: str = "A1", handle: object = 100, resolved: str = "Y") -> str:
    return f"2024-03-01T09:{minute:02d}:00,{agent},Agent {agent},north,{handle},{resolved}\n"


def feed_config(
    base: Path,
    path: str = "feeds/*.csv",
    *,
    name: str = "calls",
    fmt: str = "csv",
    kind: str = "events",
    time: TimeSpec | None = ENDED_AT,
    agent: str = "agent_id",
    fields: tuple[FieldSpec, ...] = CALL_FIELDS,
    name_column: str | None = "agent_name",
    team_column: str | None = "team",
    **options: object,
) -> FeedConfig:
    return FeedConfig(
        name=name,
        path=path,
        glob=os.path.join(base, path),
        format=fmt,
        kind=kind,
        time=time,
        agent=agent,
        fields=fields,
        name_column=name_column,
        team_column=team_column,
        **options,  # type: ignore[arg-type]
    )


def floor_config(base: Path, *feeds: FeedConfig, timezone: str | None = "UTC") -> Config:
    return Config(
        source=base / "floorwatch.yaml",
        floor=FloorConfig(name="Test floor", timezone=timezone),
        feeds=feeds or (feed_config(base),),
        metrics=(),
    )


def calls_floor(base: Path, **options: object) -> FloorFeeds:
    (base / "feeds").mkdir(exist_ok=True)
    return FloorFeeds(floor_config(base, feed_config(base, **options)))


def rows_of(updates: Iterable[FeedUpdate]) -> pd.DataFrame:
    frames = [update.rows for update in updates if len(update.rows)]
    if not frames:
        return pd.DataFrame(columns=["ts", "agent", "name", "team"])
    return pd.concat(frames, ignore_index=True)


def status_of(feeds: FloorFeeds, name: str) -> FileStatus:
    return next(s for s in feeds.statuses() if Path(s.path).name == name)


def append(path: Path, text: str | bytes) -> None:
    """One write and flush, as a dialer appends a row (or half of one)."""
    data = text.encode() if isinstance(text, str) else text
    with path.open("ab") as file:
        file.write(data)
        file.flush()
