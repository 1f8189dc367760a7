"""The console's pure decisions, and words built from structured data in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from banso_console.api.rendering import Renderer
from banso_console.domain.drivers import driver_lines, history_points
from banso_console.domain.forms import LoginInput, check_login
from banso_console.domain.language import choose, from_accept_language
from banso_console.domain.portfolio import Filters, paging, parse_filters, trend_direction
from banso_console.domain.roles import Viewer


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,ja;q=0.5", "ja"),
        ("fr-FR,de;q=0.5", "en"),
        ("en;q=0.2,ja;q=0.9", "ja"),
        ("ja;q=0", "en"),
        ("ja;q=oops", "en"),
    ],
)
def test_the_browsers_language_is_the_default(header: str | None, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_a_saved_choice_beats_the_browser() -> None:
    assert choose("ja", "en-US") == "ja"
    assert choose("en", "ja") == "en"
    assert choose(None, "ja") == "ja"
    assert choose("fr", "ja") == "ja"


def test_roles_grant_in_steps_and_workspaces_are_explicit() -> None:
    viewer = Viewer(1, "a@x.example", "viewer", ("ws_a",), "en")
    editor = Viewer(2, "b@x.example", "editor", ("ws_a", "ws_b"), "en")
    admin = Viewer(3, "c@x.example", "admin", (), "en")
    assert [viewer.can(p) for p in ("read", "edit", "administer")] == [True, False, False]
    assert [editor.can(p) for p in ("read", "edit", "administer")] == [True, True, False]
    assert [admin.can(p) for p in ("read", "edit", "administer")] == [True, True, True]
    assert viewer.may_see("ws_a")
    assert not viewer.may_see("ws_b")
    assert not admin.may_see("ws_a")
    assert admin.home_workspace is None


def test_login_problems_name_their_field() -> None:
    assert check_login(LoginInput("", "")).by_field == {"email": "required", "password": "required"}
    assert check_login(LoginInput("hanako.example", "pw")).by_field == {"email": "invalid_email"}
    assert not check_login(LoginInput(" Hanako@Vendor.example ", "pw"))


def test_filters_from_the_query_string_name_what_cannot_be_used() -> None:
    parsed = parse_filters(
        {"q": ["  north "], "band": ["yellow", "red", "purple"], "sort": ["-arr"], "page": ["2"]}
    )
    assert parsed.filters == Filters(q="north", bands=("red", "yellow"), sort="-arr", page=2)
    assert parsed.problems == {"band": "unknown_band"}
    assert parsed.filters.api_params(per_page=25) == [
        ("sort", "-arr"),
        ("limit", "25"),
        ("offset", "25"),
        ("q", "north"),
        ("band", "red"),
        ("band", "yellow"),
    ]
    bad = parse_filters({"sort": ["colour"], "page": ["0"]})
    assert bad.filters == Filters()
    assert bad.problems == {"sort": "unknown_sort", "page": "not_a_page"}


def test_a_csm_filter_asks_scoring_for_one_owners_accounts_and_stays_in_the_links() -> None:
    parsed = parse_filters({"csm": [" hanako@vendor.example "], "sort": ["name"]})
    assert parsed.filters.csm == "hanako@vendor.example"
    assert ("csm", "hanako@vendor.example") in parsed.filters.api_params()
    # Paging and "every CSM" links keep or drop it.
    assert ("csm", "hanako@vendor.example") in parsed.filters.query(page=2)
    assert all(key != "csm" for key, _ in parsed.filters.query(csm=""))
    too_long = parse_filters({"csm": ["x" * 257]})
    assert too_long.filters.csm == ""
    assert too_long.problems == {"csm": "too_long"}


def test_paging_and_trend_arrows() -> None:
    page = paging(total=60, page=3, per_page=25)
    assert (page.pages, page.first, page.last, page.has_previous, page.has_next) == (
        3,
        51,
        60,
        True,
        False,
    )
    assert paging(total=0, page=1).first == 0
    assert [trend_direction(t) for t in (None, 2.5, -1.0, 0.4)] == [None, "up", "down", "flat"]


HEALTH = {
    "measures": [
        {"measure": "licence_utilisation", "value": 0.04},
        {"measure": "renewal", "value": 40.2},
        {"measure": "support_friction", "value": 6.0},
    ],
    "drivers": [
        {
            "measure": "licence_utilisation",
            "text": "only 2 of 50 seats active in the last 2 weeks",
            "impact": -30.8,
            "direction": "down",
            "basis": "standing",
        },
        {
            "measure": "renewal",
            "text": "renewal in 40 days while health is red",
            "impact": -0.1,
            "direction": "down",
            "basis": "change",
        },
    ],
}


def test_drivers_are_worded_from_their_fields_in_japanese_and_english() -> None:
    renderer = Renderer(currency="USD")
    lines = driver_lines(HEALTH)
    assert [renderer.wordings["ja"].driver(line) for line in lines] == [
        "ライセンス利用率：4%（30.8 ポイントのマイナス）",
        "更新：40 日後（前回より 0.1 ポイント低下）",
    ]
    assert [renderer.wordings["en"].driver(line) for line in lines] == [
        "Licence utilisation: 4% (costs 30.8 points)",
        "Renewal: in 40 days (0.1 points less than the last health)",
    ]
    assert renderer.wordings["ja"].band("red") == "危険"
    assert renderer.wordings["en"].band("purple") == "Not enough data"


def test_money_and_dates_follow_the_locale() -> None:
    renderer = Renderer(currency="JPY")
    ja = renderer.envs["ja"].filters
    en = renderer.envs["en"].filters
    assert ja["money"](1_200_000.4) == "￥1,200,000"
    assert en["money"](1_200_000) == "¥1,200,000"
    assert ja["date"]("2027-01-15T00:00:00+00:00") == "2027/01/15"
    assert en["date"]("2027-01-15T00:00:00+00:00") == "Jan 15, 2027"
    assert en["signed"](-24.83) == "-24.8"
    assert en["money"](None) == "—"


def test_history_points_run_oldest_first_without_unscored_items() -> None:
    items: list[dict[str, Any]] = [
        {"computed_at": "2026-12-05T00:00:00+00:00", "score": 36.0},
        {"computed_at": "2026-12-04T00:00:00+00:00", "score": None},
        {"computed_at": "2026-12-01T00:00:00+00:00", "score": 60.0},
    ]
    assert [(p.at[:10], p.score) for p in history_points(items)] == [
        ("2026-12-01", 60.0),
        ("2026-12-05", 36.0),
    ]


def test_an_override_needs_a_band_a_reason_and_whole_days() -> None:
    from banso_console.domain.forms import OverrideInput, check_override

    empty = check_override(OverrideInput(band="", reason=" ", days="", replace=False))
    assert empty.problems == {"band": "required", "reason": "required", "days": "required"}
    wrong = check_override(OverrideInput(band="blue", reason="ok", days="1.5", replace=False))
    assert wrong.problems == {"band": "unknown_band", "reason": "too_short", "days": "not_days"}
    assert check_override(OverrideInput("red", "x" * 1001, "366", False)).problems == {
        "reason": "too_long",
        "days": "not_days",
    }
    fine = check_override(OverrideInput("green", "Renewal signed", "14", False))
    assert (fine.problems, fine.days) == ({}, 14)
