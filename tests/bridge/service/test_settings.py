"""Bridge settings refuse what would silently go wrong: a half-configured sink, several workers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from banso_bridge.config import BridgeSettings


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
