"""A private Kafka broker (its own ports and data directory) that a test may restart at will,
without disturbing the shared broker on 127.0.0.1:9092 the rest of the suite uses."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.cluster import ROOT
from tests.support.http import free_port

KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"


@dataclass(frozen=True, slots=True)
class PrivateBroker:
    bootstrap: str
    env: dict[str, str]

    def run(self, command: str, timeout_s: float = 240.0) -> None:
        result = subprocess.run(
            [str(KAFKA_SH), command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"kafka.sh {command} failed:\n{result.stderr[-3000:]}")

    def restart(self) -> None:
        """Stop the broker (SIGTERM, clean shutdown) and start it again on the same data."""
        self.run("restart")


@contextlib.contextmanager
def private_broker(directory: Path) -> Iterator[PrivateBroker]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update(
        {
            "BANSO_KAFKA_PORT": str(port),
            "BANSO_KAFKA_CONTROLLER_PORT": str(free_port()),
            "BANSO_DATA_DIR": str(directory),
        }
    )
    broker = PrivateBroker(f"127.0.0.1:{port}", env)
    broker.run("up")
    try:
        yield broker
    finally:
        broker.run("down")
