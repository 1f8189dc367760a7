"""Ingest's CS touch API: a touch a CSM logged, sent with the workspace's `write` token (ingest
publishes it as a CSM note, which scoring counts as a CS touch and the bridge groups)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from banso_console.adapters.service_api import ServiceApi


class TouchesClient:
    def __init__(self, api: ServiceApi) -> None:
        self.api = api

    async def log_touch(
        self,
        workspace_id: str,
        account_id: str,
        *,
        kind: str,
        occurred_at: datetime,
        note: str,
        touch_id: str,
        actor: str,
    ) -> dict[str, Any]:
        """Log the touch; sent again with the same `touch_id`, it is not logged twice. The
        signed-in user who logged it (``actor``) becomes the CSM note's author."""
        body: dict[str, Any] = await self.api.post_json(
            workspace_id,
            f"/v1/accounts/{quote(account_id, safe='')}/touches",
            {
                "kind": kind,
                "occurred_at": occurred_at.isoformat(),
                "note": note,
                "touch_id": touch_id,
            },
            actor=actor,
        )
        return body
