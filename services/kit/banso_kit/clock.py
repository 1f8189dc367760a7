"""The one clock every service takes: `now()` is the current instant, timezone-aware UTC.

Services read the time only through the `Clock` they are given, so tests and the simulator can
stand time still or move it (`FixedClock`). Epoch seconds, where a service stores or compares
them, come from the same clock (`epoch`). Durations (timeouts, rate limits) are measured with
`time.monotonic` instead, which no clock here replaces.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def _instant(moment: datetime | float) -> datetime:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        return moment.astimezone(UTC)
    return datetime.fromtimestamp(moment, tz=UTC)


class FixedClock:
    """A clock that stands still until told to move (tests, simulations).

    Built and set from a timezone-aware datetime or from epoch seconds.
    """

    def __init__(self, start: datetime | float) -> None:
        self._now = _instant(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime | float) -> None:
        self._now = _instant(moment)

    def advance(self, by: timedelta | float) -> None:
        """Move forward by a timedelta or by seconds."""
        self._now += by if isinstance(by, timedelta) else timedelta(seconds=by)


def epoch(clock: Clock) -> float:
    """The clock's current instant in epoch seconds."""
    return clock.now().timestamp()
