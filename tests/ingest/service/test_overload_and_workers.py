"""Bounded in-flight work (429) and exact dedupe across two uvicorn workers."""

from __future__ import annotations

import asyncio
import base64
import socket
import uuid
from pathlib import Path

import httpx
import pytest

from tests.ingest.service.support import USAGE, read_topic, running_ingest

pytestmark = pytest.mark.kafka


async def test_a_request_beyond_the_in_flight_cap_gets_429_with_retry_after(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    with running_ingest(
        tmp_path, bootstrap=kafka_bootstrap, extra_env={"INGEST_MAX_IN_FLIGHT_BYTES": "1000"}
    ) as ingest:
        body = b'{"batch": [{"type": "track", "userId": "u", "event": "Slow"}]}'
        padded = body + b" " * (600 - len(body))
        host, port = ingest.url.removeprefix("http://").split(":")
        # A client that sends its headers and half its body, then stalls: its 600 bytes are
        # admitted and held while the server waits for the rest.
        slow = socket.create_connection((host, int(port)))
        try:
            slow.sendall(
                b"POST /v1/batch HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n"
                + b"Authorization: Basic "
                + base64.b64encode(f"{ingest.write_key}:".encode())
                + b"\r\nContent-Length: 600\r\n\r\n"
                + padded[:300]
            )
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(base_url=ingest.url, auth=(ingest.write_key, "")) as http:
                refused = await http.post(
                    "/v1/batch", content=padded, headers={"Content-Type": "application/json"}
                )
                assert refused.status_code == 429
                assert refused.headers["Retry-After"] == "1"
                assert refused.json()["code"] == "overloaded"

                slow.sendall(padded[300:])
                answer = await asyncio.to_thread(slow.recv, 4096)
                assert answer.startswith(b"HTTP/1.1 200")

                accepted = await http.post(
                    "/v1/batch", content=padded, headers={"Content-Type": "application/json"}
                )
                assert accepted.status_code == 200
        finally:
            slow.close()


@pytest.mark.timeout(300)
async def test_two_workers_publish_each_message_id_once_under_concurrent_repeats(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    with running_ingest(tmp_path, bootstrap=kafka_bootstrap, workers=2) as ingest:
        run = uuid.uuid4().hex[:8]
        events = [
            {
                "type": "track",
                "messageId": f"{run}-{n}",
                "userId": f"u{n % 7}",
                "event": "Repeat",
                "context": {"groupId": f"acct-{n % 5}"},
            }
            for n in range(100)
        ]

        async def send(http: httpx.AsyncClient, offset: int) -> None:
            # Overlapping slices, so requests race for the same ids in both workers.
            body = {"batch": events[offset : offset + 60]}
            while True:
                answer = await http.post("/v1/batch", json=body)
                if answer.status_code == 200:
                    assert answer.json()["accepted"] == 60
                    return
                assert answer.status_code == 503, answer.text  # another request holds an id
                assert answer.headers["Retry-After"]
                await asyncio.sleep(0.05)

        limits = httpx.Limits(max_connections=40, max_keepalive_connections=0)
        async with httpx.AsyncClient(
            base_url=ingest.url, auth=(ingest.write_key, ""), limits=limits, timeout=30
        ) as http:
            await asyncio.gather(*(send(http, (n * 10) % 41) for n in range(40)))

        records = await read_topic(ingest.bootstrap, ingest.topic(USAGE), at_least=100)
        ids = [r.value["message_id"] for r in records]
        sent = [str(e["messageId"]) for e in events]
        assert sorted(ids) == sorted(sent)
