"""Alembic environment of the scoring service."""

from banso_kit.migrations import run_env
from banso_scoring.models import ScoringModel

run_env(ScoringModel.metadata)
