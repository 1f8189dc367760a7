"""Two replicas that both believe they own a partition (the one that lost it has not heard yet):
only one of them can write it, whatever topics its round took records from.

The loss this guards against: the new owner commits usage up to offset N; the old owner, still
holding the account as it was before, applies a nudge (another topic of the same partition) and
commits — an offsets check on the nudges topic alone passes, and the account's stored
aggregate silently loses the usage the new owner applied while the usage offsets stay at N.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from banso_contracts.codec import encode
from banso_contracts.events import Event, NudgeSent, Recipient
from banso_contracts.topics import NUDGES, USAGE
from banso_kit.runtime import Runtime
from banso_scoring.adapters import accounts
from banso_scoring.adapters.partitions import Fenced
from banso_scoring.adapters.records import Record, RecordDecoder
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.models import KIT
from banso_scoring.service.writes import RoundWrites

from .support import at, usage

pytestmark = [pytest.mark.kafka]
WS = "ws_fence"
PARTITION = 0


class Seeks:
    """The Kafka client as far as taking partitions goes (the test feeds records by hand)."""

    def __init__(self) -> None:
        self.positions: dict[TopicPartition, int] = {}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp] = offset

    async def end_offsets(self, tps: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(tps, 1_000)

    def paused(self) -> set[TopicPartition]:
        return set()


@asynccontextmanager
async def replica(settings: ScoringSettings) -> AsyncIterator[ScoringConsumer]:
    registry = CollectorRegistry()
    async with Runtime(settings, tables=KIT, registry=registry) as runtime:
        yield ScoringConsumer(settings, runtime, ScoringMetrics(registry))


async def take_partition(consumer: ScoringConsumer) -> None:
    assigned = [TopicPartition(topic, PARTITION) for topic in consumer.topics]
    await consumer.load(Seeks(), assigned)


def records(consumer: ScoringConsumer, events: Sequence[Event], first_offset: int) -> list[Record]:
    decoder = RecordDecoder()
    decoded = []
    for offset, event in enumerate(events, start=first_offset):
        encoded = encode(event, source="banso/test")
        decoded.append(
            decoder.decode(
                consumer.runtime.topic(encoded.topic),
                PARTITION,
                offset,
                encoded.key,
                encoded.value,
                list(encoded.headers),
            )
        )
    return decoded


async def apply_and_write(consumer: ScoringConsumer, topic: str, batch: list[Record]) -> None:
    """One round of the consumer's own code: merge the records, then write them."""
    group = consumer.groups[PARTITION]
    group.buffers[topic].extend(batch)
    writes = RoundWrites()
    consumer.engine.merge(group, lambda _topic: True, writes, 10_000)
    assert writes.applied.get(topic) == len(batch)
    await consumer._write(writes)


def nudge(account: str, day: float, hours: float) -> NudgeSent:
    fields: dict[str, Any] = {
        "workspace_id": WS,
        "nudge_id": "n1",
        "idempotency_key": "k1",
        "playbook_id": "onboarding",
        "playbook_version": 1,
        "account_id": account,
        "recipient": Recipient(kind="user", user_id="u1"),
        "channel": "email",
        "trigger_event_id": "e1",
        "variant": "treatment",
        "occurred_at": at(day, hours),
    }
    return NudgeSent.model_validate(fields)


async def stored_events(consumer: ScoringConsumer, account: str) -> int:
    async with consumer.runtime.db.read_session() as session:
        entries = await accounts.load_accounts(session, partitions=[PARTITION])
    return entries[(WS, account)].aggregate.events_applied


async def test_a_replica_that_lost_its_partition_cannot_overwrite_the_new_owners_rounds(
    settings: ScoringSettings,
) -> None:
    async with replica(settings) as old, replica(settings) as new:
        usage_topic, nudges_topic = old.runtime.topic(USAGE), old.runtime.topic(NUDGES)
        first = records(old, [usage(WS, "acme", "u1", "Report viewed", at(0), at(0))], 0)
        await take_partition(old)
        await apply_and_write(old, usage_topic, first)

        # The partition moves: the new owner loads what the old one committed and goes on.
        await take_partition(new)
        later = [usage(WS, "acme", "u1", "Report viewed", at(0, 13 + h), at(0, 13 + h)) for h in range(3)]  # fmt: skip
        await apply_and_write(new, usage_topic, records(new, later, 1))
        assert await stored_events(new, "acme") == 4

        # The old owner has not heard: a nudge for the same account arrives on another topic,
        # within the evaluation slot it is in (nothing to publish, so nothing else collides).
        touch = nudge("acme", 0, 12 + 2 / 3600)
        with pytest.raises(Fenced):
            await apply_and_write(old, nudges_topic, records(old, [touch], 0))
        assert await stored_events(new, "acme") == 4, "the old owner's round overwrote usage"

        # Reloaded, the old replica sees the new owner's state and its writes count again.
        await take_partition(old)
        assert old.accounts[(WS, "acme")].aggregate.events_applied == 4
        await apply_and_write(old, nudges_topic, records(old, [touch], 0))
        assert await stored_events(old, "acme") == 4


async def test_two_replicas_writing_a_partition_for_the_first_time_cannot_both_win(
    settings: ScoringSettings,
) -> None:
    async with replica(settings) as one, replica(settings) as two:
        usage_topic = one.runtime.topic(USAGE)
        await take_partition(one)
        await take_partition(two)
        event = [usage(WS, "acme", "u1", "Report viewed", at(0), at(0))]
        await apply_and_write(one, usage_topic, records(one, event, 0))
        with pytest.raises(Fenced):
            await apply_and_write(two, usage_topic, records(two, event, 0))
        assert await stored_events(one, "acme") == 1
