"""Create the registry's topics on a cluster (idempotent)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from banso_contracts.topics import ALL_TOPICS, Topic

logger = logging.getLogger(__name__)


async def ensure_topics(
    bootstrap_servers: str,
    *,
    prefix: str = "",
    topics: Iterable[Topic] = ALL_TOPICS,
    replication_factor: int = 1,
    client_options: dict[str, Any] | None = None,
) -> list[str]:
    """Create every missing topic; return the physical names of those that were created."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="banso-admin", **(client_options or {})
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t.physical_name(prefix) not in existing]
        created: list[str] = []
        for topic in wanted:
            name = topic.physical_name(prefix)
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name=name,
                            num_partitions=topic.partitions,
                            replication_factor=replication_factor,
                            topic_configs=topic.configs(),
                        )
                    ]
                )
                created.append(name)
            except TopicAlreadyExistsError:
                pass
        if created:
            logger.info("topics_created", extra={"topics": created})
        return created
    finally:
        await admin.close()
