"""The real scoring, bridge and notify services and the console as processes (uvicorn on free
ports), fed with sample accounts and feedback through Kafka, for the browser tests and the
screenshots."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine
from sqlmodel import Session, select

from banso_console.models import ConsoleUser
from banso_contracts.events import AccountTraitsUpdated, FeedbackReceived
from banso_contracts.events.feedback import FeedbackKind
from banso_kit.auth import Scope, issue_token
from tests.conftest import _delete_topics
from tests.scoring.service.portfolio_data import sample_workspace
from tests.scoring.service.support import publish
from tests.support.events import traits
from tests.support.smtp import SmtpSink
from tests.support.topics import unique_prefix

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SECRET = "console-tests-secret-" + "x" * 32
ADMIN_TOKEN = "console-tests-admin-" + "y" * 32
# The operator: an administrator of ws_a and of the workspace ingest creates for the stack.
OPERATOR = "ops@vendor.example"
PASSWORD = "correct horse battery staple"
BANDS = {"northwind": "red", "globex": "yellow", "initech": "green"}
# name -> (role, workspaces)
USERS = {
    "hanako@vendor.example": ("editor", ["ws_a"]),
    "ken@other.example": ("viewer", ["ws_b"]),
    "aiko@vendor.example": ("admin", ["ws_a"]),
    # Only the sign-in rate limiting test uses it (it ends refused for 15 minutes).
    "kaito@vendor.example": ("viewer", ["ws_a"]),
    # A viewer of ws_a for the pages' read-only views (never refused).
    "mei@vendor.example": ("viewer", ["ws_a"]),
}

# Feedback the bridge groups into two themes besides the sample's "export is broken again"
# tickets (no word in common with those or with each other, so the grouping does not depend on
# when the bridge consolidates).
INVOICE = ("Invoice PDF download, please.", "Invoice PDF download wanted.")
LOGIN = ("Okta single sign-on for our team.", "Okta single sign-on for every user.")
THEMED = {"invoice": ("northwind", "globex"), "login": ("globex", "initech")}
# Seconds each service may take to start and settle; a loaded machine may need more.
SETTLE_S = float(os.environ.get("BANSO_TEST_STACK_SETTLE_S", "300"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    console_url: str
    scoring_url: str
    bridge_url: str
    notify_url: str
    ingest_url: str
    # The workspace ingest created (its sources and tokens page); OPERATOR administers it.
    ingest_workspace: str
    data: Path
    # What notify's mail went to: a real SMTP server on loopback (aiosmtpd).
    mail: SmtpSink
    # Where a test publishes more events for the services (their topics' prefix on the broker).
    kafka_bootstrap: str
    topic_prefix: str

    def bridge(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call the bridge's API for ws_a (read scope for a GET, write otherwise)."""
        scope: Scope = "read" if method == "GET" else "write"
        token = issue_token(SECRET, "ws_a", [scope])
        headers = {"Authorization": f"Bearer {token}"}
        return httpx.request(method, f"{self.bridge_url}{path}", headers=headers, **kwargs)

    def send_feedback(
        self,
        texts: Sequence[str],
        count: int,
        *,
        user: str,
        kind: FeedbackKind = "feature_request",
        score: float | None = None,
    ) -> None:
        """Publish `count` feedback items of ws_a through Kafka: the texts in turn, from
        northwind, globex and initech in turn (users `<user>0`, `<user>1`, ...), an hour apart
        back from now."""
        now = datetime.now(UTC)
        events = [
            FeedbackReceived(
                workspace_id="ws_a",
                source_id="src_test",
                feedback_id=uuid.uuid4().hex,
                account_id=("northwind", "globex", "initech")[n % 3],
                user_id=f"{user}{n}",
                kind=kind,
                score=score,
                text=texts[n % len(texts)],
                timestamp=now - timedelta(hours=n),
                received_at=now - timedelta(hours=n),
            )
            for n in range(count)
        ]
        asyncio.run(publish(self.kafka_bootstrap, self.topic_prefix, events))

    @property
    def console_database_url(self) -> str:
        return f"sqlite:///{self.data / 'console.db'}"

    def user_settings(self) -> dict[str, str | None]:
        """Each console user's settings (their language), as kept in the console's database."""
        engine = create_engine(self.console_database_url)
        try:
            with Session(engine) as session:
                return {user.email: user.locale for user in session.exec(select(ConsoleUser))}
        finally:
            engine.dispose()

    def restore_user_settings(self, saved: dict[str, str | None]) -> None:
        """Put back the settings `user_settings` read, for the users whose settings changed."""
        engine = create_engine(self.console_database_url)
        try:
            with Session(engine) as session:
                for user in session.exec(select(ConsoleUser)):
                    if user.email in saved and user.locale != saved[user.email]:
                        user.locale = saved[user.email]
                        session.add(user)
                session.commit()
        finally:
            engine.dispose()


def feature_requests(workspace: str, now: datetime) -> list[FeedbackReceived]:
    """Feature requests (scoring's support friction does not count them: bands stay put)."""
    items: list[FeedbackReceived] = []
    for n in range(12):
        for texts, accounts in ((INVOICE, THEMED["invoice"]), (LOGIN, THEMED["login"])):
            when = now - timedelta(days=3, minutes=n)
            items.append(
                FeedbackReceived(
                    workspace_id=workspace,
                    source_id="src_test",
                    feedback_id=uuid.uuid4().hex,
                    account_id=accounts[n % 2],
                    user_id=f"u{n}",
                    kind="feature_request",
                    text=texts[n % 2],
                    timestamp=when,
                    received_at=when,
                )
            )
    return items


def _wait_for_themes(bridge_url: str, items: int, within_s: float) -> None:
    token = issue_token(SECRET, "ws_a", ["read"])
    deadline = time.monotonic() + within_s
    counted = 0
    while time.monotonic() < deadline:
        response = httpx.get(
            f"{bridge_url}/v1/themes", headers={"Authorization": f"Bearer {token}"}
        )
        counted = sum(theme["item_count"] for theme in response.json()["themes"])
        if counted == items:
            return
        time.sleep(0.3)
    raise AssertionError(f"the bridge grouped {counted} of {items} feedback items")


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
    prefix = unique_prefix()
    scoring_port, bridge_port, notify_port = free_port(), free_port(), free_port()
    ingest_port = free_port()
    console_port = free_port()
    urls = {
        name: f"http://127.0.0.1:{port}"
        for name, port in (
            ("scoring", scoring_port),
            ("bridge", bridge_port),
            ("notify", notify_port),
            ("ingest", ingest_port),
        )
    }
    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_ADMIN_TOKEN": ADMIN_TOKEN,
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_DATA_DIR": str(data),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "SCORING_PORT": str(scoring_port),
        "SCORING_IDLE_GRACE_S": "0",
        "SCORING_TICK_SECONDS": "86400",
        "BRIDGE_PORT": str(bridge_port),
        "BRIDGE_IDLE_CONSOLIDATION_S": "1",
        "NOTIFY_PORT": str(notify_port),
        "INGEST_PORT": str(ingest_port),
        "CONSOLE_PORT": str(console_port),
        "CONSOLE_SCORING_URL": urls["scoring"],
        "CONSOLE_BRIDGE_URL": urls["bridge"],
        "CONSOLE_NOTIFY_URL": urls["notify"],
        "CONSOLE_INGEST_URL": urls["ingest"],
    }
    processes: list[subprocess.Popen[bytes]] = []
    sink = SmtpSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env["NOTIFY_SMTP_PORT"] = str(smtp.port)
    try:
        started = {}
        for name in urls:
            log = data / f"{name}.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [str(BIN / f"banso-{name}"), "serve"], env=env, stdout=out, stderr=out
                    )
                )
            started[name] = (processes[-1], log)
        for name, (process, log) in started.items():
            _wait_ready(urls[name], process, log, SETTLE_S)
        now = datetime.now(UTC)
        day0 = now - timedelta(days=20)
        # The feature requests go right after the accounts' traits (the bridge weighs them by
        # ARR): scoring's support friction does not count them, and the sample's own events then
        # settle each account's health (and drivers) as they would without them.
        sample = sample_workspace("ws_a", day0)
        accounts = [event for event in sample if isinstance(event, AccountTraitsUpdated)]
        events = [
            *accounts,
            *feature_requests("ws_a", now),
            *[event for event in sample if not isinstance(event, AccountTraitsUpdated)],
            traits("ws_b", "umbrella", day0, name="Umbrella Corporation", arr=75_000, seats=5),
        ]
        asyncio.run(publish(kafka_bootstrap, prefix, events))
        _wait_for_bands(urls["scoring"], SETTLE_S)
        feedback = [event for event in events if isinstance(event, FeedbackReceived)]
        _wait_for_themes(urls["bridge"], len(feedback), SETTLE_S)
        for email, (role, workspaces) in USERS.items():
            create_user(env, email, role, workspaces)
        created = httpx.post(
            f"{urls['ingest']}/v1/admin/workspaces",
            json={"name": "Vendor ops"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert created.status_code == 201, created.text
        ingest_workspace = created.json()["workspace_id"]
        create_user(env, OPERATOR, "admin", ["ws_a", ingest_workspace])
        console_url = f"http://127.0.0.1:{console_port}"
        console_log = data / "console.log"
        with console_log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "banso-console"), "serve"], env=env, stdout=out, stderr=out
                )
            )
        _wait_ready(console_url, processes[-1], console_log, SETTLE_S)
        yield Stack(
            console_url=console_url,
            scoring_url=urls["scoring"],
            bridge_url=urls["bridge"],
            notify_url=urls["notify"],
            ingest_url=urls["ingest"],
            ingest_workspace=ingest_workspace,
            data=data,
            mail=sink,
            kafka_bootstrap=kafka_bootstrap,
            topic_prefix=prefix,
        )
    finally:
        for process in reversed(processes):
            _stop(process)
        smtp.stop()
        asyncio.run(_delete_topics(kafka_bootstrap, prefix))
