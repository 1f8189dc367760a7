"""Ingest's admin API: a workspace's sources with their write keys, and its API tokens.

Called with the operator's admin token (`BANSO_ADMIN_TOKEN`), so only the console's
administrators reach these calls, and only for the workspaces they see (the routes check both).
Ingest's audit log records the console user as the actor."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from banso_console.adapters.service_api import request
from banso_console.domain.forms import ACTOR_PREFIX

#: ingest's largest page of workspaces, and how many the console reads for their names
WORKSPACE_PAGE = 500
WORKSPACE_NAMES_READ = 5_000


def _workspace(workspace_id: str) -> str:
    return f"/v1/admin/workspaces/{quote(workspace_id, safe='')}"


def source_names(sources: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the sources ingest listed, by their ids (a source without one is left out)."""
    return {item["source_id"]: item["name"] for item in sources if item.get("name")}


def token_names(tokens: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the API tokens ingest listed, by their ids."""
    return {item["token_id"]: item["name"] for item in tokens if item.get("name")}


class IngestAdmin:
    def __init__(self, client: httpx.AsyncClient, admin_token: str) -> None:
        self._client = client
        self._admin_token = admin_token

    async def _call(
        self, method: str, path: str, actor: str, body: dict[str, Any] | None = None
    ) -> Any:
        headers = {
            "Authorization": f"Bearer {self._admin_token}",
            "X-Banso-Actor": f"{ACTOR_PREFIX}{actor}",
        }
        return await request("ingest", self._client, method, path, headers=headers, body=body)

    async def workspace_names(self, *, actor: str) -> dict[str, str]:
        """Every workspace's name by its id, read a page at a time (up to
        ``WORKSPACE_NAMES_READ`` workspaces)."""
        names: dict[str, str] = {}
        for offset in range(0, WORKSPACE_NAMES_READ, WORKSPACE_PAGE):
            page = await self._call(
                "GET", f"/v1/admin/workspaces?limit={WORKSPACE_PAGE}&offset={offset}", actor
            )
            names.update({item["workspace_id"]: item["name"] for item in page["items"]})
            if offset + WORKSPACE_PAGE >= page["total"]:
                break
        return names

    async def sources(self, workspace_id: str, *, actor: str) -> list[dict[str, Any]]:
        """The workspace's sources with their key prefixes and when each was last seen."""
        found: list[dict[str, Any]] = await self._call(
            "GET", _workspace(workspace_id) + "/sources", actor
        )
        return found

    async def source_names(self, workspace_id: str, *, actor: str) -> dict[str, str]:
        """The workspace's sources' names by their ids."""
        return source_names(await self.sources(workspace_id, actor=actor))

    async def create_source(self, workspace_id: str, name: str, *, actor: str) -> dict[str, Any]:
        """A new source; its write key is in this answer only."""
        created: dict[str, Any] = await self._call(
            "POST", _workspace(workspace_id) + "/sources", actor, {"name": name}
        )
        return created

    async def rotate_source(
        self, workspace_id: str, source_id: str, *, grace_s: int, actor: str
    ) -> dict[str, Any]:
        """A new write key (in this answer only); the previous one works for `grace_s` more."""
        path = f"{_workspace(workspace_id)}/sources/{quote(source_id, safe='')}/rotate"
        rotated: dict[str, Any] = await self._call("POST", path, actor, {"grace_seconds": grace_s})
        return rotated

    async def revoke_source(
        self, workspace_id: str, source_id: str, *, actor: str
    ) -> dict[str, Any]:
        path = f"{_workspace(workspace_id)}/sources/{quote(source_id, safe='')}/revoke"
        revoked: dict[str, Any] = await self._call("POST", path, actor)
        return revoked

    async def recent_events(
        self, workspace_id: str, *, source_id: str | None, limit: int, actor: str
    ) -> list[dict[str, Any]]:
        """The latest events of the workspace's sources (or one), newest first, as ingest
        received them: accepted, duplicate, or rejected with the reason."""
        path = _workspace(workspace_id) + f"/events?limit={limit}"
        if source_id:
            path += f"&source_id={quote(source_id, safe='')}"
        body: dict[str, Any] = await self._call("GET", path, actor)
        events: list[dict[str, Any]] = body["events"]
        return events

    async def tokens(self, workspace_id: str, *, actor: str) -> list[dict[str, Any]]:
        """The workspace's API tokens (never the tokens themselves)."""
        found: list[dict[str, Any]] = await self._call(
            "GET", _workspace(workspace_id) + "/tokens", actor
        )
        return found

    async def token_names(self, workspace_id: str, *, actor: str) -> dict[str, str]:
        """The workspace's API tokens' names by their ids (revoked and expired ones too)."""
        return token_names(await self.tokens(workspace_id, actor=actor))

    async def issue_token(
        self, workspace_id: str, *, name: str, scope: str, days: int, actor: str
    ) -> dict[str, Any]:
        """A bearer token; the token is in this answer only."""
        body = {"name": name, "scopes": [scope], "expires_in_days": days}
        issued: dict[str, Any] = await self._call(
            "POST", _workspace(workspace_id) + "/tokens", actor, body
        )
        return issued

    async def revoke_token(self, workspace_id: str, token_id: str, *, actor: str) -> dict[str, Any]:
        path = f"{_workspace(workspace_id)}/tokens/{quote(token_id, safe='')}/revoke"
        revoked: dict[str, Any] = await self._call("POST", path, actor)
        return revoked
