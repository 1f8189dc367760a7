"""Alembic environment of the ingest service."""

from banso_ingest.models import IngestModel
from banso_kit.migrations import run_env

run_env(IngestModel.metadata)
