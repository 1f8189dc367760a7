"""`banso-bridge`: serve the bridge service, or upgrade its database."""

from __future__ import annotations

from pathlib import Path

from banso_bridge.config import BridgeSettings
from banso_kit import serve

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    serve.main(
        service="bridge",
        settings_factory=BridgeSettings,
        app_factory="banso_bridge.main:create_app_from_env",
        migrations=MIGRATIONS,
    )


if __name__ == "__main__":
    main()
