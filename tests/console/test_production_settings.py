"""With BANSO_ENV=production the console refuses to start on what works only on a developer's
machine, naming the setting: placeholder secrets, services at localhost, a session cookie over
plain HTTP; as settings, and as the real `banso-console serve` process an operator starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from banso_console.config import ConsoleSettings
from tests.support.production import STRONG, assert_serve_refuses

REMOTE: dict[str, Any] = {
    "ingest_url": "http://banso-ingest:8001",
    "scoring_url": "http://banso-scoring:8002",
    "bridge_url": "http://banso-bridge:8003",
    "notify_url": "http://banso-notify:8004",
}


def test_production_with_remote_services_and_strong_secrets_starts() -> None:
    settings = ConsoleSettings(env="production", **STRONG, **REMOTE)
    assert settings.scoring_url == REMOTE["scoring_url"]
    assert settings.cookie_secure


@pytest.mark.parametrize(
    ("override", "named"),
    [
        (
            {"ingest_url": "http://127.0.0.1:8001"},
            "CONSOLE_INGEST_URL=http://127.0.0.1:8001 points",
        ),
        ({"scoring_url": "http://localhost:8002"}, "CONSOLE_SCORING_URL=http://localhost:8002"),
        ({"bridge_url": "http://[::1]:8003"}, r"CONSOLE_BRIDGE_URL=http://\[::1\]:8003 points"),
        ({"notify_url": "banso-notify:8004"}, "CONSOLE_NOTIFY_URL='banso-notify:8004' is not"),
        ({"cookie_secure": False}, "CONSOLE_COOKIE_SECURE=false"),
        ({"secret": "change-me"}, "BANSO_SECRET is a placeholder"),
        ({"admin_token": "short-token"}, "BANSO_ADMIN_TOKEN is a placeholder or shorter"),
    ],
)
def test_production_refuses_development_settings_naming_them(
    override: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        ConsoleSettings(env="production", **{**STRONG, **REMOTE, **override})


def test_the_development_defaults_still_work_outside_production() -> None:
    for env in ("development", "test"):
        settings = ConsoleSettings(env=env, cookie_secure=False)
        assert settings.scoring_url == "http://127.0.0.1:8002"


def test_the_serve_command_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    assert_serve_refuses(
        "console",
        tmp_path,
        named="CONSOLE_INGEST_URL=http://127.0.0.1:8001 points at this machine",
        env={"CONSOLE_PORT": "18199"},
    )
