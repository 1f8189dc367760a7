"""The account page's nudges name their playbook, over HTTP with scoring, bridge and notify faked
on the wire (httpx's MockTransport answering their API paths): the name where notify lists the
playbook, its id where it does not (a playbook gone since, notify's list not answering) — the
page is shown either way — and one call for the names whatever the number of nudges; the person
a nudge went to by name, and the account's CSM by theirs (their id when notify knows no name);
the account's owner by name with their e-mail, as scoring keeps them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from banso_console.adapters.bridge import BridgeClient
from banso_console.adapters.notify import NotifyClient
from banso_console.adapters.scoring import ScoringClient
from banso_console.adapters.service_api import ServiceApi, WorkspaceTokens
from banso_console.api.deps import ConsoleContext, get_context

from .http_support import console_client, csrf_of, sign_in

ACCOUNT = "/w/ws_a/accounts/waitco"
HEALTH: dict[str, dict[str, Any]] = {
    "health": {
        "score": 62.0,
        "band": "yellow",
        "trend": 0.0,
        "measures": [],
        "drivers": [],
        "override": None,
        "computed_at": "2026-12-01T09:00:00+00:00",
    },
    "traits": {
        "name": "Waitco",
        "plan": None,
        "arr": None,
        "csm": None,
        "renewal_at": None,
        "seats": None,
    },
}


def _nudge(nudge_id: str, playbook_id: str, name: str | None = None) -> dict[str, Any]:
    return {
        "id": nudge_id,
        "playbook_id": playbook_id,
        "channel": "email",
        "recipient": {"kind": "user", "id": "cy", "name": name},
        "state": "sent",
        "reason": None,
        "due_at": None,
        "sent_at": "2026-12-01T09:00:00+00:00",
    }


NUDGES = [_nudge("n2", "handover-welcome", "Cy Young"), _nudge("n1", "retired-playbook")]
PLAYBOOKS = [
    {"id": "handover-welcome", "name": "Welcome after a hand-over"},
    {"id": "re-engagement-14d", "name": "Re-engagement after 14 quiet days"},
]


@dataclasses.dataclass
class FakeServices:
    """What the fake services answer, and the paths the console asked for."""

    nudges: list[dict[str, Any]] = dataclasses.field(default_factory=lambda: list(NUDGES))
    # the owner as scoring keeps it (traits `csm` and `csm_name`)
    owner: dict[str, str | None] = dataclasses.field(default_factory=dict)
    playbooks_answer: int = 200
    asked: list[str] = dataclasses.field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.asked.append(path)
        if path == "/v1/accounts/waitco/health":
            return httpx.Response(
                200, json={**HEALTH, "traits": {**HEALTH["traits"], **self.owner}}
            )
        if path in ("/v1/accounts/waitco/health/history", "/v1/accounts/waitco/feedback"):
            return httpx.Response(200, json={"items": []})
        if path == "/v1/nudges":
            return httpx.Response(200, json=self.nudges)
        if path == "/v1/playbooks" and self.playbooks_answer == 200:
            return httpx.Response(200, json=PLAYBOOKS)
        if path == "/v1/playbooks":
            return httpx.Response(self.playbooks_answer, json={"error": "unavailable"})
        return httpx.Response(404, json={"error": "not_found", "detail": path})


@pytest.fixture
async def services() -> AsyncIterator[tuple[FakeServices, Callable[[FastAPI], None]]]:
    fake = FakeServices()
    tokens = WorkspaceTokens("fake-services-secret-" + "x" * 32, ttl_s=300)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(fake.answer), base_url="http://services.test"
    ) as http:

        def faked(request: Request) -> ConsoleContext:
            context = get_context(request)
            return dataclasses.replace(
                context,
                scoring=ScoringClient(ServiceApi("scoring", http, tokens)),
                bridge=BridgeClient(ServiceApi("bridge", http, tokens)),
                notify=NotifyClient(ServiceApi("notify", http, tokens)),
            )

        def prepare(app: FastAPI) -> None:
            app.dependency_overrides[get_context] = faked

        yield fake, prepare


@pytest.fixture
async def console_with_services(
    database_url: str, services: tuple[FakeServices, Callable[[FastAPI], None]]
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in console_client(database_url, services[1]):
        yield client


def _playbook_cells(html: str) -> list[str]:
    """The text of each nudge row's Playbook link, in order."""
    return re.findall(r'<a href="/w/ws_a/playbooks/[^"]+">([^<]+)</a>', html)


async def test_a_nudge_names_its_playbook_and_a_playbook_gone_by_its_id(
    console_with_services: httpx.AsyncClient,
    services: tuple[FakeServices, Callable[[FastAPI], None]],
) -> None:
    fake = services[0]
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    assert _playbook_cells(page.text) == ["Welcome after a hand-over", "retired-playbook"]
    assert 'href="/w/ws_a/playbooks/handover-welcome"' in page.text
    # the names come from one call, whatever the number of nudges
    assert fake.asked.count("/v1/playbooks") == 1

    token = csrf_of(page.text)
    await console_with_services.post(
        "/preferences/language", data={"language": "ja", "csrf_token": token, "back": ACCOUNT}
    )
    page = await console_with_services.get(ACCOUNT)
    assert "このアカウントへのナッジ" in page.text
    # the name as its author wrote it (a playbook has one name, in no particular language)
    assert _playbook_cells(page.text) == ["Welcome after a hand-over", "retired-playbook"]


async def test_without_notifys_playbooks_the_nudges_show_their_playbooks_ids(
    console_with_services: httpx.AsyncClient,
    services: tuple[FakeServices, Callable[[FastAPI], None]],
) -> None:
    services[0].playbooks_answer = 503
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    assert _playbook_cells(page.text) == ["handover-welcome", "retired-playbook"]
    assert "Waitco" in page.text


async def test_an_account_without_nudges_does_not_ask_for_the_playbooks(
    console_with_services: httpx.AsyncClient,
    services: tuple[FakeServices, Callable[[FastAPI], None]],
) -> None:
    fake = services[0]
    fake.nudges = []
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    assert "No nudge has gone to this account yet." in page.text
    assert "/v1/playbooks" not in fake.asked


def _recipient_cells(html: str) -> list[str]:
    """The text of each nudge row's To cell (its tags dropped), in order."""
    rows = re.findall(r"<tr data-nudge=.*?</tr>", html, flags=re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S)[3] for row in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


async def test_a_nudge_names_its_person_when_notify_knows_their_name(
    console_with_services: httpx.AsyncClient,
) -> None:
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    # the person's name with their id beside it; the id alone when no name is known
    assert _recipient_cells(page.text) == ["Cy Young cy", "cy"]


def _to_csm(nudge_id: str, csm_id: str, name: str | None) -> dict[str, Any]:
    return {
        **_nudge(nudge_id, "health-red-csm-alert"),
        "recipient": {"kind": "csm", "id": csm_id, "name": name},
    }


async def test_a_nudge_to_the_accounts_csm_names_them(
    console_with_services: httpx.AsyncClient,
    services: tuple[FakeServices, Callable[[FastAPI], None]],
) -> None:
    services[0].nudges = [
        _to_csm("n3", "csm_7", "Kei Sato"),
        # a CSM notify no longer knows (the account's CSM changed since): their id
        _to_csm("n2", "csm_1", None),
        # the playbook addressed the CSM of an account that had none
        _to_csm("n1", "unassigned", None),
    ]
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    assert _recipient_cells(page.text) == [
        "Kei Sato the account's CSM",
        "csm_1 the account's CSM",
        "The account's CSM (none assigned)",
    ]
    assert '<span title="csm_7">Kei Sato</span>' in page.text  # the id on hover

    token = csrf_of(page.text)
    await console_with_services.post(
        "/preferences/language", data={"language": "ja", "csrf_token": token, "back": ACCOUNT}
    )
    page = await console_with_services.get(ACCOUNT)
    assert _recipient_cells(page.text) == [
        "Kei Sato 担当 CSM",
        "csm_1 担当 CSM",
        "担当 CSM（未設定）",
    ]


def _owner_cell(html: str) -> str:
    """The text of the account's Owner (its tags dropped)."""
    cell = re.search(r'<dd class="owner">(.*?)</dd>', html, flags=re.S)
    assert cell is not None
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())


@pytest.mark.parametrize(
    ("owner", "shown"),
    [
        # a `csm` object with a name and an e-mail, or `csm_email` beside a name
        ({"csm": "michael.brooks@vendor.example", "csm_name": "Michael Brooks"},
         "Michael Brooks michael.brooks@vendor.example"),
        ({"csm": "hanako@vendor.example", "csm_name": None}, "hanako@vendor.example"),
        ({"csm": "Michael Brooks", "csm_name": "Michael Brooks"}, "Michael Brooks"),
        ({"csm": "Aiko", "csm_name": None}, "Aiko"),  # scoring before it kept names
        ({"csm": None, "csm_name": None}, "—"),
    ],
)  # fmt: skip
async def test_the_owner_is_named_with_their_e_mail_when_known(
    console_with_services: httpx.AsyncClient,
    services: tuple[FakeServices, Callable[[FastAPI], None]],
    owner: dict[str, str | None],
    shown: str,
) -> None:
    services[0].owner = owner
    await sign_in(console_with_services)
    page = await console_with_services.get(ACCOUNT)
    assert page.status_code == 200
    assert _owner_cell(page.text) == shown
