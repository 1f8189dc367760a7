"""Faults during a 50,000-event run: each service SIGKILLed once at a seeded random moment and
restarted, and the (private) broker restarted once, while the simulator keeps sending.

Afterwards nothing acknowledged is missing from its topic, scoring's state equals a clean replay
of the same topics into an empty database, no nudge went out twice and no ticket was duplicated.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from banso_contracts.events import NudgeSent, TicketCreated
from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, NUDGES, TICKETS, USAGE, USER_TRAITS
from banso_ingest.domain.plan import event_id
from banso_sim.platform.api import ServiceApi
from banso_sim.platform.metrics import wait_caught_up
from banso_sim.platform.topics import read_topic
from banso_sim.send.sender import SendOptions, SendReport
from banso_sim.stream.generate import generate
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig
from tests.e2e.cluster import ServiceProcess
from tests.e2e.journey import Journey, send, settle, staged
from tests.faults.broker import private_broker
from tests.support.http import free_port

pytestmark = [pytest.mark.slow, pytest.mark.kafka, pytest.mark.timeout(1500)]

SEED = 13
FAULTS = ("ingest", "scoring", "bridge", "notify", "broker")


def fault_plan(seed: int, total: int) -> list[tuple[str, int]]:
    """Each fault once, in a seeded order, each at a seeded moment (events acknowledged so far)
    inside its own stretch of the run, so one recovery is over before the next fault."""
    rng = random.Random(seed)
    order = list(FAULTS)
    rng.shuffle(order)
    return [
        (name, int(total * (0.06 + 0.16 * index + rng.uniform(0.0, 0.08))))
        for index, name in enumerate(order)
    ]


async def first_of(waiting: Coroutine[Any, Any, Any], task: asyncio.Task[Any]) -> None:
    """Return when `waiting` completes or `task` ends, whichever is first."""
    waiter = asyncio.ensure_future(waiting)
    try:
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def scoring_state(api: ServiceApi) -> dict[str, tuple[Any, ...]]:
    """Every account's applied-event counts (a double-counted or lost event after a SIGKILL
    would show there), its band, and its history's day closes (the score and band at the end
    of each event-time day, revised ones included: a day recorded again after a late record
    reads the traits and touches of that day, so it equals what the replay computes).

    The current score itself is not compared: it is computed as of the service's stream time,
    which while caught up follows the clock, so the live service and the replay compute it
    seconds apart, and an event leaving a 7- or 14-day window in between moves it by a point
    or so. Nor are the other history entries: a record delayed by a restart joins a later
    evaluation slot than in the replay, so published changes can fall at other instants."""
    listed = await api.get("/v1/accounts", limit=500)
    state = {}
    for account in listed["accounts"]:
        account_id = account["account_id"]
        applied = (await api.get(f"/v1/accounts/{account_id}/health"))["applied"]
        days = await api.get(
            f"/v1/accounts/{account_id}/health/history", granularity="day", limit=1000
        )
        closes = tuple(
            (item["day"], item["score"], item["band"])
            for item in days["items"]
            if item["cause"] == "day"
        )
        state[account_id] = (applied["events"], applied["dropped_late"], account["band"], closes)
    return state


def _differences(original: dict[str, tuple[Any, ...]], replayed: dict[str, tuple[Any, ...]]) -> str:
    """Per account that differs: its counts and band, and the days whose close differs."""
    lines = []
    for account_id in sorted(original.keys() | replayed.keys()):
        live, again = original.get(account_id), replayed.get(account_id)
        if live == again:
            continue
        if live is None or again is None:
            lines.append(f"{account_id}: live {live is not None}, replay {again is not None}")
            continue
        live_days = {day: rest for day, *rest in live[3]}
        replay_days = {day: rest for day, *rest in again[3]}
        days = sorted(
            day
            for day in live_days.keys() | replay_days.keys()
            if live_days.get(day) != replay_days.get(day)
        )
        lines.append(
            f"{account_id}: live {live[:3]} replay {again[:3]}; days "
            + ", ".join(f"{d} {live_days.get(d)} vs {replay_days.get(d)}" for d in days)
        )
    return "\n".join(lines)


async def replay_scoring(state: Journey, directory: Path) -> ServiceProcess:
    """A second scoring, empty database, its own consumer group: the same topics from offset 0."""
    port = free_port()
    env = dict(state.cluster.env)
    env.update(
        {
            "SCORING_DATABASE_URL": f"sqlite:///{directory / 'scoring-replay.db'}",
            "SCORING_PORT": str(port),
            "SCORING_GROUP_ID": "scoring-replay",
        }
    )
    replay = ServiceProcess("scoring", port, env, directory / "scoring-replay.log")
    replay.start()
    await replay.wait_ready()
    await wait_caught_up({"scoring": replay.url}, quiet_s=8.0, timeout_s=300.0)
    return replay


async def test_faults_lose_nothing_and_repeat_nothing(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    config = WorldConfig(now=now, seed=SEED, accounts=70, users=840, days=60)
    total = sum(1 for _ in generate(build_world(config)))
    assert total >= 45_000
    plan = fault_plan(SEED, total)
    with private_broker(tmp_path / "kafka") as broker:
        prefix = f"faults.{uuid.uuid4().hex[:8]}."
        async with staged(
            tmp_path / "services",
            broker.bootstrap,
            prefix,
            config,
            scorecard=False,  # the default scorecard, so the replay needs no setup
            extra_env={"SCORING_TICK_SECONDS": "86400"},
        ) as state:
            progress = SendReport()
            moved = asyncio.Event()

            def follow(report: SendReport) -> None:
                progress.acknowledged = report.acknowledged
                moved.set()

            options = SendOptions(
                keep_ids=True, concurrency=4, batch_events=200, max_rate=600.0,
                give_up_after_s=300.0,
            )  # fmt: skip
            sending = asyncio.create_task(send(state, config, options, on_report=follow))
            happened: list[tuple[str, int]] = []
            for name, moment in plan:
                while progress.acknowledged < moment and not sending.done():
                    moved.clear()
                    await first_of(moved.wait(), sending)
                happened.append((name, progress.acknowledged))
                if name == "broker":
                    await asyncio.to_thread(broker.restart)
                else:
                    state.cluster.services[name].kill()
                    await state.cluster.restart(name)
            sent = await sending
            assert [name for name, _ in happened] == [name for name, _ in plan]
            assert all(at < sent.acknowledged for _, at in happened), f"faults: {happened}"
            assert sent.retries, "the faults were felt by the sender"
            await settle(state)
            await check_no_acknowledged_event_missing(state, sent)
            await check_no_ticket_duplicated(state)
            # notify stops sending nudges (which scoring counts as CS touches), so both scorings
            # read the same final topics
            state.cluster.services["notify"].stop()
            await settle(state, "scoring")
            original = await scoring_state(state.api("scoring"))
            replay = await replay_scoring(state, tmp_path / "services")
            try:
                replayed = await scoring_state(
                    ServiceApi("scoring", replay.url, state.tenant.token, state.client)
                )
            finally:
                replay.stop()
            assert len(original) == config.accounts
            assert original == replayed, _differences(original, replayed)
            await check_no_nudge_sent_twice(state)


async def check_no_acknowledged_event_missing(state: Journey, sent: SendReport) -> None:
    missing: dict[str, int] = {}
    for topic in (USAGE, USER_TRAITS, ACCOUNT_TRAITS, FEEDBACK):
        records = await read_topic(state.cluster.bootstrap, state.cluster.topic_prefix, topic)
        found = {record.envelope.id for record in records}
        expected = {event_id(state.tenant.source_id, mid) for mid in sent.ids[topic.name]}
        missing[topic.name] = len(expected - found)
        assert len(expected) == sent.by_topic[topic.name]
    assert missing == dict.fromkeys(missing, 0), f"acknowledged but missing, per topic: {missing}"


async def check_no_ticket_duplicated(state: Journey) -> None:
    labels = Counter(
        label
        for issue in state.jira.issues.values()
        for label in issue.labels
        if label != "customer-feedback"
    )
    assert labels, "the run raised tickets"
    assert max(labels.values()) == 1, f"a theme got two tickets: {labels}"
    records = await read_topic(state.cluster.bootstrap, state.cluster.topic_prefix, TICKETS)
    created: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if isinstance(record.event, TicketCreated):
            created[record.event.theme_id].add(record.event.external_key)
    assert all(len(keys) == 1 for keys in created.values()), created


async def check_no_nudge_sent_twice(state: Journey) -> None:
    """One send per idempotency key, and one e-mail per sent nudge.

    A SIGKILL after the SMTP server accepted a message but before notify recorded it leaves the
    nudge in doubt; notify sends it again on restart as the very same message (same Message-ID,
    Date, recipient and body), which mail systems collapse into one. What must never happen is
    a second, different e-mail for the same nudge, or two nudges for one trigger."""
    records = await read_topic(state.cluster.bootstrap, state.cluster.topic_prefix, NUDGES)
    sends: dict[str, set[str]] = defaultdict(set)
    emailed: set[str] = set()
    for record in records:
        if isinstance(record.event, NudgeSent):
            sends[record.event.idempotency_key].add(record.event.nudge_id)
            if record.event.channel == "email":
                emailed.add(record.event.nudge_id)
    assert sends, "the run sent nudges"
    assert all(len(nudges) == 1 for nudges in sends.values())
    copies: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for mail in state.smtp.mails:
        copies[mail.message_id].add((*mail.rcpt_tos, mail.subject, mail.text, str(mail.message["Date"])))  # fmt: skip
    different = {mid: len(versions) for mid, versions in copies.items() if len(versions) > 1}
    assert not different, f"one Message-ID, different e-mails: {different}"
    assert len(copies) == len(emailed), "one e-mail per nudge sent by e-mail"
