"""CSM alerts (Slack, daily budget, high-touch reroute), signed webhooks, "your issue is fixed"."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import orjson
import pytest

from banso_kit.standard_webhooks import is_verified
from banso_notify.config import NotifySettings
from tests.support.http import HttpSink, serve_http
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import (
    TO_CRM,
    Running,
    account_traits,
    health,
    identified,
    publish,
    put_yaml,
    running_notify,
    ticket_created,
    ticket_resolved,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CSM = {"id": "kei", "email": "kei@vendor.test", "name": "Kei"}
AUDIENCE_DETAIL = "outside the audience once the account's traits arrived"

TIP = """
id: export-tip
name: Tip after an export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
templates:
  tip:
    en: {subject: "A tip", text: "Schedule your report."}
"""


async def open_tip(notify: Running, playbook: str = TIP) -> dict[str, str]:
    """The export tip playbook (or `playbook`), sent at any hour; returns the admin's headers."""
    admin = notify.token()
    await put_yaml(notify, playbook, "export-tip")
    await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
    return admin


async def applied(notify: Running, events: int) -> None:
    runtime = notify.state["runtime"]
    await eventually(lambda: sum(c.applied_total for c in runtime.consumers) >= events)


async def test_red_accounts_reach_the_csm_on_slack_within_budget_biggest_first(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    slack = HttpSink()
    async with (
        serve_http(slack) as base,
        running_notify(settings) as notify,  # 10:00 UTC; reviews at 09:00 and 13:00 (CSM's zone)
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = notify.token()
        policy = {"slack_webhook_url": f"{base}/slack", "csm_daily_budget": 2}
        await notify.client.put("/v1/policy", json=policy, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("small", arr=5_000, csm=CSM),
            account_traits("big", arr=90_000, csm=CSM),
            account_traits("mid", arr=40_000, csm=CSM),
        )
        # The accounts' CSM is known before their health turns (traits and health travel on two
        # topics; an alert about an account whose traits came later names no CSM, which is not
        # this test's business).
        await applied(notify, 3)
        await publish(
            kafka_bootstrap,
            prefix,
            health("small", "red", 30, "yellow", 50),
            health("big", "red", 35, "yellow", 55),
            health("mid", "red", 25, "green", 70),
        )

        async def queued() -> bool:
            listed = await notify.client.get("/v1/nudges?state=csm_queued", headers=admin)
            return len(listed.json()) == 3

        await eventually(queued)
        listed = await notify.client.get("/v1/nudges?state=csm_queued", headers=admin)
        # each alert names its CSM as the account's csm trait tells it
        assert {orjson.dumps(n["recipient"]) for n in listed.json()} == {
            orjson.dumps({"kind": "csm", "id": "kei", "name": "Kei"})
        }
        notify.clock.advance(timedelta(hours=3, minutes=1))  # the 13:00 review
        await notify.tick()
        await eventually(lambda: len(slack.received) == 2)
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 2)

    texts = [orjson.loads(request.body)["text"] for request in slack.received]
    assert sorted(text.split(" turned red")[0] for text in texts) == ["Big", "Mid"]
    assert all("Active users fell 45%" in text for text in texts)
    suppressed = nudges.of("banso.nudge.suppressed.v1")[0]
    assert (suppressed["account_id"], suppressed["reason"]) == ("small", "csm_budget")
    assert {p["recipient"]["kind"] for p in nudges.of("banso.nudge.sent.v1")} == {"csm"}


async def test_high_touch_accounts_get_their_csm_instead_of_an_automated_email(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await open_tip(notify)
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("bigco", arr=500_000, csm=CSM),
            identified("ceo", "bigco"),
        )
        # topics are not ordered with each other: the usage comes once notify knows the account
        await applied(notify, 2)
        await publish(kafka_bootstrap, prefix, used("ceo", "bigco"))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)
        notify.clock.advance(timedelta(hours=3, minutes=1))
        await notify.tick()
        await sink.wait_for(1)
        admin = notify.token()

        async def csm_named(name: str | None) -> bool:
            listed = await notify.client.get("/v1/nudges?account_id=bigco", headers=admin)
            csm = [n["recipient"] for n in listed.json() if n["recipient"]["kind"] == "csm"]
            return csm == [{"kind": "csm", "id": "kei", "name": name}]

        await eventually(lambda: csm_named("Kei"))
        # the account's CSM changes: the alert Kei had keeps Kei's id, and no other's name
        await publish(kafka_bootstrap, prefix, account_traits("bigco", csm="rin@vendor.test"))
        await eventually(lambda: csm_named(None))

    routed = nudges.of("banso.nudge.suppressed.v1")[0]
    assert (routed["reason"], routed["recipient"]["user_id"]) == ("high_touch_routed", "ceo")
    alert = sink.received[0]
    assert alert.rcpt_tos == ["kei@vendor.test"]  # no Slack configured: the CSM's e-mail
    assert "personal touch" in str(alert.message["Subject"])
    assert "List-Unsubscribe" not in alert.message  # an internal alert, not a customer e-mail


FOR_ENTERPRISE = TIP.replace("steps:", "audience: [{field: plan, value: enterprise}]\nsteps:")


@pytest.mark.parametrize(
    ("playbook", "arriving", "reason", "detail"),
    [
        # the CEO of a $500k account must not get the automated e-mail
        (TIP, {"arr": 500_000, "csm": CSM}, "high_touch_routed", None),
        # nor a person outside "plan: enterprise" be judged before the plan is known
        (FOR_ENTERPRISE, {"plan": "pro"}, "audience", AUDIENCE_DETAIL),
    ],
    ids=["high-touch", "audience"],
)
async def test_a_decision_on_the_accounts_traits_waits_for_them(
    settings: NotifySettings,
    smtp: tuple[SmtpSink, int],
    kafka_bootstrap: str,
    playbook: str,
    arriving: dict[str, Any],
    reason: str,
    detail: str | None,
) -> None:
    # group and track travel on different topics: in a workspace that sends its accounts'
    # traits, a new account's first usage can overtake them
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = await open_tip(notify, playbook)
        await publish(kafka_bootstrap, prefix, account_traits("smallco"))  # an earlier customer
        await applied(notify, 1)
        await publish(kafka_bootstrap, prefix, identified("ceo", "newco"), used("ceo", "newco"))

        async def waiting() -> bool:
            held = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return [n["reason"] for n in held.json()] == ["awaiting_account"]

        await eventually(waiting)
        await publish(kafka_bootstrap, prefix, account_traits("newco", **arriving))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)

    decided = nudges.of("banso.nudge.suppressed.v1")[0]
    assert (decided["reason"], decided["detail"]) == (reason, detail)
    assert decided["recipient"]["user_id"] == "ceo"
    assert sink.received == []  # nothing reached the customer
    assert nudges.of("banso.nudge.sent.v1") == []


async def test_resolved_ticket_tells_each_reporter_it_is_fixed(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify:
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=notify.token())
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            identified("ana", "acme"),
            identified("ben", "acme", locale="ja"),
            identified("cy", "acme"),
            ticket_created("t1", "CSV export times out"),
            ticket_resolved("t1", [("ana", "acme"), ("ben", "acme")]),
        )
        await sink.wait_for(2)

    by_rcpt = {r.rcpt_tos[0]: r.message for r in sink.received}
    assert sorted(by_rcpt) == ["ana@customer.test", "ben@customer.test"]
    assert by_rcpt["ana@customer.test"]["Subject"] == "Fixed: CSV export times out"
    assert "修正しました" in str(by_rcpt["ben@customer.test"]["Subject"])


async def test_webhook_channel_posts_the_nudge_signed(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    hook = HttpSink()
    secret = "whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0LTEyMzQ1Ng=="
    old_secret = "whsec_b2xkLXNlY3JldC1zdGlsbC1hY2NlcHRlZC0xMjM0"
    async with serve_http(hook) as base, running_notify(settings) as notify:
        admin = notify.token()
        await put_yaml(notify, TO_CRM, "to-crm")
        policy = {"delivery_hours": {}, "webhook_url": f"{base}/banso"}
        malformed = await notify.client.put(
            "/v1/policy", json={**policy, "webhook_secret": "whsec_not-base64!"}, headers=admin
        )
        # Rotating: the new and the old secret, so receivers on either keep verifying.
        rotating = {**policy, "webhook_secret": f"{secret} {old_secret}"}
        await notify.client.put("/v1/policy", json=rotating, headers=admin)
        as_reader = await notify.client.get("/v1/policy", headers=notify.token(scopes=("read",)))
        as_admin = await notify.client.get("/v1/policy", headers=admin)
        # Ana is known before her event (the template names her; what a nudge does when the
        # event overtakes the identify is not this test's business).
        await publish(kafka_bootstrap, prefix, account_traits("acme"), identified("ana", "acme"))
        await applied(notify, 2)
        await publish(kafka_bootstrap, prefix, used("ana", "acme", event="Trial Extended"))
        await eventually(lambda: len(hook.received) == 1)

    request = hook.received[0]
    body = orjson.loads(request.body)
    assert malformed.status_code == 400
    assert malformed.json() == {
        "error": "invalid_input",
        "detail": "webhook_secret: a whsec_ secret must be base64 after the prefix",
    }
    assert as_reader.json()["webhook_secret"] == "********"  # a read token never sees it
    assert as_reader.json()["webhook_url"] == f"{base}/banso"
    assert as_admin.json()["webhook_secret"] == f"{secret} {old_secret}"
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert is_verified(secret, request.headers, request.body, now=time.time())
    assert is_verified(old_secret, request.headers, request.body, now=time.time())
    assert not is_verified(secret, request.headers, request.body + b" ", now=time.time())
    assert body["message"]["text"] == "Ana extended the trial."
    assert body["recipient"] == {"kind": "user", "id": "ana"}
    assert request.headers["idempotency-key"] == body["idempotency_key"]
