"""A workspace, a source (write key) and an API token, made with the `banso` command line tool.

The CLI calls the running ingest's admin API (``BANSO_INGEST_URL``, else ``INGEST_HOST`` and
``INGEST_PORT``, with ``BANSO_ADMIN_TOKEN``), so it is run with the same environment as the
services it is for, once they are up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ProvisionFailed(Exception):
    """The CLI refused (e.g. it cannot reach ingest's admin API)."""


@dataclass(frozen=True, slots=True)
class Tenant:
    workspace_id: str
    source_id: str
    write_key: str
    token: str
    """Admin-scope bearer token (admin includes write and read)."""


def banso_cli() -> list[str]:
    """The `banso` executable next to this Python (the workspace's virtualenv)."""
    return [str(Path(sys.executable).parent / "banso")]


def _run(cli: Sequence[str], args: Sequence[str], env: Mapping[str, str] | None) -> dict[str, Any]:
    result = subprocess.run(
        [*cli, *args, "--json"],
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ProvisionFailed(f"banso {' '.join(args)}: {result.stderr.strip()}")
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def provision(
    name: str,
    *,
    source: str = "Sora Analytics backend",
    cli: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Tenant:
    command = list(cli) if cli is not None else banso_cli()
    workspace = _run(command, ["workspace", "create", name], env)["workspace_id"]
    created = _run(command, ["source", "create", workspace, source], env)
    token = _run(command, ["token", "issue", workspace, "--scope", "admin"], env)["token"]
    return Tenant(
        workspace_id=str(workspace),
        source_id=str(created["source_id"]),
        write_key=str(created["write_key"]),
        token=str(token),
    )
