"""Local stand-ins for Jira Cloud, GitHub, Linear and a webhook receiver, on loopback.

Each checks the request shape its real API documents (method, path, auth header, JSON body) and
answers 400 when it is wrong, so a sink that drifts from the API fails its test. They keep the
issues they were asked to create, so tests can count them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ADF_NODE_TYPES = {"paragraph", "text", "bulletList", "listItem", "blockquote", "heading"}


class ShapeError(Exception):
    pass


def need(condition: bool, message: str) -> None:
    if not condition:
        raise ShapeError(message)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Tracker:
    """Common state: issues, recorded requests, and injectable failures."""

    issues: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    shape_errors: list[str] = field(default_factory=list)
    # The next N creations answer this status (and create nothing).
    fail_creates: int = 0
    fail_status: int = 503
    # The next N creations DO create, then answer only after `slow_s` (a lost answer).
    slow_creates: int = 0
    slow_s: float = 0.0

    async def _record(self, request: Request) -> Any:
        raw = await request.body()
        body = orjson.loads(raw) if raw else None
        self.requests.append(
            Recorded(request.method, request.url.path, dict(request.headers), body)
        )
        return body

    def created(self) -> int:
        return len(self.issues)


def _check_adf(node: Any) -> None:
    need(isinstance(node, dict), "ADF node must be an object")
    need(node.get("type") in ADF_NODE_TYPES, f"unknown ADF node {node.get('type')!r}")
    if node["type"] == "text":
        need(isinstance(node.get("text"), str) and node["text"] != "", "ADF text needs text")
        for mark in node.get("marks", []):
            need(mark.get("type") == "link" and "href" in mark.get("attrs", {}), "bad mark")
    else:
        for child in node.get("content", []):
            _check_adf(child)


def check_adf_document(doc: Any) -> None:
    need(isinstance(doc, dict) and doc.get("type") == "doc" and doc.get("version") == 1, "ADF doc")
    need(isinstance(doc.get("content"), list) and doc["content"], "ADF content")
    for node in doc["content"]:
        _check_adf(node)


@dataclass
class FakeJira(Tracker):
    email: str = "pm@example.com"
    token: str = "jira-token"
    project: str = "PROD"

    def app(self) -> Starlette:
        expected_auth = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()

        async def guard(request: Request) -> tuple[Any, Response | None]:
            body = await self._record(request)
            if request.headers.get("authorization") != expected_auth:
                return None, JSONResponse({"errorMessages": ["unauthorized"]}, 401)
            return body, None

        async def search(request: Request) -> Response:
            body, denied = await guard(request)
            if denied:
                return denied
            try:
                need(isinstance(body.get("jql"), str), "jql must be a string")
                need(isinstance(body.get("fields", []), list), "fields must be a list")
                need(isinstance(body.get("maxResults", 50), int), "maxResults must be an int")
            except ShapeError as error:
                self.shape_errors.append(str(error))
                return JSONResponse({"errorMessages": [str(error)]}, 400)
            label = re.search(r'labels = "([^"]+)"', body["jql"])
            found = [i for i in self.issues if label and label.group(1) in i["fields"]["labels"]]
            return JSONResponse(
                {
                    "issues": [
                        {
                            "id": i["id"],
                            "key": i["key"],
                            "fields": {
                                "summary": i["fields"]["summary"],
                                "status": {"name": "To Do"},
                            },
                        }
                        for i in found[: body.get("maxResults", 50)]
                    ]
                }
            )

        async def create(request: Request) -> Response:
            body, denied = await guard(request)
            if denied:
                return denied
            try:
                fields = body["fields"]
                need(fields["project"] == {"key": self.project}, "project.key")
                need(
                    isinstance(
                        fields["issuetype"].get("name") or fields["issuetype"].get("id"), str
                    ),
                    "issuetype",
                )
                need(
                    isinstance(fields["summary"], str) and 0 < len(fields["summary"]) <= 255,
                    "summary",
                )
                need(
                    all(
                        isinstance(label, str) and " " not in label
                        for label in fields.get("labels", [])
                    ),
                    "labels",
                )
                check_adf_document(fields["description"])
            except (ShapeError, KeyError, TypeError, AttributeError) as error:
                self.shape_errors.append(repr(error))
                return JSONResponse({"errorMessages": [repr(error)]}, 400)
            if self.fail_creates:
                self.fail_creates -= 1
                return JSONResponse({"errorMessages": ["unavailable"]}, self.fail_status)
            number = len(self.issues) + 1
            issue = {"id": str(10000 + number), "key": f"{self.project}-{number}", "fields": fields}
            self.issues.append(issue)
            if self.slow_creates:
                self.slow_creates -= 1
                await asyncio.sleep(self.slow_s)
            base = str(request.base_url).rstrip("/")
            return JSONResponse(
                {
                    "id": issue["id"],
                    "key": issue["key"],
                    "self": f"{base}/rest/api/3/issue/{issue['id']}",
                },
                201,
            )

        async def comment(request: Request) -> Response:
            body, denied = await guard(request)
            if denied:
                return denied
            try:
                check_adf_document(body["body"])
            except (ShapeError, KeyError) as error:
                self.shape_errors.append(repr(error))
                return JSONResponse({"errorMessages": [repr(error)]}, 400)
            self.comments.append({"key": request.path_params["key"], "body": body["body"]})
            return JSONResponse({"id": str(len(self.comments))}, 201)

        return Starlette(
            routes=[
                Route("/rest/api/3/search/jql", search, methods=["POST"]),
                Route("/rest/api/3/issue", create, methods=["POST"]),
                Route("/rest/api/3/issue/{key}/comment", comment, methods=["POST"]),
            ]
        )


@dataclass
class FakeGitHub(Tracker):
    token: str = "gh-token"
    repo: str = "acme/product"

    def app(self) -> Starlette:
        def denied(request: Request) -> Response | None:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse({"message": "Bad credentials"}, 401)
            if request.headers.get("accept") != "application/vnd.github+json":
                self.shape_errors.append("accept header")
                return JSONResponse({"message": "accept"}, 400)
            if not request.headers.get("x-github-api-version"):
                self.shape_errors.append("api version header")
                return JSONResponse({"message": "version"}, 400)
            return None

        def issue_json(request: Request, issue: dict[str, Any]) -> dict[str, Any]:
            base = str(request.base_url).rstrip("/")
            return {
                "id": 900 + issue["number"],
                "number": issue["number"],
                "title": issue["title"],
                "state": "open",
                "labels": [{"name": name} for name in issue["labels"]],
                "html_url": f"{base}/{self.repo}/issues/{issue['number']}",
            }

        async def issues(request: Request) -> Response:
            body = await self._record(request)
            if (response := denied(request)) is not None:
                return response
            if f"{request.path_params['owner']}/{request.path_params['repo']}" != self.repo:
                return JSONResponse({"message": "Not Found"}, 404)
            if request.method == "GET":
                label = request.query_params.get("labels", "")
                found = [i for i in self.issues if label in i["labels"]]
                if request.query_params.get("state") != "all":
                    self.shape_errors.append("list must ask for state=all")
                return JSONResponse([issue_json(request, i) for i in found])
            try:
                need(isinstance(body.get("title"), str) and body["title"], "title")
                need(isinstance(body.get("body", ""), str), "body")
                need(all(isinstance(label, str) for label in body.get("labels", [])), "labels")
            except (ShapeError, AttributeError) as error:
                self.shape_errors.append(repr(error))
                return JSONResponse({"message": "Validation Failed"}, 422)
            if self.fail_creates:
                self.fail_creates -= 1
                return JSONResponse({"message": "unavailable"}, self.fail_status)
            issue = {
                "number": len(self.issues) + 1,
                "title": body["title"],
                "body": body.get("body", ""),
                "labels": body.get("labels", []),
            }
            self.issues.append(issue)
            if self.slow_creates:
                self.slow_creates -= 1
                await asyncio.sleep(self.slow_s)
            return JSONResponse(issue_json(request, issue), 201)

        async def comments(request: Request) -> Response:
            body = await self._record(request)
            if (response := denied(request)) is not None:
                return response
            if not isinstance(body, dict) or not isinstance(body.get("body"), str):
                self.shape_errors.append("comment body")
                return JSONResponse({"message": "Validation Failed"}, 422)
            self.comments.append(
                {"number": int(request.path_params["number"]), "body": body["body"]}
            )
            return JSONResponse({"id": len(self.comments), "body": body["body"]}, 201)

        return Starlette(
            routes=[
                Route("/repos/{owner}/{repo}/issues", issues, methods=["GET", "POST"]),
                Route("/repos/{owner}/{repo}/issues/{number}/comments", comments, methods=["POST"]),
            ]
        )


@dataclass
class FakeLinear(Tracker):
    api_key: str = "lin_api_key"
    team: str = "team-1"

    def app(self) -> Starlette:
        async def graphql(request: Request) -> Response:
            body = await self._record(request)
            if request.headers.get("authorization") != self.api_key:
                return JSONResponse(
                    {
                        "errors": [
                            {"message": "auth", "extensions": {"code": "AUTHENTICATION_ERROR"}}
                        ]
                    },
                    400,
                )
            if not isinstance(body, dict) or not isinstance(body.get("query"), str):
                self.shape_errors.append("graphql body")
                return JSONResponse({"errors": [{"message": "bad request"}]}, 400)
            query, variables = body["query"], body.get("variables") or {}
            base = str(request.base_url).rstrip("/")
            if "issueCreate" in query:
                data = variables.get("input", {})
                if data.get("teamId") != self.team or not data.get("title"):
                    self.shape_errors.append("issueCreate input")
                    return JSONResponse({"errors": [{"message": "Argument Validation Error"}]}, 400)
                if self.fail_creates:
                    self.fail_creates -= 1
                    return JSONResponse(
                        {
                            "errors": [
                                {"message": "slow down", "extensions": {"code": "RATELIMITED"}}
                            ]
                        },
                        400,
                    )
                number = len(self.issues) + 1
                issue = {
                    "id": f"uuid-{number}",
                    "identifier": f"ENG-{number}",
                    "url": f"{base}/acme/issue/ENG-{number}",
                    **data,
                }
                self.issues.append(issue)
                node = {k: issue[k] for k in ("id", "identifier", "url")}
                return JSONResponse({"data": {"issueCreate": {"success": True, "issue": node}}})
            if "issues(" in query:
                marker = variables.get("marker", "")
                nodes = [
                    {
                        "id": i["id"],
                        "identifier": i["identifier"],
                        "url": i["url"],
                        "state": {"name": "Todo"},
                    }
                    for i in self.issues
                    if marker and marker in i.get("description", "")
                ]
                return JSONResponse({"data": {"issues": {"nodes": nodes[:1]}}})
            if "commentCreate" in query:
                data = variables.get("input", {})
                if not data.get("issueId") or not data.get("body"):
                    self.shape_errors.append("commentCreate input")
                    return JSONResponse({"errors": [{"message": "Argument Validation Error"}]}, 400)
                self.comments.append(data)
                return JSONResponse({"data": {"commentCreate": {"success": True}}})
            self.shape_errors.append(f"unexpected query {query[:60]}")
            return JSONResponse({"errors": [{"message": "unknown"}]}, 400)

        return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


@dataclass
class FakeWebhookReceiver(Tracker):
    # Standard Webhooks form: whsec_ + base64 of the key bytes (the receiver signs with the bytes).
    secret: str = "whsec_" + base64.b64encode(b"receiver-key-0123456789abcdef").decode()
    seen_ids: set[str] = field(default_factory=set)

    def app(self) -> Starlette:
        async def receive(request: Request) -> Response:
            raw = await request.body()
            body = await self._record(request)
            webhook_id = request.headers.get("webhook-id", "")
            timestamp = request.headers.get("webhook-timestamp", "")
            signed = f"{webhook_id}.{timestamp}.".encode() + raw
            expected = (
                "v1,"
                + base64.b64encode(
                    hmac.new(
                        base64.b64decode(self.secret.removeprefix("whsec_")), signed, hashlib.sha256
                    ).digest()
                ).decode()
            )
            if request.headers.get("webhook-signature") != expected:
                self.shape_errors.append("signature")
                return JSONResponse({"error": "bad signature"}, 401)
            if webhook_id in self.seen_ids:
                return JSONResponse({"key": body["key"], "duplicate": True}, 200)
            self.seen_ids.add(webhook_id)
            if body.get("type") == "ticket.requested":
                self.issues.append(body)
                return JSONResponse(
                    {
                        "key": f"FB-{len(self.issues)}",
                        "url": f"https://tracker.example/FB-{len(self.issues)}",
                    },
                    200,
                )
            self.comments.append(body)
            return JSONResponse({"ok": True}, 200)

        return Starlette(routes=[Route("/hooks/tickets", receive, methods=["POST"])])
