"""Trying playbooks before they go out: unknown template variables refused at save, previews for
a real or sample person in ja and en, test sends that are marked and never count as nudges."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest

from banso_kit.standard_webhooks import is_verified
from banso_notify.config import NotifySettings
from tests.support.http import HttpSink, serve_http
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import (
    Running,
    account_traits,
    identified,
    publish,
    running_notify,
    used,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

YAML = {"content-type": "application/yaml"}
TIP = """
id: export-tip
name: Tip after an export
enabled: false
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
  - wait: 1d
  - send: {channel: inapp, template: followup}
templates:
  tip:
    en: {subject: "Hi {{ user.first_name or user.name }}, a tip for {{ account.name }}",
         text: "Schedule your report in {{ product.name }}."}
    ja: {subject: "{{ user.last_name or user.name }} 様、{{ account.name }} 向けのヒント",
         text: "{{ product.name }} でレポートを定期送信できます。"}
  followup:
    en: {subject: "Did it work?", text: "Tell us, {{ user.name }}."}
"""


async def _put(notify: Running, source: str) -> Any:
    headers = {**notify.token(), **YAML}
    return await notify.client.put("/v1/playbooks/export-tip", content=source, headers=headers)


async def test_a_misspelt_variable_is_refused_at_save_naming_it_the_step_and_locale(
    settings: NotifySettings,
) -> None:
    async with running_notify(settings) as notify:
        misspelt = await _put(
            notify, TIP.replace("{{ account.name }} 向け", "{{ acount.name }} 向け")
        )
        wrong_field = await _put(notify, TIP.replace("Tell us, {{ user.name }}", "{{ user.nmae }}"))
        missing = await notify.client.get("/v1/playbooks/export-tip", headers=notify.token())
        saved = await _put(notify, TIP)

    assert misspelt.status_code == 422
    [error] = misspelt.json()["detail"]["errors"]
    assert error["field"] == "templates.tip.ja.subject"
    assert (error["variable"], error["template"], error["locale"]) == ("acount", "tip", "ja")
    assert error["steps"] == [0]
    assert "did you mean 'account'?" in error["message"]
    [error] = wrong_field.json()["detail"]["errors"]
    assert (error["variable"], error["locale"], error["steps"]) == ("user.nmae", "en", [2])
    assert "did you mean 'user.name'?" in error["message"]
    assert missing.status_code == 404  # nothing was saved
    assert saved.status_code == 201


async def _directory_knows_ana(notify: Running, kafka_bootstrap: str, prefix: str) -> None:
    await publish(
        kafka_bootstrap,
        prefix,
        account_traits("acme", name="Acme Corp"),
        identified("ana", "acme", name="Ana Silva", first_name="Ana", last_name="Silva"),
    )

    async def known() -> bool:
        answer = await notify.client.post(
            "/v1/playbooks/export-tip/preview", json={"user_id": "ana"}, headers=notify.token()
        )
        return answer.status_code == 200 and answer.json()["person"]["account_id"] == "acme"

    await eventually(known)


async def test_preview_renders_a_step_for_a_person_or_a_sample_in_ja_and_en(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    async with running_notify(settings) as notify:
        reader = notify.token(scopes=("read",))
        assert (await _put(notify, TIP)).status_code == 201
        await _directory_knows_ana(notify, kafka_bootstrap, settings.topic_prefix)
        url = "/v1/playbooks/export-tip/preview"
        ana = await notify.client.post(url, json={"user_id": "ana"}, headers=reader)
        sample = await notify.client.post(url, json={}, headers=reader)
        by_name = await notify.client.post(url, json={"step": "followup"}, headers=reader)
        by_index = await notify.client.post(
            url, json={"step": 2, "locales": ["ja"]}, headers=reader
        )
        wait_step = await notify.client.post(url, json={"step": 1}, headers=reader)
        no_step = await notify.client.post(url, json={"step": 7}, headers=reader)
        nobody = await notify.client.post(url, json={"user_id": "zoe"}, headers=reader)
        broken_source = TIP.replace("id: export-tip", "id: broken").replace(
            "Tell us, {{ user.name }}.", "{{ account.arr / 0 }}"
        )
        await notify.client.put(
            "/v1/playbooks/broken", content=broken_source, headers={**notify.token(), **YAML}
        )
        broken = await notify.client.post(
            "/v1/playbooks/broken/preview", json={"step": "followup"}, headers=reader
        )
        broken_test = await notify.client.post(
            "/v1/playbooks/broken/test-send",
            json={"step": "followup", "locale": "en", "to": {"email": "qa@acme.test"}},
            headers=notify.token(scopes=("write",)),
        )
        no_template = await notify.client.post(url, json={"step": "nope"}, headers=reader)
        no_playbook = await notify.client.post(
            "/v1/playbooks/nope/preview", json={}, headers=reader
        )

    assert ana.status_code == 200, ana.text
    body = ana.json()
    assert (body["step"], body["channel"], body["template"]) == (0, "email", "tip")
    assert body["person"] == {
        "sample": False,
        "kind": "customer",
        "id": "ana",
        "account_id": "acme",
        "name": "Ana Silva",
        "email": "ana@customer.test",
    }
    ja, en = body["renders"]
    assert (ja["locale"], ja["template_locale"]) == ("ja", "ja")
    assert ja["subject"] == "Silva 様、Acme Corp 向けのヒント"
    assert "配信停止" in ja["text"]  # the customer e-mail's unsubscribe footer, in Japanese
    assert en["subject"] == "Hi Ana, a tip for Acme Corp"
    assert "Unsubscribe: http://notify.test/v1/unsubscribe?token=test" in en["text"]

    ja, en = sample.json()["renders"]
    assert sample.json()["person"]["sample"] is True
    assert ja["subject"] == "山田 様、サンプル株式会社 向けのヒント"
    assert en["subject"] == "Hi Alex, a tip for Sample Co."

    assert (by_name.json()["step"], by_name.json()["channel"]) == (2, "inapp")
    [only] = by_index.json()["renders"]
    # the follow-up has no Japanese text: its default locale stands in, and says so
    assert (only["locale"], only["template_locale"], only["text"]) == (
        "ja",
        "en",
        "Tell us, 山田 花子.",
    )
    # A step that is not a send step is named by a code and its values (the console words
    # them in its reader's language), beside the English message.
    sends = "steps.0, steps.2"
    assert wait_step.status_code == 400
    assert "steps.1 is a wait step" in wait_step.json()["detail"]["message"]
    assert _coded(wait_step.json()) == [("step", "wait_step", {"step": 1, "send_steps": sends})]
    assert no_step.status_code == 400
    assert "steps.7 does not exist" in no_step.json()["detail"]["message"]
    assert _coded(no_step.json()) == [
        ("step", "step_out_of_range", {"step": 7, "steps": 3, "send_steps": sends})
    ]
    assert no_template.status_code == 400
    assert _coded(no_template.json()) == [
        ("step", "no_step_with_template", {"template": "nope", "send_steps": sends})
    ]
    assert nobody.status_code == 404
    assert "no user 'zoe'" in nobody.json()["detail"]
    assert no_playbook.status_code == 404
    # A template that does not render: refused by the preview and the test send alike.
    assert broken.status_code == 422
    assert broken.json()["detail"]["message"] == (
        "template 'followup' (ja) does not render for this person: "
        "ZeroDivisionError: division by zero"
    )
    failed = {"template": "followup", "error": "ZeroDivisionError", "reason": "division by zero"}
    assert _coded(broken.json()) == [
        ("templates.followup.ja", "template_failed", {**failed, "locale": "ja"})
    ]
    assert broken_test.status_code == 422
    assert _coded(broken_test.json()) == [
        ("templates.followup.en", "template_failed", {**failed, "locale": "en"})
    ]


def _coded(body: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """A refusal's problems as (field, code, params)."""
    return [(e["field"], e["code"], e["params"]) for e in body["detail"]["errors"]]


async def test_test_sends_are_marked_and_never_count_as_nudges(
    settings: NotifySettings, kafka_bootstrap: str, smtp: tuple[SmtpSink, int]
) -> None:
    sink, _ = smtp
    hook = HttpSink()
    secret = "whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0LTEyMzQ1Ng=="
    async with serve_http(hook) as base, running_notify(settings) as notify:
        writer, reader = notify.token(scopes=("write",)), notify.token(scopes=("read",))
        assert (await _put(notify, TIP)).status_code == 201
        await notify.client.put(
            "/v1/policy",
            json={"delivery_hours": {}, "webhook_secret": secret},
            headers=notify.token(),
        )
        await _directory_knows_ana(notify, kafka_bootstrap, settings.topic_prefix)
        url = "/v1/playbooks/export-tip/test-send"
        mailed = await notify.client.post(
            url,
            json={"user_id": "ana", "locale": "ja", "to": {"email": "qa@acme.test"}},
            headers=writer,
        )
        slacked = await notify.client.post(
            url, json={"to": {"slack_webhook_url": f"{base}/slack"}}, headers=writer
        )
        hooked = await notify.client.post(
            url, json={"to": {"webhook_url": f"{base}/hook"}}, headers=writer
        )
        refused = await notify.client.post(
            url, json={"to": {"email": "qa@acme.test"}}, headers=reader
        )
        two_targets = await notify.client.post(
            url,
            json={"to": {"email": "qa@acme.test", "webhook_url": f"{base}/hook"}},
            headers=writer,
        )
        sink.reply = "554 5.7.1 rejected"
        undelivered = await notify.client.post(
            url, json={"to": {"email": "qa@acme.test"}}, headers=writer
        )
        sink.reply = None
        tested = await notify.client.get("/v1/nudges?playbook_id=export-tip", headers=reader)

        # The playbook goes live: the real nudge still goes out, the test sends used none of its
        # caps (by default one per person and week for a playbook).
        live = TIP.replace("enabled: false", "enabled: true")
        assert (await _put(notify, live)).status_code == 201  # a new version
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=notify.token())
        await publish(kafka_bootstrap, settings.topic_prefix, used("ana", "acme"))
        await eventually(lambda: any(r.rcpt_tos == ["ana@customer.test"] for r in sink.received))

        async def sent() -> bool:
            found = await notify.client.get("/v1/nudges?playbook_id=export-tip", headers=reader)
            emails = [n for n in found.json() if n["channel"] == "email"]
            return [(n["recipient"], n["state"]) for n in emails] == [
                ({"kind": "user", "id": "ana", "name": "Ana Silva"}, "sent")
            ]

        await eventually(sent)

    assert mailed.status_code == 200, mailed.text
    assert mailed.json()["test"] is True
    assert mailed.json()["subject"] == "[テスト] Silva 様、Acme Corp 向けのヒント"
    test_mail = sink.received[0].message
    assert sink.received[0].rcpt_tos == ["qa@acme.test"]
    assert test_mail["Subject"] == "[テスト] Silva 様、Acme Corp 向けのヒント"
    assert test_mail["X-Banso-Test"] == "true"
    assert "token=test" in test_mail["List-Unsubscribe"]  # an inert link: unsubscribes nobody

    assert slacked.status_code == 200, slacked.text
    slack = orjson.loads(next(r for r in hook.received if r.path == "/slack").body)
    assert slack["text"].startswith("[TEST] Hi Alex, a tip for Sample Co.")
    webhook = next(r for r in hook.received if r.path == "/hook")
    payload = orjson.loads(webhook.body)
    assert (payload["type"], payload["test"]) == ("banso.nudge.test", True)
    assert webhook.headers["banso-test"] == "true"
    assert is_verified(secret, webhook.headers, webhook.body, now=time.time())
    assert hooked.json()["channel"] == "webhook"

    assert refused.status_code == 403
    assert two_targets.status_code == 422
    assert undelivered.status_code == 502
    assert undelivered.json()["error"] == "delivery_failed"
    assert tested.json() == []  # test sends are not nudges
