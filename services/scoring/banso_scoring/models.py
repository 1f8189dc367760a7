"""The scoring service's tables. Its own registry keeps its metadata apart from other services'.

Times are stored as epoch seconds (floats): they are event or stream times that feed the
deterministic computation, and SQLite would otherwise drop their time zone. JSON documents
(aggregates, published health) are stored as orjson bytes.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, LargeBinary, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from banso_kit.tables import define_kit_tables


class ScoringModel(SQLModel, registry=registry()):
    """Base of every table of the scoring service."""


KIT = define_kit_tables(ScoringModel.metadata)


class Account(ScoringModel, table=True):
    """One account's aggregates (but the day buckets) and its latest score and band (its last
    published health is in ``AccountPublished``)."""

    __tablename__ = "scoring_accounts"
    __table_args__ = (
        Index("ix_scoring_accounts_band", "workspace_id", "band", "score"),
        Index("ix_scoring_accounts_partition", "partition"),
        Index("ix_scoring_accounts_renewal", "workspace_id", "renewal_at"),
    )

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    # The Kafka partition (of every co-partitioned input topic) this account's records are on.
    partition: int
    aggregate: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    score: float | None = None
    band: str = Field(default="unknown", max_length=16)
    # Stream time of the last evaluation (slot, tick, request).
    evaluated_at: float | None = None
    # Days closed and the lateness reference (JSON), newer than the same fields in
    # ``aggregate`` when set: a day's close writes only this (see aggregate_codec).
    progress: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The portfolio's columns, kept beside the aggregate (its traits) and the published scores
    # (the weekly trend) so /v1/portfolio filters, sorts and sums in SQL.
    name: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    plan: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    arr: float | None = None
    csm: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    renewal_at: float | None = None
    seats: int | None = None
    trend: float | None = None


class AccountPublished(ScoringModel, table=True):
    """An account's last published health and published scores, apart from its row: written
    only when a health is published, so an evaluation that publishes nothing (most of a slot's
    end) rewrites the narrow account row without its several-KB health."""

    __tablename__ = "scoring_account_published"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    # The last published health (JSON), against which drivers are ranked.
    published: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # Published scores of the last eight days, [[time, score], ...], for the weekly trend.
    recent_scores: str = Field(default="[]", sa_column=Column(Text, nullable=False))


class AccountDay(ScoringModel, table=True):
    """One day bucket of an account's aggregates: live, a round rewrites today's bucket only,
    not thirty days of history."""

    __tablename__ = "scoring_account_days"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    day: int = Field(primary_key=True)
    bucket: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class HealthHistory(ScoringModel, table=True):
    """The account's health in event time: every published change, every recomputation after
    a scorecard change, and the health at the end of each event-time day (cause ``day``)."""

    __tablename__ = "scoring_health_history"
    __table_args__ = (Index("ix_scoring_history_at", "workspace_id", "account_id", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=256)
    account_id: str = Field(max_length=256)
    # Event time at which this health held (the events' own time, not their arrival).
    at: float
    # Stream (arrival) time of the evaluation that recorded it.
    recorded_at: float
    # A day's close recorded again because events for that day arrived after it had closed
    # (within the lateness allowance; later ones are not applied).
    revised: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    score: float | None = None
    band: str = Field(max_length=16)
    previous_score: float | None = None
    previous_band: str | None = Field(default=None, max_length=16)
    # What caused the computation: events, tick, recompute, override, day.
    cause: str = Field(max_length=16)
    # What changed: first, band, score, override (recompute: none may have).
    change: str | None = Field(default=None, max_length=16)
    scorecard_version: int
    # The HealthChanged event id (None for a recomputation that changed nothing, or a day).
    event_id: str | None = Field(default=None, max_length=200)
    # The full health (JSON); empty for a day's close, which keeps score and band only.
    health: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ScorecardVersion(ScoringModel, table=True):
    """Every scorecard a workspace has had; the highest version is in force."""

    __tablename__ = "scoring_scorecards"

    workspace_id: str = Field(primary_key=True, max_length=256)
    version: int = Field(primary_key=True)
    yaml: str = Field(sa_column=Column(Text, nullable=False))
    created_at: float
    created_by: str = Field(max_length=256)


class AccountPlan(ScoringModel, table=True):
    """Goals agreed with the customer and the account's own onboarding milestones."""

    __tablename__ = "scoring_account_plans"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    goals: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    milestones: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    updated_at: float
    updated_by: str = Field(max_length=256)


class AccountOverride(ScoringModel, table=True):
    """A manual override in force (or expired and not yet replaced)."""

    __tablename__ = "scoring_overrides"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    document: str = Field(sa_column=Column(Text, nullable=False))


class OverrideAudit(ScoringModel, table=True):
    """Who set, replaced, cleared an override, and when it expired."""

    __tablename__ = "scoring_override_audit"
    __table_args__ = (Index("ix_scoring_override_audit", "workspace_id", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=256)
    account_id: str = Field(max_length=256)
    action: str = Field(max_length=16)
    actor: str = Field(max_length=256)
    at: float
    document: str = Field(sa_column=Column(Text, nullable=False))


class EvaluationRequest(ScoringModel, table=True):
    """An account to re-evaluate because a person changed its goals, milestones or override."""

    __tablename__ = "scoring_requests"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=256)
    account_id: str = Field(max_length=256)
    cause: str = Field(max_length=16)


class PartitionState(ScoringModel, table=True):
    """Per input partition: the evaluation schedule and the scorecard versions applied."""

    __tablename__ = "scoring_partitions"

    group_id: str = Field(primary_key=True, max_length=200)
    partition: int = Field(primary_key=True)
    schedule: str = Field(sa_column=Column(Text, nullable=False))
    scorecards: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # Grows with every round written for the partition: a round is written only if the version
    # is still the one its replica loaded, so a replica that lost the partition (and has not
    # learnt it yet) can never overwrite what the new owner applied.
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class AppliedIds(ScoringModel, table=True):
    """Ids of the events one round applied, newline-joined: one row per round instead of one
    per event keeps remembering them cheap while catching up at tens of thousands a second."""

    __tablename__ = "scoring_applied_ids"
    __table_args__ = (Index("ix_scoring_applied_ids", "group_id", "applied_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(max_length=200)
    applied_at: float
    ids: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
