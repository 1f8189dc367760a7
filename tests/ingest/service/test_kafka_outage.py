"""Kafka stopped in the middle of a stream: 503s with Retry-After, nothing acknowledged is lost,
and ingest recovers by itself when the broker returns.

The broker here is a private one (its own ports and data directory, started with
deploy/kafka/kafka.sh), so stopping it never disturbs the broker the rest of the suite shares.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.ingest.service.support import (
    KAFKA_SH,
    USAGE,
    IngestServer,
    read_topic,
    running_ingest,
)
from tests.support.http import free_port

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@dataclass
class PrivateBroker:
    env: dict[str, str]
    bootstrap: str

    def run(self, command: str) -> None:
        done = subprocess.run(
            [str(KAFKA_SH), command], env=self.env, capture_output=True, text=True, timeout=240
        )
        assert done.returncode == 0, done.stderr


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[PrivateBroker]:
    port, controller = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update(
        {
            "BANSO_KAFKA_PORT": str(port),
            "BANSO_KAFKA_CONTROLLER_PORT": str(controller),
            "BANSO_DATA_DIR": str(tmp_path / "broker"),
        }
    )
    broker = PrivateBroker(env, f"127.0.0.1:{port}")
    broker.run("up")
    try:
        yield broker
    finally:
        broker.run("down")


@dataclass
class Stream:
    """A client sending batches of fresh events one after another, as an SDK would."""

    ingest: IngestServer
    acknowledged: set[str] = field(default_factory=set)
    statuses: list[int] = field(default_factory=list)
    retry_after: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    answered: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def run(self) -> None:
        run = uuid.uuid4().hex[:8]
        serial = 0
        async with httpx.AsyncClient(
            base_url=self.ingest.url, auth=(self.ingest.write_key, ""), timeout=30
        ) as http:
            while not self.stop.is_set():
                ids = [f"{run}-{serial + n}" for n in range(10)]
                serial += 10
                batch = [
                    {
                        "type": "track",
                        "messageId": i,
                        "userId": "u1",
                        "event": "Tick",
                        "context": {"groupId": "acme"},
                    }
                    for i in ids
                ]
                try:
                    answer = await http.post("/v1/batch", json={"batch": batch})
                except httpx.TransportError:
                    continue
                if answer.status_code == 200:
                    self.acknowledged.update(ids)
                else:
                    assert answer.status_code == 503, answer.text
                    self.retry_after.append(answer.headers["Retry-After"])
                    self.reasons.append(answer.json()["message"])
                async with self.answered:
                    self.statuses.append(answer.status_code)
                    self.answered.notify_all()
                await asyncio.sleep(0.05)

    async def until(self, status: int, count: int, *, within_s: float) -> None:
        try:
            async with asyncio.timeout(within_s), self.answered:
                await self.answered.wait_for(lambda: self.statuses[-count:].count(status) == count)
        except TimeoutError:
            raise AssertionError(
                f"no {count} answers {status} in a row within {within_s}s; "
                f"last answers: {self.statuses[-20:]} of {len(self.statuses)}; "
                f"last refusals: {self.reasons[-3:]}"
            ) from None


@pytest.mark.timeout(600)
async def test_kafka_outage_gives_503s_loses_nothing_acknowledged_and_recovers(
    private_broker: PrivateBroker, tmp_path: Path
) -> None:
    with running_ingest(
        tmp_path,
        bootstrap=private_broker.bootstrap,
        extra_env={"INGEST_KAFKA_SEND_TIMEOUT_S": "3", "INGEST_RETRY_AFTER_UNAVAILABLE_S": "2"},
    ) as ingest:
        stream = Stream(ingest)
        sender = asyncio.create_task(stream.run())
        try:
            await stream.until(200, 5, within_s=60)

            await asyncio.to_thread(private_broker.run, "down")
            await stream.until(503, 3, within_s=120)
            assert set(stream.retry_after) == {"2"}
            acknowledged_before_recovery = len(stream.acknowledged)

            await asyncio.to_thread(private_broker.run, "up")
            await stream.until(200, 5, within_s=180)
            assert len(stream.acknowledged) > acknowledged_before_recovery
        finally:
            stream.stop.set()
            await sender

        records = await read_topic(
            private_broker.bootstrap,
            ingest.topic(USAGE),
            at_least=len(stream.acknowledged),
            wait_s=60,
        )
        published = {r.value["message_id"] for r in records}
        assert stream.acknowledged <= published
