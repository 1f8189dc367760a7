"""Settings of the ingest service (environment prefix `INGEST_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_kit.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore", populate_by_name=True)

    service_name: str = "ingest"
    port: int = 8001
