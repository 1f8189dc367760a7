"""Workspaces and sources by their names, over HTTP with ingest faked on the wire (httpx's
MockTransport answering its admin API): the live events page's refreshes name each event's
source without asking ingest for the sources each time, and show the source's id when ingest
does not list it or does not answer; the users page names the administrator's workspaces (an id
when ingest does not know it)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from banso_console.adapters.ingest import IngestAdmin
from banso_console.adapters.kept_names import KeptNames
from banso_console.api.deps import ConsoleContext, get_context

from .http_support import console_client, csrf_of, sign_in

ADMIN = "aiko@vendor.example"  # administers ws_a and ws_c
EVENTS = "/w/ws_a/events"
REFRESH = {"HX-Request": "true"}


def _event(message_id: str, source_id: str) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "source_id": source_id,
        "received_at": "2026-12-01T09:00:00+00:00",
        "outcome": "accepted",
        "type": "track",
        "name": "Report Exported",
        "user_id": "u-1",
        "account_id": None,
        "reason": None,
        "detail": None,
    }


@dataclasses.dataclass
class FakeIngest:
    """What the fake ingest answers, and the paths the console asked for."""

    sources: list[dict[str, Any]] = dataclasses.field(
        default_factory=lambda: [{"source_id": "src_web", "name": "web backend"}]
    )
    events: list[dict[str, Any]] = dataclasses.field(
        default_factory=lambda: [_event("m1", "src_web")]
    )
    workspaces: list[dict[str, Any]] = dataclasses.field(
        default_factory=lambda: [{"workspace_id": "ws_a", "name": "Sora Analytics"}]
    )
    sources_answer: int = 200
    asked: list[str] = dataclasses.field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.asked.append(path)
        if path == "/v1/admin/workspaces":
            return httpx.Response(200, json={"items": self.workspaces, "total": 1})
        if path == "/v1/admin/workspaces/ws_a/sources" and self.sources_answer == 200:
            return httpx.Response(200, json=self.sources)
        if path == "/v1/admin/workspaces/ws_a/sources":
            return httpx.Response(self.sources_answer, json={"error": "unavailable"})
        if path == "/v1/admin/workspaces/ws_a/events":
            return httpx.Response(200, json={"events": self.events})
        return httpx.Response(404, json={"error": "not_found", "detail": path})


@pytest.fixture
async def ingest() -> FakeIngest:
    return FakeIngest()


@pytest.fixture
async def console_with_ingest(
    database_url: str, ingest: FakeIngest
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(ingest.answer), base_url="http://ingest.test"
    ) as http:
        admin = IngestAdmin(http, "fake-admin-token-" + "x" * 32)
        # built once, as the lifespan does: the names are kept from one request to the next
        workspace_names = KeptNames(
            lambda _, actor: admin.workspace_names(actor=actor), what="workspace"
        )
        source_names = KeptNames(
            lambda workspace, actor: admin.source_names(workspace, actor=actor), what="source"
        )

        def faked(request: Request) -> ConsoleContext:
            return dataclasses.replace(
                get_context(request),
                ingest=admin,
                workspace_names=workspace_names,
                source_names=source_names,
            )

        def prepare(app: FastAPI) -> None:
            app.dependency_overrides[get_context] = faked

        async for client in console_client(database_url, prepare):
            yield client


def _source_cells(html: str) -> list[str]:
    """The text of each event row's Source cell, in order."""
    rows = re.findall(r"<tr data-message=.*?</tr>", html, flags=re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S)[1] for row in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


async def test_the_events_refreshes_name_sources_without_asking_ingest_for_them_again(
    console_with_ingest: httpx.AsyncClient, ingest: FakeIngest
) -> None:
    await sign_in(console_with_ingest, email=ADMIN)
    page = await console_with_ingest.get(EVENTS)
    assert page.status_code == 200
    assert _source_cells(page.text) == ["web backend"]
    sources = "/v1/admin/workspaces/ws_a/sources"
    assert ingest.asked.count(sources) == 1  # the page lists the sources for its filter
    for _ in range(10):  # 20 s of an open page
        refreshed = await console_with_ingest.get(EVENTS, headers=REFRESH)
        assert refreshed.status_code == 200
        assert _source_cells(refreshed.text) == ["web backend"]
    assert ingest.asked.count(sources) == 1  # kept: each refresh asked for the events alone
    assert ingest.asked.count("/v1/admin/workspaces/ws_a/events") == 11


async def test_an_event_of_a_source_ingest_does_not_list_shows_the_sources_id(
    console_with_ingest: httpx.AsyncClient, ingest: FakeIngest
) -> None:
    await sign_in(console_with_ingest, email=ADMIN)
    await console_with_ingest.get(EVENTS)
    ingest.events = [_event("m2", "src_new"), _event("m1", "src_web")]
    refreshed = await console_with_ingest.get(EVENTS, headers=REFRESH)
    assert refreshed.status_code == 200
    assert _source_cells(refreshed.text) == ["src_new", "web backend"]


async def test_when_ingest_does_not_list_the_sources_the_refresh_shows_their_ids(
    console_with_ingest: httpx.AsyncClient, ingest: FakeIngest
) -> None:
    await sign_in(console_with_ingest, email=ADMIN)
    ingest.sources_answer = 503
    # the table alone (a refresh of a page opened before ingest stopped answering the list)
    refreshed = await console_with_ingest.get(EVENTS, headers=REFRESH)
    assert refreshed.status_code == 200
    assert _source_cells(refreshed.text) == ["src_web"]


async def test_the_users_page_names_the_administrators_workspaces(
    console_with_ingest: httpx.AsyncClient,
) -> None:
    await sign_in(console_with_ingest, email=ADMIN)
    page = await console_with_ingest.get("/admin/users")
    assert page.status_code == 200
    hanako = re.search(r"<th scope=\"row\">hanako@vendor.example</th>.*?</tr>", page.text, re.S)
    assert hanako is not None
    assert '<span title="ws_a">Sora Analytics</span>' in hanako.group(0)
    aiko = re.search(r"<th scope=\"row\">aiko@vendor.example</th>.*?</tr>", page.text, re.S)
    assert aiko is not None
    # ingest names ws_a, not ws_c: its id
    assert '<span title="ws_a">Sora Analytics</span>, <code>ws_c</code>' in aiko.group(0)
    # the workspaces field says which ids are the administrator's, each by its name
    assert "Yours: Sora Analytics (ws_a), ws_c" in page.text

    token = csrf_of(page.text)
    await console_with_ingest.post(
        "/preferences/language",
        data={"language": "ja", "csrf_token": token, "back": "/admin/users"},
    )
    page = await console_with_ingest.get("/admin/users")
    assert "あなたのワークスペース: Sora Analytics (ws_a), ws_c" in page.text
