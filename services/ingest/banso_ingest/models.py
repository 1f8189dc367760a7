"""The ingest service's tables. Its own registry keeps its metadata apart from other services'."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from banso_kit.tables import define_kit_tables


class IngestModel(SQLModel, registry=registry()):
    """Base of every table of the ingest service."""


KIT = define_kit_tables(IngestModel.metadata)


class WorkspaceBase(IngestModel):
    name: str = Field(min_length=1, max_length=200)


class Workspace(WorkspaceBase, table=True):
    """A tenant: one SaaS company using Bansō."""

    __tablename__ = "workspaces"

    id: str = Field(primary_key=True, max_length=64)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]


class SourceBase(IngestModel):
    name: str = Field(min_length=1, max_length=200)


class Source(SourceBase, table=True):
    """A product system sending events with its own write key (stored hashed)."""

    __tablename__ = "sources"

    id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=64)
    write_key_hash: str = Field(unique=True, max_length=64)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
