"""`banso-ingest`: serve the ingest service, or upgrade its database."""

from __future__ import annotations

from pathlib import Path

from banso_ingest.config import IngestSettings
from banso_kit import serve

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    serve.main(
        service="ingest",
        settings_factory=IngestSettings,
        app_factory="banso_ingest.main:create_app_from_env",
        migrations=MIGRATIONS,
    )


if __name__ == "__main__":
    main()
