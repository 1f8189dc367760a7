"""When health is evaluated, decided by the data so that a replay decides the same.

Health is not evaluated per message (too costly) nor per fetched batch (batch boundaries differ
from run to run, so history would too). Instead the consumer feeds the *stream time* — the
Kafka record timestamp, which ingest's producer sets when it accepts an event and which a
replay reads back unchanged — through this schedule, in the merged order of its partitions:

- time is cut into **slots** (1 s by default); when stream time leaves a slot, every account
  touched in it is evaluated as of the slot's end;
- every ``tick`` of stream time, **all** accounts are evaluated, so an account that stopped
  sending events falls (absence is a signal) and overrides expire by themselves.

When every partition is caught up and the stream is quiet, the service advances stream time
with its clock (``advance``); that is the one input a replay cannot reproduce, because silence
leaves no record. The schedule's state is stored with the consumer offsets.

Stream time decides when work runs; what health *means* is in event time. ``event_time`` is
the newest event time applied in the partition (the clock's, when idle): evaluations are as of
it, and every event-time day before it is closed for each account (``closed_day``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Due:
    """Evaluate ``accounts`` (None: every account) as of ``at``."""

    at: float
    kind: Literal["slot", "tick"]
    accounts: tuple[str, ...] | None


@dataclass(slots=True)
class ScheduleState:
    stream_time: float | None = None
    slot: int | None = None
    dirty: set[str] = field(default_factory=set)
    next_tick: float | None = None
    # The newest event time applied (or reached by the clock when idle), and the last
    # event-time day closed for every account of the partition.
    event_time: float | None = None
    closed_day: int | None = None

    def to_document(self) -> dict[str, object]:
        return {
            "stream_time": self.stream_time,
            "slot": self.slot,
            "dirty": sorted(self.dirty),
            "next_tick": self.next_tick,
            "event_time": self.event_time,
            "closed_day": self.closed_day,
        }

    @classmethod
    def from_document(cls, document: dict[str, object]) -> ScheduleState:
        dirty = document.get("dirty")
        return cls(
            stream_time=_optional_float(document.get("stream_time")),
            slot=_optional_int(document.get("slot")),
            dirty={str(key) for key in dirty} if isinstance(dirty, list) else set(),
            next_tick=_optional_float(document.get("next_tick")),
            event_time=_optional_float(document.get("event_time")),
            closed_day=_optional_int(document.get("closed_day")),
        )


def _optional_float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


class EvaluationSchedule:
    def __init__(self, *, slot_seconds: float, tick_seconds: float, state: ScheduleState) -> None:
        if slot_seconds <= 0 or tick_seconds <= 0:
            raise ValueError("slot and tick must be positive")
        self.slot_seconds = slot_seconds
        self.tick_seconds = tick_seconds
        self.state = state

    def _slot_of(self, moment: float) -> int:
        return math.floor(moment / self.slot_seconds)

    def observe(self, moment: float) -> list[Due]:
        """Stream time reached ``moment`` (a record about to be applied); what is now due."""
        state = self.state
        if state.stream_time is None:
            state.stream_time = moment
            state.slot = self._slot_of(moment)
            state.next_tick = (math.floor(moment / self.tick_seconds) + 1) * self.tick_seconds
            return []
        if moment <= state.stream_time:
            # A record stamped earlier than one already seen stays in the open slot.
            return []
        slot = self._slot_of(moment)
        if slot == state.slot and state.next_tick is not None and moment < state.next_tick:
            # Nearly every record while catching up: time moves on within the open slot.
            state.stream_time = moment
            return []
        due: list[Due] = []
        if state.slot is not None and slot > state.slot:
            if state.dirty:
                end = (state.slot + 1) * self.slot_seconds
                due.append(Due(at=end, kind="slot", accounts=tuple(sorted(state.dirty))))
                state.dirty.clear()
            state.slot = slot
        assert state.next_tick is not None
        while state.next_tick <= moment:
            due.append(Due(at=state.next_tick, kind="tick", accounts=None))
            state.next_tick += self.tick_seconds
        state.stream_time = moment
        due.sort(key=lambda item: (item.at, item.kind == "tick"))
        return due

    def touch(self, account_key: str) -> None:
        """An account changed in the open slot."""
        self.state.dirty.add(account_key)

    def advance(self, now: float) -> list[Due]:
        """Stream time follows the clock while nothing arrives (all partitions caught up)."""
        if self.state.stream_time is None:
            return []
        return self.observe(now)

    @property
    def pending(self) -> tuple[str, ...]:
        """Accounts touched in the open slot, for a provisional (not historical) evaluation."""
        return tuple(sorted(self.state.dirty))
