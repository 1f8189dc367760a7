"""The users page: administrators only, field-by-field problems, grants within their workspaces."""

from __future__ import annotations

import httpx

from .http_support import PASSWORD, csrf_of, sign_in


async def test_only_administrators_see_the_users_page(console: httpx.AsyncClient) -> None:
    await sign_in(console)  # an editor
    refused = await console.get("/admin/users")
    assert refused.status_code == 403
    assert "/admin/users" not in (await console.get("/w/ws_z/accounts")).text  # no menu entry


async def test_an_administrator_lists_the_users_of_their_workspaces(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console, email="aiko@vendor.example")
    page = await console.get("/admin/users")
    assert page.status_code == 200
    assert "hanako@vendor.example" in page.text
    assert "aiko@vendor.example" in page.text
    assert "ken@other.example" not in page.text  # ws_b is not theirs


async def test_adding_a_user_names_each_problem_and_keeps_what_was_typed(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console, email="aiko@vendor.example")
    token = csrf_of((await console.get("/admin/users")).text)
    refused = await console.post(
        "/admin/users",
        data={
            "email": "taro.example",
            "password": "short-pw",
            "role": "owner",
            "workspaces": "ws_a, ws_b",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    for field in ("email", "password", "role", "workspaces"):
        assert f'id="new-{field}-problem"' in refused.text
    assert "You can only grant workspaces you see yourself." in refused.text
    assert 'value="taro.example"' in refused.text
    assert 'value="ws_a, ws_b"' in refused.text
    assert "short-pw" not in refused.text

    taken = await console.post(
        "/admin/users",
        data={
            "email": "HANAKO@vendor.example",
            "password": PASSWORD,
            "role": "viewer",
            "workspaces": "ws_a",
            "csrf_token": token,
        },
    )
    assert taken.status_code == 422
    assert "A user with this email address already exists." in taken.text

    unsigned = await console.post(
        "/admin/users",
        data={"email": "taro@vendor.example", "password": PASSWORD, "role": "viewer"},
    )
    assert unsigned.status_code == 403

    added = await console.post(
        "/admin/users",
        data={
            "email": "taro@vendor.example",
            "password": PASSWORD,
            "role": "viewer",
            "workspaces": "ws_c",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    listed = await console.get(added.headers["location"])
    assert "taro@vendor.example can now sign in." in listed.text
    spoofed = await console.get("/admin/users?created=anyone@evil.example")
    assert "can now sign in" not in spoofed.text

    async with httpx.AsyncClient(
        transport=console._transport, base_url="https://console.test"
    ) as taro:
        signed_in = await sign_in(taro, email="taro@vendor.example")
        assert signed_in.headers["location"] == "/"
        assert (await taro.get("/")).headers["location"] == "/w/ws_c/accounts"
        assert (await taro.get("/w/ws_a/accounts")).status_code == 403
