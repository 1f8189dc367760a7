"""A theme's page over HTTP against a stand-in bridge: "May be the same problem" lists what the
bridge's `/alike` answers, and when that call fails the page is still shown, without the
section (as the console's other partial failures are)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.http import serve

from .http_support import console_client, csrf_of, sign_in

SEEN = "2026-12-01T09:00:00Z"


def _theme(theme_id: int, title: str, languages: dict[str, float]) -> dict[str, Any]:
    """A theme as the bridge's `GET /v1/themes/{id}` answers it."""
    return {
        "theme_id": theme_id,
        "status": "open",
        "title": title,
        "generated_title": title,
        "keywords": ["dashboard"],
        "quotes": [title],
        "languages": languages,
        "muted": False,
        "praise": False,
        "held_back": None,
        "merged_into": None,
        "split_from": None,
        "item_count": 9,
        "accounts_affected": 3,
        "arr_affected": 920_000.0,
        "at_risk_share": 0.5,
        "items_last_7d": 9,
        "items_prev_28d": 0,
        "trend": 2.0,
        "first_seen": SEEN,
        "last_seen": SEEN,
        "priority": 1.0,
        "ticket_state": None,
        "ticket_url": None,
        "items": [],
        "accounts": [],
        "ticket": None,
        "merge": None,
        "split": None,
    }


def stand_in_bridge(
    *, alike_answers: bool, merges: list[tuple[int, int]] | None = None
) -> Starlette:
    """The bridge's theme reads for theme 1, which may be the same problem as theme 2 (English);
    merging 2 is recorded in `merges`, and answers 409 once done (merged already)."""
    japanese = _theme(1, "ダッシュボードの表示が遅いです", {"ja": 1.0})
    english = _theme(2, "The KPI dashboard keeps spinning", {"en": 1.0})

    async def themes(request: Request) -> JSONResponse:
        return JSONResponse({"themes": [japanese, english], "next_offset": None})

    async def theme(request: Request) -> JSONResponse:
        return JSONResponse(japanese)

    async def items(request: Request) -> JSONResponse:
        return JSONResponse({"theme_id": 1, "item_count": 9, "items": [], "next_offset": None})

    async def growth(request: Request) -> JSONResponse:
        return JSONResponse({"theme_id": 1, "weeks": []})

    async def alike(request: Request) -> JSONResponse:
        if not alike_answers:
            return JSONResponse({"error": "boom", "detail": None}, status_code=500)
        offered = {
            "theme_id": 2,
            "title": english["title"],
            "main_language": "en",
            "items": 9,
            "accounts_affected": 3,
            "likeness": 0.8205,
            "shared_accounts": 2,
            "ticket": "PROD-5",
            "ticket_url": "https://tracker.example/PROD-5",
        }
        return JSONResponse({"theme_id": 1, "themes": [offered]})

    async def merge(request: Request) -> JSONResponse:
        merged = int(request.path_params["theme_id"])
        into = int((await request.json())["into"])
        if merges is not None:
            if any(done == merged for done, _ in merges):
                return JSONResponse({"error": "theme is already merged", "detail": {}}, 409)
            merges.append((merged, into))
        return JSONResponse({**english, "status": "merged", "merged_into": into})

    return Starlette(
        routes=[
            Route("/v1/themes/{theme_id:int}/merge", merge, methods=["POST"]),
            Route("/v1/themes", themes),
            Route("/v1/themes/1", theme),
            Route("/v1/themes/1/items", items),
            Route("/v1/themes/1/growth", growth),
            Route("/v1/themes/1/alike", alike),
        ]
    )


@pytest.mark.parametrize("alike_answers", [True, False])
async def test_may_be_the_same_problem_is_listed_or_left_out_when_the_bridge_fails(
    database_url: str, alike_answers: bool
) -> None:
    async with serve(stand_in_bridge(alike_answers=alike_answers)) as bridge_url:
        async for console in console_client(database_url, bridge_url=bridge_url):
            await sign_in(console)
            answer = await console.get("/w/ws_a/themes/1")
    assert answer.status_code == 200
    assert "ダッシュボードの表示が遅いです" in answer.text  # the page itself
    if alike_answers:
        assert "May be the same problem" in answer.text
        assert 'href="/w/ws_a/themes/2"' in answer.text
        assert "Words alike: 82%" in answer.text
        assert 'href="https://tracker.example/PROD-5"' in answer.text
        assert 'action="/w/ws_a/themes/2/merge"' in answer.text  # hanako is an editor
        assert 'name="offered" value="alike"' in answer.text
    else:
        assert "May be the same problem" not in answer.text


async def test_merge_it_into_this_theme_merges_the_offered_theme_and_says_a_refusal_there(
    database_url: str,
) -> None:
    merges: list[tuple[int, int]] = []
    async with serve(stand_in_bridge(alike_answers=True, merges=merges)) as bridge_url:
        async for console in console_client(database_url, bridge_url=bridge_url):
            await sign_in(console)
            page = await console.get("/w/ws_a/themes/1")
            form = {"csrf_token": csrf_of(page.text), "into": "1", "offered": "alike"}
            # Theme 2 is offered on theme 1's page: merged into it, back there with the notice.
            done = await console.post("/w/ws_a/themes/2/merge", data=form)
            assert done.status_code == 303
            assert done.headers["location"] == "/w/ws_a/themes/1?saved=merged"
            assert merges == [(2, 1)]
            # Theme 3 is not (any more): said at the section of theme 1's page, nothing merged.
            stale = await console.post("/w/ws_a/themes/3/merge", data=form)
            assert stale.status_code == 422
            assert "That theme is no longer offered here as maybe the same problem" in stale.text
            assert 'id="theme-alike"' in stale.text
            assert "ダッシュボードの表示が遅いです" in stale.text  # theme 1's page
            # Clicked again on a page shown before the first merge: the bridge refuses (409).
            again = await console.post("/w/ws_a/themes/2/merge", data=form)
            assert again.status_code == 422
            assert "One of the two themes has been merged meanwhile" in again.text
            assert 'id="theme-alike"' in again.text
            assert merges == [(2, 1)]
