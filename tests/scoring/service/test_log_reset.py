"""The broker's log was reset while scoring kept its database: the stored offsets lie beyond the
log end. Scoring must not consume from the log's start as if everything there were applied
already (nothing would ever be applied again, silently); it holds the partitions, says why in
/readyz and /metrics, and resumes where an operator tells it to."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from banso_contracts.topics import USAGE
from banso_kit.db import Database
from banso_kit.kafka.admin import ensure_topics
from banso_scoring.config import ScoringSettings
from banso_scoring.models import KIT
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .support import DAY, T0, at, publish, running_scoring, usage

pytestmark = pytest.mark.kafka
WS = "ws_reset"
STORED = 65_507  # what a previous log had reached


async def store_offsets_of_an_older_log(settings: ScoringSettings) -> None:
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            await (await session.connection()).execute(
                insert(KIT.offsets),
                [
                    {
                        "group_id": f"{settings.topic_prefix}{settings.group_id}",
                        "topic": USAGE.physical_name(settings.topic_prefix),
                        "partition": partition,
                        "next_offset": STORED,
                        "updated_at": dt.datetime.now(dt.UTC),
                    }
                    for partition in range(USAGE.partitions)
                ],
            )
    finally:
        await db.dispose()


async def test_offsets_beyond_the_log_end_make_scoring_not_ready_until_resumed(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    await ensure_topics(kafka_bootstrap, prefix=topic_prefix)
    await store_offsets_of_an_older_log(settings)
    await publish(
        kafka_bootstrap,
        topic_prefix,
        [usage(WS, "acme", f"u{n}", "Report viewed", at(0, 9 + n), at(0, 9 + n)) for n in range(5)],
    )
    group = f"{topic_prefix}{settings.group_id}"
    admin = {"Authorization": f"Bearer {settings.admin_token}"}
    async with running_scoring(settings, FixedClock(T0 + DAY)) as service:

        async def held() -> bool:
            response = await service.client.get("/readyz")
            return response.status_code == 503 and "beyond the log end" in response.text

        await eventually(held)
        reason = (await service.client.get("/readyz")).json()["checks"]["consumers"]
        assert f"{STORED}" in reason
        assert "banso.usage.v1[" in reason

        metrics = (await service.client.get("/metrics")).text
        assert (
            'banso_scoring_consumer_partitions_not_progressing{reason="beyond_log_end",'
            'topic="banso.usage.v1"} 6.0' in metrics
        )
        listed = (await service.client.get("/v1/admin/consumers", headers=admin)).json()
        [scoring] = [g for g in listed["groups"] if g["group_id"] == group]
        assert {p["kind"] for p in scoring["problems"]} == {"beyond_log_end"}
        assert len(scoring["problems"]) == USAGE.partitions

        # Nothing from the new log is applied while held.
        health = await service.client.get("/v1/accounts/acme/health", headers=service.headers(WS))
        assert health.status_code == 404

        refused = await service.client.post(
            f"/v1/admin/consumers/{group}/resume", json={"from": "start"}
        )
        assert refused.status_code == 401
        resumed = await service.client.post(
            f"/v1/admin/consumers/{group}/resume", json={"from": "start"}, headers=admin
        )
        assert resumed.status_code == 200, resumed.text
        moved = resumed.json()["moved"]
        assert len(moved) == USAGE.partitions
        assert {m["offset"] for m in moved} == {0}

        async def applied() -> bool:
            response = await service.client.get(
                "/v1/accounts/acme/health", headers=service.headers(WS)
            )
            return response.status_code == 200 and response.json()["applied"]["events"] == 5

        await eventually(applied)
        assert (await service.client.get("/readyz")).status_code == 200
        unknown = await service.client.post(
            "/v1/admin/consumers/nobody/resume", json={"from": "end"}, headers=admin
        )
        assert unknown.status_code == 404
