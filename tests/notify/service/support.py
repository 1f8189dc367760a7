"""Running the notify service for real in a test: broker, database, SMTP sink, tokens, events."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer

from banso_contracts.codec import decode
from banso_contracts.events import (
    AccountTraitsUpdated,
    Driver,
    Event,
    HealthChanged,
    Reporter,
    TicketCreated,
    TicketResolved,
    UsageRecorded,
    UserIdentified,
)
from banso_contracts.topics import NUDGES
from banso_kit.auth import Scope
from banso_kit.migrations import upgrade
from banso_notify.config import NotifySettings
from banso_notify.main import create_app
from tests.support.kafka import publish as publish_events
from tests.support.service import bearer, served, settings_for_test

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/notify/banso_notify/migrations"
WS = "ws_acme"
# A playbook on a channel that needs no personal address (the workspace's webhook).
TO_CRM = """
id: to-crm
name: Hand over to the CRM
trigger: {type: usage_event, event: Trial Extended}
steps:
  - send: {channel: webhook, template: note}
templates:
  note:
    en: {subject: "Trial extended", text: "{{ user.name }} extended the trial."}
    ja: {subject: "トライアル延長", text: "{{ user.name }} 様がトライアルを延長しました。"}
"""
OTHER_WS = "ws_globex"
# a Tuesday, 10:00 UTC: inside the default send window of a UTC recipient
START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


class ShiftedClock:
    """Real time, moved to START (so the default send window is open) and movable forward."""

    def __init__(self, start: datetime = START) -> None:
        self._start = start
        self._t0 = time.monotonic()
        self._extra = timedelta(0)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0) + self._extra

    def advance(self, delta: timedelta) -> None:
        self._extra += delta


def settings_for(
    database_url: str, kafka_bootstrap: str, topic_prefix: str, smtp_port: int, **extra: Any
) -> NotifySettings:
    upgrade(database_url, MIGRATIONS)
    values: dict[str, Any] = {
        "smtp_port": smtp_port,
        "public_url": "http://notify.test",
        "dispatch_poll_s": 0.05,
        "scheduler_interval_s": 0.1,
        "retry_base_s": 0.05,
        "retry_max_s": 0.2,
        "max_attempts": 3,
        "smtp_timeout_s": 2.0,
    }
    values.update(extra)
    return settings_for_test(NotifySettings, database_url, kafka_bootstrap, topic_prefix, **values)


@dataclass
class Running:
    client: httpx.AsyncClient
    settings: NotifySettings
    clock: ShiftedClock
    state: dict[str, Any]

    def token(self, workspace: str = WS, scopes: Sequence[Scope] = ("admin",)) -> dict[str, str]:
        return bearer(self.settings.secret, workspace, scopes)

    async def tick(self) -> None:
        """Run the scheduler once now (instead of waiting for its interval)."""
        await self.state["notify"].scheduler.tick()


@asynccontextmanager
async def running_notify(
    settings: NotifySettings, clock: ShiftedClock | None = None
) -> AsyncIterator[Running]:
    the_clock = clock or ShiftedClock()
    async with served(create_app(settings, clock=the_clock), "http://notify.test") as (
        client,
        state,
    ):
        yield Running(client, settings, the_clock, state)


async def publish(bootstrap: str, prefix: str, *events: Event) -> list[str]:
    """Produce events the way ingest, scoring and the bridge do; returns their CloudEvents ids."""
    return await publish_events(bootstrap, prefix, events, client_id="notify-tests")


@dataclass
class NudgeEvents:
    """Everything notify published on the nudges topic, as (type, payload) pairs."""

    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [payload for event_type, payload in self.seen if event_type == kind]


@asynccontextmanager
async def watch_nudges(bootstrap: str, prefix: str) -> AsyncIterator[NudgeEvents]:
    consumer = AIOKafkaConsumer(
        NUDGES.physical_name(prefix),
        bootstrap_servers=bootstrap,
        group_id=f"watch-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found = NudgeEvents()

    async def pump() -> None:
        async for record in consumer:
            envelope, event = decode(list(record.headers), record.value)
            found.seen.append((envelope.type, orjson.loads(event.model_dump_json())))

    task = asyncio.create_task(pump())
    try:
        yield found
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()


# --- events as the other services publish them -------------------------------------------------


def identified(user: str, account: str, ws: str = WS, **traits: Any) -> UserIdentified:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "email": f"{user}@customer.test",
        "timezone": "UTC",
        "name": user.title(),
    }
    values.update(traits)
    return UserIdentified(
        workspace_id=ws,
        source_id="src",
        user_id=user,
        account_id=account,
        traits=values,
        message_id=uuid.uuid4().hex,
        timestamp=now,
        received_at=now,
    )


def identified_without_traits(user: str, account: str, ws: str = WS) -> UserIdentified:
    """An identify that says who the person is and nothing more (``identify(userId)``)."""
    return identified(user, account, ws).model_copy(update={"traits": {}})


def account_traits(account: str, ws: str = WS, **traits: Any) -> AccountTraitsUpdated:
    now = datetime.now(UTC)
    values: dict[str, Any] = {"name": account.title(), "plan": "pro", "arr": 12_000}
    values.update(traits)
    return AccountTraitsUpdated(
        workspace_id=ws,
        source_id="src",
        account_id=account,
        traits=values,
        message_id=uuid.uuid4().hex,
        timestamp=now,
        received_at=now,
    )


def used(
    user: str,
    account: str,
    event: str = "Report Exported",
    ws: str = WS,
    at: datetime | None = None,
) -> UsageRecorded:
    now = at or datetime.now(UTC)
    return UsageRecorded(
        workspace_id=ws,
        source_id="src",
        account_id=account,
        user_id=user,
        kind="track",
        event=event,
        properties={},
        context={},
        message_id=uuid.uuid4().hex,
        timestamp=now,
        received_at=now,
    )


def health(
    account: str, band: str, score: float, previous_band: str, previous: float
) -> HealthChanged:
    return HealthChanged(
        workspace_id=WS,
        account_id=account,
        score=score,
        band=band,
        previous_score=previous,
        previous_band=previous_band,
        trend=None,
        measures=[],
        drivers=[Driver(measure="wau", direction="down", impact=-20, text="Active users fell 45%")],
        signals=[],
        reason="events",
        scorecard_version=1,
        computed_at=datetime.now(UTC),
    )


def ticket_created(ticket: str, title: str) -> TicketCreated:
    return TicketCreated(
        workspace_id=WS,
        ticket_id=ticket,
        theme_id="th1",
        sink="linear",
        external_key="ENG-1",
        url="https://tracker.test/ENG-1",
        title=title,
        accounts_affected=1,
        arr_affected=1000,
        occurred_at=datetime.now(UTC),
    )


def ticket_resolved(ticket: str, reporters: list[tuple[str, str]]) -> TicketResolved:
    return TicketResolved(
        workspace_id=WS,
        ticket_id=ticket,
        theme_id="th1",
        sink="linear",
        external_key="ENG-1",
        resolution="Fixed",
        resolved_at=datetime.now(UTC),
        account_ids=sorted({account for _, account in reporters}),
        reporters=[Reporter(user_id=user, account_id=account) for user, account in reporters],
    )


def treated_accounts(
    playbook_id: str, count: int, *, percent: float, prefix: str = "acct"
) -> list[str]:
    """Account ids the playbook's holdout does not hold out (default salt), for tests that need sends."""
    from banso_notify.domain.holdout import in_holdout
    from banso_notify.domain.policy import WorkspacePolicy

    salt = WorkspacePolicy().holdout_salt
    found = [
        f"{prefix}-{n}"
        for n in range(1000)
        if not in_holdout(
            percent, salt=salt, workspace_id=WS, playbook_id=playbook_id, account_id=f"{prefix}-{n}"
        )
    ]
    return found[:count]


async def put_yaml(running: Running, playbook_yaml: str, playbook_id: str) -> httpx.Response:
    return await running.client.put(
        f"/v1/playbooks/{playbook_id}",
        content=playbook_yaml,
        headers={**running.token(), "content-type": "application/yaml"},
    )
