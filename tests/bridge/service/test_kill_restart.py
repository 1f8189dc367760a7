"""SIGKILL while the sink is creating the ticket: after a restart there is still exactly one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from banso_bridge.models import FeedbackItem, Ticket
from banso_kit.db import Database
from tests.bridge.adapters.trackers import FakeGitHub
from tests.support.http import serve
from tests.support.waiting import eventually

from .support import DAY, T0, at, feedback, publish

ROOT = Path(__file__).resolve().parents[3]
WS = "acme"
TEXTS = [
    "The invoice PDF download fails.",
    "The invoice PDF download fails again.",
    "Invoice PDF download fails since yesterday.",
]

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@contextmanager
def bridge_process(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bridge.service.process", str(T0 + 5 * DAY)],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def test_sigkill_during_creation_leaves_exactly_one_ticket(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    # The first creation is recorded by the tracker but answered only after a long pause: the
    # process is killed while it waits.
    github = FakeGitHub(slow_creates=1, slow_s=30.0)
    db = Database(migrated_url)
    try:
        async with serve(github.app()) as base:
            env = {
                "BANSO_ENV": "test",
                "BRIDGE_DATABASE_URL": migrated_url,
                "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                "BANSO_TOPIC_PREFIX": topic_prefix,
                "BRIDGE_SINK": "github",
                "BRIDGE_GITHUB_API_URL": base,
                "BRIDGE_GITHUB_REPO": "acme/product",
                "BRIDGE_GITHUB_TOKEN": "gh-token",
                "BRIDGE_SINK_TIMEOUT_S": "60",
                "BRIDGE_TICKET_POLL_S": "0.1",
                "BRIDGE_TICKET_LEASE_S": "1",
                "BRIDGE_OUTBOX_POLL_INTERVAL_S": "0.05",
            }
            events = [
                feedback(WS, f"acct-{n % 4}", TEXTS[n % 3], at(1 + n * 0.1)) for n in range(12)
            ]
            with bridge_process(env) as first:
                await publish(kafka_bootstrap, topic_prefix, events)
                await eventually(lambda: _created_in_tracker(github))
                os.killpg(first.pid, signal.SIGKILL)
                await asyncio.to_thread(first.wait)

            # Replayed feedback must not be applied twice either.
            await publish(kafka_bootstrap, topic_prefix, events[:3])
            with bridge_process(env):

                async def recorded() -> bool:
                    async with db.session() as session:
                        tickets = (await session.exec(select(Ticket))).all()
                        return bool(tickets) and all(t.state == "created" for t in tickets)

                await eventually(recorded)
            async with db.session() as session:
                tickets = (await session.exec(select(Ticket))).all()
                items = (await session.exec(select(func.count()).select_from(FeedbackItem))).one()
        # However the stream grouped the items, each theme has one issue in the tracker: the one
        # being created when the process died was found again, not created a second time.
        labels = [issue["labels"][0] for issue in github.issues]
        assert len(labels) == len(set(labels)) == len(tickets)
        by_key = {f"acme/product#{issue['number']}": issue["labels"][0] for issue in github.issues}
        assert {t.external_key: t.theme_key for t in tickets} == by_key
        assert items == len(events)
    finally:
        await db.dispose()


async def _created_in_tracker(github: FakeGitHub) -> bool:
    return github.created() >= 1
