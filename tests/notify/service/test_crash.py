"""SIGKILL at any moment of a send: the nudge is delivered, and delivered once.

The one window no SMTP client can close — the server has accepted the message, the process dies
before its commit — is tested too: the resend carries the same Message-ID, so the receiver sees one
message (see ``banso_notify.service.dispatcher`` for the reasoning).
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest

from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .process import NotifyProcess
from .support import account_traits, identified, publish, used, watch_nudges

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

NUDGE = """
id: export-tip
name: Tip after an export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
caps:
  account_same_playbook_daily: null
  user_daily: null
  user_email_daily: null
  user_weekly: null
  user_same_playbook_weekly: null
  account_daily: null
templates:
  tip:
    en: {subject: "A tip", text: "Schedule your report."}
"""


@pytest.fixture
async def service(
    database_url: str, kafka_bootstrap: str, topic_prefix: str, smtp: tuple[SmtpSink, int]
) -> AsyncIterator[NotifyProcess]:
    process = NotifyProcess(database_url, kafka_bootstrap, topic_prefix, smtp[1])
    try:
        yield process
    finally:
        await process.kill()


async def _configure(service: NotifyProcess) -> None:
    async with httpx.AsyncClient(base_url=service.base_url, headers=service.headers()) as client:
        put = await client.put(
            "/v1/playbooks/export-tip",
            content=NUDGE,
            headers={"content-type": "application/yaml"},
        )
        assert put.status_code in (200, 201), put.text
        policy = await client.put("/v1/policy", json={"delivery_hours": {}})
        assert policy.status_code == 200


@pytest.mark.parametrize("fault_point", ["after_claim", "after_accept"])
async def test_sigkill_mid_send_delivers_exactly_once(
    service: NotifyProcess, smtp: tuple[SmtpSink, int], kafka_bootstrap: str, fault_point: str
) -> None:
    sink, _ = smtp
    await service.start()
    await _configure(service)
    await service.stop()
    await service.start(fault_point=fault_point)
    async with watch_nudges(kafka_bootstrap, service.prefix) as nudges:
        await publish(
            kafka_bootstrap,
            service.prefix,
            account_traits("acme"),
            identified("hanako", "acme"),
            used("hanako", "acme"),
        )
        assert await service.wait_killed() == -signal.SIGKILL
        delivered_before_restart = len(sink.received)
        await service.start()
        await eventually(lambda: len({m.message_id for m in sink.received}) == 1)
        await eventually(
            lambda: len({p["nudge_id"] for p in nudges.of("banso.nudge.sent.v1")}) == 1
        )
        await asyncio.sleep(1.0)  # room for a wrong second send to show up

    message_ids = {received.message_id for received in sink.received}
    assert len(message_ids) == 1
    if fault_point == "after_claim":
        # died before talking to the server: nothing went out until the restart, then once
        assert delivered_before_restart == 0
        assert len(sink.received) == 1
    else:
        # died after the server accepted it, before the commit: the resend is the same message
        assert delivered_before_restart == 1
        assert len(sink.received) == 2
        first, second = (received.message for received in sink.received)
        for header in ("Message-ID", "Date", "Subject", "To", "From"):
            assert first[header] == second[header]
        assert first.get_content() == second.get_content()


async def test_repeated_random_sigkills_lose_nothing_and_duplicate_nothing(
    service: NotifyProcess, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    people = [f"user-{n}" for n in range(60)]
    await service.start()
    await _configure(service)
    await publish(
        kafka_bootstrap,
        service.prefix,
        account_traits("acme"),
        *[identified(person, "acme") for person in people],
    )
    rng = random.Random(6)
    kills = 0
    async with watch_nudges(kafka_bootstrap, service.prefix) as nudges:
        for chunk in range(3):
            batch = people[chunk * 20 : (chunk + 1) * 20]
            await publish(kafka_bootstrap, service.prefix, *[used(p, "acme") for p in batch])
            await asyncio.sleep(rng.uniform(0.05, 0.6))
            await service.kill()
            kills += 1
            await service.start()
        await eventually(lambda: len({m.message_id for m in sink.received}) == 60, within_s=90)
        await eventually(
            lambda: len({p["nudge_id"] for p in nudges.of("banso.nudge.sent.v1")}) == 60
        )
        async with httpx.AsyncClient(base_url=service.base_url, headers=service.headers()) as c:
            report = (await c.get("/v1/playbooks/export-tip/report")).json()
            listed = (
                await c.get(f"/v1/nudges?playbook_id={quote('export-tip')}&limit=1000")
            ).json()

    by_rcpt: dict[str, set[str]] = {}
    for received in sink.received:
        by_rcpt.setdefault(received.rcpt_tos[0], set()).add(received.message_id)
    assert sorted(by_rcpt) == sorted(f"{p}@customer.test" for p in people)
    # one message per person: a copy can only come from a kill inside the window between the
    # server's acceptance and our commit, and it is the same message (same Message-ID)
    assert all(len(ids) == 1 for ids in by_rcpt.values())
    assert report["sent"] == 60
    assert len(listed) == 60
