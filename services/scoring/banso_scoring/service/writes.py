"""What a round writes, and writing it: partition states (the fence, first), accounts, history,
events, dead letters, processed ids and offsets, all in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from aiokafka import TopicPartition
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events import HealthChanged
from banso_kit.kafka.offsets import OffsetStore
from banso_kit.runtime import Runtime
from banso_scoring.adapters import accounts, applied_ids, evaluation_requests, history, overrides
from banso_scoring.adapters import partitions as partition_states
from banso_scoring.adapters.health_events import HealthChangedJson
from banso_scoring.adapters.records import Record
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.state import AccountEntry, AccountKey
from banso_scoring.service.state import PartitionGroup


@dataclass
class RoundWrites:
    history: list[dict[str, object]] = field(default_factory=list)
    events: list[HealthChangedJson] = field(default_factory=list)
    dead: list[Record] = field(default_factory=list)
    processed_ids: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    aggregates_changed: set[AccountKey] = field(default_factory=set)
    # Accounts whose days' close moved only the progress fields (``progress_document``).
    progress_changed: set[AccountKey] = field(default_factory=set)
    health_changed: set[AccountKey] = field(default_factory=set)
    published: set[AccountKey] = field(default_factory=set)
    expired_overrides: list[tuple[AccountKey, Override]] = field(default_factory=list)
    groups_changed: set[int] = field(default_factory=set)
    # The partition versions the write stored (the fence of the next round).
    versions: dict[int, int] = field(default_factory=dict)
    request_ids: list[int] = field(default_factory=list)
    applied: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    dropped_late: int = 0
    revised_days: int = 0
    evaluations: int = 0
    # Evaluations by cause (``banso_scoring_evaluations_total``).
    evaluation_causes: dict[str, int] = field(default_factory=dict)
    closed_days: int = 0
    # What an account touched in this round is marked with (``AccountEntry.round_mark``): a
    # token, not the round itself, so an account left untouched afterwards does not keep the
    # round's history, events and ids alive.
    mark: object = field(default_factory=object)

    @property
    def empty(self) -> bool:
        return not (
            self.groups_changed
            or self.health_changed
            or self.history
            or self.dead
            or self.request_ids
        )


async def write_round(
    session: AsyncSession,
    runtime: Runtime,
    *,
    group_id: str,
    writes: RoundWrites,
    accounts_in_memory: dict[AccountKey, AccountEntry],
    groups: dict[int, PartitionGroup],
) -> None:
    # First, the fence: every change to a partition's accounts comes with its state row, written
    # only if its version is still the one this replica loaded (were the check only on the
    # offsets a round moves, a replica that lost the partition could commit a round of nudges
    # over the new owner's usage). On PostgreSQL the row stays locked until the commit.
    # Every partition of the round in one statement each (fence, then offsets): a live round
    # is small, and a statement per partition was most of its write.
    changed = [groups[partition] for partition in sorted(writes.groups_changed)]
    writes.versions.update(
        await partition_states.save_partition_states(
            session,
            group_id=group_id,
            states=[
                partition_states.PartitionState(
                    group.partition,
                    orjson.dumps(group.schedule.state.to_document()).decode(),
                    orjson.dumps(group.scorecards).decode(),
                    group.version,
                )
                for group in changed
            ],
        )
    )
    await OffsetStore(runtime.tables).store(
        session,
        group_id=group_id,
        positions={
            TopicPartition(t, group.partition): o
            for group in changed
            for t, o in group.next_offsets.items()
        },
        expected={
            TopicPartition(t, group.partition): o
            for group in changed
            for t, o in group.stored_offsets.items()
        },
    )
    touched = sorted(writes.aggregates_changed | writes.health_changed | writes.progress_changed)
    entries = [accounts_in_memory[key] for key in touched if key in accounts_in_memory]
    if entries:
        await accounts.save_accounts(
            session,
            entries=entries,
            aggregates=writes.aggregates_changed,
            progress=writes.progress_changed,
            evaluated=writes.health_changed,
            published=writes.published,
        )
    await history.insert_history(session, rows=writes.history)
    await evaluation_requests.delete_requests(session, ids=writes.request_ids)
    await _stage_events(runtime, session, writes.events)
    for record in writes.dead:
        assert record.error is not None
        await runtime.dead_letters.write(
            session,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            headers=record.headers,
            value=record.value or b"",
            error=record.error,
        )
    if writes.processed_ids:
        await applied_ids.insert_processed(session, group_id=group_id, ids=writes.processed_ids)
    if writes.expired_overrides:
        at = {
            key: accounts_in_memory[key].evaluated_at or 0.0 for key, _ in writes.expired_overrides
        }
        await overrides.expire_overrides(session, expired=writes.expired_overrides, at=at)


async def _stage_events(
    runtime: Runtime, session: AsyncSession, events: list[HealthChangedJson]
) -> None:
    """Inserted in one statement: a tick that moves a thousand accounts must not cost a
    thousand round trips to the database."""
    batch = runtime.outbox.batch()
    for event in events:
        batch.add_json(
            HealthChanged,
            event.value,
            workspace_id=event.workspace_id,
            subject=event.account_id,
            time=event.computed_at,
            event_id=event.event_id,
        )
    await batch.flush(session)
