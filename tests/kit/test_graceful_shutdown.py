"""A service process answers, then stops cleanly on SIGTERM (uvicorn drains, the lifespan closes
its consumers, outbox relay and clients) — the way an orchestrator stops it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.kafka


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("workers", [1, 2])
async def test_service_serves_metrics_and_stops_on_sigterm(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path, workers: int
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "BANSO_TOPIC_PREFIX": topic_prefix,
        "BANSO_DATA_DIR": str(tmp_path),
        "SCORING_DATABASE_URL": f"sqlite:///{tmp_path / 'scoring.db'}",
        "SCORING_PORT": str(port),
        "SCORING_WORKERS": str(workers),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "scoring.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "banso_scoring", "serve", env=env, stdout=log, stderr=log
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise AssertionError((tmp_path / "scoring.log").read_text()[-2000:])
            for _ in range(4):
                assert (await client.get("/healthz")).status_code == 200
            metrics = (await client.get("/metrics")).text
        # With several workers the counts of every worker are aggregated, not just the answering one's.
        assert (
            'banso_scoring_http_requests_total{method="GET",route="/healthz",status="200"} 4.0'
            in metrics
        ), metrics
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
    output = (tmp_path / "scoring.log").read_text()
    # uvicorn re-raises the signal after its graceful shutdown, so -SIGTERM is a clean exit too.
    assert code in (0, -signal.SIGTERM), output[-2000:]
    assert "Application shutdown complete." in output
