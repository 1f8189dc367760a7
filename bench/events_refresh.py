"""What one refresh of the console's live events page costs ingest: ingest's CPU milliseconds
and the calls it answers per refresh (htmx asks for the table every 2 s while the page is open).

    .venv/bin/python bench/events_refresh.py [label=console-package-dir ...]

Ingest (one worker) runs on a private port, data directory and topic prefix on the shared broker,
with a workspace of three sources and 60 events. For each console given (default: this checkout's;
``before=/tmp/old/services/console`` runs another copy of the package through PYTHONPATH), the
console starts on that ingest, an administrator signs in, and the page's refresh (``HX-Request``)
is asked REFRESHES times one after another, ROUNDS times, the consoles alternating. Ingest's CPU
is read from /proc (user + system) before and after each round; its calls from its
``/metrics``. The load average is printed beside the figures: the machine's cores are shared."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

from banso_kit.kafka.admin import ensure_topics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import stop, wait_ready
from procstat import tree_cpu_seconds
from topics import delete_topics

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
REFRESHES = int(os.environ.get("BENCH_REFRESHES", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECRET = "bench-events-secret-" + "s" * 32
ADMIN_TOKEN = "bench-events-admin-" + "a" * 32
USER = "bench-admin@vendor.example"
PASSWORD = "bench events password"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
INGEST_CALLS = re.compile(r"^banso_ingest_http_requests_total\{.*\} ([0-9.e+]+)$", re.M)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ingest_calls(ingest_url: str) -> float:
    text = httpx.get(f"{ingest_url}/metrics").text
    return sum(float(value) for value in INGEST_CALLS.findall(text))


def load_workspace(ingest_url: str) -> str:
    created = httpx.post(f"{ingest_url}/v1/admin/workspaces", json={"name": "Bench"}, headers=ADMIN)
    workspace = str(created.raise_for_status().json()["workspace_id"])
    for n, name in enumerate(("web backend", "mobile app", "billing")):
        source = httpx.post(
            f"{ingest_url}/v1/admin/workspaces/{workspace}/sources",
            json={"name": name},
            headers=ADMIN,
        ).raise_for_status()
        batch = [
            {"type": "track", "event": "Report Exported", "userId": f"u{n}-{i}",
             "messageId": uuid.uuid4().hex}
            for i in range(20)
        ]  # fmt: skip
        key = source.json()["write_key"]
        httpx.post(
            f"{ingest_url}/v1/batch", json={"batch": batch}, auth=(key, "")
        ).raise_for_status()
    return workspace


def signed_in(console_url: str) -> httpx.Client:
    client = httpx.Client(base_url=console_url, timeout=30)
    form = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None
    answer = client.post(
        "/login",
        data={"email": USER, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"},
    )
    assert answer.status_code == 303, answer.text[:300]
    return client


def main() -> None:
    here = ROOT / "services" / "console"
    consoles = dict(arg.split("=", 1) for arg in sys.argv[1:]) or {"this": str(here)}
    data = Path(tempfile.mkdtemp(prefix="banso-bench-events-"))
    prefix = f"bench.events.{uuid.uuid4().hex[:8]}."
    ingest_port = free_port()
    ingest_url = f"http://127.0.0.1:{ingest_port}"
    env = {
        **os.environ,
        "BANSO_ENV": "development",
        "BANSO_SECRET": SECRET,
        "BANSO_ADMIN_TOKEN": ADMIN_TOKEN,
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_DATA_DIR": str(data),
        "BANSO_LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
        "INGEST_PORT": str(ingest_port),
        "INGEST_WORKERS": "1",
        "CONSOLE_INGEST_URL": ingest_url,
        "CONSOLE_COOKIE_SECURE": "false",
        "CONSOLE_ASSETS_DIR": str(here / "node_modules"),
    }
    asyncio.run(ensure_topics(BOOTSTRAP, prefix=prefix))
    log = data / "ingest.log"
    with log.open("wb") as out:
        ingest = subprocess.Popen(
            [str(BIN / "banso-ingest"), "serve"], env=env, stdout=out, stderr=out
        )
    running: list[subprocess.Popen[bytes]] = [ingest]
    try:
        wait_ready(ingest_url, ingest, log)
        workspace = load_workspace(ingest_url)
        subprocess.run(
            [str(BIN / "banso-console"), "create-user", USER, "--role", "admin",
             "--workspace", workspace],
            input=PASSWORD + "\n", env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        clients: dict[str, httpx.Client] = {}
        for label, package_dir in consoles.items():
            port = free_port()
            console_env = {**env, "CONSOLE_PORT": str(port), "PYTHONPATH": package_dir}
            console_log = data / f"console-{label}.log"
            with console_log.open("wb") as out:
                console = subprocess.Popen(
                    [str(BIN / "banso-console"), "serve"], env=console_env, stdout=out, stderr=out
                )
            running.append(console)
            wait_ready(f"http://127.0.0.1:{port}", console, console_log)
            clients[label] = signed_in(f"http://127.0.0.1:{port}")
            clients[label].get(f"/w/{workspace}/events").raise_for_status()  # the full page
        figures: dict[str, list[tuple[float, float]]] = {label: [] for label in clients}
        for _ in range(ROUNDS):
            for label, client in clients.items():
                for _ in range(5):  # warm
                    client.get(f"/w/{workspace}/events", headers={"HX-Request": "true"})
                cpu, calls = tree_cpu_seconds(ingest.pid), ingest_calls(ingest_url)
                for _ in range(REFRESHES):
                    answer = client.get(f"/w/{workspace}/events", headers={"HX-Request": "true"})
                    answer.raise_for_status()
                    assert "web backend" in answer.text, answer.text[:500]
                spent = tree_cpu_seconds(ingest.pid) - cpu
                # less the /metrics call itself
                asked = ingest_calls(ingest_url) - calls - 1
                figures[label].append((spent * 1000 / REFRESHES, asked / REFRESHES))
        print(f"load average: {os.getloadavg()}; {REFRESHES} refreshes x {ROUNDS} rounds")
        for label, rounds in figures.items():
            cpu_ms = ", ".join(f"{ms:.2f}" for ms, _ in rounds)
            calls_each = ", ".join(f"{n:.2f}" for _, n in rounds)
            print(f"{label}: ingest CPU ms per refresh [{cpu_ms}]; ingest calls [{calls_each}]")
    finally:
        for process in reversed(running):
            stop(process)
        asyncio.run(delete_topics(BOOTSTRAP, prefix))
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
