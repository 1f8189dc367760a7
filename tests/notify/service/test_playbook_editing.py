"""Editing playbooks through the API: problems named with their line, a playbook turned on and
off as a new version with who did it, the text as typed kept around the change."""

from __future__ import annotations

import pytest

from banso_notify.config import NotifySettings

from .support import running_notify

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

YAML = {"content-type": "application/yaml"}
WELCOME = """# Greets people in the app on their first sign-in.
id: in-app-welcome
name: In-app welcome
trigger: {type: usage_event, event: Logged In}
steps:
  - send: {channel: inapp, template: welcome}
templates:
  welcome:
    en:
      subject: "Welcome, {{ user.name }}"
      text: "Three things to try first."
"""


async def test_a_misspelt_template_variable_is_refused_with_its_field_and_line(
    settings: NotifySettings,
) -> None:
    async with running_notify(settings) as notify:
        misspelt = WELCOME.replace("user.name", "user.nmae")
        refused = await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=misspelt,
            headers={**notify.token(scopes=["write"]), **YAML},
        )
        assert refused.status_code == 422
        [error] = refused.json()["detail"]["errors"]
        assert error["field"] == "templates.welcome.en.subject"
        assert error["variable"] == "user.nmae"
        assert "did you mean 'user.name'?" in error["message"]
        # The same as a code and parameters, for a client to word in its reader's language.
        assert error["code"] == "unknown_variable"
        assert error["params"]["suggestion"] == "user.name"
        assert misspelt.splitlines()[error["line"] - 1].strip().startswith("subject:")

        broken = await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME.replace("steps:\n", "steps: [\n"),
            headers={**notify.token(scopes=["write"]), **YAML},
        )
        assert broken.status_code == 422
        [syntax] = broken.json()["detail"]["errors"]
        assert syntax["field"] == "(yaml)"
        assert syntax["code"] == "yaml_syntax"
        assert syntax["line"] is not None
        assert syntax["line"] >= 6


async def test_a_playbook_is_turned_off_and_on_as_new_versions_with_who_did_it(
    settings: NotifySettings,
) -> None:
    async with running_notify(settings) as notify:
        writer = notify.token(scopes=["write"])
        put = await notify.client.put(
            "/v1/playbooks/in-app-welcome",
            content=WELCOME,
            headers={**writer, **YAML, "X-Banso-Actor": "console: aiko@vendor.example"},
        )
        assert put.status_code == 201
        assert put.json()["created_by"].startswith("console: aiko@vendor.example (token ")

        off = await notify.client.put(
            "/v1/playbooks/in-app-welcome/enabled",
            json={"enabled": False},
            headers={**writer, "X-Banso-Actor": "console: ops@vendor.example"},
        )
        assert off.status_code == 200, off.text
        body = off.json()
        assert (body["version"], body["enabled"]) == (2, False)
        assert body["created_by"].startswith("console: ops@vendor.example (token ")
        # The text is kept as typed, comment included, with the switch added.
        assert body["source"].startswith("# Greets people in the app")
        assert body["source"].rstrip().endswith("enabled: false")

        again = await notify.client.put(
            "/v1/playbooks/in-app-welcome/enabled", json={"enabled": False}, headers=writer
        )
        assert again.json()["version"] == 2  # already off: no new version

        on = await notify.client.put(
            "/v1/playbooks/in-app-welcome/enabled", json={"enabled": True}, headers=writer
        )
        assert (on.json()["version"], on.json()["enabled"]) == (3, True)
        assert on.json()["source"].count("enabled:") == 1
        assert on.json()["created_by"].startswith("token ")

        versions = await notify.client.get(
            "/v1/playbooks/in-app-welcome/versions", headers=notify.token(scopes=["read"])
        )
        assert [(v["version"], v["enabled"]) for v in versions.json()] == [
            (1, True),
            (2, False),
            (3, True),
        ]

        builtin = await notify.client.put(
            "/v1/playbooks/re-engagement-14d/enabled", json={"enabled": False}, headers=writer
        )
        assert (builtin.json()["version"], builtin.json()["enabled"]) == (2, False)
        listed = await notify.client.get("/v1/playbooks", headers=writer)
        states = {p["id"]: p["enabled"] for p in listed.json()}
        assert states["re-engagement-14d"] is False

        reader = await notify.client.put(
            "/v1/playbooks/in-app-welcome/enabled",
            json={"enabled": False},
            headers=notify.token(scopes=["read"]),
        )
        assert reader.status_code == 403
        missing = await notify.client.put(
            "/v1/playbooks/no-such-playbook/enabled", json={"enabled": False}, headers=writer
        )
        assert missing.status_code == 404
