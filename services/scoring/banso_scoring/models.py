"""The scoring service's tables. Its own registry keeps its metadata apart from other services'."""

from __future__ import annotations

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from banso_kit.tables import define_kit_tables


class ScoringModel(SQLModel, registry=registry()):
    """Base of every table of the scoring service."""


KIT = define_kit_tables(ScoringModel.metadata)
