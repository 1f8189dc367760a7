"""Revoked API tokens are refused by every service: ingest revokes over its admin API, the event
travels on the compacted revocations topic, and a kit service (as scoring, bridge and notify run
it) refuses the token; a service started afterwards refuses it from its first request."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from banso_contracts.events import TokenRevoked
from banso_kit.migrations import upgrade
from banso_kit.revocations import RevokedTokens
from banso_kit.settings import ServiceSettings
from tests.ingest.service.support import admin_headers, running_ingest
from tests.kit.test_service_app import MIGRATIONS, _app

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _revoked(token_id: str, expires_at: dt.datetime | None) -> TokenRevoked:
    return TokenRevoked(
        workspace_id="ws_a", token_id=token_id, revoked_at=T0, expires_at=expires_at
    )


def test_the_revoked_set_forgets_tokens_once_they_have_expired_anyway() -> None:
    now = T0
    revoked = RevokedTokens("unused:9092", "unused", now=lambda: now)
    revoked.apply(_revoked("t1", T0 + dt.timedelta(days=1)))
    revoked.apply(_revoked("t2", None))
    revoked.apply(_revoked("t3", T0 - dt.timedelta(seconds=1)))
    assert [revoked.is_revoked(t) for t in ("t1", "t2", "t3")] == [True, True, False]
    now = T0 + dt.timedelta(days=2)
    revoked.forget_expired()
    assert [revoked.is_revoked(t) for t in ("t1", "t2")] == [False, True]


@pytest.mark.kafka
@pytest.mark.timeout(300)
async def test_a_token_revoked_at_ingest_is_refused_by_another_service(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    with running_ingest(tmp_path / "ingest", bootstrap=kafka_bootstrap) as ingest:
        database_url = f"sqlite:///{tmp_path / 'demo.db'}"
        await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
        settings = ServiceSettings(
            service_name="demo",
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            topic_prefix=ingest.prefix,
        )
        admin = f"{ingest.url}/v1/admin/workspaces/{ingest.workspace_id}/tokens"
        async with httpx.AsyncClient(headers=admin_headers(ingest)) as http:
            kept = (await http.post(admin, json={"scopes": ["read"]})).json()
            doomed = (await http.post(admin, json={"scopes": ["admin"]})).json()

            async with (
                LifespanManager(_app(settings)) as manager,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(manager.app), base_url="http://t"
                ) as service,
            ):
                assert await status_of(service, doomed["token"]) == 200
                revoked = await http.post(f"{admin}/{doomed['token_id']}/revoke")
                assert revoked.status_code == 200
                runtime = manager._state["runtime"]
                for _ in range(400):  # bounded: until the event has come through Kafka
                    if runtime.revoked_tokens.is_revoked(doomed["token_id"]):
                        break
                    await asyncio.sleep(0.05)
                refused = await service.get(
                    "/v1/things/known", headers={"Authorization": f"Bearer {doomed['token']}"}
                )
                assert refused.status_code == 401
                assert refused.json() == {
                    "error": "unauthorized",
                    "detail": "the bearer token has been revoked",
                }
                assert await status_of(service, kept["token"]) == 200

            # A service started after the revocation refuses the token from its first request.
            async with (
                LifespanManager(_app(settings)) as manager,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(manager.app), base_url="http://t"
                ) as service,
            ):
                assert await status_of(service, doomed["token"]) == 401
                assert await status_of(service, kept["token"]) == 200


async def status_of(service: httpx.AsyncClient, token: str) -> int:
    answer = await service.get("/v1/things/known", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code
