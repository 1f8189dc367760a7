"""Linear (GraphQL): find by the marker in the description, ``issueCreate``, ``commentCreate``.

``POST https://api.linear.app/graphql`` with ``{"query", "variables"}`` and the API key in
``Authorization`` (https://linear.app/developers/graphql). Labels need ids created beforehand, so
the marker travels in the description, where the ``issues`` filter can find it.
"""

from __future__ import annotations

from typing import Any

import httpx

from banso_bridge.adapters.sinks.base import ExternalTicket, SinkError, call, json_object
from banso_bridge.domain.tickets.evidence import TicketDraft

FIND = """
query FindIssue($marker: String!) {
  issues(filter: { description: { contains: $marker } }, first: 1) {
    nodes { id identifier url state { name } }
  }
}
"""
CREATE = """
mutation CreateIssue($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}
"""
COMMENT = """
mutation Comment($input: CommentCreateInput!) {
  commentCreate(input: $input) { success }
}
"""


class LinearSink:
    name = "linear"

    def __init__(
        self, client: httpx.AsyncClient, *, api_url: str, api_key: str, team_id: str
    ) -> None:
        self._client = client
        self._url = api_url
        self._headers = {"Authorization": api_key, "Content-Type": "application/json"}
        self._team = team_id

    async def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await call(
            self._client,
            "POST",
            self._url,
            headers=self._headers,
            json={"query": query, "variables": variables},
            # Linear answers GraphQL errors (rate limits included) with 400 and an errors list.
            also_ok=frozenset({400}),
        )
        body = json_object(response)
        errors = body.get("errors")
        if response.status_code == 400 and not errors:
            raise SinkError(f"Linear: HTTP 400: {response.text[:300]}", retryable=False)
        if errors:
            codes = {
                str((error.get("extensions") or {}).get("code", ""))
                for error in errors
                if isinstance(error, dict)
            }
            raise SinkError(f"Linear: {errors!r:.300}", retryable="RATELIMITED" in codes)
        data = body.get("data")
        if not isinstance(data, dict):
            raise SinkError(f"Linear answered no data: {body!r:.200}", retryable=True)
        return data

    async def find(self, label: str) -> ExternalTicket | None:
        data = await self._graphql(FIND, {"marker": label})
        nodes = (data.get("issues") or {}).get("nodes") or []
        if not nodes:
            return None
        node = nodes[0]
        return ExternalTicket(
            key=node["identifier"],
            url=node.get("url"),
            id=node["id"],
            status=(node.get("state") or {}).get("name", "open"),
        )

    async def create(self, draft: TicketDraft) -> ExternalTicket:
        data = await self._graphql(
            CREATE,
            {
                "input": {
                    "teamId": self._team,
                    "title": draft.title,
                    "description": draft.markdown(),
                }
            },
        )
        payload = data.get("issueCreate") or {}
        issue = payload.get("issue")
        if not payload.get("success") or not isinstance(issue, dict):
            raise SinkError(f"Linear issueCreate failed: {payload!r:.200}", retryable=False)
        return ExternalTicket(key=issue["identifier"], url=issue.get("url"), id=issue["id"])

    async def comment(self, ticket: ExternalTicket, text: str) -> None:
        if not ticket.id:
            found = await self.find_by_key(ticket.key)
            ticket = found or ticket
        data = await self._graphql(
            COMMENT, {"input": {"issueId": ticket.id or ticket.key, "body": text}}
        )
        if not (data.get("commentCreate") or {}).get("success"):
            raise SinkError("Linear commentCreate failed", retryable=True)

    async def find_by_key(self, key: str) -> ExternalTicket | None:
        # `issue(id:)` accepts the identifier (ENG-7) as well as the id.
        data = await self._graphql(
            "query Issue($id: String!) { issue(id: $id) { id identifier url } }", {"id": key}
        )
        issue = data.get("issue")
        if not isinstance(issue, dict):
            return None
        return ExternalTicket(key=issue["identifier"], url=issue.get("url"), id=issue["id"])
