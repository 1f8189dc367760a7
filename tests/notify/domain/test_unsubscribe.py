"""Unsubscribe tokens only ever unsubscribe the person, in the workspace, they were made for."""

from __future__ import annotations

import jwt
import pytest

from banso_notify.domain.errors import InvalidToken
from banso_notify.domain.unsubscribe import make_unsubscribe_token, read_unsubscribe_token

SECRET = "a-test-secret-that-is-long-enough-123"


def test_a_token_names_its_workspace_and_user() -> None:
    token = make_unsubscribe_token(secret=SECRET, workspace_id="ws-1", user_id="u1")

    claim = read_unsubscribe_token(token, secret=SECRET)

    assert (claim.workspace_id, claim.user_id) == ("ws-1", "u1")


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = make_unsubscribe_token(
        secret="another-secret-that-is-long-enough-456", workspace_id="ws-1", user_id="u1"
    )

    with pytest.raises(InvalidToken):
        read_unsubscribe_token(token, secret=SECRET)


def test_a_tampered_token_is_refused() -> None:
    token = make_unsubscribe_token(secret=SECRET, workspace_id="ws-1", user_id="u1")
    header, payload, signature = token.split(".")
    forged = make_unsubscribe_token(secret=SECRET, workspace_id="ws-2", user_id="u1").split(".")[1]

    with pytest.raises(InvalidToken):
        read_unsubscribe_token(f"{header}.{forged}.{signature[::-1]}", secret=SECRET)
    with pytest.raises(InvalidToken):
        read_unsubscribe_token(f"{header}.{forged}.{signature}", secret=SECRET)


def test_a_bearer_token_signed_with_the_plain_secret_is_not_an_unsubscribe_token() -> None:
    bearer = jwt.encode({"ws": "ws-1", "sub": "u1"}, SECRET, algorithm="HS256")

    with pytest.raises(InvalidToken):
        read_unsubscribe_token(bearer, secret=SECRET)


def test_garbage_is_refused() -> None:
    with pytest.raises(InvalidToken):
        read_unsubscribe_token("not-a-token", secret=SECRET)
