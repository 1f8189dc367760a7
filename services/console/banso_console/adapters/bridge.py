"""The bridge API: themes by priority (or found by title), one theme in detail and its items page
by page, the themes that may be its problem, rename, mute, merge and split; an account's feedback
with the theme and ticket of each item."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from banso_console.adapters.service_api import ServiceApi


class BridgeClient:
    def __init__(self, api: ServiceApi) -> None:
        self.api = api

    async def themes(
        self,
        workspace_id: str,
        *,
        statuses: tuple[str, ...] = (),
        include_muted: bool = False,
        limit: int = 50,
        offset: int = 0,
        title_contains: str | None = None,
    ) -> dict[str, Any]:
        """A page of themes, highest priority first, and the offset of the next page (or None);
        with ``title_contains``, only the themes whose title contains it (any case)."""
        params = [("status", status) for status in statuses]
        params += [
            ("include_muted", "true" if include_muted else "false"),
            ("limit", str(limit)),
            ("offset", str(offset)),
        ]
        if title_contains:
            params.append(("q", title_contains))
        page: dict[str, Any] = await self.api.get_json(workspace_id, "/v1/themes", params)
        return page

    async def theme(self, workspace_id: str, theme_id: int, items: int = 20) -> dict[str, Any]:
        """One theme with its latest items, the accounts it affects and its ticket."""
        body: dict[str, Any] = await self.api.get_json(
            workspace_id, f"/v1/themes/{theme_id}", [("items", str(items))]
        )
        return body

    async def alike(self, workspace_id: str, theme_id: int, limit: int = 5) -> list[dict[str, Any]]:
        """The themes that may be the same problem as this one, most alike first: title, main
        language, items, accounts, likeness (0-1), shared accounts, ticket key (or None)."""
        body: dict[str, Any] = await self.api.get_json(
            workspace_id, f"/v1/themes/{theme_id}/alike", [("limit", str(limit))]
        )
        found: list[dict[str, Any]] = body["themes"]
        return found

    async def theme_items(
        self, workspace_id: str, theme_id: int, *, limit: int, offset: int = 0
    ) -> dict[str, Any]:
        """A page of the theme's items (redacted), newest first, its item count and the offset
        of the next page (or None)."""
        body: dict[str, Any] = await self.api.get_json(
            workspace_id,
            f"/v1/themes/{theme_id}/items",
            [("limit", str(limit)), ("offset", str(offset))],
        )
        return body

    async def rename(self, workspace_id: str, theme_id: int, title: str) -> dict[str, Any]:
        """A title of the product manager's own; an empty one restores the generated title."""
        body: dict[str, Any] = await self.api.patch_json(
            workspace_id, f"/v1/themes/{theme_id}", {"title": title}
        )
        return body

    async def mute(self, workspace_id: str, theme_id: int, *, muted: bool) -> dict[str, Any]:
        body: dict[str, Any] = await self.api.patch_json(
            workspace_id, f"/v1/themes/{theme_id}", {"muted": muted}
        )
        return body

    async def merge(self, workspace_id: str, theme_id: int, *, into: int) -> dict[str, Any]:
        """Merge the theme into another (409 when either is merged already)."""
        body: dict[str, Any] = await self.api.post_json(
            workspace_id, f"/v1/themes/{theme_id}/merge", {"into": into}
        )
        return body

    async def unmerge(self, workspace_id: str, theme_id: int) -> dict[str, Any]:
        """Undo the theme's merge: it comes back with its items (409 when it is not merged)."""
        body: dict[str, Any] = await self.api.post_json(
            workspace_id, f"/v1/themes/{theme_id}/unmerge", {}
        )
        return body

    async def split(
        self,
        workspace_id: str,
        theme_id: int,
        *,
        items: list[str],
        title: str | None,
        actor: str,
    ) -> dict[str, Any]:
        """Split those items off into a new theme (400 when one is no longer in the theme, 409
        when nothing would remain or the theme is merged or muted); both themes come back."""
        payload: dict[str, Any] = {"items": items}
        if title:
            payload["title"] = title
        body: dict[str, Any] = await self.api.post_json(
            workspace_id, f"/v1/themes/{theme_id}/split", payload, actor=actor
        )
        return body

    async def growth(self, workspace_id: str, theme_id: int, weeks: int = 12) -> list[Any]:
        """Items and accounts per week (Monday to Sunday, UTC), oldest first, this week last."""
        body: dict[str, Any] = await self.api.get_json(
            workspace_id, f"/v1/themes/{theme_id}/growth", [("weeks", str(weeks))]
        )
        weeks_found: list[Any] = body["weeks"]
        return weeks_found

    async def account_feedback(
        self, workspace_id: str, account_id: str, limit: int = 20
    ) -> list[dict[str, Any]]:
        """The account's latest feedback items (redacted), each with its theme and ticket."""
        body: dict[str, Any] = await self.api.get_json(
            workspace_id,
            f"/v1/accounts/{quote(account_id, safe='')}/feedback",
            [("limit", str(limit))],
        )
        items: list[dict[str, Any]] = body["items"]
        return items
