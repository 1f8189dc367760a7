"""The notify service as its own process (`banso-notify serve`), so a test can SIGKILL it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from banso_kit.auth import issue_token
from tests.support.http import free_port

REPO = Path(__file__).resolve().parents[3]
SECRET = "a-crash-test-secret-of-at-least-32-characters"


@dataclass
class NotifyProcess:
    database_url: str
    bootstrap: str
    prefix: str
    smtp_port: int
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(SECRET, 'ws_acme', ['admin'])}"}

    async def start(self, *, fault_point: str | None = None) -> None:
        env = {
            **os.environ,
            "BANSO_ENV": "test",
            "BANSO_SECRET": SECRET,
            "BANSO_TOPIC_PREFIX": self.prefix,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "NOTIFY_DATABASE_URL": self.database_url,
            "NOTIFY_PORT": str(self.port),
            "NOTIFY_SMTP_PORT": str(self.smtp_port),
            "NOTIFY_DISPATCH_POLL_S": "0.05",
            "NOTIFY_SCHEDULER_INTERVAL_S": "0.2",
            "NOTIFY_OUTBOX_POLL_INTERVAL_S": "0.05",
            "BANSO_LOG_LEVEL": "WARNING",
        }
        env.pop("NOTIFY_FAULT_POINT", None)
        if fault_point:
            env["NOTIFY_FAULT_POINT"] = fault_point
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "banso_notify", "serve", cwd=REPO, env=env
        )
        async with httpx.AsyncClient(base_url=self.base_url) as client:
            for _ in range(300):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.process.returncode is not None:
                    raise AssertionError("notify exited while starting")
                await asyncio.sleep(0.1)
        raise AssertionError("notify did not become ready")

    async def wait_killed(self, timeout_s: float = 60) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout_s)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                await self.kill()
