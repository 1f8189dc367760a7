"""Alembic environment of the console."""

from banso_console.models import ConsoleModel
from banso_kit.migrations import run_env

run_env(ConsoleModel.metadata)
