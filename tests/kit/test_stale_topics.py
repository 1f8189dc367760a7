"""Topics left by killed test runs are removed; a running test's topics never are."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tests.support.topics import delete_stale_topics, stale_topics, unique_prefix

NOW = datetime(2026, 12, 7, 12, 30, tzinfo=UTC)


def test_only_stamped_test_topics_older_than_the_limit_are_stale() -> None:
    old = unique_prefix(now=NOW - timedelta(hours=13))
    recent = unique_prefix(now=NOW - timedelta(hours=11))
    e2e_old = unique_prefix("e2e", now=NOW - timedelta(days=3))
    names = [
        f"{old}banso.usage.v1",
        f"{recent}banso.usage.v1",
        f"{e2e_old}banso.feedback.v1",
        "banso.usage.v1",  # a real topic
        "test.0123456789.banso.usage.v1",  # an unstamped prefix of earlier runs: age unknown
        "test.9999999999.0123456789.banso.usage.v1",  # ten digits that are no hour
        "bench.scoring.1a2b3c4d.banso.usage.v1",
    ]
    assert stale_topics(names, now=NOW) == sorted(
        [f"{old}banso.usage.v1", f"{e2e_old}banso.feedback.v1"]
    )


def test_prefixes_are_unique_and_name_their_hour() -> None:
    first, second = unique_prefix(now=NOW), unique_prefix(now=NOW)
    assert first != second
    assert first.startswith("test.2026120712.")
    assert first.endswith(".")


def test_the_broker_loses_the_stale_topics_and_keeps_the_others(kafka_bootstrap: str) -> None:
    stale = f"{unique_prefix(now=datetime.now(UTC) - timedelta(days=2))}banso.usage.v1"
    fresh = f"{unique_prefix()}banso.usage.v1"

    async def scenario() -> tuple[list[str], set[str]]:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        await admin.start()
        try:
            await admin.create_topics(
                [NewTopic(name, num_partitions=1, replication_factor=1) for name in (stale, fresh)]
            )
            deleted = await delete_stale_topics(kafka_bootstrap)
            for _ in range(50):
                left = set(await admin.list_topics())
                if stale not in left:
                    break
                await asyncio.sleep(0.1)
            await admin.delete_topics([fresh])
            return deleted, left
        finally:
            await admin.close()

    deleted, left = asyncio.run(scenario())
    assert stale in deleted
    assert stale not in left
    assert fresh in left
