"""The admin API against the real ingest process: workspaces, tokens, the audit log, refusals."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from banso_kit.auth import verify_token
from tests.ingest.service.support import IngestServer, admin_headers, status_within, track_status

pytestmark = pytest.mark.kafka


def _client(ingest: IngestServer, actor: str | None = "ana") -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=ingest.url, headers=admin_headers(ingest, actor))


async def _workspace(http: httpx.AsyncClient, name: str | None = None) -> dict[str, Any]:
    answer = await http.post("/v1/admin/workspaces", json={"name": name or uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def test_workspaces_are_created_listed_in_pages_renamed_and_read(
    ingest: IngestServer,
) -> None:
    async with _client(ingest) as http:
        first = await _workspace(http, "Sora 株式会社")
        second = await _workspace(http)
        assert first["workspace_id"].startswith("ws_")

        page = (await http.get("/v1/admin/workspaces", params={"limit": 500})).json()
        ids = [w["workspace_id"] for w in page["items"]]
        assert {first["workspace_id"], second["workspace_id"]} <= set(ids)
        assert page["total"] == len(ids)
        one = (await http.get("/v1/admin/workspaces", params={"limit": 1, "offset": 1})).json()
        assert [w["workspace_id"] for w in one["items"]] == ids[1:2]

        renamed = await http.patch(
            f"/v1/admin/workspaces/{first['workspace_id']}", json={"name": "  Sora KK  "}
        )
        assert renamed.status_code == 200
        assert renamed.json()["name"] == "Sora KK"
        read = await http.get(f"/v1/admin/workspaces/{first['workspace_id']}")
        assert read.json()["name"] == "Sora KK"


async def test_deleting_a_workspace_removes_its_sources_and_tokens_and_refuses_its_key(
    ingest: IngestServer,
) -> None:
    async with _client(ingest) as http:
        workspace = (await _workspace(http))["workspace_id"]
        source = (
            await http.post(f"/v1/admin/workspaces/{workspace}/sources", json={"name": "web"})
        ).json()
        issued = await http.post(
            f"/v1/admin/workspaces/{workspace}/tokens", json={"scopes": ["read"]}
        )
        assert issued.status_code == 201
        assert await track_status(http, ingest.url, source["write_key"]) == 200

        deleted = await http.delete(f"/v1/admin/workspaces/{workspace}")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["removed"]["sources"] == 1
        assert deleted.json()["removed"]["api_tokens"] == 1
        assert deleted.json()["tokens_revoked"] == 1

        assert (await http.get(f"/v1/admin/workspaces/{workspace}")).status_code == 404
        assert (await http.get(f"/v1/admin/workspaces/{workspace}/sources")).status_code == 404
        assert (await http.delete(f"/v1/admin/workspaces/{workspace}")).status_code == 404
        assert await status_within(http, ingest.url, source["write_key"], 401, within_s=10) == 401


async def test_tokens_are_issued_with_scopes_and_expiry_listed_and_revoked(
    ingest: IngestServer,
) -> None:
    async with _client(ingest) as http:
        workspace = (await _workspace(http))["workspace_id"]
        answer = await http.post(
            f"/v1/admin/workspaces/{workspace}/tokens",
            json={"scopes": ["write"], "name": "warehouse sync", "expires_in_days": 30},
        )
        assert answer.status_code == 201, answer.text
        issued = answer.json()
        principal = verify_token(ingest.env.get("BANSO_SECRET", _default_secret()), issued["token"])
        assert principal.workspace_id == workspace
        assert principal.scopes == {"read", "write"}
        assert principal.token_id == issued["token_id"]

        listed = (await http.get(f"/v1/admin/workspaces/{workspace}/tokens")).json()
        assert [(t["token_id"], t["name"], t["scopes"], t["status"]) for t in listed] == [
            (issued["token_id"], "warehouse sync", ["write"], "active")
        ]
        assert "token" not in listed[0]

        revoked = await http.post(
            f"/v1/admin/workspaces/{workspace}/tokens/{issued['token_id']}/revoke"
        )
        assert revoked.json()["status"] == "revoked"
        listed = (await http.get(f"/v1/admin/workspaces/{workspace}/tokens")).json()
        assert listed[0]["status"] == "revoked"
        unknown = await http.post(f"/v1/admin/workspaces/{workspace}/tokens/nope/revoke")
        assert unknown.status_code == 404


def _default_secret() -> str:
    from banso_kit.settings import ServiceSettings

    default: str = ServiceSettings.model_fields["secret"].default
    return default


async def test_every_action_is_in_the_audit_log_with_who_what_when_and_target(
    ingest: IngestServer,
) -> None:
    async with _client(ingest, actor="ana@sora.example") as http:
        workspace = (await _workspace(http, "Audited"))["workspace_id"]
        source = (
            await http.post(f"/v1/admin/workspaces/{workspace}/sources", json={"name": "web"})
        ).json()
        base = f"/v1/admin/workspaces/{workspace}/sources/{source['source_id']}"
        await http.post(f"{base}/rotate", json={"grace_seconds": 0})
        await http.post(f"{base}/revoke")
        await http.post(f"{base}/revoke")  # changes nothing, so writes nothing
        await http.patch(f"/v1/admin/workspaces/{workspace}", json={"name": "Audited 2"})

        log = (await http.get("/v1/admin/audit", params={"workspace_id": workspace})).json()
        entries = log["items"]
        assert [e["action"] for e in entries] == [
            "workspace.renamed",
            "source.revoked",
            "source.key_rotated",
            "source.created",
            "workspace.created",
        ]
        assert {e["actor"] for e in entries} == {"admin-token (ana@sora.example)"}
        assert entries[0]["detail"] == {"before": "Audited", "name": "Audited 2"}
        assert entries[1]["target_type"] == "source"
        assert entries[1]["target_id"] == source["source_id"]
        assert entries[-1]["target_id"] == workspace
        assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
        assert log["next_before"] is None

        first = (
            await http.get("/v1/admin/audit", params={"workspace_id": workspace, "limit": 2})
        ).json()
        rest = (
            await http.get(
                "/v1/admin/audit",
                params={"workspace_id": workspace, "before": first["next_before"]},
            )
        ).json()
        assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in entries]
        only = (
            await http.get(
                "/v1/admin/audit", params={"workspace_id": workspace, "action": "source.revoked"}
            )
        ).json()
        assert [e["action"] for e in only["items"]] == ["source.revoked"]


async def test_the_admin_api_refuses_a_missing_or_wrong_admin_token(ingest: IngestServer) -> None:
    async with httpx.AsyncClient(base_url=ingest.url) as http:
        missing = await http.get("/v1/admin/workspaces")
        assert missing.status_code == 401
        assert missing.json()["error"] == "unauthorized"
        wrong = await http.post(
            "/v1/admin/workspaces",
            json={"name": "x"},
            headers={"Authorization": "Bearer not-the-admin-token"},
        )
        assert wrong.status_code == 401
        # A workspace's own admin-scope API token is not the operator's token.
        write_key_as_bearer = await http.get(
            "/v1/admin/audit", headers={"Authorization": f"Bearer {ingest.write_key}"}
        )
        assert write_key_as_bearer.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/v1/admin/workspaces", {"name": ""}, "name"),
        ("POST", "/v1/admin/workspaces", {}, "name"),
        ("POST", "/v1/admin/workspaces", {"name": "nul\u0000byte"}, "name"),
        ("GET", "/v1/admin/workspaces/ws%20spaced", None, "path.workspace_id"),
        ("GET", "/v1/admin/workspaces/" + "w" * 65, None, "path.workspace_id"),
        ("POST", "/v1/admin/workspaces/{ws}/sources", {"name": "x" * 201}, "name"),
        ("POST", "/v1/admin/workspaces/{ws}/tokens", {"scopes": []}, "scopes"),
        ("POST", "/v1/admin/workspaces/{ws}/tokens", {"scopes": ["root"]}, "scopes.0"),
        (
            "POST",
            "/v1/admin/workspaces/{ws}/tokens",
            {"scopes": ["read"], "expires_in_days": 0},
            "expires_in_days",
        ),
        (
            "POST",
            "/v1/admin/workspaces/{ws}/sources/{src}/rotate",
            {"grace_seconds": -1},
            "grace_seconds",
        ),
        (
            "POST",
            "/v1/admin/workspaces/{ws}/sources/{src}/rotate",
            {"grace_seconds": 10**9},
            "grace_seconds",
        ),
        ("GET", "/v1/admin/workspaces?limit=0", None, "query.limit"),
        ("GET", "/v1/admin/audit?before=x", None, "query.before"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    ingest: IngestServer, method: str, path: str, body: dict[str, Any] | None, field: str
) -> None:
    async with _client(ingest) as http:
        workspace = (await _workspace(http))["workspace_id"]
        source = (
            await http.post(f"/v1/admin/workspaces/{workspace}/sources", json={"name": "web"})
        ).json()["source_id"]
        answer = await http.request(method, path.format(ws=workspace, src=source), json=body)
        assert answer.status_code == 422, answer.text
        error = answer.json()
        assert error["error"] == "invalid_input"
        assert field in [problem["field"] for problem in error["detail"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/admin/workspaces/ws_missing"),
        ("PATCH", "/v1/admin/workspaces/ws_missing"),
        ("DELETE", "/v1/admin/workspaces/ws_missing"),
        ("GET", "/v1/admin/workspaces/ws_missing/sources"),
        ("POST", "/v1/admin/workspaces/ws_missing/sources"),
        ("POST", "/v1/admin/workspaces/{ws}/sources/src_missing/rotate"),
        ("POST", "/v1/admin/workspaces/{ws}/sources/src_missing/revoke"),
        ("GET", "/v1/admin/workspaces/ws_missing/tokens"),
        ("POST", "/v1/admin/workspaces/ws_missing/tokens"),
        ("POST", "/v1/admin/workspaces/{ws}/tokens/tok_missing/revoke"),
    ],
)
async def test_unknown_ids_are_404(ingest: IngestServer, method: str, path: str) -> None:
    bodies = {"PATCH": {"name": "x"}, "POST": {"name": "x", "scopes": ["read"]}}
    async with _client(ingest) as http:
        workspace = (await _workspace(http))["workspace_id"]
        answer = await http.request(method, path.format(ws=workspace), json=bodies.get(method))
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"] == "not_found"


async def test_the_openapi_documents_the_admin_api_with_a_bearer_scheme(
    ingest: IngestServer,
) -> None:
    async with httpx.AsyncClient(base_url=ingest.url) as http:
        spec = (await http.get("/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["AdminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The operator's admin token (`BANSO_ADMIN_TOKEN`).",
    }
    create = spec["paths"]["/v1/admin/workspaces/{workspace_id}/sources"]["post"]
    assert create["security"] == [{"AdminToken": []}]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SourceCreate"
    )
    assert set(create["responses"]) >= {"201", "401", "404", "422"}
    assert create["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody"
    )
