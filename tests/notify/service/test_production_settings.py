"""With BANSO_ENV=production notify refuses to start on development addresses, naming the setting:
as settings, and as the real `banso-notify serve` process an operator starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from banso_notify.config import NotifySettings
from tests.support.production import STRONG, assert_serve_refuses

REMOTE: dict[str, Any] = {
    "smtp_host": "smtp.example.com",
    "public_url": "https://notify.example.com",
}


def test_production_with_remote_smtp_and_public_url_starts() -> None:
    settings = NotifySettings(env="production", **STRONG, **REMOTE)
    assert (settings.smtp_host, settings.public_url) == (REMOTE["smtp_host"], REMOTE["public_url"])


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"smtp_host": "127.0.0.1"}, "NOTIFY_SMTP_HOST=127.0.0.1 points at this machine"),
        ({"smtp_host": "localhost"}, "NOTIFY_SMTP_HOST=localhost points at this machine"),
        ({"smtp_host": "::1"}, "NOTIFY_SMTP_HOST=::1 points at this machine"),
        ({"public_url": "http://127.0.0.1:8004"}, "NOTIFY_PUBLIC_URL=http://127.0.0.1:8004 points"),
        ({"public_url": "notify.example.com"}, "NOTIFY_PUBLIC_URL='notify.example.com' is not"),
        ({"smtp_username": "banso"}, "NOTIFY_SMTP_USERNAME and NOTIFY_SMTP_PASSWORD go together"),
        (
            {"smtp_username": "banso", "smtp_password": "change-me"},
            "NOTIFY_SMTP_PASSWORD is a placeholder",
        ),
    ],
)
def test_production_refuses_development_addresses_naming_the_setting(
    override: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        NotifySettings(env="production", **STRONG, **{**REMOTE, **override})


def test_the_development_defaults_still_work_outside_production() -> None:
    for env in ("development", "test"):
        settings = NotifySettings(env=env)
        assert settings.smtp_host == "127.0.0.1"


def test_empty_smtp_credentials_mean_none() -> None:
    settings = NotifySettings(
        env="production", **STRONG, **REMOTE, smtp_username="", smtp_password=""
    )
    assert (settings.smtp_username, settings.smtp_password) == (None, None)


def test_banso_notify_serve_exits_naming_the_smtp_host(tmp_path: Path) -> None:
    # NOTIFY_SMTP_HOST left at its development default, 127.0.0.1
    assert_serve_refuses(
        "notify",
        tmp_path,
        named="NOTIFY_SMTP_HOST=127.0.0.1 points at this machine",
        env={"NOTIFY_PUBLIC_URL": "https://notify.example.com"},
    )
