"""Sign-in, sessions, CSRF and tenancy over HTTP, on SQLite and PostgreSQL (no browser needed)."""

from __future__ import annotations

import httpx

from banso_console.adapters.users import find_by_email
from banso_console.api.deps import SESSION_COOKIE
from banso_kit.db import Database

from .http_support import PASSWORD, csrf_of, sign_in


async def test_no_page_is_readable_before_signing_in(console: httpx.AsyncClient) -> None:
    for path in ("/", "/w/ws_a/accounts", "/w/ws_a/accounts/northwind"):
        response = await console.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    partial = await console.get("/w/ws_a/accounts", headers={"HX-Request": "true"})
    assert partial.status_code == 401
    assert partial.headers["HX-Redirect"].startswith("/login")


async def test_the_session_cookie_is_secure_http_only_and_same_site(
    console: httpx.AsyncClient,
) -> None:
    form = await console.get("/login")
    cookie = form.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie
    anonymous = console.cookies[SESSION_COOKIE]
    signed_in = await sign_in(console)
    assert signed_in.status_code == 303
    # A new session on sign-in: the form's session id is not the signed-in one.
    assert console.cookies[SESSION_COOKIE] != anonymous


async def test_a_post_without_the_csrf_token_is_refused(console: httpx.AsyncClient) -> None:
    await console.get("/login")
    refused = await console.post(
        "/login", data={"email": "hanako@vendor.example", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    assert (await console.get("/w/ws_a/accounts")).status_code == 303  # still signed out

    await sign_in(console)
    language = await console.post("/preferences/language", data={"language": "ja"})
    assert language.status_code == 403
    forged = await console.post(
        "/preferences/language", data={"language": "ja", "csrf_token": "guessed"}
    )
    assert forged.status_code == 403
    logout = await console.post("/logout", data={})
    assert logout.status_code == 403
    assert (await console.get("/w/ws_b/accounts")).status_code == 403  # still signed in


async def test_login_errors_name_the_field_and_keep_the_email_but_not_the_password(
    console: httpx.AsyncClient,
) -> None:
    form = await console.get("/login")
    token = csrf_of(form.text)
    wrong = await console.post(
        "/login",
        data={"email": "hanako@vendor.example", "password": "wrong-password!", "csrf_token": token},
    )
    assert wrong.status_code == 401
    assert 'id="password-problem"' in wrong.text
    assert "The email address or the password is wrong." in wrong.text
    assert 'value="hanako@vendor.example"' in wrong.text
    assert "wrong-password!" not in wrong.text

    invalid = await console.post(
        "/login",
        data={"email": "hanako.example", "password": "", "csrf_token": token},
        headers={"Accept-Language": "ja,en;q=0.5"},
    )
    assert invalid.status_code == 422
    assert "メールアドレスには @ とドメインが必要です" in invalid.text
    assert "パスワードを入力してください。" in invalid.text
    assert 'value="hanako.example"' in invalid.text


async def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(
    console: httpx.AsyncClient,
) -> None:
    back = await sign_in(console, "/w/ws_a/accounts?sort=name")
    assert back.headers["location"] == "/w/ws_a/accounts?sort=name"


async def test_off_site_next_is_ignored(console: httpx.AsyncClient) -> None:
    response = await sign_in(console, "//evil.example/")
    assert response.headers["location"] == "/"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        again = await console.get("/login", params={"next": target})  # signed in: goes on
        assert again.status_code == 303
        assert again.headers["location"] == "/"


async def test_another_workspace_is_refused_and_the_language_is_the_users(
    console: httpx.AsyncClient, database_url: str
) -> None:
    await sign_in(console)
    home = await console.get("/")
    assert home.headers["location"] == "/w/ws_a/accounts"
    refused = await console.get("/w/ws_b/accounts", headers={"Accept-Language": "ja"})
    assert refused.status_code == 403
    assert "このページは表示できません" in refused.text
    refused_account = await console.get("/w/ws_b/accounts/northwind")
    assert refused_account.status_code == 403
    assert "You cannot see this page" in refused_account.text

    page = await console.get("/w/ws_b/accounts")
    saved = await console.post(
        "/preferences/language",
        data={"language": "ja", "csrf_token": csrf_of(page.text), "back": "/w/ws_b/accounts"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/w/ws_b/accounts"
    in_japanese = await console.get("/w/ws_b/accounts", headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in in_japanese.text
    bad = await console.post(
        "/preferences/language", data={"language": "fr", "csrf_token": csrf_of(page.text)}
    )
    assert bad.status_code == 400
    db = Database(database_url)
    try:
        async with db.session() as session:
            user = await find_by_email(session, email="hanako@vendor.example")
            assert user is not None
            assert user.locale == "ja"
    finally:
        await db.dispose()


async def test_a_service_that_does_not_answer_gets_a_page_saying_so(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console)
    response = await console.get("/w/ws_a/accounts", headers={"Accept-Language": "ja"})
    assert response.status_code == 503
    assert "サービスが応答していません" in response.text
    assert 'action="/logout"' in response.text  # still signed in, with the header's forms


async def test_an_unknown_address_answers_in_the_signed_in_users_language(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console)
    page = await console.get("/w/ws_a/accounts")
    chosen = await console.post(
        "/preferences/language", data={"language": "ja", "csrf_token": csrf_of(page.text)}
    )
    assert chosen.status_code == 303
    # The browser asks for English; the user chose Japanese: the 404 page follows the user.
    missing = await console.get("/w/ws_a/no-such-page", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert '<html lang="ja"' in missing.text
    assert 'action="/logout"' in missing.text  # still signed in, with the header's forms


async def test_a_viewer_cannot_override_a_band(console: httpx.AsyncClient) -> None:
    await sign_in(console, email="ken@other.example")
    page = await console.get("/w/ws_a/accounts")  # a 403 page, with the header's forms
    refused = await console.post(
        "/w/ws_b/accounts/umbrella/override",
        data={"band": "red", "reason": "probe", "days": "7", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 403
    assert "You cannot see this page" in refused.text


async def test_only_operations_endpoints_answer_without_a_session(
    console: httpx.AsyncClient,
) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        missing = await console.get(path)
        assert missing.status_code == 404, path
        assert "Not found" in missing.text  # a page, not JSON
    assert (await console.get("/healthz")).status_code == 200
    assert (await console.get("/readyz")).json()["checks"] == {"database": "ok"}
    assert "banso_console_http" in (await console.get("/metrics")).text
