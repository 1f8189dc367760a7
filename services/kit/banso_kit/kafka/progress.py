"""Whether a consumer is getting anywhere: its stored positions held against the log.

A consumer keeps its offsets in its own database, so two failures raise no error by themselves:

- the log is not the one the offsets were stored against (a broker whose storage was formatted,
  a topic deleted and created again, another cluster): the stored position lies beyond the log's
  end, and a consumer that seeks there is sent back to the log's start, where every record looks
  like one it already applied;
- records wait and none is applied (a merge waiting for a topic that never catches up, a batch
  retried forever).

Either way the service must say so — a log line, a metric, ``/readyz`` not ready with the reason —
instead of answering ready with a lag of zero. This module is the pure bookkeeping; the consumers
feed it what they store and what the broker says the log ends are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from aiokafka import TopicPartition

DEFAULT_STALL_AFTER_S = 120.0


@dataclass
class _Partition:
    stored: int | None
    moved_at: float
    log_end: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One partition that is not progressing, and why (``kind``: ``beyond_log_end``, ``stalled``)."""

    topic: str
    partition: int
    kind: str
    stored: int | None
    log_end: int | None
    waiting_s: float = 0.0

    def describe(self) -> str:
        where = f"{self.topic}[{self.partition}]"
        if self.kind == "beyond_log_end":
            return (
                f"{where}: the stored offset {self.stored} is beyond the log end {self.log_end} "
                "(the broker's log was reset, the topic recreated or another cluster is in use); "
                "nothing is consumed until `banso consumers reset` says where to resume"
            )
        waiting = (self.log_end or 0) - (self.stored or 0)
        return f"{where}: {waiting} records waiting, none applied for {self.waiting_s:.0f} s"


@dataclass
class ConsumerProgress:
    """The stored position and the log end of every partition a consumer holds."""

    group_id: str
    labels: Mapping[str, str] = field(default_factory=dict)
    stall_after_s: float = DEFAULT_STALL_AFTER_S
    clock: Callable[[], float] = time.monotonic
    _partitions: dict[TopicPartition, _Partition] = field(default_factory=dict)

    def taken(self, stored: Mapping[TopicPartition, int | None]) -> None:
        """Partitions assigned (or reloaded) with the positions their database holds."""
        now = self.clock()
        for tp, position in stored.items():
            known = self._partitions.get(tp)
            log_end = None if known is None else known.log_end
            self._partitions[tp] = _Partition(position, now, log_end)

    def released(self, tps: Iterable[TopicPartition]) -> None:
        for tp in tps:
            self._partitions.pop(tp, None)

    def clear(self) -> None:
        self._partitions.clear()

    def advanced(self, tp: TopicPartition, next_offset: int) -> None:
        """A commit stored ``next_offset`` for ``tp``."""
        known = self._partitions.get(tp)
        if known is not None:
            known.stored, known.moved_at = next_offset, self.clock()
            # The records just applied prove the log reaches this far: a log end read before they
            # arrived must not make the partition look beyond its log end until the next read.
            if known.log_end is not None and known.log_end < next_offset:
                known.log_end = next_offset

    def observed(self, log_ends: Mapping[TopicPartition, int]) -> None:
        """The broker's log ends (the last stable offsets for a read_committed consumer)."""
        now = self.clock()
        for tp, end in log_ends.items():
            known = self._partitions.get(tp)
            if known is None:
                continue
            known.log_end = end
            if (known.stored or 0) >= end:
                # Nothing waits: being idle is not being stuck.
                known.moved_at = now

    def stored(self, tp: TopicPartition) -> int | None:
        known = self._partitions.get(tp)
        return None if known is None else known.stored

    def beyond_log_end(self, log_ends: Mapping[TopicPartition, int]) -> set[TopicPartition]:
        """Of ``log_ends``, the partitions whose stored position lies past the end."""
        return {
            tp
            for tp, end in log_ends.items()
            if (known := self._partitions.get(tp)) is not None
            and known.stored is not None
            and known.stored > end
        }

    def problems(self) -> list[Problem]:
        now = self.clock()
        found = []
        for tp, known in sorted(self._partitions.items()):
            label = self.labels.get(tp.topic, tp.topic)
            if known.log_end is None:
                continue
            if known.stored is not None and known.stored > known.log_end:
                found.append(
                    Problem(label, tp.partition, "beyond_log_end", known.stored, known.log_end)
                )
            elif now - known.moved_at > self.stall_after_s:
                found.append(
                    Problem(
                        label,
                        tp.partition,
                        "stalled",
                        known.stored,
                        known.log_end,
                        now - known.moved_at,
                    )
                )
        return found

    def lag(self) -> dict[str, int]:
        """Records not yet applied per topic label, against the log end (0 where the stored
        position lies beyond it: ``problems`` reports that)."""
        lag: dict[str, int] = {}
        for tp, known in self._partitions.items():
            if known.log_end is None:
                continue
            label = self.labels.get(tp.topic, tp.topic)
            lag[label] = lag.get(label, 0) + max(0, known.log_end - (known.stored or 0))
        return lag

    def total_lag(self) -> int | None:
        """Records not yet applied across the partitions held (None until every log end is
        known)."""
        if not self._partitions or any(p.log_end is None for p in self._partitions.values()):
            return None
        return sum(self.lag().values())
