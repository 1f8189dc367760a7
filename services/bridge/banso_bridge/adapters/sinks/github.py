"""GitHub Issues (REST): find by label, create an issue, comment on it.

Requests (https://docs.github.com/en/rest/issues): ``GET /repos/{owner}/{repo}/issues?labels=
<label>&state=all`` (the list endpoint, not search: it is consistent right after a creation);
``POST /repos/{owner}/{repo}/issues`` ``{"title", "body", "labels"}`` -> 201 ``{"number",
"html_url"}``; ``POST /repos/{owner}/{repo}/issues/{number}/comments`` ``{"body"}``.
"""

from __future__ import annotations

import httpx

from banso_bridge.adapters.sinks.base import ExternalTicket, SinkError, call, json_object
from banso_bridge.domain.tickets.evidence import TicketDraft

FEEDBACK_LABEL = "customer-feedback"
API_VERSION = "2022-11-28"


class GitHubSink:
    name = "github"

    def __init__(self, client: httpx.AsyncClient, *, api_url: str, repo: str, token: str) -> None:
        self._client = client
        self._repo_url = f"{api_url.rstrip('/')}/repos/{repo}"
        self._repo = repo
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }

    def _ticket(self, number: int, url: str | None, state: str = "open") -> ExternalTicket:
        return ExternalTicket(key=f"{self._repo}#{number}", url=url, id=str(number), status=state)

    async def find(self, label: str) -> ExternalTicket | None:
        response = await call(
            self._client,
            "GET",
            f"{self._repo_url}/issues",
            headers=self._headers,
            params={"labels": label, "state": "all", "per_page": 10},
        )
        items = response.json()
        if not isinstance(items, list):
            raise SinkError(f"GitHub list answered {items!r:.200}", retryable=False)
        for item in items:
            if isinstance(item, dict) and "pull_request" not in item and "number" in item:
                return self._ticket(
                    int(item["number"]), item.get("html_url"), item.get("state", "open")
                )
        return None

    async def create(self, draft: TicketDraft) -> ExternalTicket:
        response = await call(
            self._client,
            "POST",
            f"{self._repo_url}/issues",
            headers=self._headers,
            json={
                "title": draft.title,
                "body": draft.markdown(),
                "labels": [draft.label, FEEDBACK_LABEL],
            },
        )
        body = json_object(response)
        if "number" not in body:
            raise SinkError(f"GitHub created no issue number: {body!r:.200}", retryable=False)
        return self._ticket(int(body["number"]), body.get("html_url"))

    async def comment(self, ticket: ExternalTicket, text: str) -> None:
        number = ticket.id or ticket.key.rsplit("#", 1)[-1]
        await call(
            self._client,
            "POST",
            f"{self._repo_url}/issues/{number}/comments",
            headers=self._headers,
            json={"body": text},
        )
