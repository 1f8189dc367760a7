"""A benchmark's topics are deleted when it ends: each run fills its own (a million records and
more), and a broker kept for development would otherwise grow by gigabytes per run."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient


async def delete_topics(bootstrap_servers: str, prefix: str) -> list[str]:
    """Delete every topic whose name starts with ``prefix`` (a run's own, unique prefix)."""
    if not prefix.startswith("bench."):
        raise ValueError(f"refusing to delete topics outside a benchmark's prefix: {prefix!r}")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="banso-bench")
    await admin.start()
    try:
        doomed = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if doomed:
            await admin.delete_topics(doomed)
        return doomed
    finally:
        await admin.close()
