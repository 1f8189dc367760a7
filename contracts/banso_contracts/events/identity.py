"""Who people and accounts are: Segment ``identify``, ``alias`` and ``group`` calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from banso_contracts.events.base import Event, Id, UtcDateTime


class UserIdentified(Event):
    """A user's traits, from a Segment ``identify`` call.

    Published on the compacted user-traits topic keyed ``<workspace_id>:<user_id>``: after
    compaction a consumer bootstrapping from the topic sees the latest call per user, so
    producers should send the full trait set they know.
    """

    EVENT_TYPE: ClassVar[str] = "banso.user.identified.v1"

    source_id: Id = Field(description="The source that sent it.")
    user_id: Id = Field(description="Segment `userId`.")
    anonymous_id: Id | None = Field(default=None, description="Segment `anonymousId`, if sent.")
    account_id: Id | None = Field(
        default=None, description="The user's account (`context.groupId`), if known."
    )
    traits: dict[str, Any] = Field(
        default_factory=dict,
        description="Segment traits as sent: email, name, timezone (IANA), locale, role, ...",
    )
    message_id: Id = Field(description="Segment `messageId`.")
    timestamp: UtcDateTime = Field(description="When it happened (event time, skew-corrected).")
    received_at: UtcDateTime = Field(description="When ingest received it.")

    @property
    def subject(self) -> str:
        return self.user_id

    @property
    def event_time(self) -> datetime:
        return self.timestamp


class UserAliased(Event):
    """``previous_id`` (often anonymous) is the same person as ``user_id`` (Segment ``alias``).

    Subject and key are ``previous_id``: the user-traits topic is compacted, and the alias is the
    latest fact about the previous id; keying it by ``user_id`` would let compaction drop that
    user's ``UserIdentified`` record.
    """

    EVENT_TYPE: ClassVar[str] = "banso.user.aliased.v1"

    source_id: Id = Field(description="The source that sent it.")
    user_id: Id = Field(description="The identity to keep (Segment `userId`).")
    previous_id: Id = Field(description="The identity merged into `user_id` (`previousId`).")
    message_id: Id = Field(description="Segment `messageId`.")
    timestamp: UtcDateTime = Field(description="When it happened (event time, skew-corrected).")
    received_at: UtcDateTime = Field(description="When ingest received it.")

    @property
    def subject(self) -> str:
        return self.previous_id

    @property
    def event_time(self) -> datetime:
        return self.timestamp


class AccountTraitsUpdated(Event):
    """An account's traits, from a Segment ``group`` call.

    Published on the compacted account-traits topic keyed ``<workspace_id>:<account_id>``;
    services keep their own copy (the bridge needs ARR, notify needs time zones), so producers
    should send the full trait set they know.
    """

    EVENT_TYPE: ClassVar[str] = "banso.account.traits_updated.v1"

    source_id: Id = Field(description="The source that sent it.")
    account_id: Id = Field(description="The account (Segment `groupId`).")
    user_id: Id | None = Field(default=None, description="The user who made the call, if any.")
    traits: dict[str, Any] = Field(
        default_factory=dict,
        description="Segment group traits as sent: name, plan, seats, arr, renewal_date, "
        "timezone (IANA), csm_email, segment, created_at, ...",
    )
    message_id: Id = Field(description="Segment `messageId`.")
    timestamp: UtcDateTime = Field(description="When it happened (event time, skew-corrected).")
    received_at: UtcDateTime = Field(description="When ingest received it.")

    @property
    def subject(self) -> str:
        return self.account_id

    @property
    def event_time(self) -> datetime:
        return self.timestamp
