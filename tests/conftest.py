"""Fixtures shared by every test: the real Kafka broker, real databases (SQLite and PostgreSQL).

`make test` starts the broker and the PostgreSQL server first. A missing component FAILS the tests
that need it with a message saying how to start it: nothing is skipped.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.engine import make_url

from tests.support.topics import delete_stale_topics, unique_prefix

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:55432/postgres"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")

    async def probe() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=5000)
        await admin.start()
        await admin.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - turned into a clear failure
        pytest.fail(f"Kafka is not reachable at {servers} ({exc!r}); run `make kafka-up`")
    # Topics that killed runs left behind (tests/support/topics.py).
    asyncio.run(delete_stale_topics(servers))
    return servers


@pytest.fixture
def topic_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique topic prefix, so tests never share topics (or consumer groups). The topics are
    deleted afterwards so the broker does not accumulate partitions across runs."""
    prefix = unique_prefix()
    yield prefix
    if "kafka_bootstrap" in request.fixturenames:
        asyncio.run(_delete_topics(request.getfixturevalue("kafka_bootstrap"), prefix))


async def _delete_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await admin.delete_topics(names)
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get("BANSO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - turned into a clear failure
        pytest.fail(f"PostgreSQL is not reachable at {url} ({exc!r}); run `make postgres-up`")
    return url


async def _create_database(admin_url: str) -> str:
    name = f"banso_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def _drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind the services support."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    url = asyncio.run(_create_database(admin_url))
    try:
        yield url
    finally:
        asyncio.run(_drop_database(admin_url, url))


@pytest.fixture
async def kafka_admin(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()
