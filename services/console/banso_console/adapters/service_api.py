"""What every service client shares: an httpx client, workspace tokens, errors in the kit's terms."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx

from banso_kit.auth import issue_token
from banso_kit.errors import NotFound, ServiceUnavailable


class WorkspaceTokens:
    """Short-lived read tokens per workspace, signed with the secret the services verify with."""

    def __init__(self, secret: str, *, ttl_s: int) -> None:
        self._secret = secret
        self._ttl_s = ttl_s
        self._tokens: dict[str, tuple[float, str]] = {}

    def for_workspace(self, workspace_id: str) -> str:
        now = time.time()
        cached = self._tokens.get(workspace_id)
        if cached is not None and cached[0] - now > self._ttl_s / 2:
            return cached[1]
        token = issue_token(
            self._secret, workspace_id, ["read"], ttl=dt.timedelta(seconds=self._ttl_s)
        )
        self._tokens[workspace_id] = (now + self._ttl_s, token)
        return token


class ServiceApi:
    """One service's public API, called on behalf of a workspace."""

    def __init__(self, name: str, client: httpx.AsyncClient, tokens: WorkspaceTokens) -> None:
        self.name = name
        self._client = client
        self._tokens = tokens

    async def get_json(
        self, workspace_id: str, path: str, params: list[tuple[str, str]] | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._tokens.for_workspace(workspace_id)}"}
        try:
            query = httpx.QueryParams(tuple(params or ()))
            response = await self._client.get(path, params=query, headers=headers)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(
                f"{self.name} did not answer ({type(exc).__name__})", detail={"service": self.name}
            ) from exc
        if response.status_code == 404:
            raise NotFound(f"{self.name}: {path} not found", detail={"service": self.name})
        if response.status_code >= 400:
            raise ServiceUnavailable(
                f"{self.name} answered {response.status_code}",
                detail={"service": self.name, "status": response.status_code},
            )
        return response.json()

    async def ping(self) -> None:
        response = await self._client.get("/healthz")
        response.raise_for_status()
