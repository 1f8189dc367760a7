"""Durations as written in scorecards (``7d``, ``12h``, ``2w``) and the UTC day grid.

Aggregates bucket events by **UTC day** (days since the Unix epoch). A UTC day is always
86,400 seconds long, so daylight-saving changes in an account's time zone can neither create a
23- or 25-hour bucket nor move an event into a neighbouring bucket; a window of N days is always
the N most recent day buckets. Account time zones matter for *when to contact people* (notify),
not for how much an account used the product in the last two weeks.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache

SECONDS_PER_DAY = 86_400

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": SECONDS_PER_DAY, "w": 7 * SECONDS_PER_DAY}
DURATION_HINT = "must be a duration like 7d"


def parse_duration(text: object) -> timedelta:
    """Parse ``30s``, ``15m``, ``12h``, ``7d`` or ``2w``; a timedelta passes through."""
    if isinstance(text, timedelta):
        return text
    if not isinstance(text, str):
        raise ValueError(DURATION_HINT)
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(DURATION_HINT)
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(seconds=amount * _UNIT_SECONDS[unit])


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling of ``value`` (``14d``, ``36h``)."""
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@cache
def whole_days(value: timedelta) -> int:
    """Days a window spans on the day grid, rounding a partial day up."""
    seconds = int(value.total_seconds())
    return max(1, -(-seconds // SECONDS_PER_DAY))


def day_of(epoch_seconds: float) -> int:
    """The UTC day (days since 1970-01-01) an instant falls on."""
    return int(epoch_seconds // SECONDS_PER_DAY)


def to_epoch(moment: datetime) -> float:
    """Seconds since the epoch of an aware datetime; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.timestamp()


def from_epoch(epoch_seconds: float) -> datetime:
    """The aware UTC datetime of an epoch instant."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)
