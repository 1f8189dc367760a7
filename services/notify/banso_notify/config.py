"""Settings of the notify service (environment prefix `NOTIFY_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    service_name: str = "notify"
    port: int = 8004
