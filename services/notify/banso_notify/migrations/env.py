"""Alembic environment of the notify service."""

from banso_notify.models import NotifyModel
from banso_kit.migrations import run_env

run_env(NotifyModel.metadata)
