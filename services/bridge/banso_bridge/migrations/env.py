"""Alembic environment of the bridge service."""

from banso_bridge.models import BridgeModel
from banso_kit.migrations import run_env

run_env(BridgeModel.metadata)
