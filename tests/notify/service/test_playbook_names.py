"""A playbook's name and description through the real API: `name` as before for existing
clients, `names` and `descriptions` in every supported language, and the name a message quotes
in that message's language."""

from __future__ import annotations

import pytest

from banso_notify.config import NotifySettings

from .support import running_notify

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

YAML = {"content-type": "application/yaml"}
BOTH = """
id: handover
name:
  en: Welcome after a hand-over
  ja: 引き継ぎ後のご挨拶
description:
  en: Greets a person whose account changed hands.
  ja: 担当が替わったアカウントの方にご挨拶します。
trigger: {type: usage_event, event: Handover Requested}
steps:
  - send: {channel: email, template: welcome}
templates:
  welcome:
    en: {subject: "{{ playbook.name }}", text: "Your team is ready."}
    ja: {subject: "{{ playbook.name }}", text: "チームの準備ができました。"}
"""
ONE_STRING = """
id: tip
name: Astuce après un export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
templates:
  tip:
    en: {subject: "A tip", text: "Try the scheduler."}
"""


async def test_names_and_descriptions_come_back_in_japanese_and_english(
    settings: NotifySettings,
) -> None:
    async with running_notify(settings) as notify:
        admin = notify.token()
        both = await notify.client.put(
            "/v1/playbooks/handover", content=BOTH, headers={**admin, **YAML}
        )
        one = await notify.client.put(
            "/v1/playbooks/tip", content=ONE_STRING, headers={**admin, **YAML}
        )
        refused = await notify.client.put(
            "/v1/playbooks/handover",
            content=BOTH.replace("  ja: 引き継ぎ後のご挨拶", "  fr: Bienvenue"),
            headers={**admin, **YAML},
        )
        listed = await notify.client.get("/v1/playbooks", headers=notify.token(scopes=["read"]))
        preview = await notify.client.post(
            "/v1/playbooks/handover/preview", json={}, headers=notify.token(scopes=["read"])
        )

    assert both.status_code == 201, both.text
    assert both.json()["name"] == "Welcome after a hand-over"
    assert both.json()["names"] == {"en": "Welcome after a hand-over", "ja": "引き継ぎ後のご挨拶"}
    assert both.json()["descriptions"] == {
        "en": "Greets a person whose account changed hands.",
        "ja": "担当が替わったアカウントの方にご挨拶します。",
    }
    assert one.json()["name"] == "Astuce après un export"
    assert one.json()["names"] == {"en": "Astuce après un export", "ja": "Astuce après un export"}
    assert one.json()["descriptions"] == {"en": "", "ja": ""}
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json()["detail"]["errors"]] == [
        ("name.fr", "unsupported_locale")
    ]
    by_id = {item["id"]: item for item in listed.json()}
    assert by_id["handover"]["names"]["ja"] == "引き継ぎ後のご挨拶"
    assert by_id["re-engagement-14d"]["names"] == {
        "en": "Re-engagement after 14 quiet days",
        "ja": "14日間利用のないユーザーへの再訪のお誘い",
    }
    assert by_id["re-engagement-14d"]["name"] == "Re-engagement after 14 quiet days"
    assert preview.status_code == 200, preview.text
    subjects = {render["locale"]: render["subject"] for render in preview.json()["renders"]}
    assert subjects == {"ja": "引き継ぎ後のご挨拶", "en": "Welcome after a hand-over"}
