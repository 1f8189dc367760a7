"""Send windows and quiet hours in the recipient's own time zone.

A nudge outside the allowed hours is held until they open, never dropped. Wall-clock times are
turned into instants with :mod:`zoneinfo`, so "09:00 in Tokyo" and "09:00 in New York on the day
clocks spring forward" are both the right instant. A local time that does not exist (inside a
spring-forward gap) resolves to the same wall-clock offset before the gap, i.e. just after it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, model_validator

from banso_kit.local_time import LocalTime


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


_WEEKDAY_INDEX = {day: index for index, day in enumerate(Weekday)}


class TimeRange(BaseModel):
    """``start`` inclusive, ``end`` exclusive, local wall-clock; may cross midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _naive(self) -> Self:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("times are local wall-clock times; leave out any offset")
        return self

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class SendWindow(TimeRange):
    """When messages may go out: hours of the day on some days of the week."""

    days: list[Weekday] = Field(default_factory=lambda: list(Weekday), min_length=1)


class DeliveryHours(BaseModel):
    """A send window and quiet hours together; either may be absent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    send_window: SendWindow | None = None
    quiet_hours: TimeRange | None = None

    def allows(self, instant: datetime, zone: ZoneInfo) -> bool:
        local = instant.astimezone(zone)
        moment = local.time().replace(tzinfo=None)
        if self.send_window is not None:
            weekday = list(Weekday)[local.weekday()]
            if weekday not in self.send_window.days or not self.send_window.contains(moment):
                return False
        return self.quiet_hours is None or not self.quiet_hours.contains(moment)

    def next_allowed(self, now: datetime, zone: ZoneInfo) -> datetime:
        """``now`` when sending is allowed now, else the instant the hours next open (UTC)."""
        if self.allows(now, zone):
            return now
        openings = [time(0, 0)]
        if self.send_window is not None:
            openings.append(self.send_window.start)
        if self.quiet_hours is not None:
            openings.append(self.quiet_hours.end)
        today = now.astimezone(zone).date()
        best: datetime | None = None
        for offset in range(9):  # a weekly window opens within 8 local days
            day = today + timedelta(days=offset)
            for opening in openings:
                candidate = local_instant(day, opening, zone)
                if candidate > now and self.allows(candidate, zone):
                    if best is None or candidate < best:
                        best = candidate
            if best is not None:
                return best
        raise ValueError("these delivery hours never open")  # prevented by validation


def local_instant(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date (first one when it occurs twice)."""
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=1024)
def resolve_zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The recipient's zone; an unknown or missing name falls back to the workspace default."""
    for candidate in (name, default, "UTC"):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def weekday_index(day: Weekday) -> int:
    return _WEEKDAY_INDEX[day]
