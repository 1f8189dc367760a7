"""A service's HTTP API as the demo reads it: tolerant of services (or routes) not there yet."""

from __future__ import annotations

from typing import Any

import httpx


class ServiceApi:
    """One service's API with the workspace's bearer token.

    `offers(path)` says whether the running service has a route (from its OpenAPI document), so
    the report can say "not available yet" instead of failing while a service is being built.
    """

    def __init__(self, name: str, base_url: str, token: str, client: httpx.AsyncClient) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._client = client
        self._paths: set[str] | None = None

    async def ready(self) -> bool:
        try:
            response = await self._client.get(f"{self.base_url}/readyz")
        except httpx.TransportError:
            return False
        return response.status_code == 200

    async def offers(self, path: str, method: str = "get") -> bool:
        if self._paths is None:
            try:
                response = await self._client.get(f"{self.base_url}/openapi.json")
                document = response.json() if response.status_code == 200 else {}
            except (httpx.TransportError, ValueError):
                document = {}
            self._paths = {
                f"{verb.lower()} {route}"
                for route, operations in (document.get("paths") or {}).items()
                for verb in operations
            }
        return f"{method.lower()} {path}" in self._paths

    async def get(self, path: str, **params: Any) -> Any:
        """The JSON answer of a GET; raises httpx.HTTPStatusError on an error status."""
        response = await self._client.get(
            f"{self.base_url}{path}", params=params or None, headers=self._headers
        )
        response.raise_for_status()
        return response.json()

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: str | bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        bearer: bool = True,
    ) -> httpx.Response:
        """Any request; `bearer=False` for callers that are not Bansō users (webhooks)."""
        headers = {**(self._headers if bearer else {}), **(headers or {})}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return await self._client.request(
            method, f"{self.base_url}{path}", json=json, content=content, headers=headers
        )
