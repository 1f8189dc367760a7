"""Topic prefixes for tests, and removing the topics that killed test runs left behind.

Every test that touches the shared broker gets a prefix of its own and deletes its topics when it
ends. A run that is killed (Ctrl-C twice, a timeout, an OOM) cannot: over weeks a developer's broker
collected thousands of such topics and stopped when its partitions' files reached the open-file
limit. So a prefix carries the hour it was made in, and each test session deletes the stamped
topics older than ``STALE_AFTER`` (no test runs that long; a concurrent run's topics are younger).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from aiokafka.admin import AIOKafkaAdminClient

STALE_AFTER = timedelta(hours=12)
STAMP = "%Y%m%d%H"
_STAMPED = re.compile(r"^(?:test|e2e)\.(\d{10})\.[0-9a-f]{10}\.")


def unique_prefix(kind: str = "test", *, now: datetime | None = None) -> str:
    """``<kind>.<UTC hour>.<random>.``: unique, and old enough to remove once stale."""
    if kind not in ("test", "e2e"):
        raise ValueError(f"unknown prefix kind {kind!r}")
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    return f"{kind}.{stamp}.{uuid.uuid4().hex[:10]}."


def stale_topics(names: Iterable[str], *, now: datetime) -> list[str]:
    """The stamped test topics made more than ``STALE_AFTER`` before ``now``."""
    stale = []
    for name in names:
        match = _STAMPED.match(name)
        if match is None:
            continue
        try:
            made = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
        except ValueError:  # ten digits that are no hour
            continue
        if now - made > STALE_AFTER:
            stale.append(name)
    return sorted(stale)


async def delete_stale_topics(bootstrap: str, *, now: datetime | None = None) -> list[str]:
    """Delete the stale test topics on the broker; the names deleted."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        stale = stale_topics(await admin.list_topics(), now=now or datetime.now(UTC))
        for start in range(0, len(stale), 500):
            await admin.delete_topics(stale[start : start + 500])
        return stale
    finally:
        await admin.close()
