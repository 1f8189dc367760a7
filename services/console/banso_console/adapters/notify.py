"""The notify API: playbooks, a send step's preview in ja and en, and each playbook's report."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from banso_console.adapters.service_api import ServiceApi


def _path(playbook_id: str) -> str:
    return f"/v1/playbooks/{quote(playbook_id, safe='')}"


class NotifyClient:
    def __init__(self, api: ServiceApi) -> None:
        self.api = api

    async def playbooks(self, workspace_id: str) -> list[dict[str, Any]]:
        """The workspace's playbooks at their current versions (built-ins included)."""
        found: list[dict[str, Any]] = await self.api.get_json(workspace_id, "/v1/playbooks")
        return found

    async def playbook(self, workspace_id: str, playbook_id: str) -> dict[str, Any]:
        body: dict[str, Any] = await self.api.get_json(workspace_id, _path(playbook_id))
        return body

    async def report(self, workspace_id: str, playbook_id: str) -> dict[str, Any]:
        """Sent, suppressed by reason, conversion of both arms and the uplift with its 95 % CI."""
        body: dict[str, Any] = await self.api.get_json(workspace_id, _path(playbook_id) + "/report")
        return body

    async def preview(
        self, workspace_id: str, playbook_id: str, *, step: int, locales: tuple[str, ...]
    ) -> dict[str, Any]:
        """A send step rendered for a sample person in each locale (read scope: nothing is sent)."""
        body: dict[str, Any] = await self.api.post_json(
            workspace_id,
            _path(playbook_id) + "/preview",
            {"step": step, "locales": list(locales)},
            scope="read",
        )
        return body

    async def send_test(
        self, workspace_id: str, playbook_id: str, *, step: int, email: str, locale: str
    ) -> dict[str, Any]:
        """Send a step's message once to an address, marked as a test (never a nudge: not
        stored, counted or reported); 502 when the channel did not take it."""
        body: dict[str, Any] = await self.api.post_json(
            workspace_id,
            _path(playbook_id) + "/test-send",
            {"step": step, "to": {"email": email}, "locale": locale},
        )
        return body

    async def account_nudges(
        self, workspace_id: str, account_id: str, limit: int = 50
    ) -> list[dict[str, Any]]:
        """The account's nudges, newest first: sent, held (and why) and suppressed (and why)."""
        found: list[dict[str, Any]] = await self.api.get_json(
            workspace_id, "/v1/nudges", [("account_id", account_id), ("limit", str(limit))]
        )
        return found
