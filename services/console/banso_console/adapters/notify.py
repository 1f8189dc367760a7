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

    async def versions(self, workspace_id: str, playbook_id: str) -> list[dict[str, Any]]:
        """Every version of the playbook, oldest first (a built-in's is version 1)."""
        found: list[dict[str, Any]] = await self.api.get_json(
            workspace_id, _path(playbook_id) + "/versions"
        )
        return found

    async def put_playbook(
        self, workspace_id: str, playbook_id: str, text: str, *, actor: str
    ) -> dict[str, Any]:
        """Save the playbook's YAML (a new version when it changed); 422 names the problems,
        each with its field and line; notify records ``actor`` as who made the version."""
        body: dict[str, Any] = await self.api.send_yaml(
            "PUT", workspace_id, _path(playbook_id), text, scope="write", actor=actor
        )
        return body

    async def set_enabled(
        self, workspace_id: str, playbook_id: str, *, enabled: bool, actor: str
    ) -> dict[str, Any]:
        """Turn the playbook on or off (a new version, with who did it)."""
        body: dict[str, Any] = await self.api.put_json(
            workspace_id, _path(playbook_id) + "/enabled", {"enabled": enabled}, actor=actor
        )
        return body

    async def reports(self, workspace_id: str) -> list[dict[str, Any]]:
        """Every playbook's report (built-ins included), in one call."""
        found: list[dict[str, Any]] = await self.api.get_json(workspace_id, "/v1/reports/playbooks")
        return found

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

    async def policy(self, workspace_id: str) -> dict[str, Any]:
        """The workspace's send policy: caps, send window, quiet hours, CSM alert budget…
        Read with admin scope (the page is an administrator's): a read token sees the policy's
        secrets masked, and the form sends the policy back whole."""
        body: dict[str, Any] = await self.api.get_json(workspace_id, "/v1/policy", scope="admin")
        return body

    async def put_policy(self, workspace_id: str, policy: dict[str, Any]) -> dict[str, Any]:
        """Replace the send policy (an administrator's change: notify asks for admin scope);
        422 names the fields it refused."""
        body: dict[str, Any] = await self.api.put_json(
            workspace_id, "/v1/policy", policy, scope="admin"
        )
        return body
