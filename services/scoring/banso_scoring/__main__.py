"""`banso-scoring`: serve the scoring service, or upgrade its database."""

from __future__ import annotations

from pathlib import Path

from banso_kit import serve
from banso_scoring.config import ScoringSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    serve.main(
        service="scoring",
        settings_factory=ScoringSettings,
        app_factory="banso_scoring.main:create_app_from_env",
        migrations=MIGRATIONS,
    )


if __name__ == "__main__":
    main()
