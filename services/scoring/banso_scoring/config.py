"""Settings of the scoring service (environment prefix `SCORING_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_kit.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_", extra="ignore", populate_by_name=True)

    service_name: str = "scoring"
    port: int = 8002
