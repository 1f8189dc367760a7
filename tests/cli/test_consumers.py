"""`banso consumers list|resume` against a real scoring whose stored offsets lie beyond the log end
(the broker's log was reset while scoring kept its database)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from banso_kit.kafka.admin import ensure_topics
from tests.e2e.cluster import ADMIN_TOKEN, BIN, SECRET, ServiceProcess
from tests.scoring.service.support import settings_for
from tests.scoring.service.test_log_reset import STORED, store_offsets_of_an_older_log
from tests.support.http import free_port

pytestmark = pytest.mark.kafka


async def banso(*args: str, token: str = ADMIN_TOKEN) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [str(BIN / "banso"), *args],
        env={**os.environ, "BANSO_ADMIN_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def readiness(url: str) -> int:
    async with httpx.AsyncClient(timeout=5.0) as client:
        try:
            return (await client.get(f"{url}/readyz")).status_code
        except httpx.TransportError:
            return 0


async def test_consumers_list_names_held_partitions_and_resume_releases_them(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'scoring.db'}"
    settings = await asyncio.to_thread(settings_for, database, kafka_bootstrap, topic_prefix)
    await ensure_topics(kafka_bootstrap, prefix=topic_prefix)
    await store_offsets_of_an_older_log(settings)
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "BANSO_TOPIC_PREFIX": topic_prefix,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_ADMIN_TOKEN": ADMIN_TOKEN,
        "BANSO_DATA_DIR": str(tmp_path),
        "SCORING_DATABASE_URL": database,
        "SCORING_PORT": str(port),
    }
    scoring = ServiceProcess("scoring", port, env, tmp_path / "scoring.log")
    scoring.start()
    try:
        for _ in range(600):
            if await readiness(scoring.url) == 503:
                break
            await asyncio.sleep(0.2)
        listed = await banso("consumers", "list", "scoring", "--url", scoring.url)
        assert listed.returncode == 0, listed.stderr
        assert f"{topic_prefix}scoring: lag 0, 6 partitions not progressing" in listed.stdout
        assert f"stored offset {STORED} is beyond the log end 0" in listed.stdout

        resumed = await banso("consumers", "resume", "scoring", "--from", "start", "--url", scoring.url, "--json")  # fmt: skip
        assert resumed.returncode == 0, resumed.stderr
        [group] = json.loads(resumed.stdout)["resumed"]
        assert sorted(m["partition"] for m in group["moved"]) == list(range(6))
        for _ in range(300):
            if await readiness(scoring.url) == 200:
                break
            await asyncio.sleep(0.2)
        assert await readiness(scoring.url) == 200
        again = await banso(
            "consumers", "resume", "scoring", "--from", "start", "--url", scoring.url
        )
        assert again.stdout.strip() == "no partition lies beyond its log end"

        refused = await banso(
            "consumers", "list", "scoring", "--url", scoring.url, token="not-the-admin-token"
        )
        assert refused.returncode == 1
        assert "admin token" in refused.stderr
    finally:
        scoring.stop()
