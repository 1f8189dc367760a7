"""Running the bridge against the real broker and a database in tests, and feeding it events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from banso_bridge.config import BridgeSettings
from banso_bridge.main import create_app
from banso_contracts.codec import encode
from banso_contracts.events import AccountTraitsUpdated, Event, FeedbackReceived, HealthChanged
from banso_contracts.topics import TICKETS
from banso_kit.auth import issue_token
from banso_kit.errors import PublishError
from banso_kit.kafka.producer import OutgoingMessage, Producer

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/bridge/banso_bridge/migrations"
WEBHOOK_SECRET = "github-webhook-secret-0123456789abcdef"
DAY = 86_400.0
T0 = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


def at(day: float) -> datetime:
    return datetime.fromtimestamp(T0 + day * DAY, tz=UTC)


class FixedClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def settings_for(database_url: str, bootstrap: str, prefix: str, **extra: Any) -> BridgeSettings:
    """Settings for a test; the database must be migrated already (fixture `migrated_url`)."""
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "topic_prefix": prefix,
        "outbox_poll_interval_s": 0.05,
        "ticket_poll_s": 0.1,
        "ticket_retry_initial_s": 0.2,
        "ticket_retry_max_s": 1.0,
        "github_webhook_secret": WEBHOOK_SECRET,
        "public_url": "https://bridge.example.com",
    }
    values.update(extra)
    return BridgeSettings.model_validate(values)


def github_settings(base_url: str) -> dict[str, Any]:
    return {
        "sink": "github",
        "github_api_url": base_url,
        "github_repo": "acme/product",
        "github_token": "gh-token",
    }


@dataclass
class Running:
    client: httpx.AsyncClient
    settings: BridgeSettings

    def headers(self, workspace: str, scopes: Sequence[str] = ("write",)) -> dict[str, str]:
        token = issue_token(self.settings.secret, workspace, list(scopes))  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {token}"}

    async def get(self, workspace: str, path: str, **params: Any) -> Any:
        response = await self.client.get(
            path, headers=self.headers(workspace, ("read",)), params=params
        )
        assert response.status_code == 200, response.text
        return response.json()


@asynccontextmanager
async def running_bridge(
    settings: BridgeSettings, clock: Callable[[], float]
) -> AsyncIterator[Running]:
    app = create_app(settings, clock=clock)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://bridge.test"
        ) as client,
    ):
        yield Running(client, settings)


async def publish(bootstrap: str, prefix: str, events: Sequence[Event]) -> None:
    """Produce events as ingest and scoring do (acks=all), in order."""
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
    # Topics created a moment ago may not have a leader yet: the first sends can be refused.
    for attempt in range(20):
        try:
            async with Producer(bootstrap, client_id="bridge-tests") as producer:
                await producer.send_many(messages, timeout_s=60)
            return
        except PublishError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.5)


def feedback(
    workspace: str,
    account: str,
    text: str,
    when: datetime,
    *,
    user: str | None = None,
    kind: str = "support_ticket",
    score: float | None = None,
) -> FeedbackReceived:
    return FeedbackReceived(
        workspace_id=workspace,
        source_id="src_test",
        feedback_id=uuid.uuid4().hex,
        account_id=account,
        user_id=user,
        kind=kind,
        score=score,
        text=text,
        timestamp=when,
        received_at=when,
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


def health(
    workspace: str, account: str, band: Literal["green", "yellow", "red"], when: datetime
) -> HealthChanged:
    score = {"green": 80.0, "yellow": 55.0, "red": 20.0}[band]
    return HealthChanged(
        workspace_id=workspace,
        account_id=account,
        score=score,
        band=band,
        previous_score=None,
        previous_band=None,
        trend=None,
        measures=[],
        drivers=[],
        signals=[],
        reason="events",
        scorecard_version=1,
        computed_at=when,
    )


async def ticket_topic(bootstrap: str, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (CloudEvents type, payload) on the tickets topic so far."""
    consumer = AIOKafkaConsumer(
        TICKETS.physical_name(prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[tuple[str, dict[str, Any]]] = []
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches:
                return found
            for records in batches.values():
                for record in records:
                    headers = {key: value.decode() for key, value in record.headers}
                    found.append((headers.get("ce_type", ""), orjson.loads(record.value)))
    finally:
        await consumer.stop()


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 90) -> None:
    """Wait until `check` holds (the service works asynchronously); fail after `within_s`."""
    deadline = asyncio.get_running_loop().time() + within_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)
