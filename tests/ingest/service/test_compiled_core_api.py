"""The compiled pass in the running service: the same answers and records as the pure path.

Two `banso-ingest serve` processes, one with `INGEST_CORE=compiled` and one with `INGEST_CORE=pure`,
get the same batches; their answers and the records they publish (less what names the process:
workspace, source, event id, correlation id, arrival time) must be the same.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.ingest.compiled_core import require_compiled_core
from tests.ingest.service.support import (
    ACCOUNT_TRAITS,
    USAGE,
    USER_TRAITS,
    IngestServer,
    Published,
    read_topic,
    running_ingest,
)

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def compiled_ingest(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IngestServer]:
    require_compiled_core(importlib.util.find_spec("banso_ingest_core") is not None)
    with running_ingest(
        tmp_path_factory.mktemp("compiled"),
        bootstrap=kafka_bootstrap,
        extra_env={"INGEST_CORE": "compiled"},
    ) as server:
        yield server


@pytest.fixture(scope="module")
def pure_ingest(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IngestServer]:
    with running_ingest(
        tmp_path_factory.mktemp("pure"),
        bootstrap=kafka_bootstrap,
        extra_env={"INGEST_CORE": "pure"},
    ) as server:
        yield server


async def post(ingest: IngestServer, body: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient(
        base_url=ingest.url, auth=(ingest.write_key, ""), timeout=30
    ) as http:
        return await http.post("/v1/batch", json=body)


async def batches_read(ingest: IngestServer, reader: str) -> float:
    async with httpx.AsyncClient(base_url=ingest.url, timeout=30) as http:
        text = (await http.get("/metrics")).text
    line = f'banso_ingest_batches_read_total{{reader="{reader}"}} '
    found = [row for row in text.splitlines() if row.startswith(line)]
    return float(found[0][len(line) :]) if found else 0.0


def comparable(ingest: IngestServer, records: list[Published]) -> list[tuple[Any, ...]]:
    """The records less what names the process that published them."""
    out = []
    for record in records:
        value = {
            k: v
            for k, v in record.value.items()
            if k not in {"workspace_id", "source_id", "received_at"}
        }
        headers = {
            k: v
            for k, v in record.headers.items()
            if k not in {"ce_id", "ce_workspace", "ce_correlationid"}
        }
        out.append((record.key.replace(ingest.workspace_id, "WS"), value, headers))
    return sorted(out, key=lambda item: str(item[1]["message_id"]))


BATCH = {
    "batch": [
        {
            "type": "track",
            "messageId": "t-1",
            "userId": "u-1",
            "event": "Report Exported",
            "timestamp": "2025-03-01T11:59:59.123Z",
            "context": {"groupId": "acme", "library": {"name": "analytics-python"}},
            "properties": {"rows": 1234, "ratio": 0.25, "名前": "レポート 😀"},
        },
        {"type": "group", "messageId": "g-1", "userId": "u-2", "groupId": "beta",
         "traits": {"plan": "pro"}, "timestamp": "2025-03-01T11:00:00Z"},
        {"type": "track", "messageId": "t-2", "userId": "u-2", "event": "Seat Added",
         "timestamp": "2025-03-01T11:00:01Z"},
        {"type": "page", "messageId": "p-1", "anonymousId": "a-1",
         "properties": {"title": "Pricing"}, "originalTimestamp": "2025-03-01T11:00:02Z"},
        {"type": "identify", "messageId": "i-1", "userId": "u-2", "traits": {"email": "x@y.z"},
         "timestamp": "2025-03-01T11:00:03Z"},
        {"type": "alias", "messageId": "al-1", "userId": "u-3", "previousId": "u-2",
         "timestamp": "2025-03-01T11:00:04Z"},
        {"type": "track", "messageId": "t-1", "userId": "u-1", "event": "Report Exported"},
    ],
}  # fmt: skip


async def test_a_plain_batch_gets_the_same_answer_and_records_either_way(
    compiled_ingest: IngestServer, pure_ingest: IngestServer
) -> None:
    compiled_before = await batches_read(compiled_ingest, "compiled")

    answers = [await post(server, BATCH) for server in (compiled_ingest, pure_ingest)]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["duplicates"] == [{"index": 6, "messageId": "t-1"}]
    assert await batches_read(compiled_ingest, "compiled") == compiled_before + 1
    assert await batches_read(pure_ingest, "compiled") == 0
    for topic, count in ((USAGE, 3), (USER_TRAITS, 2), (ACCOUNT_TRAITS, 1)):
        found = [
            comparable(
                server, await read_topic(server.bootstrap, server.topic(topic), at_least=count)
            )
            for server in (compiled_ingest, pure_ingest)
        ]
        assert len(found[0]) == count
        assert found[0] == found[1]


async def test_a_batch_with_an_invalid_event_is_read_by_the_pure_path_with_its_errors(
    compiled_ingest: IngestServer, pure_ingest: IngestServer
) -> None:
    body = {
        "batch": [
            {"type": "track", "messageId": "ok-1", "userId": "u-1", "event": "Fine"},
            {"type": "track", "messageId": "bad-1", "event": "no user"},
            {"type": "identify", "messageId": "bad-2", "anonymousId": "a-1"},
        ]
    }
    declined_before = await batches_read(compiled_ingest, "pure")

    answers = [await post(server, body) for server in (compiled_ingest, pure_ingest)]

    assert answers[0].status_code == answers[1].status_code == 200
    assert answers[0].json() == answers[1].json()
    assert [e["reason"] for e in answers[0].json()["errors"]] == [
        "missing_identity",
        "missing_user_id",
    ]
    assert await batches_read(compiled_ingest, "pure") == declined_before + 1
