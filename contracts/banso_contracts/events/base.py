"""The base of every event, and the field types events share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC. Naive datetimes are refused: a contract that
guesses the time zone would silently shift every window computed from it."""

Id = Annotated[str, Field(min_length=1, max_length=256)]
"""A non-empty identifier (workspace, account, user, message, ...)."""

WorkspaceId = Annotated[
    str, Field(min_length=1, max_length=256, description="The workspace (tenant) of the event.")
]


class Event(BaseModel):
    """Base of every event type.

    Events are immutable facts. Decoding ignores unknown fields (``extra="ignore"``) so that a
    consumer of version N keeps working when a producer adds an optional field to version N; a
    change that would break a consumer needs a new version (a new class and ``EVENT_TYPE``).

    Subclasses set ``EVENT_TYPE`` (``banso.<area>.<event>.v<N>``) and implement ``subject``
    (the CloudEvents subject, usually the account) and ``event_time`` (when it happened).
    """

    # NaN and infinity have no JSON spelling: refuse them here rather than emit a payload that
    # every consumer would reject.
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    EVENT_TYPE: ClassVar[str]
    """CloudEvents ``type``, e.g. ``banso.usage.recorded.v1``."""

    workspace_id: WorkspaceId

    @property
    def subject(self) -> str:
        """CloudEvents ``subject``: the account (or theme, user) the event is about."""
        raise NotImplementedError(f"{type(self).__name__} must define subject")

    @property
    def event_time(self) -> datetime:
        """When the fact happened (event time, not arrival time); the envelope's ``time``."""
        raise NotImplementedError(f"{type(self).__name__} must define event_time")

    @property
    def partition_key(self) -> str:
        """The Kafka key: ``<workspace_id>:<subject>``, so one subject's events stay in order."""
        return f"{self.workspace_id}:{self.subject}"


class Part(BaseModel):
    """Base of the value objects nested inside events (same evolution rules as events)."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)
