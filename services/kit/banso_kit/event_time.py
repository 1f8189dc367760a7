"""Event time: the one definition every service uses, and the watermark a consumer derives from it.

A record's **event time** is its CloudEvents ``time``: when the fact happened. Ingest writes the
corrected Segment ``timestamp`` there; services that emit events write the event time of the
fact they derive. Decisions about an event use its event time, never the moment it arrived.

A consumer keeps a **watermark** per partition: the latest event time seen there minus the
service's lateness allowance ("everything before this has arrived, give or take"). The service's
watermark is the lowest of its partitions' watermarks, over the partitions it holds that still
have records waiting; a partition that is caught up is idle and holds nobody back, and when every
partition is caught up the watermark is the most advanced one. It never goes backwards.

An event older than the watermark when it arrives is **late**: it is applied like any other (its
decisions still use its own time) and counted, never dropped.

`StreamClock` reads the watermark as "now" (``BANSO_CLOCK=stream``): a replay of 90 days then
runs 90 days of time-driven work (held nudges, timers) in the minutes the events take to flow.
Before the service has seen any event it reads the wall clock, which is what a service without
consumers (ingest, stamping arrival times) and a service waiting for its first record both need;
time-driven work that must not run on that fallback asks `has_event_time` first.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from banso_contracts.envelope import Envelope
from banso_kit.clock import Clock, SystemClock
from banso_kit.settings import ServiceSettings


def event_time(envelope: Envelope) -> datetime:
    """When the fact a record carries happened: its CloudEvents ``time`` (aware UTC)."""
    return envelope.time


@dataclass(slots=True)
class _Partition:
    latest: datetime | None = None
    idle: bool = False


class Watermarks:
    """Per-partition watermarks of one service (all its consumers), and the service's watermark.

    Partitions are named by any hashable key (the kit's consumer uses ``(group, topic, partition)``).
    Pure bookkeeping: the consumer calls ``assigned``/``released`` on rebalances, ``observe`` for
    every record it hands to a handler, and ``set_idle`` once it knows whether a partition has
    records waiting.
    """

    def __init__(self, lateness: timedelta) -> None:
        if lateness < timedelta(0):
            raise ValueError("the lateness allowance cannot be negative")
        self.lateness = lateness
        self._partitions: dict[Hashable, _Partition] = {}
        self._watermark: datetime | None = None
        self.late_total = 0

    def assigned(self, keys: Iterable[Hashable]) -> None:
        """Partitions now held; until one is seen or known idle it holds the watermark back."""
        for key in keys:
            self._partitions.setdefault(key, _Partition())

    def released(self, keys: Iterable[Hashable]) -> None:
        for key in keys:
            self._partitions.pop(key, None)

    def set_idle(self, key: Hashable, idle: bool) -> None:
        """Whether the partition has nothing waiting (caught up with its log end)."""
        known = self._partitions.get(key)
        if known is not None:
            known.idle = idle
        self._advance()

    def observe(self, key: Hashable, at: datetime) -> bool:
        """Record one event time; True when the event is late (older than the watermark of its
        partition or of the service when it arrived)."""
        known = self._partitions.setdefault(key, _Partition())
        bound = self._watermark
        if known.latest is not None:
            mine = known.latest - self.lateness
            bound = mine if bound is None else max(bound, mine)
        late = bound is not None and at < bound
        if known.latest is None or at > known.latest:
            known.latest = at
        known.idle = False
        if late:
            self.late_total += 1
        self._advance()
        return late

    def partition_latest(self, key: Hashable) -> datetime | None:
        known = self._partitions.get(key)
        return None if known is None else known.latest

    def partition_watermark(self, key: Hashable) -> datetime | None:
        known = self._partitions.get(key)
        if known is None or known.latest is None:
            return None
        return known.latest - self.lateness

    def watermark(self) -> datetime | None:
        """The service's watermark (None before any event was seen)."""
        return self._watermark

    def _advance(self) -> None:
        busy = [p for p in self._partitions.values() if not p.idle]
        if busy:
            if any(p.latest is None for p in busy):
                return  # a partition with records waiting has not spoken yet
            candidate = min(p.latest for p in busy if p.latest is not None)
        else:
            seen = [p.latest for p in self._partitions.values() if p.latest is not None]
            if not seen:
                return
            candidate = max(seen)
        candidate -= self.lateness
        if self._watermark is None or candidate > self._watermark:
            self._watermark = candidate


class StreamClock:
    """A `Clock` whose now() is the service's watermark (the wall clock before the first event),
    never ahead of the wall clock: events stamped in the future (a sender's wrong clock) cannot
    carry the service's time past what has really happened, where everything that arrives
    afterwards would look days old."""

    def __init__(self, watermarks: Watermarks, before_first_event: Clock | None = None) -> None:
        self.watermarks = watermarks
        self.fallback: Clock = before_first_event or SystemClock()

    def now(self) -> datetime:
        moment = self.watermarks.watermark()
        wall = self.fallback.now()
        return wall if moment is None else min(moment, wall)


def wall_clock(clock: Clock) -> Clock:
    """The clock that says what time it really is: a `StreamClock`'s fallback, else ``clock``
    itself (a test's `FixedClock` stands for the wall clock)."""
    return clock.fallback if isinstance(clock, StreamClock) else clock


def arrival(clock: Clock, stream_arrival: datetime | None) -> datetime:
    """When a consumed record arrived, on ``clock``: for a `StreamClock` its arrival in stream
    time (the consumer's ``Inbound.stream_arrival``: the latest event time its partition had
    seen, its own unless it came late), else the clock's now()."""
    if isinstance(clock, StreamClock) and stream_arrival is not None:
        return stream_arrival
    return clock.now()


def scheduling_lag_counts(clock: Clock) -> bool:
    """Whether how late scheduled work runs past its due moment says anything on ``clock``.

    On the wall clock it does: a timer reached a day after it came due means the service was down
    or stalled. On a `StreamClock` it does not: the clock jumps a consumer batch at a time, as fast
    as a replay sends events, so the scheduler's pass reaches a timer after an arbitrary stretch of
    event time that no customer lived through. Staleness of a *triggering event* is still judged
    there, against its partition's stream time when it arrived.
    """
    return not isinstance(clock, StreamClock)


def has_event_time(clock: Clock) -> bool:
    """False only for a `StreamClock` that has seen no event yet (its now() is a fallback)."""
    return not isinstance(clock, StreamClock) or clock.watermarks.watermark() is not None


def service_watermarks(settings: ServiceSettings) -> Watermarks:
    """The service's watermarks, with its lateness allowance (``BANSO_EVENT_LATENESS_S``)."""
    return Watermarks(timedelta(seconds=settings.event_lateness_s))


def service_clock(settings: ServiceSettings, watermarks: Watermarks) -> Clock:
    """The clock ``BANSO_CLOCK`` selects: ``system`` (the wall clock) or ``stream`` (the
    watermark of ``watermarks``, which the service's consumers feed)."""
    if settings.clock == "stream":
        return StreamClock(watermarks)
    return SystemClock()
