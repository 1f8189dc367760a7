"""Playbooks through the API: validated, versioned, per workspace; the inbox is per workspace too."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from banso_notify.config import NotifySettings
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import OTHER_WS, account_traits, identified, publish, running_notify, used

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WELCOME = """
id: in-app-welcome
name: In-app welcome
trigger: {type: usage_event, event: Logged In}
steps:
  - send: {channel: inapp, template: welcome}
templates:
  welcome:
    en: {subject: "Welcome, {{ user.name }}", text: "Three things to try first."}
"""


async def test_put_validates_versions_and_lists_with_builtins(settings: NotifySettings) -> None:
    async with running_notify(settings) as notify:
        admin = notify.token()
        yaml = {"content-type": "application/yaml"}

        created = await notify.client.put(
            "/v1/playbooks/in-app-welcome", content=WELCOME, headers={**admin, **yaml}
        )
        again = await notify.client.put(
            "/v1/playbooks/in-app-welcome", content=WELCOME, headers={**admin, **yaml}
        )
        changed = await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME.replace("Three things", "Two things"),
            headers={**admin, **yaml},
        )
        invalid = await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME.replace("channel: inapp", "channel: pigeon"),
            headers={**admin, **yaml},
        )
        listed = await notify.client.get("/v1/playbooks", headers=admin)
        versions = await notify.client.get("/v1/playbooks/in-app-welcome/versions", headers=admin)
        first = await notify.client.get("/v1/playbooks/in-app-welcome/versions/1", headers=admin)
        builtin_override = await notify.client.put(
            "/v1/playbooks/re-engagement-14d",
            json={**_builtin_json(listed.json(), "re-engagement-14d"), "enabled": False},
            headers=admin,
        )
        reader = notify.token(scopes=["read"])
        refused = await notify.client.put(
            "/v1/playbooks/in-app-welcome", content=WELCOME, headers={**reader, **yaml}
        )

    assert (created.status_code, created.json()["version"]) == (201, 1)
    assert (again.status_code, again.json()["version"]) == (200, 1)
    assert (changed.status_code, changed.json()["version"]) == (201, 2)
    assert invalid.status_code == 422
    assert invalid.json()["detail"]["errors"][0]["field"] == "steps.0.send.channel"
    ids = {item["id"]: item for item in listed.json()}
    assert ids["in-app-welcome"]["version"] == 2
    assert ids["health-red-csm-alert"]["builtin"] is True
    assert [v["version"] for v in versions.json()] == [1, 2]
    assert "Three things" in first.json()["source"]
    assert (builtin_override.status_code, builtin_override.json()["version"]) == (201, 2)
    assert builtin_override.json()["enabled"] is False
    assert refused.status_code == 403


async def test_one_workspace_cannot_see_anothers_playbooks_or_inbox(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify:
        mine, theirs = notify.token(), notify.token(OTHER_WS)
        await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME,
            headers={**mine, "content-type": "application/yaml"},
        )
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            identified("hanako", "acme"),
            used("hanako", "acme", event="Logged In"),
        )

        async def delivered() -> bool:
            inbox = await notify.client.get("/v1/inapp/hanako", headers=mine)
            return len(inbox.json()) == 1

        await eventually(delivered)
        message = (await notify.client.get("/v1/inapp/hanako", headers=mine)).json()[0]

        their_view = await notify.client.get("/v1/playbooks/in-app-welcome", headers=theirs)
        their_list = await notify.client.get("/v1/playbooks", headers=theirs)
        their_inbox = await notify.client.get("/v1/inapp/hanako", headers=theirs)
        their_read = await notify.client.post(
            f"/v1/inapp/hanako/{message['id']}/read", headers=theirs
        )
        their_report = await notify.client.get(
            "/v1/playbooks/in-app-welcome/report", headers=theirs
        )
        no_token = await notify.client.get("/v1/inapp/hanako")

        read = await notify.client.post(f"/v1/inapp/hanako/{message['id']}/read", headers=mine)
        unread = await notify.client.get("/v1/inapp/hanako?unread_only=true", headers=mine)
        dismissed = await notify.client.post(
            f"/v1/inapp/hanako/{message['id']}/dismiss", headers=mine
        )
        after = await notify.client.get("/v1/inapp/hanako", headers=mine)

    assert message["title"] == "Welcome, Hanako"
    assert their_view.status_code == 404
    assert "in-app-welcome" not in {item["id"] for item in their_list.json()}
    assert their_inbox.json() == []
    assert their_read.status_code == 404
    assert their_report.status_code == 404
    assert no_token.status_code == 401
    assert read.json()["read_at"] is not None
    assert unread.json() == []
    assert dismissed.status_code == 200
    assert after.json() == []


def _builtin_json(listed: list[dict[str, object]], playbook_id: str) -> dict[str, object]:
    item = next(entry for entry in listed if entry["id"] == playbook_id)
    definition = item["definition"]
    assert isinstance(definition, dict)
    return definition


async def test_nudges_are_listed_by_account_and_person_a_page_at_a_time(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    async with running_notify(settings) as notify:
        admin = notify.token()
        await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME,
            headers={**admin, "content-type": "application/yaml"},
        )
        people = [("hanako", "acme"), ("taro", "globex"), ("jiro", "initech")]
        await publish(
            kafka_bootstrap,
            prefix,
            *[account_traits(account) for _, account in people],
            *[identified(person, account) for person, account in people],
            *[used(person, account, event="Logged In") for person, account in people],
        )

        async def all_sent() -> bool:
            listed = await notify.client.get("/v1/nudges?state=sent", headers=admin)
            return len(listed.json()) == 3

        await eventually(all_sent)
        pages = [
            (await notify.client.get(f"/v1/nudges?limit=2&offset={o}", headers=admin)).json()
            for o in (0, 2, 4)
        ]
        globex = (await notify.client.get("/v1/nudges?account_id=globex", headers=admin)).json()
        taro = (await notify.client.get("/v1/nudges?user_id=taro", headers=admin)).json()
        bad_state = await notify.client.get("/v1/nudges?state=posted", headers=admin)
        bad_limit = await notify.client.get("/v1/nudges?limit=0", headers=admin)

    assert [len(page) for page in pages] == [2, 1, 0]
    assert sorted(n["recipient"]["id"] for page in pages for n in page) == [
        "hanako",
        "jiro",
        "taro",
    ]
    assert [n["recipient"]["id"] for n in globex] == ["taro"]
    assert [n["recipient"]["id"] for n in taro] == ["taro"]
    assert bad_state.status_code == 422
    assert "state" in bad_state.text
    assert bad_limit.status_code == 422
    assert "limit" in bad_limit.text


async def test_the_console_reads_answer_while_a_writer_holds_the_database(
    settings: NotifySettings,
) -> None:
    """The console's playbook, report and policy pages, and a product's in-app inbox, read while
    notify's consumers write: on SQLite a writer holds the write lock for its whole transaction,
    and a read that queued behind it would wait for it (or fail once the busy timeout passes)."""
    async with running_notify(settings) as notify:
        admin = notify.token()
        paths = (
            "/v1/playbooks",
            "/v1/playbooks/re-engagement-14d",
            "/v1/playbooks/re-engagement-14d/versions",
            "/v1/playbooks/re-engagement-14d/report",
            "/v1/reports/playbooks",
            "/v1/policy",
            "/v1/suppressions",
            "/v1/inapp/taro",
        )
        async with notify.state["runtime"].db.session() as writing:
            connection = await writing.connection()
            await connection.execute(text("DELETE FROM workspace_policies WHERE workspace_id = ''"))
            answers = {path: await notify.client.get(path, headers=admin) for path in paths}
        assert {path: answer.status_code for path, answer in answers.items()} == dict.fromkeys(
            paths, 200
        )
        assert answers["/v1/playbooks/re-engagement-14d/report"].json()["sent"] == 0
        assert answers["/v1/inapp/taro"].json() == []
        # Every playbook's report in one read (the console's playbook list): the same reports.
        every = answers["/v1/reports/playbooks"].json()
        listed = answers["/v1/playbooks"].json()
        assert [r["playbook_id"] for r in every] == [p["id"] for p in listed]
        one = answers["/v1/playbooks/re-engagement-14d/report"].json()
        assert next(r for r in every if r["playbook_id"] == "re-engagement-14d") == one
