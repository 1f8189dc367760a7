"""The real scoring service and the console as processes (uvicorn on free ports), fed with
sample accounts through Kafka, for the browser tests and the screenshots."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from banso_kit.auth import issue_token
from tests.conftest import _delete_topics
from tests.scoring.service.portfolio_data import sample_workspace
from tests.scoring.service.support import publish
from tests.support.events import traits

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SECRET = "console-tests-secret-" + "x" * 32
PASSWORD = "correct horse battery staple"
BANDS = {"northwind": "red", "globex": "yellow", "initech": "green"}
# name -> (role, workspaces)
USERS = {
    "hanako@vendor.example": ("editor", ["ws_a"]),
    "ken@other.example": ("viewer", ["ws_b"]),
    "aiko@vendor.example": ("admin", ["ws_a"]),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    console_url: str
    scoring_url: str
    data: Path


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready after {within_s} s: {log.read_text()[-3000:]}")


def _wait_for_bands(scoring_url: str, within_s: float) -> None:
    token = issue_token(SECRET, "ws_a", ["read"])
    deadline = time.monotonic() + within_s
    seen: dict[str, str] = {}
    while time.monotonic() < deadline:
        response = httpx.get(
            f"{scoring_url}/v1/portfolio", headers={"Authorization": f"Bearer {token}"}
        )
        seen = {row["account_id"]: row["band"] for row in response.json()["accounts"]}
        if seen == BANDS:
            return
        time.sleep(0.3)
    raise AssertionError(f"scoring did not settle: {seen}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def create_user(env: dict[str, str], email: str, role: str, workspaces: list[str]) -> None:
    args = [str(BIN / "banso-console"), "create-user", email, "--role", role]
    for workspace in workspaces:
        args += ["--workspace", workspace]
    done = subprocess.run(
        args, input=PASSWORD + "\n", env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def running_stack(kafka_bootstrap: str, data: Path) -> Iterator[Stack]:
    prefix = f"test.{uuid.uuid4().hex[:10]}."
    scoring_port, console_port = free_port(), free_port()
    scoring_url = f"http://127.0.0.1:{scoring_port}"
    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_DATA_DIR": str(data),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "SCORING_PORT": str(scoring_port),
        "SCORING_IDLE_GRACE_S": "0",
        "SCORING_TICK_SECONDS": "86400",
        "CONSOLE_PORT": str(console_port),
        "CONSOLE_SCORING_URL": scoring_url,
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        scoring_log = data / "scoring.log"
        with scoring_log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "banso-scoring"), "serve"], env=env, stdout=out, stderr=out
                )
            )
        _wait_ready(scoring_url, processes[-1], scoring_log, 120)
        day0 = datetime.now(UTC) - timedelta(days=20)
        events = sample_workspace("ws_a", day0) + [
            traits("ws_b", "umbrella", day0, name="Umbrella Corporation", arr=75_000, seats=5)
        ]
        asyncio.run(publish(kafka_bootstrap, prefix, events))
        _wait_for_bands(scoring_url, 120)
        for email, (role, workspaces) in USERS.items():
            create_user(env, email, role, workspaces)
        console_url = f"http://127.0.0.1:{console_port}"
        console_log = data / "console.log"
        with console_log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "banso-console"), "serve"], env=env, stdout=out, stderr=out
                )
            )
        _wait_ready(console_url, processes[-1], console_log, 120)
        yield Stack(console_url=console_url, scoring_url=scoring_url, data=data)
    finally:
        for process in reversed(processes):
            _stop(process)
        asyncio.run(_delete_topics(kafka_bootstrap, prefix))
