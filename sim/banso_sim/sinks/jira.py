"""A Jira Cloud stand-in speaking the parts of REST API v3 a ticket sink uses.

Create issue (`POST /rest/api/3/issue`), search by JQL (`GET /rest/api/3/search`, and the newer
`POST /rest/api/3/search/jql`), read and edit an issue, comment on it, and transitions. It checks
the request shapes Jira documents (a project key, a summary, an issue type; Atlassian Document
Format for descriptions and comments) and answers the way Jira does. `resolve` plays the product
manager closing the ticket and builds the `jira:issue_updated` webhook Jira would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API = "/rest/api/3"
# `field = "value"` / `field ~ "value"` clauses of a JQL query (joined by AND)
_CLAUSE = re.compile(r'(\w+)\s*(=|~)\s*(?:"([^"]*)"|\'([^\']*)\'|([\w-]+))')


def adf_text(document: Any) -> str:
    """The plain text of an Atlassian Document Format node (what a person would read)."""
    if isinstance(document, dict):
        if document.get("type") == "text":
            return str(document.get("text", ""))
        parts = [adf_text(child) for child in document.get("content", [])]
        separator = "\n" if document.get("type") in ("doc", "bulletList", "orderedList") else ""
        return separator.join(parts)
    if isinstance(document, list):
        return "\n".join(adf_text(child) for child in document)
    return ""


@dataclass
class Issue:
    id: str
    key: str
    fields: dict[str, Any]
    comments: list[dict[str, Any]] = field(default_factory=list)
    status: str = "To Do"
    resolution: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def summary(self) -> str:
        return str(self.fields.get("summary", ""))

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.fields.get("labels", [])]

    @property
    def description(self) -> str:
        return adf_text(self.fields.get("description"))

    def as_json(self, base_url: str) -> dict[str, Any]:
        fields = dict(self.fields)
        category = "done" if self.status == "Done" else "new"
        fields["status"] = {"name": self.status, "statusCategory": {"key": category}}
        fields["resolution"] = None if self.resolution is None else {"name": self.resolution}
        fields["comment"] = {"comments": self.comments, "total": len(self.comments)}
        return {"id": self.id, "key": self.key, "self": f"{base_url}{API}/issue/{self.id}", "fields": fields}  # fmt: skip


@dataclass
class JiraServer:
    """Issues of one Jira site, and every request it refused (with the reason)."""

    project: str = "PROD"
    base_url: str = "http://127.0.0.1"
    issues: dict[str, Issue] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def issue(self, key_or_id: str) -> Issue | None:
        return self.issues.get(key_or_id) or next(
            (issue for issue in self.issues.values() if issue.id == key_or_id), None
        )

    def search(self, jql: str) -> list[Issue]:
        """Issues matching every `project`, `labels`, `key`, `summary` and `text` clause of the
        JQL (joined by AND), oldest first: enough for "the ticket carrying this theme's key"."""
        clauses = [(name.lower(), op, a or b or c) for name, op, a, b, c in _CLAUSE.findall(jql)]
        found = []
        for issue in sorted(self.issues.values(), key=lambda issue: int(issue.id)):
            if all(self._matches(issue, name, op, value) for name, op, value in clauses):
                found.append(issue)
        return found

    def _matches(self, issue: Issue, name: str, op: str, value: str) -> bool:
        if name == "project":
            return value == self.project
        if name == "labels":
            return value in issue.labels
        if name in ("key", "issuekey", "id"):
            return value in (issue.key, issue.id)
        if name == "summary":
            return value in issue.summary if op == "~" else value == issue.summary
        if name == "text":
            return value in " ".join([issue.summary, issue.description, *issue.labels])
        return True  # other clauses (status, order) do not narrow the stand-in's search

    def resolve(self, key: str, resolution: str = "Fixed") -> dict[str, Any]:
        """Close the issue as Done and return the webhook body Jira sends for it."""
        issue = self.issue(key)
        if issue is None:
            raise KeyError(key)
        issue.status, issue.resolution = "Done", resolution
        return {
            "timestamp": int(datetime.now(UTC).timestamp() * 1000),
            "webhookEvent": "jira:issue_updated",
            "issue_event_type_name": "issue_generic",
            "issue": issue.as_json(self.base_url),
            "changelog": {
                "id": f"{issue.id}01",
                "items": [
                    {"field": "status", "fromString": "To Do", "toString": "Done"},
                    {"field": "resolution", "fromString": None, "toString": resolution},
                ],
            },
        }

    def _refuse(self, request: Request, why: str, status: int = 400) -> Response:
        self.refused.append((request.url.path, why))
        return JSONResponse({"errorMessages": [why], "errors": {}}, status_code=status)

    def app(self) -> Starlette:
        async def create(request: Request) -> Response:
            self.requests.append(("create", request.url.path))
            if request.headers.get("authorization") is None:
                return self._refuse(request, "authentication required", 401)
            try:
                body = orjson.loads(await request.body())
            except orjson.JSONDecodeError:
                return self._refuse(request, "body is not JSON")
            fields = body.get("fields") if isinstance(body, dict) else None
            if not isinstance(fields, dict):
                return self._refuse(request, "fields is required")
            problems = {}
            if (fields.get("project") or {}).get("key") != self.project:
                problems["project"] = "valid project is required"
            if not isinstance(fields.get("summary"), str) or not fields["summary"].strip():
                problems["summary"] = "You must specify a summary of the issue."
            if len(str(fields.get("summary", ""))) > 255:
                problems["summary"] = "Summary must be less than 255 characters."
            issuetype = fields.get("issuetype") or {}
            if not (issuetype.get("name") or issuetype.get("id")):
                problems["issuetype"] = "Specify an issue type"
            description = fields.get("description")
            if description is not None and (
                not isinstance(description, dict) or description.get("type") != "doc"
            ):
                problems["description"] = "Operation value must be an Atlassian Document"
            if problems:
                self.refused.append((request.url.path, orjson.dumps(problems).decode()))
                return JSONResponse({"errorMessages": [], "errors": problems}, status_code=400)
            number = len(self.issues) + 1
            issue = Issue(id=str(10_000 + number), key=f"{self.project}-{number}", fields=fields)
            self.issues[issue.key] = issue
            return JSONResponse(
                {
                    "id": issue.id,
                    "key": issue.key,
                    "self": f"{self.base_url}{API}/issue/{issue.id}",
                },
                status_code=201,
            )

        async def search(request: Request) -> Response:
            self.requests.append(("search", request.url.path))
            if request.method == "POST":
                body = orjson.loads(await request.body() or b"{}")
                jql = str(body.get("jql", ""))
            else:
                jql = request.query_params.get("jql", "")
            issues = [issue.as_json(self.base_url) for issue in self.search(jql)]
            return JSONResponse(
                {
                    "issues": issues,
                    "total": len(issues),
                    "startAt": 0,
                    "maxResults": 50,
                    "isLast": True,
                }  # fmt: skip
            )

        async def one(request: Request) -> Response:
            issue = self.issue(request.path_params["key"])
            if issue is None:
                return self._refuse(request, "Issue does not exist", 404)
            if request.method == "GET":
                return JSONResponse(issue.as_json(self.base_url))
            self.requests.append(("edit", request.url.path))
            body = orjson.loads(await request.body() or b"{}")
            issue.fields.update(body.get("fields", {}))
            return Response(status_code=204)

        async def comment(request: Request) -> Response:
            self.requests.append(("comment", request.url.path))
            issue = self.issue(request.path_params["key"])
            if issue is None:
                return self._refuse(request, "Issue does not exist", 404)
            body = orjson.loads(await request.body() or b"{}")
            if not isinstance(body.get("body"), dict) or body["body"].get("type") != "doc":
                return self._refuse(request, "Comment body must be an Atlassian Document")
            entry = {"id": str(len(issue.comments) + 1), "body": body["body"]}
            issue.comments.append(entry)
            return JSONResponse(entry, status_code=201)

        async def transitions(request: Request) -> Response:
            issue = self.issue(request.path_params["key"])
            if issue is None:
                return self._refuse(request, "Issue does not exist", 404)
            if request.method == "GET":
                names = [{"id": "11", "name": "To Do"}, {"id": "21", "name": "In Progress"}, {"id": "31", "name": "Done"}]  # fmt: skip
                return JSONResponse({"transitions": names})
            body = orjson.loads(await request.body() or b"{}")
            target = {"11": "To Do", "21": "In Progress", "31": "Done"}.get(
                str((body.get("transition") or {}).get("id"))
            )
            if target is None:
                return self._refuse(request, "transition id is required")
            issue.status = target
            return Response(status_code=204)

        return Starlette(
            routes=[
                Route(f"{API}/issue", create, methods=["POST"]),
                Route(f"{API}/search", search, methods=["GET", "POST"]),
                Route(f"{API}/search/jql", search, methods=["GET", "POST"]),
                Route(f"{API}/issue/{{key}}", one, methods=["GET", "PUT"]),
                Route(f"{API}/issue/{{key}}/comment", comment, methods=["POST"]),
                Route(f"{API}/issue/{{key}}/transitions", transitions, methods=["GET", "POST"]),
            ]
        )
