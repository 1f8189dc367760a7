"""A theme split off from another, or merged into another, names that theme by its title (one
more call to the bridge, only then), over HTTP against a stand-in bridge; when the bridge does
not answer for that theme (gone, or failing) the page keeps its plain words and link, and is
shown all the same."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.http import serve

from .http_support import console_client, csrf_of, sign_in
from .test_theme_alike_http import _theme

ORIGINAL = 7
ORIGINAL_TITLE = "ダッシュボードの表示が遅いです"


def stand_in_bridge(
    page_theme: dict[str, Any], original_status: int, asked: list[str]
) -> Starlette:
    """The bridge's reads for `page_theme` (id 1); theme 7, the one it points to, answers with
    `original_status` (200: a Japanese theme). Every theme read is recorded in `asked`."""
    original = _theme(ORIGINAL, ORIGINAL_TITLE, {"ja": 0.4, "en": 0.6})

    async def theme(request: Request) -> JSONResponse:
        theme_id = int(request.path_params["theme_id"])
        asked.append(f"/v1/themes/{theme_id}")
        if theme_id == 1:
            return JSONResponse(page_theme)
        if theme_id == ORIGINAL and original_status == 200:
            return JSONResponse(original)
        if original_status == 404:
            return JSONResponse({"error": "not_found", "detail": None}, status_code=404)
        return JSONResponse({"error": "boom", "detail": None}, status_code=original_status)

    async def themes(request: Request) -> JSONResponse:
        return JSONResponse({"themes": [page_theme], "next_offset": None})

    async def items(request: Request) -> JSONResponse:
        return JSONResponse({"theme_id": 1, "item_count": 9, "items": [], "next_offset": None})

    async def growth(request: Request) -> JSONResponse:
        return JSONResponse({"theme_id": 1, "weeks": []})

    async def alike(request: Request) -> JSONResponse:
        return JSONResponse({"theme_id": 1, "themes": []})

    return Starlette(
        routes=[
            Route("/v1/themes", themes),
            Route("/v1/themes/{theme_id:int}", theme),
            Route("/v1/themes/1/items", items),
            Route("/v1/themes/1/growth", growth),
            Route("/v1/themes/1/alike", alike),
        ]
    )


SPLIT = {**_theme(1, "CSV export times out", {"en": 1.0}), "split_from": ORIGINAL}
MERGED = {**_theme(1, "CSV export times out", {"en": 1.0}), "status": "merged"}
MERGED["merged_into"] = ORIGINAL


def _words(html: str, css_class: str) -> str:
    """The text of the paragraph of that class, its tags dropped."""
    found = re.search(rf'<p class="[^"]*\b{css_class}\b[^"]*">(.*?)</p>', html, flags=re.S)
    assert found, f"no {css_class} paragraph"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


async def _japanese(console: Any, page: str) -> str:
    form = {"language": "ja", "csrf_token": csrf_of(page), "back": "/w/ws_a/themes/1"}
    await console.post("/preferences/language", data=form)
    return str((await console.get("/w/ws_a/themes/1")).text)


@pytest.mark.parametrize(
    ("page_theme", "css_class"), [(SPLIT, "split-from"), (MERGED, "merged-into")]
)
async def test_the_theme_it_came_from_or_went_into_is_named_by_its_title(
    database_url: str, page_theme: dict[str, Any], css_class: str
) -> None:
    asked: list[str] = []
    async with serve(stand_in_bridge(page_theme, 200, asked)) as bridge_url:
        async for console in console_client(database_url, bridge_url=bridge_url):
            await sign_in(console)
            answer = await console.get("/w/ws_a/themes/1")
            assert answer.status_code == 200
            japanese = await _japanese(console, answer.text)
    link = f'<a href="/w/ws_a/themes/{ORIGINAL}" lang="ja">{ORIGINAL_TITLE}</a>'
    assert link in answer.text  # marked Japanese: it is written in Japanese
    assert link in japanese
    if page_theme is SPLIT:
        assert _words(answer.text, css_class) == f"Split off from the theme “{ORIGINAL_TITLE}”."
        assert _words(japanese, css_class) == f"「{ORIGINAL_TITLE}」から切り出されたテーマです。"
    else:
        assert _words(answer.text, css_class) == f"This theme was merged into “{ORIGINAL_TITLE}”."
        assert _words(japanese, css_class) == f"このテーマは「{ORIGINAL_TITLE}」に統合されました。"
    # one more read for the title, once per page shown
    assert asked.count(f"/v1/themes/{ORIGINAL}") == 2


@pytest.mark.parametrize("original_status", [404, 500])
@pytest.mark.parametrize(
    ("page_theme", "css_class"), [(SPLIT, "split-from"), (MERGED, "merged-into")]
)
async def test_when_the_bridge_cannot_say_the_page_keeps_its_plain_words(
    database_url: str, page_theme: dict[str, Any], css_class: str, original_status: int
) -> None:
    asked: list[str] = []
    async with serve(stand_in_bridge(page_theme, original_status, asked)) as bridge_url:
        async for console in console_client(database_url, bridge_url=bridge_url):
            await sign_in(console)
            answer = await console.get("/w/ws_a/themes/1")
            assert answer.status_code == 200
            japanese = await _japanese(console, answer.text)
    assert "CSV export times out" in answer.text  # the page itself
    assert f'href="/w/ws_a/themes/{ORIGINAL}"' in answer.text
    assert ORIGINAL_TITLE not in answer.text
    if page_theme is SPLIT:
        assert _words(answer.text, css_class) == (
            "Split off from another theme. Go to the theme it came from"
        )
        assert (
            _words(japanese, css_class)
            == "別のテーマから切り出されたテーマです。 切り出し元のテーマへ"
        )
    else:
        assert _words(answer.text, css_class) == (
            "This theme was merged into another. Go to that theme"
        )
        assert (
            _words(japanese, css_class)
            == "このテーマは別のテーマに統合されました。 統合先のテーマへ"
        )


async def test_a_theme_neither_split_nor_merged_asks_for_no_other_theme(database_url: str) -> None:
    asked: list[str] = []
    plain = _theme(1, "CSV export times out", {"en": 1.0})
    async with serve(stand_in_bridge(plain, 200, asked)) as bridge_url:
        async for console in console_client(database_url, bridge_url=bridge_url):
            await sign_in(console)
            answer = await console.get("/w/ws_a/themes/1")
    assert answer.status_code == 200
    assert asked == ["/v1/themes/1"]
    assert "split-from" not in answer.text
    assert "merged-into" not in answer.text
