"""Determinism: a consumer SIGKILLed mid-stream and restarted ends exactly where a clean replay
from offset 0 into an empty database ends — same aggregates, scores, history and events —
although the two ran with different round sizes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from banso_contracts.codec import encode
from banso_contracts.events import Event
from banso_contracts.topics import HEALTH, USAGE
from banso_kit.db import Database
from banso_kit.kafka.admin import ensure_topics
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.migrations import upgrade
from banso_scoring.adapters import tables
from banso_scoring.models import KIT
from tests.support.events import traits

from .support import DAY, MIGRATIONS, T0, at, ticket, usage

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[3]
WS = "ws_replay"
ACCOUNTS = 12


def story() -> list[Event]:
    """Ten days of usage for a dozen accounts, with traits, tickets, a quiet account."""
    events: list[Event] = []
    for a in range(ACCOUNTS):
        events.append(traits(WS, f"acct-{a}", at(-30), seats=10 + a, created_at="2025-01-15"))
    for day in range(10):
        for hour in range(0, 24, 3):
            for a in range(ACCOUNTS):
                if a == 0 and day > 4:
                    continue  # acct-0 goes quiet: ticks must bring it down
                users = 2 + (a + day) % 7
                for u in range(users):
                    when = at(day, hour + u * 0.01)
                    events.append(usage(WS, f"acct-{a}", f"u{u}", f"Feature {u % 4}", when, when))
        events.append(ticket(WS, f"acct-{day % ACCOUNTS}", "It keeps crashing", at(day, 13)))
    return events


async def produce(bootstrap: str, prefix: str, events: list[Event]) -> int:
    await ensure_topics(bootstrap, prefix=prefix)
    messages = []
    for index, event in enumerate(events):
        encoded = encode(event, source="banso/test")
        message = OutgoingMessage(
            topic=encoded.topic.physical_name(prefix),
            key=encoded.key,
            value=encoded.value,
            headers=tuple(encoded.headers),
        )
        messages.append(message)
        if index % 97 == 0:
            messages.append(message)  # a producer retry: same event id, a new offset
    messages.append(
        OutgoingMessage(
            topic=USAGE.physical_name(prefix),
            key=b"ws_replay:acct-1",
            value=b"{not json",
            headers=(("ce_type", b"banso.usage.recorded.v1"),),
        )
    )
    async with Producer(bootstrap, client_id="scoring-replay-test") as producer:
        await producer.send_many(messages, timeout_s=120)
    return len(messages)


def environment(
    database_url: str, bootstrap: str, prefix: str, group: str, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "BANSO_ENV": "test",
            "SCORING_DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "BANSO_TOPIC_PREFIX": prefix,
            "SCORING_GROUP_ID": group,
            "SCORING_TICK_SECONDS": str(6 * 3600),
            "SCORING_IDLE_GRACE_S": "0",
            **extra,
        }
    )
    return env


async def applied(database_url: str, group: str) -> int:
    db = Database(database_url)
    try:
        async with db.session() as session:
            offsets = await repository_offsets(session, group)
        return sum(offsets)
    finally:
        await db.dispose()


async def repository_offsets(session: Any, group: str) -> list[int]:
    table = KIT.offsets
    rows = await (await session.connection()).execute(
        select(table.c.next_offset).where(table.c.group_id.endswith(group))
    )
    return [int(row[0]) for row in rows]


async def run_until(
    env: dict[str, str],
    database_url: str,
    group: str,
    total: int,
    *,
    kill_at: int | None = None,
    clock: float = T0 + 11 * DAY,
) -> None:
    command = [sys.executable, "-m", "tests.scoring.service.process", str(clock)]
    process = await asyncio.create_subprocess_exec(*command, cwd=REPO, env=env)
    try:
        target = kill_at if kill_at is not None else total
        for _ in range(1200):
            done = await applied(database_url, group)
            if done >= target:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"only {done} of {target} records applied")
        if kill_at is not None:
            process.send_signal(signal.SIGKILL)
            await process.wait()
            assert process.returncode == -signal.SIGKILL
            assert done < total, "the kill came too late to interrupt anything"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.wait()


async def snapshot(database_url: str) -> dict[str, Any]:
    db = Database(database_url)
    try:
        async with db.session() as session:
            connection = await session.connection()
            accounts = (
                await connection.execute(
                    select(tables.ACCOUNTS).order_by(
                        tables.ACCOUNTS.c.workspace_id, tables.ACCOUNTS.c.account_id
                    )
                )
            ).all()
            days = (
                await connection.execute(
                    select(tables.DAYS).order_by(
                        tables.DAYS.c.workspace_id,
                        tables.DAYS.c.account_id,
                        tables.DAYS.c.day,
                    )
                )
            ).all()
            history_columns = [c for c in tables.HISTORY.c if c.name != "id"]
            history = (
                await connection.execute(
                    select(*history_columns).order_by(
                        tables.HISTORY.c.workspace_id,
                        tables.HISTORY.c.account_id,
                        tables.HISTORY.c.at,
                        tables.HISTORY.c.cause,
                        tables.HISTORY.c.recorded_at,
                    )
                )
            ).all()
            outbox = KIT.outbox
            events = (
                await connection.execute(
                    select(outbox.c.event_id, outbox.c.value)
                    .where(outbox.c.topic.endswith(HEALTH.name))
                    .order_by(outbox.c.event_id)
                )
            ).all()
        return {
            "accounts": [tuple(row) for row in accounts],
            "days": [tuple(row) for row in days],
            "history": [tuple(row) for row in history],
            "events": [tuple(row) for row in events],
        }
    finally:
        await db.dispose()


async def test_sigkill_and_restart_equals_a_clean_replay(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    total = await produce(kafka_bootstrap, topic_prefix, story())
    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    replay_url = f"sqlite:///{tmp_path / 'replay.db'}"
    for url in (killed_url, replay_url):
        await asyncio.to_thread(upgrade, url, MIGRATIONS)

    small_rounds = environment(
        killed_url, kafka_bootstrap, topic_prefix, "scoring-killed", SCORING_MAX_ROUND_RECORDS="150"
    )
    await run_until(small_rounds, killed_url, "scoring-killed", total, kill_at=total // 3)
    await run_until(small_rounds, killed_url, "scoring-killed", total)

    replay = environment(replay_url, kafka_bootstrap, topic_prefix, "scoring-replay")
    await run_until(replay, replay_url, "scoring-replay", total)

    killed, clean = await snapshot(killed_url), await snapshot(replay_url)
    assert len(clean["accounts"]) == ACCOUNTS
    assert clean["history"], "no history was recorded"
    cause = [c.name for c in tables.HISTORY.c if c.name != "id"].index("cause")
    assert any(row[cause] == "tick" for row in clean["history"]), "inactivity never showed"
    assert any(row[cause] == "day" for row in clean["history"]), "no event-time day closed"
    assert killed["accounts"] == clean["accounts"]
    assert clean["days"]
    assert killed["days"] == clean["days"]
    assert killed["history"] == clean["history"]
    assert killed["events"] == clean["events"]


async def test_a_second_replica_joining_mid_stream_hands_over_exactly(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    # Scaling out: a second replica joins the group while the first is working through the
    # stream (small rounds keep it busy). The partitions it takes over continue from the state
    # and offsets the first committed; together they end exactly where one clean replay ends.
    total = await produce(kafka_bootstrap, topic_prefix, story())
    shared_url = f"sqlite:///{tmp_path / 'shared.db'}"
    replay_url = f"sqlite:///{tmp_path / 'replay.db'}"
    for url in (shared_url, replay_url):
        await asyncio.to_thread(upgrade, url, MIGRATIONS)
    assignments = tmp_path / "assignments.txt"
    shared = environment(
        shared_url,
        kafka_bootstrap,
        topic_prefix,
        "scoring-shared",
        SCORING_MAX_ROUND_RECORDS="10",
        TEST_ASSIGNMENTS_FILE=str(assignments),
    )
    command = [sys.executable, "-m", "tests.scoring.service.process", str(T0 + 11 * DAY)]

    def loaded_by() -> set[int]:
        text = assignments.read_text() if assignments.exists() else ""
        return {int(line.split(" ", 1)[0]) for line in text.splitlines()}

    first = await asyncio.create_subprocess_exec(*command, cwd=REPO, env=shared)
    second = None
    try:
        for _ in range(1200):
            if await applied(shared_url, "scoring-shared") > 0:
                break
            await asyncio.sleep(0.05)
        second = await asyncio.create_subprocess_exec(*command, cwd=REPO, env=shared)
        for _ in range(1200):
            if second.pid in loaded_by():
                break
            await asyncio.sleep(0.05)
        handed_over_at = await applied(shared_url, "scoring-shared")
        for _ in range(2400):
            if await applied(shared_url, "scoring-shared") >= total:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the two replicas did not apply every record")
        assert first.returncode is None
        assert second.returncode is None
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await process.wait()

    replay = environment(replay_url, kafka_bootstrap, topic_prefix, "scoring-replay")
    await run_until(replay, replay_url, "scoring-replay", total)

    assert loaded_by() == {first.pid, second.pid}
    assert handed_over_at < total, "the second replica joined after the work was done"
    together, clean = await snapshot(shared_url), await snapshot(replay_url)
    assert len(clean["accounts"]) == ACCOUNTS
    assert together["accounts"] == clean["accounts"]
    assert together["days"] == clean["days"]
    assert together["history"] == clean["history"]
    assert together["events"] == clean["events"]
