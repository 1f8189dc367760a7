"""A usage event in Kafka becomes an e-mail at a real SMTP server, once, with a working unsubscribe."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from banso_notify.config import NotifySettings
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import account_traits, identified, publish, running_notify, used, watch_nudges

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

EXPORT_TIP = """
id: export-tip
name: Tip after the first export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
goal: {event: Report Scheduled, within: 7d}
templates:
  tip:
    en:
      subject: "{{ user.name }}, schedule that report"
      text: "Hi {{ user.name }}, {{ product.name }} can send it every Monday."
      html: "<p>Hi {{ user.name }}, {{ product.name }} can send it every Monday.</p>"
    ja:
      subject: "レポートを定期配信しませんか"
      text: "{{ user.name }} 様、毎週月曜に自動で届けられます。"
"""


async def test_usage_event_to_email_to_unsubscribe(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify, watch_nudges(kafka_bootstrap, prefix) as nudges:
        admin = notify.token()
        put = await notify.client.put(
            "/v1/playbooks/export-tip",
            content=EXPORT_TIP,
            headers={**admin, "content-type": "application/yaml"},
        )
        assert put.status_code == 201, put.text
        policy = {"product_name": "Acme App", "delivery_hours": {}}
        assert (
            await notify.client.put("/v1/policy", json=policy, headers=admin)
        ).status_code == 200

        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            account_traits("globex"),
            identified("hanako", "acme", locale="ja-JP"),
            identified("taro", "globex"),
        )
        # Topics are not ordered with each other: let notify learn the people's addresses and
        # accounts before their usage arrives (else the e-mails wait for them, up to a minute).
        runtime = notify.state["runtime"]
        await eventually(lambda: sum(c.applied_total for c in runtime.consumers) >= 4)
        first = await publish(kafka_bootstrap, prefix, used("hanako", "acme"))
        await publish(kafka_bootstrap, prefix, used("taro", "globex"))
        await sink.wait_for(2)
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 2)

        by_rcpt = {received.rcpt_tos[0]: received for received in sink.received}
        japanese = by_rcpt["hanako@customer.test"].message
        assert japanese["Subject"] == "レポートを定期配信しませんか"
        body = japanese.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        assert "Hanako 様" in text
        assert "配信停止" in text  # the footer, in Japanese
        sent = next(p for p in nudges.of("banso.nudge.sent.v1") if p["account_id"] == "acme")
        assert sent["trigger_event_id"] == first[0]
        assert sent["recipient"] == {
            "kind": "user",
            "user_id": "hanako",
            "address": "hanako@customer.test",
        }

        # the link in the e-mail works: the page asks, the POST unsubscribes
        link = japanese["List-Unsubscribe"].strip("<>")
        path = urlsplit(link)
        page = await notify.client.get(f"{path.path}?{path.query}")
        assert page.status_code == 200
        assert "配信停止" in page.text
        done = await notify.client.post(f"{path.path}?{path.query}")
        assert done.status_code == 200

        # an unsubscribed person gets nothing more, on any channel; it is reported
        await publish(kafka_bootstrap, prefix, used("hanako", "acme"))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)
        assert nudges.of("banso.nudge.suppressed.v1")[0]["reason"] == "unsubscribed"
        assert len(sink.received) == 2

        report = await notify.client.get("/v1/playbooks/export-tip/report", headers=admin)
        assert report.status_code == 200
        assert report.json()["sent"] == 2
        assert report.json()["suppressed"] == {"unsubscribed": 1}


async def test_a_forged_unsubscribe_link_is_refused(settings: NotifySettings) -> None:
    async with running_notify(settings) as notify:
        answer = await notify.client.post("/v1/unsubscribe?token=forged.token.value")

    assert answer.status_code == 403
