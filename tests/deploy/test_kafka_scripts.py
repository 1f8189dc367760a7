"""deploy/kafka/kafka.sh: the local broker every other test and `make run` stand on.

The lifecycle test starts a second, private broker (its own data directory and free ports), so it
never disturbs the shared broker on 127.0.0.1:9092 that the rest of the suite uses.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaTimeoutError, UnknownTopicOrPartitionError

from tests.support.http import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"
NOT_RUNNING = 3  # `kafka.sh status` exit code when nothing answers


def kafka_sh(
    *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    full_env.update(env or {})
    return subprocess.run(
        [str(KAFKA_SH), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_unknown_command_prints_usage_and_fails() -> None:
    result = kafka_sh("launch")

    assert result.returncode == 2
    for command in ("assemble", "up", "down", "restart", "status", "perf-producer"):
        assert command in result.stderr


@pytest.mark.timeout(600)
def test_second_assemble_does_nothing(tmp_path: Path) -> None:
    first = kafka_sh("assemble", timeout=540)
    assert first.returncode == 0, first.stderr
    # A Maven that records being called: the second run must not need it.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    called = tmp_path / "mvn-called"
    (fake_bin / "mvn").write_text(f"#!/bin/sh\ntouch {called}\nexit 1\n")
    (fake_bin / "mvn").chmod(0o755)

    second = kafka_sh("assemble", env={"PATH": f"{fake_bin}:{os.environ['PATH']}"})

    assert second.returncode == 0, second.stderr
    assert (second.stdout, second.stderr) == ("", "")
    assert not called.exists()


def test_up_with_unreachable_external_cluster_fails_and_starts_nothing(tmp_path: Path) -> None:
    closed = f"127.0.0.1:{free_port()}"

    result = kafka_sh(
        "up",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": closed,
            "BANSO_DATA_DIR": str(tmp_path),
            "BANSO_KAFKA_READY_TIMEOUT": "2",
        },
    )

    assert result.returncode == 1
    assert closed in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.kafka
def test_up_with_external_cluster_waits_for_it_and_starts_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    result = kafka_sh(
        "up", env={"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "BANSO_DATA_DIR": str(tmp_path)}
    )

    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_status_of_a_stopped_broker(tmp_path: Path) -> None:
    result = kafka_sh(
        "status", env={"BANSO_DATA_DIR": str(tmp_path), "BANSO_KAFKA_PORT": str(free_port())}
    )

    assert result.returncode == NOT_RUNNING
    assert "not running" in result.stdout


async def _produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=b"ws:acc")
    finally:
        await producer.stop()


async def _consume_all(bootstrap: str, topic: str, expected: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while len(values) < expected:
                batches = await consumer.getmany(timeout_ms=1000)
                values += [r.value for records in batches.values() for r in records]
    finally:
        await consumer.stop()
    return values


async def _send_to_missing_topic(bootstrap: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    await producer.start()
    try:
        await producer.send_and_wait(f"missing.{uuid.uuid4().hex}", b"x")
    finally:
        await producer.stop()


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    port = free_port()
    env = {
        "BANSO_DATA_DIR": str(tmp_path / "data"),
        "BANSO_KAFKA_PORT": str(port),
        "BANSO_KAFKA_CONTROLLER_PORT": str(free_port()),
        "BANSO_KAFKA_HEAP_OPTS": "-Xms256m -Xmx512m",
    }
    try:
        yield env, f"127.0.0.1:{port}"
    finally:
        kafka_sh("down", env=env)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_broker_lifecycle_keeps_data_across_restarts(
    private_broker: tuple[dict[str, str], str],
) -> None:
    env, bootstrap = private_broker
    topic = f"lifecycle.{uuid.uuid4().hex[:8]}"
    values = [f"event-{i}".encode() for i in range(20)]

    started = kafka_sh("up", env=env)
    assert started.returncode == 0, started.stderr
    assert kafka_sh("status", env=env).returncode == 0
    again = kafka_sh("up", env=env)
    assert again.returncode == 0, again.stderr
    assert "started" not in again.stderr
    asyncio.run(_produce(bootstrap, topic, values))
    # Topics come from the contracts registry; a typo must not silently create one.
    with pytest.raises((KafkaTimeoutError, UnknownTopicOrPartitionError)):
        asyncio.run(_send_to_missing_topic(bootstrap))

    stopped = kafka_sh("down", env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert kafka_sh("status", env=env).returncode == NOT_RUNNING
    assert kafka_sh("down", env=env).returncode == 0

    restarted = kafka_sh("up", env=env)
    assert restarted.returncode == 0, restarted.stderr
    assert sorted(asyncio.run(_consume_all(bootstrap, topic, len(values)))) == sorted(values)
