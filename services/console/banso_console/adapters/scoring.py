"""The scoring API: the portfolio, an account's health and its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from banso_console.adapters.service_api import ServiceApi


class ScoringClient:
    def __init__(self, api: ServiceApi) -> None:
        self.api = api

    async def portfolio(self, workspace_id: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        page: dict[str, Any] = await self.api.get_json(workspace_id, "/v1/portfolio", params)
        return page

    async def moves(self, workspace_id: str, *, limit: int = 10, csm: str = "") -> dict[str, Any]:
        """Accounts (of one CSM, given ``csm``) that turned red, yellow or green in the last 7
        days of event time, the worst news and largest ARR first, with counts and ARR per band
        and the ARR at risk."""
        params = [("limit", str(limit))] + ([("csm", csm)] if csm else [])
        body: dict[str, Any] = await self.api.get_json(workspace_id, "/v1/portfolio/moves", params)
        return body

    async def renewals(
        self,
        workspace_id: str,
        *,
        after: datetime,
        before: datetime,
        soonest: int,
        csm: str = "",
    ) -> dict[str, Any]:
        """The accounts (of one CSM, given ``csm``) renewing in [`after`, `before`), in one
        call: the `soonest` first ones and, of them all, how many and what ARR in each band
        (`accounts_by_band`, `arr_by_band`)."""
        return await self.portfolio(
            workspace_id,
            [
                ("renewal_after", after.isoformat()),
                ("renewal_before", before.isoformat()),
                ("sort", "renewal"),
                ("limit", str(soonest)),
            ]
            + ([("csm", csm)] if csm else []),
        )

    async def health(self, workspace_id: str, account_id: str) -> dict[str, Any]:
        body: dict[str, Any] = await self.api.get_json(
            workspace_id, f"/v1/accounts/{quote(account_id, safe='')}/health"
        )
        return body

    async def history(self, workspace_id: str, account_id: str, limit: int = 200) -> list[Any]:
        body = await self.api.get_json(
            workspace_id,
            f"/v1/accounts/{quote(account_id, safe='')}/health/history",
            [("limit", str(limit))],
        )
        items: list[Any] = body["items"]
        return items

    async def set_override(
        self, workspace_id: str, account_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """Set the account's band by hand (409 when another override is in force)."""
        result: dict[str, Any] = await self.api.put_json(
            workspace_id, f"/v1/accounts/{quote(account_id, safe='')}/override", body
        )
        return result

    async def scorecard(self, workspace_id: str) -> dict[str, Any]:
        """The scorecard in force: its version and YAML."""
        body: dict[str, Any] = await self.api.get_json(workspace_id, "/v1/scorecard")
        return body

    async def preview_scorecard(
        self, workspace_id: str, text: str, *, offset: int, limit: int
    ) -> dict[str, Any]:
        """Bands before and after a draft scorecard, and a page of the accounts that would
        change band (read scope: nothing changes); 422 names the draft's problems."""
        body: dict[str, Any] = await self.api.send_yaml(
            "POST",
            workspace_id,
            "/v1/scorecard/preview",
            text,
            scope="read",
            params=[("offset", str(offset)), ("limit", str(limit))],
        )
        return body

    async def put_scorecard(self, workspace_id: str, text: str) -> dict[str, Any]:
        """Replace the scorecard (422 names the problems, each with its field and line)."""
        body: dict[str, Any] = await self.api.send_yaml(
            "PUT", workspace_id, "/v1/scorecard", text, scope="write"
        )
        return body
