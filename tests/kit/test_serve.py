"""The entry point every service shares, as the one container image starts it."""

from __future__ import annotations

import os

import pytest

from banso_kit.serve import container_defaults
from banso_scoring.config import ScoringSettings


def test_the_image_host_and_port_reach_the_service_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SCORING_HOST", raising=False)
    monkeypatch.delenv("SCORING_PORT", raising=False)
    monkeypatch.setenv("BANSO_HOST", "0.0.0.0")
    monkeypatch.setenv("BANSO_PORT", "18002")
    container_defaults("scoring", os.environ)
    settings = ScoringSettings(env="test")
    assert (settings.host, settings.port) == ("0.0.0.0", 18002)


def test_a_service_specific_setting_wins_over_the_image_default() -> None:
    environ = {"BANSO_HOST": "0.0.0.0", "BANSO_PORT": "8002", "SCORING_PORT": "9000"}
    container_defaults("scoring", environ)
    assert environ["SCORING_HOST"] == "0.0.0.0"
    assert environ["SCORING_PORT"] == "9000"


def test_without_the_image_defaults_nothing_is_set() -> None:
    environ: dict[str, str] = {}
    container_defaults("notify", environ)
    assert environ == {}
