"""The four services as real processes on free ports, with their own databases and topic prefix.

Each service is `.venv/bin/banso-<name> serve`, started with the environment a deployment would
give it; tests can SIGKILL and restart any of them. Logs go to files in the test's directory and
their tails are shown when a service fails to become ready.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.http import free_port

SERVICES = ("ingest", "scoring", "bridge", "notify")
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "e2e-secret-0123456789abcdef0123456789abcdef"
ADMIN_TOKEN = "e2e-admin-0123456789abcdef0123456789abcdef"


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError(f"{self.name} is already running")
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n--- start #{self.starts} ---\n".encode())
            self.process = subprocess.Popen(
                [str(BIN / f"banso-{self.name}"), "serve"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def wait_ready(self, timeout_s: float = 120.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                if self.process is None or self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited while starting:\n{tail(self.log)}")
                try:
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"{self.name} not ready in {timeout_s} s:\n{tail(self.log)}")
                await asyncio.sleep(0.25)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing in flight is finished."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout_s: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


@dataclass
class Cluster:
    """Four services sharing a broker and a topic prefix, each with its own SQLite database."""

    directory: Path
    bootstrap: str
    topic_prefix: str
    extra_env: Mapping[str, str] = field(default_factory=dict)
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BANSO_", "INGEST_", "SCORING_", "BRIDGE_", "NOTIFY_"))
        }
        base.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "BANSO_TOPIC_PREFIX": self.topic_prefix,
                "BANSO_ENV": "test",
                "BANSO_SECRET": SECRET,
                "BANSO_ADMIN_TOKEN": ADMIN_TOKEN,
                "BANSO_DATA_DIR": str(self.directory),
            }
        )
        for name in SERVICES:
            upper = name.upper()
            base[f"{upper}_DATABASE_URL"] = f"sqlite:///{self.directory / (name + '.db')}"
            base[f"{upper}_PORT"] = str(free_port())
        base.update(self.extra_env)
        self.env = base
        for name in SERVICES:
            self.services[name] = ServiceProcess(
                name=name,
                port=int(base[f"{name.upper()}_PORT"]),
                env=dict(base),
                log=self.directory / f"{name}.log",
            )

    def url(self, name: str) -> str:
        return self.services[name].url

    async def start(self, *names: str) -> None:
        chosen = names or SERVICES
        for name in chosen:
            self.services[name].start()
        await asyncio.gather(*(self.services[name].wait_ready() for name in chosen))

    async def restart(self, name: str) -> None:
        service = self.services[name]
        service.start()
        await service.wait_ready()

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()

    def cli(self, *args: str) -> str:
        """Run the `banso` CLI against this cluster's ingest (its admin API)."""
        result = subprocess.run(
            [str(BIN / "banso"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"banso {' '.join(args)} failed: {result.stderr}")
        return result.stdout
