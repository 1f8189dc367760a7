"""Whether the tests of ingest's compiled pass may skip: only on a machine without cargo, where
`make setup` cannot build `banso-ingest-core`, and never in CI (`.ci/run` installs cargo)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def require_compiled_core(installed: bool) -> None:
    """Fail when the extension is missing though it should have been built; skip otherwise."""
    if installed:
        return
    cargo = shutil.which("cargo") or (Path.home() / ".cargo" / "bin" / "cargo").exists()
    if os.environ.get("CI") or cargo:
        pytest.fail("banso-ingest-core is not installed: `make setup` builds it with cargo")
    pytest.skip("banso-ingest-core is not installed (this machine has no cargo)")
