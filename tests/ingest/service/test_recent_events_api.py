"""The live event debugger's API against the real ingest process: a source's latest events as
they arrived, accepted and rejected with the reason, newest first; the admin token only."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.ingest.service.support import IngestServer, admin_headers

pytestmark = pytest.mark.kafka


async def test_the_latest_events_of_a_source_with_rejections_and_their_reasons(
    ingest: IngestServer,
) -> None:
    async with httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest, "ana")) as http:
        workspace = (
            await http.post("/v1/admin/workspaces", json={"name": uuid.uuid4().hex})
        ).json()["workspace_id"]
        web, app = [
            (
                await http.post(f"/v1/admin/workspaces/{workspace}/sources", json={"name": name})
            ).json()
            for name in ("web", "app")
        ]
        path = f"/v1/admin/workspaces/{workspace}/events"
        assert (await http.get(path)).json()["events"] == []

        batch = {
            "batch": [
                {
                    "type": "track",
                    "event": "Report Exported",
                    "userId": "u1",
                    "context": {"groupId": "acme"},
                    "messageId": "m-1",
                },
                {"type": "track", "userId": "u1", "messageId": "m-2"},  # no event name
                {"type": "identify", "userId": "u2", "messageId": "m-3"},
            ]
        }
        sent = await http.post("/v1/batch", json=batch, auth=(web["write_key"], ""))
        assert sent.status_code == 200, sent.text
        again = await http.post(
            "/v1/track",
            json={"event": "Signed In", "userId": "u9", "messageId": "m-4"},
            auth=(app["write_key"], ""),
        )
        assert again.status_code == 200, again.text
        duplicate = await http.post(
            "/v1/batch", json={"batch": batch["batch"][:1]}, auth=(web["write_key"], "")
        )
        assert duplicate.status_code == 200

        events = (await http.get(path, params={"source_id": web["source_id"]})).json()["events"]
        assert [(e["message_id"], e["outcome"]) for e in events] == [
            ("m-1", "duplicate"),
            ("m-3", "accepted"),
            ("m-2", "rejected"),
            ("m-1", "accepted"),
        ]
        rejected = events[2]
        assert rejected["reason"] == "missing_event"
        assert rejected["detail"]
        first = events[3]
        assert (first["type"], first["name"], first["user_id"], first["account_id"]) == (
            "track",
            "Report Exported",
            "u1",
            "acme",
        )
        every = (await http.get(path, params={"limit": 2})).json()["events"]
        assert [e["message_id"] for e in every] == ["m-1", "m-4"]
        assert {e["source_id"] for e in every} == {web["source_id"], app["source_id"]}
        other = (await http.post("/v1/admin/workspaces", json={"name": "x"})).json()
        assert (await http.get(f"/v1/admin/workspaces/{other['workspace_id']}/events")).json()[
            "events"
        ] == []
        too_many = await http.get(path, params={"limit": 501})
        assert too_many.status_code == 422
        assert "limit" in too_many.text

    async with httpx.AsyncClient(base_url=ingest.url) as anonymous:
        refused = await anonymous.get(path)
    assert refused.status_code == 401
