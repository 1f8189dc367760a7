"""`banso dlq list|show|replay|discard` against a service built on the kit (its runtime, a real
consumer on a real broker, its SQLite database, its admin routes over real HTTP): a message its
handler cannot apply is dead-lettered with the reason; once the handler is fixed, replaying it
applies it exactly once; discarding one keeps who, when and why."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypedDict

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import encode
from banso_contracts.events import UsageRecorded
from banso_contracts.topics import USAGE
from banso_kit.app import service_app
from banso_kit.kafka.batch import Inbound
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.migrations import upgrade
from banso_kit.runtime import Runtime
from banso_kit.settings import ServiceSettings
from banso_scoring.models import KIT
from tests.e2e.cluster import ADMIN_TOKEN, BIN, Cluster
from tests.kit.support import usage
from tests.support.http import serve
from tests.support.waiting import eventually

pytestmark = pytest.mark.kafka
MIGRATIONS = Path(__file__).resolve().parents[2] / "services/scoring/banso_scoring/migrations"


class State(TypedDict):
    runtime: Runtime


class Ledger:
    """What the service's consumer applied; `broken` is the bug a later deployment fixes."""

    def __init__(self) -> None:
        self.broken = True
        self.applied: list[str] = []

    async def handle(self, _: AsyncSession, messages: Sequence[Inbound]) -> None:
        for message in messages:
            assert isinstance(message.event, UsageRecorded)
            if self.broken and message.event.event == "Plan Upgraded":
                raise ValueError("plan 'enterprise' has no price table")
            self.applied.append(message.envelope.id)


def _app(settings: ServiceSettings, ledger: Ledger) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(settings, tables=KIT, registry=registry) as runtime:
            runtime.add_consumer(group_id="demo", topics=[USAGE], handler=ledger.handle)
            yield {"runtime": runtime}

    return service_app(
        service="scoring", title="demo", description="demo", version="0",
        lifespan=lifespan, registry=registry,
    )  # fmt: skip


async def banso(*args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [str(BIN / "banso"), *args],
        env={**os.environ, "BANSO_ADMIN_TOKEN": ADMIN_TOKEN, "BANSO_ACTOR": "hanako"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _send(bootstrap: str, topic: str, event: UsageRecorded) -> str:
    encoded = encode(event, source="banso/test")
    async with Producer(bootstrap, client_id="test-dlq") as producer:
        await producer.send(
            OutgoingMessage(
                topic=topic, key=encoded.key, value=encoded.value, headers=tuple(encoded.headers)
            )
        )
    return encoded.envelope.id


async def test_dead_letters_are_listed_shown_replayed_once_and_discarded_with_a_record(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'demo.db'}"
    await asyncio.to_thread(upgrade, database, MIGRATIONS)
    settings = ServiceSettings(
        service_name="scoring",
        database_url=database,
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=topic_prefix,
        admin_token=ADMIN_TOKEN,
        outbox_poll_interval_s=0.05,
    )
    ledger = Ledger()
    app = _app(settings, ledger)
    topic = USAGE.physical_name(topic_prefix)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        serve(manager.app) as url,
        httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30
        ) as admin,
    ):

        async def pending() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = (await admin.get("/v1/admin/dead-letters")).json()[
                "items"
            ]
            return items

        upgrade_id = await _send(kafka_bootstrap, topic, usage("acme", 1).model_copy(
            update={"event": "Plan Upgraded"}))  # fmt: skip
        await _send(kafka_bootstrap, topic, usage("acme", 2))
        await eventually(lambda: len(ledger.applied) == 1)
        await eventually(lambda: _has_items(pending))

        listed = await banso("dlq", "list", "scoring", "--url", url)
        assert listed.returncode == 0, listed.stderr
        [header, row] = listed.stdout.strip().splitlines()
        assert header.split("\t")[:2] == ["id", "status"]
        dead_id, status, _, origin, workspace, reason = row.split("\t")
        assert (status, workspace) == ("pending", "ws_test")
        assert origin.startswith(f"{topic}[")
        assert reason == "ValueError: plan 'enterprise' has no price table"

        shown = await banso("dlq", "show", "scoring", dead_id, "--url", url)
        assert shown.returncode == 0, shown.stderr
        assert "reason:     ValueError: plan 'enterprise' has no price table" in shown.stdout
        assert f"header:     ce_id: {upgrade_id}" in shown.stdout
        assert '"event":"Plan Upgraded"' in shown.stdout

        # The fix is deployed; the replay is applied, once, however often it is asked for.
        ledger.broken = False
        replayed = await banso("dlq", "replay", "scoring", dead_id, "--url", url, "--json")
        assert replayed.returncode == 0, replayed.stderr
        answer = json.loads(replayed.stdout)
        assert answer["published"] is True
        assert answer["dead_letter"]["status"] == "replayed"
        assert answer["dead_letter"]["resolved_by"] == "admin-token (hanako)"
        await eventually(lambda: upgrade_id in ledger.applied)
        again = await banso("dlq", "replay", "scoring", dead_id, "--url", url)
        assert again.returncode == 0, again.stderr
        assert "was replayed before" in again.stdout
        await _send(kafka_bootstrap, topic, usage("acme", 3))  # a marker: all before it is read
        await eventually(lambda: len(ledger.applied) == 3)
        assert ledger.applied.count(upgrade_id) == 1
        assert await pending() == []

        # A second poison message, discarded: gone from the pending list, kept with its record.
        ledger.broken = True
        await _send(kafka_bootstrap, topic, usage("acme", 4).model_copy(
            update={"event": "Plan Upgraded"}))  # fmt: skip
        await eventually(lambda: _has_items(pending))
        [second] = await pending()
        refused = await banso("dlq", "discard", "scoring", str(second["id"]), "--url", url)
        assert refused.returncode == 2  # --reason is required
        discarded = await banso(
            "dlq", "discard", "scoring", str(second["id"]), "--reason", "test data", "--url", url
        )
        assert discarded.returncode == 0, discarded.stderr
        assert "discarded by admin-token (hanako)" in discarded.stdout
        assert discarded.stdout.strip().endswith(": test data")
        assert await pending() == []
        everything = await banso(
            "dlq", "list", "scoring", "--status", "all", "--url", url, "--json"
        )
        statuses = {i["id"]: i["status"] for i in json.loads(everything.stdout)["items"]}
        assert statuses == {int(dead_id): "replayed", second["id"]: "discarded"}
        not_replayable = await banso("dlq", "replay", "scoring", str(second["id"]), "--url", url)
        assert not_replayable.returncode == 1
        assert "HTTP 409: dead letter" in not_replayable.stderr
        assert "was discarded" in not_replayable.stderr
        missing = await banso("dlq", "show", "scoring", "999999", "--url", url)
        assert "HTTP 404: no dead letter 999999" in missing.stderr


async def test_a_real_scoring_keeps_what_it_cannot_read_for_banso_dlq(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    """Scoring runs its own consumer loop; what it dead-letters is listed like any service's."""
    cluster = Cluster(tmp_path, kafka_bootstrap, topic_prefix)
    await cluster.start("scoring")
    url = cluster.url("scoring")
    try:
        async with Producer(kafka_bootstrap, client_id="test-dlq") as producer:
            await producer.send(
                OutgoingMessage(
                    topic=USAGE.physical_name(topic_prefix),
                    key=b"ws_a:acme",
                    value=b'{"event": "half a message',
                    headers=(),
                )
            )

        async def listed() -> list[dict[str, Any]]:
            answer = await banso("dlq", "list", "scoring", "--url", url, "--json")
            assert answer.returncode == 0, answer.stderr
            items: list[dict[str, Any]] = json.loads(answer.stdout)["items"]
            return items

        await eventually(lambda: _has_items(listed))
        [letter] = await listed()
        assert letter["error_type"] == "ContractError"
        assert letter["origin_topic"] == USAGE.physical_name(topic_prefix)
        shown = await banso("dlq", "show", "scoring", str(letter["id"]), "--url", url)
        assert shown.stdout.strip().endswith('{"event": "half a message')
        assert "key:        ws_a:acme" in shown.stdout
        discarded = await banso(
            "dlq", "discard", "scoring", str(letter["id"]), "--reason", "a broken test client",
            "--url", url,
        )  # fmt: skip
        assert discarded.returncode == 0, discarded.stderr
        assert await listed() == []
    finally:
        cluster.stop()


async def _has_items(pending: Any) -> bool:
    return bool(await pending())
