"""Running the bridge against the real broker and a database in tests, and feeding it events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson

from banso_bridge.config import BridgeSettings
from banso_bridge.main import create_app
from banso_contracts.events import Event, FeedbackReceived, HealthChanged
from banso_contracts.topics import TICKETS
from banso_kit.auth import Scope
from banso_kit.clock import Clock
from tests.support.kafka import publish as publish_events
from tests.support.kafka import published
from tests.support.service import bearer, served, settings_for_test
from tests.support.waiting import eventually

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/bridge/banso_bridge/migrations"
WEBHOOK_SECRET = "github-webhook-secret-0123456789abcdef"
DAY = 86_400.0
T0 = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


def at(day: float) -> datetime:
    return datetime.fromtimestamp(T0 + day * DAY, tz=UTC)


def settings_for(database_url: str, bootstrap: str, prefix: str, **extra: Any) -> BridgeSettings:
    """Settings for a test; the database must be migrated already (fixture `migrated_url`)."""
    values: dict[str, Any] = {
        "ticket_poll_s": 0.1,
        "ticket_retry_initial_s": 0.2,
        "ticket_retry_max_s": 1.0,
        "github_webhook_secret": WEBHOOK_SECRET,
        "public_url": "https://bridge.example.com",
    }
    values.update(extra)
    return settings_for_test(BridgeSettings, database_url, bootstrap, prefix, **values)


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

    def headers(self, workspace: str, scopes: Sequence[Scope] = ("write",)) -> dict[str, str]:
        return bearer(self.settings.secret, workspace, scopes)

    async def get(self, workspace: str, path: str, **params: Any) -> Any:
        response = await self.client.get(
            path, headers=self.headers(workspace, ("read",)), params=params
        )
        assert response.status_code == 200, response.text
        return response.json()


@asynccontextmanager
async def running_bridge(settings: BridgeSettings, clock: Clock) -> AsyncIterator[Running]:
    async with served(create_app(settings, clock=clock), "http://bridge.test") as (client, _):
        yield Running(client, settings)


async def publish(bootstrap: str, prefix: str, events: Sequence[Event]) -> None:
    """Produce events as ingest and scoring do (acks=all), in order."""
    await publish_events(bootstrap, prefix, events, client_id="bridge-tests")


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
    found: list[tuple[str, dict[str, Any]]] = []
    for record in await published(bootstrap, TICKETS.physical_name(prefix)):
        headers = {key: value.decode() for key, value in record.headers}
        found.append((headers.get("ce_type", ""), orjson.loads(record.value)))
    return found


async def themes_of(bridge: Running, workspace: str) -> list[dict[str, Any]]:
    """The workspace's theme list (the first page)."""
    return list((await bridge.get(workspace, "/v1/themes"))["themes"])


# Two problems that share no word: the two themes of `invoice_and_login_feedback`.
INVOICE = ["The invoice PDF download fails.", "The invoice PDF download fails again."]
LOGIN = ["Single sign-on login fails.", "Single sign-on login fails again."]


def invoice_and_login_feedback(workspace: str) -> list[FeedbackReceived]:
    """12 invoice and 12 login reports from four accounts (acct-0..3), a tenth of a day apart:
    the two themes `invoice_and_login` waits for."""
    return [
        feedback(workspace, f"acct-{n % 4}", texts[n % 2], at(1 + n * 0.1), user=f"u{n}")
        for n in range(12)
        for texts in (INVOICE, LOGIN)
    ]


async def invoice_and_login(
    bridge: Running, workspace: str, items: int = 24
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Once the bridge holds exactly two themes with ``items`` items between them: the one about
    invoices, then the other (the login one in these tests)."""

    async def two_themes() -> bool:
        themes = await themes_of(bridge, workspace)
        return sum(int(str(t["item_count"])) for t in themes) == items and len(themes) == 2

    await eventually(two_themes)
    invoice, login = sorted(
        await themes_of(bridge, workspace), key=lambda t: "invoice" not in str(t["keywords"])
    )
    return invoice, login
