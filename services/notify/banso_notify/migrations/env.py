"""Alembic environment of the notify service."""

from banso_kit.migrations import run_env
from banso_notify.models import NotifyModel

run_env(NotifyModel.metadata)
