"""A rebalance that gives a replica back the partitions it held (it missed heartbeats, another
member joined and left) keeps their accounts in memory instead of reloading every one of them
from the database — unless another replica wrote them meanwhile."""

from __future__ import annotations

from aiokafka import TopicPartition

from banso_contracts.topics import USAGE
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer, _Rebalance

from .support import at, usage
from .test_fencing import (
    PARTITION,
    WS,
    Seeks,
    apply_and_write,
    records,
    replica,
    stored_events,
    take_partition,
)


def rebalance(consumer: ScoringConsumer) -> tuple[_Rebalance, list[TopicPartition]]:
    assigned = [TopicPartition(topic, PARTITION) for topic in consumer.topics]
    return _Rebalance(consumer, Seeks()), assigned


async def test_partitions_given_back_keep_their_accounts_and_go_on_from_where_they_were(
    settings: ScoringSettings,
) -> None:
    async with replica(settings) as consumer:
        usage_topic = consumer.runtime.topic(USAGE)
        await take_partition(consumer)
        first = [usage(WS, "acme", "u1", "Report viewed", at(0), at(0))]
        await apply_and_write(consumer, usage_topic, records(consumer, first, 0))
        held = consumer.accounts[(WS, "acme")]

        listener, assigned = rebalance(consumer)
        await listener.on_partitions_revoked(assigned)
        assert PARTITION not in consumer.groups, "a revoked partition is still merged"
        await listener.on_partitions_assigned(assigned)

        assert consumer.accounts[(WS, "acme")] is held, "the account was reloaded"
        # It goes on from the offset after the last record written.
        later = [usage(WS, "acme", "u1", "Report viewed", at(0, 13), at(0, 13))]
        await apply_and_write(consumer, usage_topic, records(consumer, later, 1))
        assert await stored_events(consumer, "acme") == 2


async def test_partitions_another_replica_wrote_meanwhile_are_reloaded(
    settings: ScoringSettings,
) -> None:
    async with replica(settings) as old, replica(settings) as new:
        usage_topic = old.runtime.topic(USAGE)
        await take_partition(old)
        first = [usage(WS, "acme", "u1", "Report viewed", at(0), at(0))]
        await apply_and_write(old, usage_topic, records(old, first, 0))
        listener, assigned = rebalance(old)
        await listener.on_partitions_revoked(assigned)

        # The partition was someone else's for a while.
        await take_partition(new)
        later = [usage(WS, "acme", "u1", "Report viewed", at(0, 13), at(0, 13))]
        await apply_and_write(new, usage_topic, records(new, later, 1))

        await listener.on_partitions_assigned(assigned)
        assert old.accounts[(WS, "acme")].aggregate.events_applied == 2
        assert old.groups[PARTITION].next_offsets[usage_topic] == 2


async def test_partitions_not_given_back_are_forgotten(settings: ScoringSettings) -> None:
    async with replica(settings) as consumer:
        usage_topic = consumer.runtime.topic(USAGE)
        await take_partition(consumer)
        first = [usage(WS, "acme", "u1", "Report viewed", at(0), at(0))]
        await apply_and_write(consumer, usage_topic, records(consumer, first, 0))
        listener, assigned = rebalance(consumer)
        await listener.on_partitions_revoked(assigned)
        await listener.on_partitions_assigned([TopicPartition(usage_topic, PARTITION + 1)])
        assert (WS, "acme") not in consumer.accounts
        assert set(consumer.groups) == {PARTITION + 1}
