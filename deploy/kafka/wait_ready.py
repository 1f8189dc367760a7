"""Wait until a Kafka cluster answers a metadata request.

Used by ``kafka.sh up`` and ``kafka.sh status``. An open TCP port is not enough: a KRaft broker
accepts connections a moment before it can serve clients, so readiness means a real Metadata
response that lists at least one broker. With ``--require-leaders`` every partition must also have
a leader that actually serves it: after a restart the controller re-elects the broker for its
partitions only once it is unfenced, and the broker applies that a moment later still.

Exit status: 0 ready, 1 timed out, 2 the watched broker process exited first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
from collections import defaultdict

from aiokafka.client import AIOKafkaClient
from aiokafka.cluster import ClusterMetadata
from aiokafka.errors import KafkaError
from aiokafka.protocol.offset import OffsetRequest
from aiokafka.structs import TopicPartition

EXIT_READY = 0
EXIT_TIMEOUT = 1
EXIT_PROCESS_GONE = 2

# A single attempt must stay short so the overall deadline is honoured.
ATTEMPT_TIMEOUT_S = 5.0
RETRY_INTERVAL_S = 0.5

LATEST_OFFSET = -1  # ListOffsets timestamp meaning "the end of the log"
READ_UNCOMMITTED = 0
CONSUMER_REPLICA_ID = -1


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def probe(bootstrap_servers: str, *, require_leaders: bool) -> str | None:
    """One readiness check; returns None when ready, else why not."""
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap_servers,
        client_id="banso-kafka-wait-ready",
        request_timeout_ms=int(ATTEMPT_TIMEOUT_S * 1000),
    )
    try:
        async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
            await client.bootstrap()
            cluster = await client.fetch_all_metadata()
            if not cluster.brokers():
                return "metadata response listed no brokers"
            if require_leaders:
                return await _unserved_partitions(client, cluster)
            return None
    finally:
        with contextlib.suppress(KafkaError, OSError):
            await client.close()


async def _unserved_partitions(client: AIOKafkaClient, cluster: ClusterMetadata) -> str | None:
    """Ask each leader for the end offset of its partitions: one ListOffsets per broker."""
    by_leader: defaultdict[int, defaultdict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    leaderless = 0
    for topic in cluster.topics(exclude_internal_topics=False):
        for partition in cluster.partitions_for_topic(topic) or ():
            leader = cluster.leader_for_partition(TopicPartition(topic, partition))
            if leader is None or leader < 0:
                leaderless += 1
            else:
                by_leader[leader][topic].append((partition, LATEST_OFFSET))
    if leaderless:
        return f"{leaderless} partition(s) have no leader yet"
    unserved = 0
    for leader, topics in by_leader.items():
        request = OffsetRequest(CONSUMER_REPLICA_ID, READ_UNCOMMITTED, list(topics.items()))
        response = await client.send(leader, request)
        unserved += sum(
            1 for _topic, partitions in response.topics for _p, error, *_ in partitions if error
        )
    if unserved:
        return f"{unserved} partition(s) not served by their leader yet"
    return None


async def wait_ready(
    bootstrap_servers: str, *, timeout_s: float, pid: int | None, require_leaders: bool
) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            reason = await probe(bootstrap_servers, require_leaders=require_leaders)
        except (KafkaError, OSError, TimeoutError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        if reason is None:
            return EXIT_READY
        if pid is not None and not _process_alive(pid):
            sys.stderr.write(f"wait_ready: broker process {pid} exited before it was ready\n")
            return EXIT_PROCESS_GONE
        if time.monotonic() + RETRY_INTERVAL_S >= deadline:
            sys.stderr.write(
                f"wait_ready: {bootstrap_servers} not ready within {timeout_s:g} s ({reason})\n"
            )
            return EXIT_TIMEOUT
        await asyncio.sleep(RETRY_INTERVAL_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds")
    parser.add_argument("--pid", type=int, help="give up early if this process exits")
    parser.add_argument(
        "--require-leaders",
        action="store_true",
        help="also wait until every partition's leader serves it",
    )
    args = parser.parse_args(argv)
    # aiokafka logs every refused connection at ERROR; while waiting those are expected.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    return asyncio.run(
        wait_ready(
            args.bootstrap_servers,
            timeout_s=args.timeout,
            pid=args.pid,
            require_leaders=args.require_leaders,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
