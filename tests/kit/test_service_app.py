"""The common app shape: health, readiness against the real broker and database, metrics, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypedDict

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from banso_kit.api import ReaderDep, SessionDep
from banso_kit.app import service_app
from banso_kit.auth import issue_token
from banso_kit.errors import NotFound
from banso_kit.migrations import upgrade
from banso_kit.runtime import Runtime
from banso_kit.settings import ServiceSettings
from banso_scoring.models import KIT

pytestmark = pytest.mark.kafka
MIGRATIONS = Path(__file__).resolve().parents[2] / "services/scoring/banso_scoring/migrations"


class State(TypedDict):
    runtime: Runtime


def _app(settings: ServiceSettings) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(settings, tables=KIT, registry=registry) as runtime:
            yield {"runtime": runtime}

    app = service_app(
        service="demo",
        title="demo",
        description="demo",
        version="0",
        lifespan=lifespan,
        registry=registry,
    )

    @app.get("/v1/things/{thing_id}")
    async def get_thing(thing_id: str, principal: ReaderDep, session: SessionDep) -> dict[str, str]:
        await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        if thing_id != "known":
            raise NotFound(f"thing {thing_id!r} does not exist")
        return {"workspace": principal.workspace_id}

    return app


@pytest.fixture
def settings(database_url: str, kafka_bootstrap: str, topic_prefix: str) -> ServiceSettings:
    upgrade(database_url, MIGRATIONS)
    return ServiceSettings(
        service_name="demo",
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=topic_prefix,
    )


async def test_health_readiness_metrics_and_errors(settings: ServiceSettings) -> None:
    app = _app(settings)
    token = issue_token(settings.secret, "ws_a", ["read"])
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://t"
        ) as client,
    ):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {
            "database": "ok",
            "kafka": "ok",
            "token_revocations": "ok",
        }

        found = await client.get(
            "/v1/things/known",
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-1"},
        )
        assert found.json() == {"workspace": "ws_a"}
        assert found.headers["X-Request-ID"] == "req-1"

        missing = await client.get("/v1/things/other", headers={"Authorization": f"Bearer {token}"})
        assert missing.status_code == 404
        assert missing.json() == {"error": "not_found", "detail": "thing 'other' does not exist"}

        anonymous = await client.get("/v1/things/known")
        assert anonymous.status_code == 401
        assert anonymous.json()["error"] == "unauthorized"

        metrics = (await client.get("/metrics")).text
        assert (
            'banso_demo_http_requests_total{method="GET",route="/v1/things/{thing_id}",status="404"} 1.0'
            in metrics
        )


async def test_readiness_fails_when_a_dependency_fails(
    settings: ServiceSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://t"
        ) as client,
    ):
        runtime: Runtime = manager._state["runtime"]

        async def unreachable() -> None:
            raise ConnectionError("database unreachable")

        monkeypatch.setattr(runtime.db, "ping", unreachable)
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "not_ready"
    assert answer.json()["checks"]["database"] == "failed: database unreachable"
    assert answer.json()["checks"]["kafka"] == "ok"
