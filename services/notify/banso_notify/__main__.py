"""`banso-notify`: serve the notify service, or upgrade its database."""

from __future__ import annotations

from pathlib import Path

from banso_kit import serve
from banso_notify.config import NotifySettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    serve.main(
        service="notify",
        settings_factory=NotifySettings,
        app_factory="banso_notify.main:create_app_from_env",
        migrations=MIGRATIONS,
    )


if __name__ == "__main__":
    main()
