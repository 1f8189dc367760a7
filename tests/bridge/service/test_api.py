"""The themes and tickets API: scopes, rename and mute, manual merge, Jira, Linear and generic
webhook resolutions."""

from __future__ import annotations

import base64
import hashlib
import hmac

import orjson
import pytest

from banso_contracts.events import Event
from banso_kit.standard_webhooks import signed_headers
from tests.bridge.adapters.trackers import FakeJira, FakeLinear, FakeWebhookReceiver
from tests.support.clocks import FixedClock
from tests.support.http import serve
from tests.support.waiting import eventually

from .support import (
    DAY,
    LOGIN,
    T0,
    at,
    feedback,
    invoice_and_login,
    invoice_and_login_feedback,
    publish,
    running_bridge,
    settings_for,
    themes_of,
    ticket_topic,
)

WS = "acme"
JIRA_SECRET = "jira-webhook-secret-0123456789abcdef"
LINEAR_SECRET = "linear-webhook-secret-0123456789abcd"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _events() -> list[Event]:
    return list(invoice_and_login_feedback(WS))


async def test_rename_mute_and_merge_keep_ids_stable(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, _events())

        invoice, login = await invoice_and_login(bridge, WS)
        reader = bridge.headers(WS, ("read",))
        writer = bridge.headers(WS, ("write",))

        refused = await bridge.client.patch(
            f"/v1/themes/{invoice['theme_id']}", json={"title": "x"}, headers=reader
        )
        assert refused.status_code == 403
        renamed = await bridge.client.patch(
            f"/v1/themes/{invoice['theme_id']}",
            json={"title": "Invoice PDF export broken"},
            headers=writer,
        )
        assert renamed.status_code == 200
        assert renamed.json()["title"] == "Invoice PDF export broken"
        assert renamed.json()["generated_title"] == invoice["title"]

        muted = await bridge.client.patch(
            f"/v1/themes/{login['theme_id']}", json={"muted": True}, headers=writer
        )
        assert muted.json()["muted"] is True
        listed = [t["theme_id"] for t in await themes_of(bridge, WS)]
        assert listed == [invoice["theme_id"]]
        with_muted = (await bridge.get(WS, "/v1/themes", include_muted="true"))["themes"]
        assert {t["theme_id"] for t in with_muted} == {invoice["theme_id"], login["theme_id"]}

        missing = await bridge.client.post(
            "/v1/themes/9999/merge", json={"into": invoice["theme_id"]}, headers=writer
        )
        assert missing.status_code == 404
        itself = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/merge",
            json={"into": login["theme_id"]},
            headers=writer,
        )
        assert itself.status_code == 400
        merged = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/merge",
            json={"into": invoice["theme_id"]},
            headers=writer,
        )
        assert merged.status_code == 200, merged.text
        assert merged.json()["theme_id"] == invoice["theme_id"]
        assert merged.json()["item_count"] == 24
        old = await bridge.get(WS, f"/v1/themes/{login['theme_id']}")
        assert old["status"] == "merged"
        assert old["merged_into"] == invoice["theme_id"]
        again = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/merge",
            json={"into": invoice["theme_id"]},
            headers=writer,
        )
        assert again.status_code == 409

        # New items about the merged problem land in the survivor, whose id people already know.
        await publish(kafka_bootstrap, topic_prefix, [feedback(WS, "acct-9", LOGIN[0], at(2))])

        async def landed() -> bool:
            survivor = await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}")
            return int(survivor["item_count"]) == 25

        await eventually(landed)

    published = await ticket_topic(kafka_bootstrap, topic_prefix)
    updates = [p for kind, p in published if kind == "banso.theme.updated.v1"]
    assert any(p["theme_id"] == str(login["theme_id"]) and p["status"] == "merged" for p in updates)
    assert any(p["title"] == "Invoice PDF export broken" for p in updates)


async def test_a_merge_records_its_reason_and_a_product_manager_can_undo_it(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, _events())

        invoice, login = await invoice_and_login(bridge, WS)
        writer = bridge.headers(WS, ("write",))
        reader = bridge.headers(WS, ("read",))
        url = f"/v1/themes/{login['theme_id']}/unmerge"

        not_merged = await bridge.client.post(url, headers=writer)
        assert not_merged.status_code == 409
        assert (
            await bridge.client.post("/v1/themes/9999/unmerge", headers=writer)
        ).status_code == 404
        merged = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/merge",
            json={"into": invoice["theme_id"]},
            headers=writer,
        )
        assert merged.status_code == 200, merged.text
        record = (await bridge.get(WS, f"/v1/themes/{login['theme_id']}"))["merge"]
        assert record["into"] == invoice["theme_id"]
        assert record["reason"] == "manual"
        assert record["items"] == 12
        assert record["undone_at"] is None

        assert (await bridge.client.post(url, headers=reader)).status_code == 403
        undone = await bridge.client.post(url, headers=writer)
        assert undone.status_code == 200, undone.text
        assert undone.json()["theme_id"] == login["theme_id"]
        assert undone.json()["status"] == "open"
        assert undone.json()["merged_into"] is None
        assert undone.json()["item_count"] == 12
        detail = await bridge.get(WS, f"/v1/themes/{login['theme_id']}")
        assert {item["text"] for item in detail["items"]} == set(LOGIN)
        assert detail["merge"]["undone_at"] is not None
        survivor = await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}")
        assert survivor["item_count"] == 12
        assert (await bridge.client.post(url, headers=writer)).status_code == 409

        # The restored theme keeps receiving its problem's new reports.
        await publish(kafka_bootstrap, topic_prefix, [feedback(WS, "acct-9", LOGIN[0], at(2))])

        async def landed() -> bool:
            restored = await bridge.get(WS, f"/v1/themes/{login['theme_id']}")
            return int(restored["item_count"]) == 13

        await eventually(landed)


def _hub(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def test_jira_resolution_webhook(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    jira = FakeJira()
    async with serve(jira.app()) as base:
        settings = settings_for(
            migrated_url,
            kafka_bootstrap,
            topic_prefix,
            sink="jira",
            jira_base_url=base,
            jira_email=jira.email,
            jira_api_token=jira.token,
            jira_project_key="PROD",
            jira_webhook_secret=JIRA_SECRET,
        )
        async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
            await publish(kafka_bootstrap, topic_prefix, _events())

            async def ticketed() -> bool:
                tickets = (await bridge.get(WS, "/v1/tickets"))["tickets"]
                return len(tickets) == 2 and all(t["state"] == "created" for t in tickets)

            await eventually(ticketed)
            assert jira.created() == 2
            body = orjson.dumps(
                {
                    "webhookEvent": "jira:issue_updated",
                    "timestamp": 1741600000000,
                    "issue": {
                        "key": "PROD-1",
                        "fields": {
                            "status": {"name": "Done", "statusCategory": {"key": "done"}},
                            "resolution": {"name": "Fixed"},
                        },
                    },
                }
            )
            url = f"/v1/webhooks/jira/{WS}"
            bad = await bridge.client.post(
                url,
                content=body,
                headers={"X-Hub-Signature": _hub("wrong-secret-0123456789abcdef", body)},
            )
            assert bad.status_code == 401
            good = await bridge.client.post(
                url, content=body, headers={"X-Hub-Signature": _hub(JIRA_SECRET, body)}
            )
            assert good.json() == {"result": "resolved"}
            tickets = {
                t["external_key"]: t for t in (await bridge.get(WS, "/v1/tickets"))["tickets"]
            }
            assert tickets["PROD-1"]["state"] == "resolved"
            assert tickets["PROD-1"]["resolution"] == "Fixed"
            assert tickets["PROD-2"]["state"] == "created"


async def test_linear_resolution_webhook(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    linear = FakeLinear()
    async with serve(linear.app()) as base:
        settings = settings_for(
            migrated_url,
            kafka_bootstrap,
            topic_prefix,
            sink="linear",
            linear_api_url=f"{base}/graphql",
            linear_api_key=linear.api_key,
            linear_team_id=linear.team,
            linear_webhook_secret=LINEAR_SECRET,
        )
        async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
            await publish(kafka_bootstrap, topic_prefix, _events())

            async def ticketed() -> bool:
                tickets = (await bridge.get(WS, "/v1/tickets"))["tickets"]
                return len(tickets) == 2 and all(t["state"] == "created" for t in tickets)

            await eventually(ticketed)
            body = orjson.dumps(
                {
                    "action": "update",
                    "type": "Issue",
                    "data": {
                        "id": "uuid-2",
                        "identifier": "ENG-2",
                        "state": {"type": "completed", "name": "Done"},
                    },
                    "webhookTimestamp": 1741600000000,
                }
            )
            url = f"/v1/webhooks/linear/{WS}"
            digest = hmac.new(LINEAR_SECRET.encode(), body, hashlib.sha256).hexdigest()
            bad = await bridge.client.post(
                url, content=body, headers={"Linear-Signature": "00" + digest[2:]}
            )
            assert bad.status_code == 401
            good = await bridge.client.post(url, content=body, headers={"Linear-Signature": digest})
            assert good.json() == {"result": "resolved"}
            ignored_body = orjson.dumps({"action": "create", "type": "Comment", "data": {}})
            ignored = await bridge.client.post(
                url,
                content=ignored_body,
                headers={
                    "Linear-Signature": hmac.new(
                        LINEAR_SECRET.encode(), ignored_body, hashlib.sha256
                    ).hexdigest()
                },
            )
            assert ignored.json() == {"result": "ignored"}


async def test_generic_webhook_sink_signs_and_accepts_resolutions_during_a_rotation(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    receiver = FakeWebhookReceiver()
    new_secret = "whsec_" + base64.b64encode(b"resolve-key-new-0123456789abcdef").decode()
    old_secret = "whsec_" + base64.b64encode(b"resolve-key-old-0123456789abcdef").decode()
    now = T0 + 3 * DAY
    async with serve(receiver.app()) as base:
        settings = settings_for(
            migrated_url,
            kafka_bootstrap,
            topic_prefix,
            sink="webhook",
            webhook_url=f"{base}/hooks/tickets",
            webhook_secret=receiver.secret,
            webhook_resolve_secret=f"{new_secret} {old_secret}",
        )
        async with running_bridge(settings, FixedClock(now)) as bridge:
            await publish(kafka_bootstrap, topic_prefix, _events())

            async def ticketed() -> bool:
                tickets = (await bridge.get(WS, "/v1/tickets"))["tickets"]
                return len(tickets) == 2 and all(t["state"] == "created" for t in tickets)

            await eventually(ticketed)
            body = orjson.dumps({"type": "ticket.resolved", "key": "FB-1", "resolution": "Fixed"})
            url = f"/v1/webhooks/webhook/{WS}"
            # A receiver still signing with the old secret is accepted while both are configured.
            signed = signed_headers(old_secret, "msg_resolve_1", int(now), body)
            stale = signed_headers(new_secret, "msg_resolve_1", int(now) - 600, body)
            unknown = signed_headers(receiver.secret, "msg_resolve_1", int(now), body)
            refused = [
                await bridge.client.post(url, content=body, headers=headers)
                for headers in (stale, unknown, {})
            ]
            good = await bridge.client.post(url, content=body, headers=signed)
            tickets = {
                t["external_key"]: t for t in (await bridge.get(WS, "/v1/tickets"))["tickets"]
            }

    # The receiver checked every delivery's signature itself (whsec_ key bytes, v1 HMAC).
    assert len(receiver.issues) == 2
    assert not receiver.shape_errors
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert good.json() == {"result": "resolved"}
    assert tickets["FB-1"]["state"] == "resolved"
    assert tickets["FB-2"]["state"] == "created"
