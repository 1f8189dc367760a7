"""The theme and playbook screens over HTTP: signed in, in one's own workspace, a change only by
an editor with the form's CSRF token. None of these reach a service (none runs)."""

from __future__ import annotations

import httpx
import pytest

from .http_support import csrf_of, sign_in

PAGES = (
    "/w/{ws}/themes",
    "/w/{ws}/themes/1",
    "/w/{ws}/playbooks",
    "/w/{ws}/playbooks/p1",
    "/w/{ws}/sources",
)


@pytest.mark.parametrize("path", PAGES)
async def test_the_screens_need_a_session(console: httpx.AsyncClient, path: str) -> None:
    answer = await console.get(path.format(ws="ws_a"))
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", PAGES)
async def test_another_workspaces_screens_are_refused(
    console: httpx.AsyncClient, path: str
) -> None:
    await sign_in(console)  # hanako sees ws_a only
    answer = await console.get(path.format(ws="ws_b"))
    assert answer.status_code == 403
    assert "You cannot see this page" in answer.text


@pytest.mark.parametrize("action", ["title", "mute", "merge", "split"])
async def test_a_viewer_cannot_change_a_theme(console: httpx.AsyncClient, action: str) -> None:
    await sign_in(console, email="ken@other.example")  # a viewer of ws_b
    token = csrf_of((await console.get("/admin/users")).text)
    answer = await console.post(
        f"/w/ws_b/themes/1/{action}",
        data={"csrf_token": token, "title": "x", "muted": "yes", "into": "2", "items": "f1"},
    )
    assert answer.status_code == 403
    assert "You cannot see this page" in answer.text


async def test_a_theme_change_without_the_csrf_token_is_refused(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console)  # an editor
    for action, data in (("title", {"title": "Renamed"}), ("split", {"items": "f1"})):
        answer = await console.post(f"/w/ws_a/themes/1/{action}", data=data)
        assert answer.status_code == 403
        assert "This form has expired" in answer.text


async def test_a_service_that_does_not_answer_is_a_503_page(console: httpx.AsyncClient) -> None:
    await sign_in(console)
    for path in ("/w/ws_a/themes", "/w/ws_a/playbooks"):
        answer = await console.get(path)
        assert answer.status_code == 503
        assert "A service is not answering" in answer.text


async def test_a_viewer_cannot_send_a_test_message(console: httpx.AsyncClient) -> None:
    await sign_in(console, email="ken@other.example")  # a viewer of ws_b
    token = csrf_of((await console.get("/admin/users")).text)
    answer = await console.post(
        "/w/ws_b/playbooks/re-engagement-14d/test-send",
        data={"csrf_token": token, "step": "0", "to": "ken@other.example", "locale": "en"},
    )
    assert answer.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/w/ws_a/sources",
        "/w/ws_a/sources/src_1/rotate",
        "/w/ws_a/sources/src_1/revoke",
        "/w/ws_a/tokens",
        "/w/ws_a/tokens/tok_1/revoke",
    ],
)
async def test_only_administrators_manage_sources_and_keys(
    console: httpx.AsyncClient, path: str
) -> None:
    await sign_in(console)  # an editor of ws_a
    token = csrf_of((await console.get("/admin/users")).text)  # a refusal has it too
    answer = await console.post(
        path, data={"csrf_token": token, "name": "x", "grace": "0", "scope": "read", "days": "1"}
    )
    assert answer.status_code == 403
    assert (await console.get("/w/ws_a/sources")).status_code == 403
