"""Timeframes: when a follow-up is due, from what the supervisor typed. Pure.

In the floor's timezone (`floor.timezone`, else the system's):
- A timeframe that names a day (`+1d`, `+2w`, `tomorrow`, `monday`, `next week`, `2026-11-30`)
  means *by the end of that day's shift* (`shift_end`, 17:00 unless configured): the follow-up is
  due all that day and overdue after the shift. `+3h` and explicit times are exact.
- `end of shift` is today's shift end, or tomorrow's once today's has passed.
- Day/month dates like `30/11` are refused: 30/11 and 11/30 would be too easy to confuse.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_SHIFT_END = time(17, 0)

# Quick picks for the panel: (what to type, what it means).
TIMEFRAME_PICKS: tuple[tuple[str, str], ...] = (
    ("end of shift", "today, at the end of the shift"),
    ("tomorrow", "tomorrow, by the end of the shift"),
    ("+2d", "in 2 days"),
    ("+1w", "in a week"),
    ("+2w", "in two weeks"),
    ("+4w", "in four weeks"),
)

TIMEFRAME_HELP = (
    "try +3h, +1d, +2w, tomorrow, end of shift, monday, next week, 2026-11-30 or 2026-11-30 14:00"
)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^(?:\+|in\s+)?(\d{1,4})\s*([a-z]+)$")
_UNITS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_END_OF_SHIFT = ("end of shift", "end of the shift", "eos", "end of day", "eod")
_MAX_AHEAD = timedelta(days=3 * 366)


def parse_timeframe(
    text: str, now: datetime, tz: tzinfo, shift_end: time | None = None
) -> datetime:
    """When a follow-up is due, from what the supervisor typed (see the module's time rules).

    Returns an aware datetime in `tz`. It may lie in the past (`09:00` typed at 10:00):
    `validate_draft` reports that. Raises ValueError with a message fit to show at the field."""
    shift_end = shift_end or DEFAULT_SHIFT_END
    local = now.astimezone(tz)
    words = " ".join(text.strip().lower().split())
    if not words:
        raise ValueError(f"no timeframe given: {TIMEFRAME_HELP}")
    if "/" in words:
        raise ValueError(
            f"{text.strip()!r}: write dates as year-month-day (2026-11-30), so that 30/11 and "
            "11/30 cannot be mistaken for each other"
        )
    if words in _END_OF_SHIFT:
        due = datetime.combine(local.date(), shift_end, tzinfo=tz)
        return due if due > local else due + timedelta(days=1)
    relative = _RELATIVE.match(words)
    if relative:
        return _relative(text, int(relative.group(1)), relative.group(2), local, tz, shift_end)
    day_words, _, last = words.rpartition(" ")
    clock = _clock(last) if day_words else None
    if clock is not None:  # 'tomorrow 10:00', '2026-11-30 14:00', 'mon 9:30'
        return datetime.combine(_day(day_words, text, local.date()), clock, tzinfo=tz)
    only_clock = _clock(words)
    if only_clock is not None:
        return datetime.combine(local.date(), only_clock, tzinfo=tz)
    if "t" in words and words[:4].isdigit():  # ISO 8601 '2026-11-30T14:00'
        return _iso_datetime(text, tz)
    return datetime.combine(_day(words, text, local.date()), shift_end, tzinfo=tz)


def _relative(
    text: str, count: int, unit_word: str, local: datetime, tz: tzinfo, shift_end: time
) -> datetime:
    unit = _UNITS.get(unit_word)
    if unit is None:
        hint = " ('m' could be minutes or months)" if unit_word in ("m", "mo", "min") else ""
        raise ValueError(f"{text.strip()!r}: unknown unit {unit_word!r}{hint}; {TIMEFRAME_HELP}")
    span = timedelta(**{unit: count})
    if span > _MAX_AHEAD:
        raise ValueError(f"{text.strip()!r} is more than three years ahead")
    if unit == "hours":  # elapsed hours: add in UTC (aware + timedelta is wall-clock in Python)
        return (local.astimezone(UTC) + span).astimezone(tz)
    return datetime.combine(local.date() + span, shift_end, tzinfo=tz)


def _clock(word: str) -> time | None:
    match = _CLOCK.match(word)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{word!r} is not a time of day (use 00:00 to 23:59)")
    return time(hour, minute)


def _day(words: str, text: str, today: date) -> date:
    """The day a day expression names: today, tomorrow, a weekday (the next one after today,
    'next' optional), next week (in 7 days), or an ISO date."""
    if words == "today":
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words == "next week":
        return today + timedelta(days=7)
    name = words.removeprefix("next ")
    for index, weekday in enumerate(_WEEKDAYS):
        if name in (weekday, weekday[:3]):
            return today + timedelta(days=(index - today.weekday() - 1) % 7 + 1)
    if words[:4].isdigit():
        try:
            return date.fromisoformat(words)
        except ValueError:
            raise ValueError(f"{text.strip()!r} is not a date (use 2026-11-30)") from None
    raise ValueError(f"can't read {text.strip()!r} as a timeframe: {TIMEFRAME_HELP}")


def _iso_datetime(text: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date-time (use 2026-11-30 14:00)") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def describe_due(due: datetime, now: datetime, tz: tzinfo) -> str:
    """'Tue 01 Dec 17:00 (in 2 days)': the resolved timeframe, for the panel to echo."""
    local, today = due.astimezone(tz), now.astimezone(tz)
    days = (local.date() - today.date()).days
    if days == 0:
        when = "today" if due >= now else "already passed"
    elif days == 1:
        when = "tomorrow"
    elif days > 1:
        when = f"in {days} days"
    else:
        when = "already passed"
    return f"{local:%a %d %b %H:%M} ({when})"


def floor_timezone(name: str | None) -> tzinfo:
    """The floor's timezone: `floor.timezone` (an IANA name), else the system's, with its DST
    rules when the system names them ($TZ, /etc/localtime), else today's fixed offset. The one
    function here that looks outside its arguments."""
    if name:
        return ZoneInfo(name)
    try:
        if os.environ.get("TZ"):
            return ZoneInfo(os.environ["TZ"].removeprefix(":"))
        with open("/etc/localtime", "rb") as file:
            return ZoneInfo.from_file(file, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        pass
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local
