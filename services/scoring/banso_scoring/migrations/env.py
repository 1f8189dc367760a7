"""Alembic environment of the scoring service."""

from banso_scoring.models import ScoringModel
from banso_kit.migrations import run_env

run_env(ScoringModel.metadata)
