"""What the consumer keeps in memory per partition number: its merge buffers, offsets, schedule
and the scorecard versions its accounts were last evaluated with. Accounts, scorecards and
recent ids are in ``domain.state``."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from banso_scoring.adapters.records import Record
from banso_scoring.domain.schedule import Due, EvaluationSchedule
from banso_scoring.domain.state import AccountKey


@dataclass(slots=True)
class PartitionGroup:
    """One partition number: that partition of every input topic, merged by stream time."""

    partition: int
    schedule: EvaluationSchedule
    buffers: dict[str, deque[Record]] = field(default_factory=dict)
    # Next offset to commit per topic (the record after the last one applied).
    next_offsets: dict[str, int] = field(default_factory=dict)
    stored_offsets: dict[str, int | None] = field(default_factory=dict)
    # Next offset to buffer per topic: a fetch that was in flight when the partition was (re)taken
    # and sought back can deliver records that the fetch after the seek delivers again.
    fetch_offsets: dict[str, int] = field(default_factory=dict)
    scorecards: dict[str, int] = field(default_factory=dict)
    accounts: set[AccountKey] = field(default_factory=set)
    # The stored version this replica loaded or last wrote (None: never written); a write is
    # refused unless the database still holds it.
    version: int | None = None
    # Evaluations a merge reached and left to its caller (``Engine.merge(defer_dues=True)``):
    # run before the partition's next record, within the same round.
    pending_dues: list[Due] = field(default_factory=list)
