"""Settings of the bridge service (environment prefix `BRIDGE_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_kit.settings import ServiceSettings


class BridgeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BRIDGE_", extra="ignore", populate_by_name=True)

    service_name: str = "bridge"
    port: int = 8003
