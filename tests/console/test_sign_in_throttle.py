"""Sign-in rate limiting per account and client address, over HTTP on SQLite and PostgreSQL:
after five wrong passwords the account refuses sign-ins from that address (429, a clear message,
Retry-After), even with the right password; other accounts are not affected."""

from __future__ import annotations

import httpx

from banso_console.domain.throttle import Failures, Throttle, after_failure, wait_s

from .http_support import PASSWORD, csrf_of, sign_in

THROTTLE = Throttle(max_failures=5, window_s=900)


async def _try(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    form = await client.get("/login")
    return await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
    )


async def test_five_wrong_passwords_refuse_the_account_from_that_address(
    console: httpx.AsyncClient,
) -> None:
    for _ in range(5):
        wrong = await _try(console, "hanako@vendor.example", "not the password")
        assert wrong.status_code == 401
    refused = await _try(console, "Hanako@Vendor.example", PASSWORD)  # the right one, too late
    assert refused.status_code == 429
    assert 800 < int(refused.headers["Retry-After"]) <= 900
    assert (
        "Too many wrong passwords for this email address from your network. "
        "Try again in 15 minutes." in refused.text
    )
    assert 'value="Hanako@Vendor.example"' in refused.text  # what was typed is kept
    assert (await console.get("/w/ws_a/accounts")).status_code == 303  # not signed in

    # Another account from the same address signs in.
    other = await sign_in(console, email="aiko@vendor.example")
    assert other.status_code == 303


async def test_a_successful_sign_in_forgets_the_failures(console: httpx.AsyncClient) -> None:
    for _ in range(4):
        assert (await _try(console, "ken@other.example", "wrong")).status_code == 401
    assert (await sign_in(console, email="ken@other.example")).status_code == 303
    await console.post(
        "/logout", data={"csrf_token": csrf_of((await console.get("/admin/users")).text)}
    )
    for _ in range(4):
        assert (await _try(console, "ken@other.example", "wrong")).status_code == 401
    assert (await sign_in(console, email="ken@other.example")).status_code == 303


def test_the_window_ends_and_a_new_one_starts() -> None:
    failures = None
    for second in range(5):
        failures = after_failure(THROTTLE, failures, 1000.0 + second)
    assert failures == Failures(5, 1000.0)
    assert wait_s(THROTTLE, failures, 1004.0) == 896
    assert wait_s(THROTTLE, failures, 1899.5) == 1
    assert wait_s(THROTTLE, failures, 1900.0) == 0
    assert after_failure(THROTTLE, failures, 1900.0) == Failures(1, 1900.0)
    assert wait_s(THROTTLE, Failures(4, 1000.0), 1001.0) == 0
    assert wait_s(THROTTLE, None, 0.0) == 0
