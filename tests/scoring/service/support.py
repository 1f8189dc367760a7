"""Running the scoring service against the real broker in tests, and feeding it events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from banso_contracts.codec import encode
from banso_contracts.events import (
    AccountTraitsUpdated,
    Event,
    FeedbackReceived,
    UsageRecorded,
)
from banso_contracts.topics import HEALTH
from banso_kit.auth import issue_token
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.migrations import upgrade
from banso_scoring.config import ScoringSettings
from banso_scoring.main import create_app

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/scoring/banso_scoring/migrations"
DAY = 86_400.0
# Day 0 of the integration calendar.
T0 = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


def at(day: float, hours: float = 12.0) -> datetime:
    return datetime.fromtimestamp(T0 + day * DAY + hours * 3_600, tz=UTC)


class FixedClock:
    """The service's clock, set by the test (epoch seconds)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def settings_for(database_url: str, bootstrap: str, prefix: str, **extra: Any) -> ScoringSettings:
    upgrade(database_url, MIGRATIONS)
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "topic_prefix": prefix,
        "tick_seconds": DAY,
        "idle_grace_s": 0.0,
        "requests_poll_s": 0.05,
        "outbox_poll_interval_s": 0.05,
    }
    values.update(extra)
    return ScoringSettings.model_validate(values)


@dataclass
class Running:
    client: httpx.AsyncClient
    settings: ScoringSettings
    state: dict[str, Any]

    def headers(self, workspace: str, scopes: Sequence[str] = ("write",)) -> dict[str, str]:
        token = issue_token(self.settings.secret, workspace, list(scopes))  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running_scoring(
    settings: ScoringSettings, clock: Callable[[], float]
) -> AsyncIterator[Running]:
    app = create_app(settings, clock=clock)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://scoring.test"
        ) as client,
    ):
        yield Running(client, settings, manager._state)


async def publish(bootstrap: str, prefix: str, events: Sequence[Event]) -> None:
    """Produce events as ingest does (acks=all), in order."""
    messages = []
    for event in events:
        encoded = encode(event, source="banso/test")
        messages.append(
            OutgoingMessage(
                topic=encoded.topic.physical_name(prefix),
                key=encoded.key,
                value=encoded.value,
                headers=tuple(encoded.headers),
            )
        )
    async with Producer(bootstrap, client_id="scoring-tests") as producer:
        await producer.send_many(messages, timeout_s=60)


def usage(
    workspace: str, account: str, user: str, name: str, when: datetime, received: datetime
) -> UsageRecorded:
    return UsageRecorded(
        workspace_id=workspace,
        source_id="src_test",
        account_id=account,
        user_id=user,
        kind="track",
        event=name,
        message_id=uuid.uuid4().hex,
        timestamp=when,
        received_at=received,
    )


def traits(workspace: str, account: str, when: datetime, **values: Any) -> AccountTraitsUpdated:
    return AccountTraitsUpdated(
        workspace_id=workspace,
        source_id="src_test",
        account_id=account,
        traits=values,
        message_id=uuid.uuid4().hex,
        timestamp=when,
        received_at=when,
    )


def ticket(workspace: str, account: str, text: str, when: datetime) -> FeedbackReceived:
    return FeedbackReceived(
        workspace_id=workspace,
        source_id="src_test",
        feedback_id=uuid.uuid4().hex,
        account_id=account,
        kind="support_ticket",
        text=text,
        timestamp=when,
        received_at=when,
    )


async def health_events(bootstrap: str, prefix: str) -> list[dict[str, Any]]:
    """Every HealthChanged published so far, in order per account."""
    consumer = AIOKafkaConsumer(
        HEALTH.physical_name(prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches:
                return found
            for records in batches.values():
                found.extend(orjson.loads(record.value) for record in records)
    finally:
        await consumer.stop()


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 60) -> None:
    """Wait until ``check`` holds (the service works asynchronously); fail after ``within_s``."""
    deadline = asyncio.get_running_loop().time() + within_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)
