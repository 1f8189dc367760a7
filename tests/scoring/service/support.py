"""Running the scoring service against the real broker in tests, and feeding it events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from banso_contracts.events import (
    Event,
    FeedbackReceived,
    UsageRecorded,
)
from banso_contracts.topics import HEALTH
from banso_kit.auth import Scope
from banso_kit.clock import Clock
from banso_kit.migrations import upgrade
from banso_scoring.config import ScoringSettings
from banso_scoring.main import create_app
from tests.support.kafka import publish as publish_events
from tests.support.kafka import published
from tests.support.service import bearer, served, settings_for_test

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/scoring/banso_scoring/migrations"
DAY = 86_400.0
# Day 0 of the integration calendar.
T0 = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


def at(day: float, hours: float = 12.0) -> datetime:
    return datetime.fromtimestamp(T0 + day * DAY + hours * 3_600, tz=UTC)


def settings_for(database_url: str, bootstrap: str, prefix: str, **extra: Any) -> ScoringSettings:
    upgrade(database_url, MIGRATIONS)
    values: dict[str, Any] = {"tick_seconds": DAY, "idle_grace_s": 0.0, "requests_poll_s": 0.05}
    values.update(extra)
    return settings_for_test(ScoringSettings, database_url, bootstrap, prefix, **values)


@dataclass
class Running:
    client: httpx.AsyncClient
    settings: ScoringSettings
    state: dict[str, Any]

    def headers(self, workspace: str, scopes: Sequence[Scope] = ("write",)) -> dict[str, str]:
        return bearer(self.settings.secret, workspace, scopes)


@asynccontextmanager
async def running_scoring(settings: ScoringSettings, clock: Clock) -> AsyncIterator[Running]:
    async with served(create_app(settings, clock=clock), "http://scoring.test") as (client, state):
        yield Running(client, settings, state)


async def publish(bootstrap: str, prefix: str, events: Sequence[Event]) -> None:
    """Produce events as ingest does (acks=all), in order."""
    await publish_events(bootstrap, prefix, events, client_id="scoring-tests")


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
    return [
        orjson.loads(record.value)
        for record in await published(bootstrap, HEALTH.physical_name(prefix))
    ]
