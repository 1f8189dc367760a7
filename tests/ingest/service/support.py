"""Running the real ingest service for tests: `banso-ingest serve` in a process of its own.

The service runs exactly as users run it (entry point, migrations, uvicorn workers); tests talk to
it over loopback HTTP and read what it published from Kafka.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from banso_cli.client import default_admin_token
from tests.support.http import free_port
from tests.support.topics import unique_prefix

REPO_ROOT = Path(__file__).resolve().parents[3]
BIN = REPO_ROOT / ".venv" / "bin"
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"

USAGE = "banso.usage.v1"
USER_TRAITS = "banso.user-traits.v1"
ACCOUNT_TRAITS = "banso.account-traits.v1"
FEEDBACK = "banso.feedback.v1"


@dataclass
class IngestServer:
    url: str
    env: dict[str, str]
    prefix: str
    bootstrap: str
    workspace_id: str
    write_key: str
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def topic(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def new_source(self, workspace_name: str = "Other") -> tuple[str, str]:
        """A second workspace and its write key, in the same ingest database."""
        workspace = banso(self.env, "workspace", "create", workspace_name, "--json")
        source = banso(self.env, "source", "create", workspace["workspace_id"], "src", "--json")
        return workspace["workspace_id"], source["write_key"]

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def banso(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(BIN / "banso"), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@contextmanager
def running_ingest(
    workdir: Path,
    *,
    bootstrap: str,
    database_url: str | None = None,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
    replica_of: IngestServer | None = None,
) -> Iterator[IngestServer]:
    """Ingest serving on a free port; a workspace and source made through its admin API, or,
    as a `replica_of` another server, that server's topics and workspace (share the database)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    prefix = replica_of.prefix if replica_of else unique_prefix()
    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_ADMIN_TOKEN": replica_of.env["BANSO_ADMIN_TOKEN"]
        if replica_of
        else "test-admin-token-" + uuid.uuid4().hex,
        "BANSO_DATA_DIR": str(workdir),
        "BANSO_TOPIC_PREFIX": prefix,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "INGEST_DATABASE_URL": database_url or f"sqlite:///{workdir / 'ingest.db'}",
        "INGEST_PORT": str(port),
        "INGEST_WORKERS": str(workers),
        **(extra_env or {}),
    }
    log = workdir / f"ingest-{port}.log"
    server = IngestServer(
        url=f"http://127.0.0.1:{port}",
        env=env,
        prefix=prefix,
        bootstrap=bootstrap,
        workspace_id="",
        write_key="",
        log=log,
    )
    with log.open("wb") as out:
        server.process = subprocess.Popen(
            [str(BIN / "banso-ingest"), "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(server)
            if replica_of is not None:
                server.workspace_id, server.write_key = (
                    replica_of.workspace_id,
                    replica_of.write_key,
                )
            else:
                # The CLI talks to the running service's admin API (INGEST_PORT in `env`).
                workspace = banso(env, "workspace", "create", "Acme", "--json")
                source = banso(env, "source", "create", workspace["workspace_id"], "web", "--json")
                server.workspace_id = workspace["workspace_id"]
                server.write_key = source["write_key"]
            yield server
        finally:
            server.stop()


def _wait_ready(server: IngestServer, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise AssertionError(f"ingest exited:\n{server.log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"ingest not ready:\n{server.log.read_text()[-4000:]}")


@dataclass
class Published:
    topic: str
    partition: int
    key: str
    value: dict[str, Any]
    headers: dict[str, str]


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int = 0, wait_s: float = 20
) -> list[Published]:
    """Every record of `topic` from the beginning; waits until `at_least` are there."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[Published] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        quiet_rounds = 0
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    found.append(
                        Published(
                            topic=record.topic,
                            partition=record.partition,
                            key=(record.key or b"").decode(),
                            value=json.loads(record.value or b"null"),
                            headers={k: v.decode() for k, v in record.headers},
                        )
                    )
            quiet_rounds = 0 if batches else quiet_rounds + 1
            if len(found) >= at_least and quiet_rounds >= 2:
                break
    finally:
        await consumer.stop()
    return found


def admin_headers(server: IngestServer, actor: str | None = None) -> dict[str, str]:
    """The operator's Authorization (the admin token the server runs with)."""
    headers = {"Authorization": f"Bearer {default_admin_token(server.env)}"}
    if actor:
        headers["X-Banso-Actor"] = actor
    return headers


async def track_status(http: httpx.AsyncClient, url: str, write_key: str) -> int:
    """The status ingest answers one track call sent with `write_key`."""
    answer = await http.post(
        f"{url}/v1/track",
        json={"userId": "u1", "event": "Key Checked", "context": {"groupId": "acct-1"}},
        auth=(write_key, ""),
    )
    return answer.status_code


async def status_within(
    http: httpx.AsyncClient, url: str, write_key: str, want: int, *, within_s: float
) -> int:
    """Send with `write_key` until ingest answers `want` or `within_s` has passed; the last
    status (a bounded poll: a cached key lapses within a second)."""
    deadline = time.monotonic() + within_s
    while True:
        status = await track_status(http, url, write_key)
        if status == want or time.monotonic() >= deadline:
            return status
        await asyncio.sleep(0.05)
