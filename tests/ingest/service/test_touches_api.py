"""POST /v1/accounts/{account}/touches: a CS touch logged from the console, published once as a
CSM note on the feedback topic (what scoring counts as a CS touch and the bridge groups)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from banso_kit.auth import issue_token
from banso_kit.settings import ServiceSettings

from .support import FEEDBACK, IngestServer, read_topic


def headers(ingest: IngestServer, workspace: str, scope: str = "write") -> dict[str, str]:
    secret = ingest.env.get("BANSO_SECRET") or ServiceSettings.model_fields["secret"].default
    return {"Authorization": f"Bearer {issue_token(secret, workspace, [scope])}"}  # type: ignore[list-item]


async def post(
    ingest: IngestServer,
    account: str,
    body: dict[str, Any],
    workspace: str = "ws_touch",
    actor: str | None = None,
) -> httpx.Response:
    sent = headers(ingest, workspace) | ({"X-Banso-Actor": actor} if actor else {})
    async with httpx.AsyncClient(base_url=ingest.url, timeout=30) as http:
        return await http.post(f"/v1/accounts/{account}/touches", json=body, headers=sent)


async def test_a_touch_is_published_once_as_a_csm_note_keyed_by_its_account(
    ingest: IngestServer,
) -> None:
    when = datetime.now(UTC) - timedelta(days=2)
    touch_id = uuid.uuid4().hex
    body = {
        "kind": "qbr",
        "occurred_at": when.isoformat(),
        "note": "QBR: they want SSO before renewal",
        "touch_id": touch_id,
    }
    first = await post(ingest, "acme", body, actor="console: aiko@vendor.example")
    again = await post(ingest, "acme", body, actor="console: aiko@vendor.example")
    assert first.status_code == 201, first.text
    logged = first.json()
    assert logged["touch_ref"] == f"touch-qbr-{touch_id}"
    assert (logged["kind"], logged["account_id"], logged["duplicate"]) == ("qbr", "acme", False)
    assert again.status_code == 201
    assert again.json()["duplicate"] is True

    found = await read_topic(ingest.bootstrap, ingest.topic(FEEDBACK), at_least=1)
    mine = [r for r in found if r.value["external_id"] == f"touch-qbr-{touch_id}"]
    assert len(mine) == 1
    (record,) = mine
    assert record.key == "ws_touch:acme"
    assert record.value["workspace_id"] == "ws_touch"
    assert record.value["kind"] == "csm_note"
    assert record.value["text"] == "QBR: they want SSO before renewal"
    assert record.value["source_id"] == "console"
    # Who logged it (X-Banso-Actor, the console's signed-in user) is the note's author.
    assert record.value["author"] == "console: aiko@vendor.example"
    assert datetime.fromisoformat(record.value["timestamp"]) == when.replace(microsecond=0) or (
        abs(datetime.fromisoformat(record.value["timestamp"]) - when) < timedelta(seconds=1)
    )


async def test_a_touch_is_refused_naming_the_field(ingest: IngestServer) -> None:
    now = datetime.now(UTC)
    good = {"kind": "call", "occurred_at": now.isoformat(), "note": "Called about seats"}
    future = await post(
        ingest, "acme", {**good, "occurred_at": (now + timedelta(days=2)).isoformat()}
    )
    assert future.status_code == 422
    assert future.json()["detail"]["field"] == "occurred_at"
    blank = await post(ingest, "acme", {**good, "note": "   "})
    assert blank.status_code == 422
    assert blank.json()["detail"]["field"] == "note"
    kind = await post(ingest, "acme", {**good, "kind": "lunch"})
    assert kind.status_code == 422
    assert kind.json()["detail"][0]["field"] == "kind"
    naive = await post(ingest, "acme", {**good, "occurred_at": "2026-01-01T10:00:00"})
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["field"] == "occurred_at"
    async with httpx.AsyncClient(base_url=ingest.url, timeout=30) as http:
        anonymous = await http.post("/v1/accounts/acme/touches", json=good)
        reader = await http.post(
            "/v1/accounts/acme/touches", json=good, headers=headers(ingest, "ws_touch", "read")
        )
    assert anonymous.status_code == 401
    assert reader.status_code == 403
