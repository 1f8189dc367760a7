"""Production-settings refusals, shared by the services' tests: secrets strong enough for
BANSO_ENV=production, and a service's real `serve` command started the way an operator would,
which must exit naming the setting before it creates anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

STRONG: dict[str, Any] = {
    "secret": "s" * 24 + "0123456789abcdef",
    "admin_token": "a" * 24 + "0123456789abcdef",
}
"""Secrets production accepts (long, not a placeholder)."""


def assert_serve_refuses(
    service: str, data_dir: Path, *, named: str, env: dict[str, str] | None = None
) -> None:
    """`banso-<service> serve` in production, with strong secrets, `env` on top and nothing from
    this machine's own BANSO_/<SERVICE>_/KAFKA_ settings, exits naming the setting (no
    traceback), before it has created anything in its data directory."""
    prefix = f"{service.upper()}_"
    started_env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BANSO_", prefix, "KAFKA_"))
    }
    started_env |= {
        "BANSO_ENV": "production",
        "BANSO_SECRET": STRONG["secret"],
        "BANSO_ADMIN_TOKEN": STRONG["admin_token"],
        "BANSO_DATA_DIR": str(data_dir),
        **(env or {}),
    }
    started = subprocess.run(
        [str(Path(sys.executable).parent / f"banso-{service}"), "serve"],
        env=started_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0
    assert named in started.stderr
    assert "Traceback" not in started.stderr
    # Refused before anything was created: no database, no migration.
    assert list(data_dir.iterdir()) == []
