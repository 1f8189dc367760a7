"""Jira Cloud (REST v3): find by label with JQL, create an issue, comment on it.

Requests (https://developer.atlassian.com/cloud/jira/platform/rest/v3/):
``POST /rest/api/3/search/jql`` ``{"jql", "fields", "maxResults"}`` -> ``{"issues": [{"key"}]}``;
``POST /rest/api/3/issue`` ``{"fields": {"project": {"key"}, "issuetype": {"name"}, "summary",
"labels", "description": <ADF>}}`` -> 201 ``{"id", "key", "self"}``;
``POST /rest/api/3/issue/{key}/comment`` ``{"body": <ADF>}``. Basic auth: e-mail and API token.
"""

from __future__ import annotations

from typing import Any

import httpx

from banso_bridge.adapters.sinks.base import ExternalTicket, SinkError, call, json_object
from banso_bridge.domain.tickets.evidence import TicketDraft

FEEDBACK_LABEL = "customer-feedback"


def _text(text: str, href: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if href:
        node["marks"] = [{"type": "link", "attrs": {"href": href}}]
    return node


def _paragraph(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(nodes)}


def adf_document(draft: TicketDraft) -> dict[str, Any]:
    """The draft in Atlassian Document Format (v3 descriptions and comments are ADF)."""
    content: list[dict[str, Any]] = [
        _paragraph(_text("Customer feedback grouped by Bansō.")),
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [_paragraph(_text(line))]}
                for line in draft.summary_lines
            ],
        },
    ]
    if draft.quotes:
        content.append(_paragraph(_text("What customers wrote (personal data removed):")))
        content += [{"type": "blockquote", "content": [_paragraph(_text(q))]} for q in draft.quotes]
    if draft.keywords:
        content.append(_paragraph(_text("Keywords: " + ", ".join(draft.keywords))))
    content.append(_paragraph(_text("Theme: "), _text(draft.theme_url, draft.theme_url)))
    content.append(_paragraph(_text(f"Bansō key: {draft.label}")))
    return {"type": "doc", "version": 1, "content": content}


def adf_note(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [_paragraph(_text(line)) for line in text.splitlines() if line.strip()],
    }


class JiraSink:
    name = "jira"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        email: str,
        api_token: str,
        project_key: str,
        issue_type: str = "Task",
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._auth = httpx.BasicAuth(email, api_token)
        self._project = project_key
        self._issue_type = issue_type

    def _browse(self, key: str) -> str:
        return f"{self._base}/browse/{key}"

    async def find(self, label: str) -> ExternalTicket | None:
        response = await call(
            self._client,
            "POST",
            f"{self._base}/rest/api/3/search/jql",
            auth=self._auth,
            headers={"Accept": "application/json"},
            json={
                "jql": f'project = "{self._project}" AND labels = "{label}" ORDER BY created ASC',
                "fields": ["summary", "status"],
                "maxResults": 1,
            },
        )
        issues = json_object(response).get("issues") or []
        if not issues:
            return None
        issue = issues[0]
        status = ((issue.get("fields") or {}).get("status") or {}).get("name", "open")
        return ExternalTicket(
            key=issue["key"], url=self._browse(issue["key"]), id=str(issue.get("id")), status=status
        )

    async def create(self, draft: TicketDraft) -> ExternalTicket:
        response = await call(
            self._client,
            "POST",
            f"{self._base}/rest/api/3/issue",
            auth=self._auth,
            headers={"Accept": "application/json"},
            json={
                "fields": {
                    "project": {"key": self._project},
                    "issuetype": {"name": self._issue_type},
                    "summary": draft.title,
                    "labels": [draft.label, FEEDBACK_LABEL],
                    "description": adf_document(draft),
                }
            },
        )
        body = json_object(response)
        if "key" not in body:
            raise SinkError(f"Jira created no key: {body!r:.200}", retryable=False)
        return ExternalTicket(
            key=body["key"], url=self._browse(body["key"]), id=str(body.get("id"))
        )

    async def comment(self, ticket: ExternalTicket, text: str) -> None:
        await call(
            self._client,
            "POST",
            f"{self._base}/rest/api/3/issue/{ticket.key}/comment",
            auth=self._auth,
            headers={"Accept": "application/json"},
            json={"body": adf_note(text)},
        )
