"""Write keys over the admin API against real ingest processes: prefixes and last-seen times,
rotation with a grace period, and revocation refused within a second on every worker and replica."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _create_database, _drop_database
from tests.ingest.service.support import (
    IngestServer,
    admin_headers,
    running_ingest,
    status_within,
    track_status,
)

pytestmark = pytest.mark.kafka


async def _new_source(http: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    workspace = (await http.post("/v1/admin/workspaces", json={"name": "Keys"})).json()
    ws = workspace["workspace_id"]
    source = (await http.post(f"/v1/admin/workspaces/{ws}/sources", json={"name": "web"})).json()
    return ws, source


async def test_sources_list_key_prefixes_and_when_they_were_last_seen(
    ingest: IngestServer,
) -> None:
    async with httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest)) as http:
        ws, source = await _new_source(http)
        assert source["write_key"].startswith(source["key_prefix"])
        assert len(source["key_prefix"]) < len(source["write_key"]) // 2
        listed = (await http.get(f"/v1/admin/workspaces/{ws}/sources")).json()
        assert [(s["source_id"], s["last_seen_at"]) for s in listed] == [
            (source["source_id"], None)
        ]
        assert "write_key" not in listed[0]

        assert await track_status(http, ingest.url, source["write_key"]) == 200
        listed = (await http.get(f"/v1/admin/workspaces/{ws}/sources")).json()
        assert listed[0]["last_seen_at"] is not None
        assert listed[0]["key_prefix"] == source["key_prefix"]


async def test_during_a_rotation_grace_both_keys_work_and_a_rotation_without_grace_ends_them(
    ingest: IngestServer,
) -> None:
    async with httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest)) as http:
        ws, source = await _new_source(http)
        base = f"/v1/admin/workspaces/{ws}/sources/{source['source_id']}"
        old = source["write_key"]
        assert await track_status(http, ingest.url, old) == 200

        rotated = (await http.post(f"{base}/rotate", json={"grace_seconds": 3600})).json()
        new = rotated["write_key"]
        assert new != old
        assert rotated["key_prefix"] == new[: len(rotated["key_prefix"])]
        assert rotated["previous_key_expires_at"] is not None
        assert await track_status(http, ingest.url, new) == 200
        assert await track_status(http, ingest.url, old) == 200

        newest = (await http.post(f"{base}/rotate", json={"grace_seconds": 0})).json()
        assert newest["previous_key_expires_at"] is None
        assert await track_status(http, ingest.url, newest["write_key"]) == 200
        assert await status_within(http, ingest.url, new, 401, within_s=10) == 401
        assert await status_within(http, ingest.url, old, 401, within_s=10) == 401
        assert await track_status(http, ingest.url, newest["write_key"]) == 200


async def test_the_previous_key_is_refused_once_the_grace_period_is_over(
    ingest: IngestServer,
) -> None:
    async with httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest)) as http:
        ws, source = await _new_source(http)
        base = f"/v1/admin/workspaces/{ws}/sources/{source['source_id']}"
        rotated = (await http.post(f"{base}/rotate", json={"grace_seconds": 1})).json()
        assert await status_within(http, ingest.url, source["write_key"], 401, within_s=15) == 401
        assert await track_status(http, ingest.url, rotated["write_key"]) == 200


async def test_a_revoked_source_cannot_be_rotated_back_to_life(ingest: IngestServer) -> None:
    async with httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest)) as http:
        ws, source = await _new_source(http)
        base = f"/v1/admin/workspaces/{ws}/sources/{source['source_id']}"
        revoked = await http.post(f"{base}/revoke")
        assert revoked.json()["status"] == "revoked"
        refused = await http.post(f"{base}/rotate", json={"grace_seconds": 0})
        assert refused.status_code == 409
        assert refused.json()["error"] == "conflict"


@pytest.fixture
def shared_postgres(postgres_admin_url: str) -> Any:
    url = asyncio.run(_create_database(postgres_admin_url))
    try:
        yield url
    finally:
        asyncio.run(_drop_database(postgres_admin_url, url))


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_a_revoked_key_is_refused_within_a_second_by_every_worker_of_every_replica(
    kafka_bootstrap: str, shared_postgres: str, tmp_path: Path
) -> None:
    with (
        running_ingest(
            tmp_path / "a", bootstrap=kafka_bootstrap, database_url=shared_postgres, workers=2
        ) as first,
        running_ingest(
            tmp_path / "b",
            bootstrap=kafka_bootstrap,
            database_url=shared_postgres,
            workers=2,
            replica_of=first,
        ) as second,
    ):
        replicas = (first.url, second.url)
        async with httpx.AsyncClient(headers=admin_headers(first)) as http:
            # Every worker of both replicas has the key cached as valid.
            for url in replicas:
                for _ in range(20):
                    assert await track_status(http, url, first.write_key) == 200
            sources = await http.get(
                f"{first.url}/v1/admin/workspaces/{first.workspace_id}/sources"
            )
            (source,) = sources.json()

            revoke = f"{first.url}/v1/admin/workspaces/{first.workspace_id}/sources/{source['source_id']}/revoke"
            assert (await http.post(revoke)).status_code == 200
            revoked_at = time.monotonic()

            # The promise: refused within 1 s. Poll the other replica for at most that.
            status = await status_within(http, second.url, first.write_key, 401, within_s=1.0)
            assert status == 401
            # From 1 s after the revocation on, no worker of either replica accepts the key.
            await asyncio.sleep(max(0.0, revoked_at + 1.0 - time.monotonic()))
            for url in replicas:
                statuses = [await track_status(http, url, first.write_key) for _ in range(20)]
                assert set(statuses) == {401}, (url, statuses)
