"""Bridge settings refuse what would silently go wrong: a half-configured sink, several workers,
and in production local URLs and placeholder credentials."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from banso_bridge.config import BridgeSettings
from tests.support.production import STRONG


def test_more_than_one_worker_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="BRIDGE_WORKERS must be 1"):
        BridgeSettings(env="test", workers=2)


def test_a_sink_without_its_credentials_names_what_is_missing() -> None:
    with pytest.raises(ValidationError, match="BRIDGE_SINK=github needs BRIDGE_GITHUB_TOKEN"):
        BridgeSettings(env="test", sink="github", github_repo="acme/product")


def test_one_worker_and_a_complete_sink_are_accepted() -> None:
    settings = BridgeSettings(
        env="test", workers=1, sink="github", github_repo="acme/product", github_token="t0ken"
    )
    assert (settings.workers, settings.sink) == (1, "github")


def test_a_malformed_webhook_secret_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValidationError, match="BRIDGE_WEBHOOK_RESOLVE_SECRET: a whsec_ secret"):
        BridgeSettings(env="test", webhook_resolve_secret="whsec_not base64!")
    with pytest.raises(ValidationError, match="BRIDGE_WEBHOOK_SECRET: a whsec_ secret"):
        BridgeSettings(
            env="test", sink="webhook", webhook_url="https://h.example", webhook_secret="whsec_@@"
        )


PUBLIC: dict[str, Any] = {"public_url": "https://bridge.example.com"}
GITHUB: dict[str, Any] = {
    "sink": "github",
    "github_repo": "acme/product",
    "github_token": "ghp_" + "x" * 36,
}


def test_production_with_remote_urls_and_real_credentials_starts() -> None:
    settings = BridgeSettings(env="production", **STRONG, **PUBLIC, **GITHUB)
    assert settings.github_api_url == "https://api.github.com"
    assert BridgeSettings(env="production", **STRONG, **PUBLIC, sink="").sink is None


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"public_url": "http://127.0.0.1:8003"}, "BRIDGE_PUBLIC_URL=http://127.0.0.1:8003 points"),
        (
            {**GITHUB, "github_api_url": "http://localhost:9000"},
            "BRIDGE_GITHUB_API_URL=http://localhost:9000 points at this machine",
        ),
        (
            {
                "sink": "jira",
                "jira_base_url": "http://[::1]:8080",
                "jira_email": "pm@acme.example",
                "jira_api_token": "atlassian-token",
                "jira_project_key": "PROD",
            },
            r"BRIDGE_JIRA_BASE_URL=http://\[::1\]:8080 points at this machine",
        ),
        (
            {"sink": "linear", "linear_api_url": "http://127.0.0.1/graphql"}
            | {"linear_api_key": "lin_api_" + "k" * 40, "linear_team_id": "ENG"},
            "BRIDGE_LINEAR_API_URL=http://127.0.0.1/graphql points",
        ),
        (
            {
                "sink": "webhook",
                "webhook_url": "http://localhost:9000/hooks",
                "webhook_secret": "whsec_" + "A" * 44,
            },
            "BRIDGE_WEBHOOK_URL=http://localhost:9000/hooks points at this machine",
        ),
        ({**GITHUB, "github_token": "change-me"}, "BRIDGE_GITHUB_TOKEN is a placeholder"),
        ({"sink": "webhook", "webhook_url": "https://h.example"}, "needs BRIDGE_WEBHOOK_SECRET"),
    ],
)
def test_production_refuses_local_sink_urls_and_missing_or_placeholder_credentials(
    values: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        BridgeSettings(env="production", **STRONG, **{**PUBLIC, **values})


def test_local_sinks_are_fine_outside_production() -> None:
    settings = BridgeSettings(
        env="test", **GITHUB, github_api_url="http://127.0.0.1:9000", public_url="http://127.0.0.1"
    )
    assert settings.github_api_url == "http://127.0.0.1:9000"
