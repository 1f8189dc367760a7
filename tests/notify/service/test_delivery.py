"""Delivery under trouble: SMTP down means retries, then dead letters, and nothing is lost."""

from __future__ import annotations

import asyncio

import pytest

from banso_notify.config import NotifySettings
from tests.support.http import free_port
from tests.support.smtp import SmtpSink, start_sink
from tests.support.waiting import eventually

from .support import (
    account_traits,
    identified,
    publish,
    running_notify,
    settings_for,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

NUDGE = """
id: export-tip
name: Tip after an export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
caps:
  account_same_playbook_daily: null
templates:
  tip:
    en: {subject: "A tip", text: "Schedule your report."}
"""


async def test_smtp_down_retries_then_dead_letters_then_redrives_without_loss(
    database_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    port = free_port()  # nothing listens there: the SMTP server is down
    settings = await asyncio.to_thread(
        settings_for, database_url, kafka_bootstrap, topic_prefix, port
    )
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, topic_prefix) as nudges,
    ):
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/export-tip",
            content=NUDGE,
            headers={**admin, "content-type": "application/yaml"},
        )
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            topic_prefix,
            account_traits("acme"),
            identified("hanako", "acme"),
            identified("taro", "acme"),
            used("hanako", "acme"),
            used("taro", "acme"),
        )
        await eventually(
            lambda: len([p for p in nudges.of("banso.nudge.failed.v1") if p["dead_lettered"]]) == 2
        )
        failures = nudges.of("banso.nudge.failed.v1")
        dead = await notify.client.get("/v1/nudges?state=dead", headers=admin)

        sink = SmtpSink()
        server, _ = await start_sink(sink, port=port)  # the SMTP server is back
        try:
            redriven = await notify.client.post("/v1/nudges/retry-dead", headers=admin)
            await sink.wait_for(2)
            await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 2)
        finally:
            server.close()
            await server.wait_closed()
        report = await notify.client.get("/v1/playbooks/export-tip/report", headers=admin)
        every = await notify.client.get("/v1/reports/playbooks", headers=admin)

    # three attempts each (max_attempts=3): two retried failures, then the dead letter
    assert sorted((p["recipient"]["user_id"], p["attempts"]) for p in failures) == [
        ("hanako", 1),
        ("hanako", 2),
        ("hanako", 3),
        ("taro", 1),
        ("taro", 2),
        ("taro", 3),
    ]
    assert all(p["dead_lettered"] == (p["attempts"] == 3) for p in failures)
    assert {n["recipient"]["id"] for n in dead.json()} == {"hanako", "taro"}
    assert all("SMTP" in n["last_error"] for n in dead.json())
    assert redriven.json() == {"requeued": 2}
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [
        "hanako@customer.test",
        "taro@customer.test",
    ]
    assert (report.json()["sent"], report.json()["failed"]) == (2, 0)
    # The console's playbook list reads every report in one call: the same figures.
    assert next(r for r in every.json() if r["playbook_id"] == "export-tip") == report.json()


async def test_a_permanent_refusal_dead_letters_at_once_and_suppresses_the_address(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    sink.reply = "550 5.1.1 mailbox unavailable"
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify, watch_nudges(kafka_bootstrap, prefix) as nudges:
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/export-tip",
            content=NUDGE,
            headers={**admin, "content-type": "application/yaml"},
        )
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            identified("hanako", "acme"),
            used("hanako", "acme"),
        )
        await eventually(lambda: len(nudges.of("banso.nudge.failed.v1")) == 1)
        listed = await notify.client.get("/v1/suppressions", headers=admin)

    failure = nudges.of("banso.nudge.failed.v1")[0]
    assert (failure["attempts"], failure["dead_lettered"]) == (1, True)
    assert listed.json() == [
        {"subject": "email:hanako@customer.test", "unsubscribed": False, "reason": "hard_bounce"}
    ]


async def test_usage_that_overtakes_the_persons_identify_waits_for_the_address(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    # Segment SDKs send identify and track together, but they travel on different topics: the
    # first event may be decided before the address is known. It waits instead of being dropped.
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify, watch_nudges(kafka_bootstrap, prefix) as nudges:
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/export-tip",
            content=NUDGE,
            headers={**admin, "content-type": "application/yaml"},
        )
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(kafka_bootstrap, prefix, account_traits("acme"), used("hanako", "acme"))

        async def waiting() -> bool:
            held = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return [n["reason"] for n in held.json()] == ["awaiting_address"]

        await eventually(waiting)
        await publish(kafka_bootstrap, prefix, identified("hanako", "acme"))
        await sink.wait_for(1)
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 1)

    assert [r.rcpt_tos[0] for r in sink.received] == ["hanako@customer.test"]
    assert nudges.of("banso.nudge.suppressed.v1") == []


async def test_a_person_who_never_gets_an_address_is_suppressed_after_the_wait(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify, watch_nudges(kafka_bootstrap, prefix) as nudges:
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/export-tip",
            content=NUDGE,
            headers={**admin, "content-type": "application/yaml"},
        )
        policy = {"delivery_hours": {}, "address_wait_s": 1}
        await notify.client.put("/v1/policy", json=policy, headers=admin)
        await publish(kafka_bootstrap, prefix, account_traits("acme"), used("nobody", "acme"))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)

    (suppressed,) = nudges.of("banso.nudge.suppressed.v1")
    assert suppressed["reason"] == "no_address"
    assert sink.received == []


async def test_five_people_at_one_account_get_one_nudge_a_day(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    per_account = NUDGE.replace("caps:\n  account_same_playbook_daily: null\n", "")
    people = ["u1", "u2", "u3", "u4", "u5"]
    async with running_notify(settings) as notify, watch_nudges(kafka_bootstrap, prefix) as nudges:
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/export-tip",
            content=per_account,
            headers={**admin, "content-type": "application/yaml"},
        )
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            *[identified(person, "acme") for person in people],
        )
        await publish(kafka_bootstrap, prefix, *[used(person, "acme") for person in people])
        await eventually(
            lambda: (
                len(nudges.of("banso.nudge.sent.v1")) + len(nudges.of("banso.nudge.suppressed.v1"))
                == 5
            )
        )

    assert len(sink.received) == 1
    assert len(nudges.of("banso.nudge.sent.v1")) == 1
    assert {(p["reason"], p["detail"]) for p in nudges.of("banso.nudge.suppressed.v1")} == {
        ("cap_account", "account_same_playbook_daily")
    }
