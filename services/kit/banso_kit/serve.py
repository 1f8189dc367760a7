"""The entry point every service shares: `banso-<service> [serve|migrate|revision -m MSG]`."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from banso_kit.logging import configure_logging
from banso_kit.migrations import revision, upgrade
from banso_kit.settings import ServiceSettings

logger = logging.getLogger(__name__)


def main(
    *,
    service: str,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations: Path,
    argv: Sequence[str] | None = None,
) -> None:
    """Parse the command line and run it.

    `app_factory` is an import string (`banso_scoring.main:create_app_from_env`) so uvicorn can
    start several worker processes, each building its own app.
    """
    parser = argparse.ArgumentParser(prog=f"banso-{service}")
    commands = parser.add_subparsers(dest="command")
    serve_cmd = commands.add_parser("serve", help="run the HTTP service and its consumers")
    serve_cmd.add_argument(
        "--no-migrate", action="store_true", help="do not upgrade the database before serving"
    )
    commands.add_parser("migrate", help="upgrade the database to the newest schema")
    revision_cmd = commands.add_parser("revision", help="autogenerate a migration")
    revision_cmd.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    container_defaults(service, os.environ)
    try:
        settings = settings_factory()
    except ValidationError as exc:
        # One line per problem, naming the variable, instead of a traceback.
        prefix = str(getattr(settings_factory, "model_config", {}).get("env_prefix") or "")
        raise SystemExit(f"banso-{service}: refusing to start: {_problems(exc, prefix)}") from None
    configure_logging(service, settings.log_level)
    command = args.command or "serve"
    if command == "migrate":
        upgrade(settings.database_url, migrations)
        logger.info("database_upgraded", extra={"database": _safe(settings.database_url)})
        return
    if command == "revision":
        revision(settings.database_url, migrations, args.message)
        return
    if not getattr(args, "no_migrate", False):
        upgrade(settings.database_url, migrations)
    if settings.workers > 1:
        _prepare_multiprocess_metrics(settings.data_dir / "prometheus" / service)
    uvicorn.run(
        app_factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=30,
        # A worker must answer its supervisor's ping within this many seconds or it is killed
        # and started again. Importing a service takes seconds of CPU; on a busy node (the
        # broker and the other services on the same two cores) uvicorn's 5 s killed workers
        # that were only starting, over and over.
        timeout_worker_healthcheck=30,
    )


def _problems(exc: ValidationError, env_prefix: str) -> str:
    """Each problem on one line; a field's error names its environment variable."""
    lines = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        field = str(error["loc"][0]) if error["loc"] else ""
        # Shared settings are read through their unprefixed alias (BANSO_ENV), already upper.
        variable = field if field.isupper() else f"{env_prefix}{field}".upper()
        lines.append(f"{variable}: {message}" if field else message)
    return "\n".join(lines)


def container_defaults(service: str, environ: MutableMapping[str, str]) -> None:
    """The one container image starts every service the same way: its `BANSO_HOST` and
    `BANSO_PORT` stand in for `<SERVICE>_HOST` and `<SERVICE>_PORT` when those are not set (the
    uvicorn workers inherit the environment)."""
    for name in ("HOST", "PORT"):
        value = environ.get(f"BANSO_{name}")
        if value is not None:
            environ.setdefault(f"{service.upper()}_{name}", value)


def _prepare_multiprocess_metrics(directory: Path) -> None:
    """With several workers each process counts for itself; prometheus_client's multiprocess mode
    keeps the counts in files under one directory, which every worker's /metrics aggregates. The
    variable must be set before the workers import prometheus_client, hence here."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _safe(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}"
