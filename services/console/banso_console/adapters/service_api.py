"""What every service client shares: an httpx client, workspace tokens, errors in the kit's terms."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx

from banso_console.domain.forms import ACTOR_PREFIX
from banso_kit.auth import Scope, issue_token
from banso_kit.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unprocessable,
)


class WorkspaceTokens:
    """Short-lived tokens per workspace and scope, signed with the secret the services verify
    with. Pages read with `read`; an editor's change is sent with `write`."""

    def __init__(self, secret: str, *, ttl_s: int) -> None:
        self._secret = secret
        self._ttl_s = ttl_s
        self._tokens: dict[tuple[str, Scope], tuple[float, str]] = {}

    def for_workspace(self, workspace_id: str, scope: Scope = "read") -> str:
        now = time.time()
        cached = self._tokens.get((workspace_id, scope))
        if cached is not None and cached[0] - now > self._ttl_s / 2:
            return cached[1]
        token = issue_token(
            self._secret, workspace_id, [scope], ttl=dt.timedelta(seconds=self._ttl_s)
        )
        self._tokens[(workspace_id, scope)] = (now + self._ttl_s, token)
        return token


class ServiceApi:
    """One service's public API, called on behalf of a workspace."""

    def __init__(self, name: str, client: httpx.AsyncClient, tokens: WorkspaceTokens) -> None:
        self.name = name
        self._client = client
        self._tokens = tokens

    async def get_json(
        self,
        workspace_id: str,
        path: str,
        params: list[tuple[str, str]] | None = None,
        *,
        scope: Scope = "read",
    ) -> Any:
        """``admin`` scope to read what only administrators see (a policy's secrets)."""
        query = httpx.QueryParams(tuple(params or ()))
        return await self._call("GET", workspace_id, path, params=query, scope=scope)

    async def put_json(
        self,
        workspace_id: str,
        path: str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        scope: Scope = "write",
    ) -> Any:
        """A change on behalf of a user who may edit (the route checks the role); ``admin``
        scope for an administrator's workspace settings."""
        return await self._call("PUT", workspace_id, path, body=body, scope=scope, actor=actor)

    async def post_json(
        self,
        workspace_id: str,
        path: str,
        body: dict[str, Any],
        *,
        scope: Scope = "write",
        actor: str | None = None,
    ) -> Any:
        """A change on behalf of a user who may edit (the route checks the role); a POST that
        changes nothing, such as a preview, is sent with `read`. ``actor``: the signed-in user
        it is made for (X-Banso-Actor)."""
        return await self._call("POST", workspace_id, path, body=body, scope=scope, actor=actor)

    async def patch_json(self, workspace_id: str, path: str, body: dict[str, Any]) -> Any:
        """A change on behalf of a user who may edit (the route checks the role)."""
        return await self._call("PATCH", workspace_id, path, body=body, scope="write")

    async def send_yaml(
        self,
        method: str,
        workspace_id: str,
        path: str,
        text: str,
        *,
        scope: Scope,
        params: list[tuple[str, str]] | None = None,
        actor: str | None = None,
    ) -> Any:
        """A YAML document as the body (a scorecard, a playbook); ``actor``, the signed-in
        user the change is made for, goes to services that audit it (X-Banso-Actor)."""
        return await self._call(
            method,
            workspace_id,
            path,
            params=httpx.QueryParams(tuple(params or ())),
            content=text.encode("utf-8"),
            scope=scope,
            actor=actor,
        )

    async def _call(
        self,
        method: str,
        workspace_id: str,
        path: str,
        *,
        params: httpx.QueryParams | None = None,
        body: dict[str, Any] | None = None,
        content: bytes | None = None,
        scope: Scope = "read",
        actor: str | None = None,
    ) -> Any:
        token = self._tokens.for_workspace(workspace_id, scope)
        headers = {"Authorization": f"Bearer {token}"}
        if content is not None:
            headers["Content-Type"] = "application/yaml"
        if actor is not None:
            headers["X-Banso-Actor"] = f"{ACTOR_PREFIX}{actor}"
        return await request(
            self.name,
            self._client,
            method,
            path,
            headers=headers,
            params=params,
            body=body,
            content=content,
        )

    async def ping(self) -> None:
        response = await self._client.get("/healthz")
        response.raise_for_status()


async def request(
    name: str,
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    params: httpx.QueryParams | None = None,
    body: dict[str, Any] | None = None,
    content: bytes | None = None,
) -> Any:
    """One call to a service, its errors in the kit's terms (a page shows them as such)."""
    try:
        response = await client.request(
            method, path, params=params, json=body, content=content, headers=headers
        )
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(
            f"{name} did not answer ({type(exc).__name__})", detail={"service": name}
        ) from exc
    if response.status_code == 400:
        # The service's answer is kept: a refusal may name its problems by code.
        raise InvalidInput(
            f"{name}: {_detail(response)}", detail={"service": name, **_as_dict(_body(response))}
        )
    if response.status_code == 404:
        raise NotFound(f"{name}: {path} not found", detail={"service": name})
    if response.status_code == 409:
        raise Conflict(f"{name}: {_detail(response)}", detail=_body(response))
    if response.status_code == 422:
        raise Unprocessable(f"{name} refused the change", detail=_body(response))
    if response.status_code >= 400:
        raise ServiceUnavailable(
            f"{name} answered {response.status_code}",
            detail={"service": name, "status": response.status_code},
        )
    return response.json()


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"detail": response.text[:500]}


def _as_dict(body: Any) -> dict[str, Any]:
    return body if isinstance(body, dict) else {"detail": body}


def _detail(response: httpx.Response) -> str:
    body = _body(response)
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, dict):
            detail = detail.get("message")
        return str(detail or body.get("error") or "")
    return str(body)
