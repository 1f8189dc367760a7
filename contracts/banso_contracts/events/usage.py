"""Usage: what people do in the product (Segment ``track``, ``page`` and ``screen`` calls)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from banso_contracts.events.base import Event, Id, UtcDateTime


class UsageRecorded(Event):
    """A person used the product: one Segment/RudderStack ``track``, ``page`` or ``screen`` call.

    Subject and key: the account when known, else ``user:<user_id>``, else
    ``anonymous:<anonymous_id>`` (Segment requires one of ``userId`` / ``anonymousId``).
    """

    EVENT_TYPE: ClassVar[str] = "banso.usage.recorded.v1"

    source_id: Id = Field(description="The source (product system, write key) that sent it.")
    account_id: Id | None = Field(
        default=None, description="The account (Segment `groupId` or `context.groupId`), if known."
    )
    user_id: Id | None = Field(default=None, description="Segment `userId`, if known.")
    anonymous_id: Id | None = Field(default=None, description="Segment `anonymousId`, if known.")
    kind: Literal["track", "page", "screen"] = Field(description="The Segment call.")
    event: str = Field(
        min_length=1,
        max_length=512,
        description="The event name for `track`; the page or screen name for `page`/`screen`.",
    )
    properties: dict[str, Any] = Field(
        default_factory=dict, description="Segment `properties`, as sent."
    )
    context: dict[str, Any] = Field(
        default_factory=dict,
        description="Segment `context` (library, ip, locale, page, ...), as sent.",
    )
    message_id: Id = Field(description="Segment `messageId`; ingest deduplicates on it.")
    timestamp: UtcDateTime = Field(
        description="When it happened (event time), corrected for client clock skew "
        "(`receivedAt - sentAt + originalTimestamp`)."
    )
    original_timestamp: UtcDateTime | None = Field(
        default=None, description="The client's `timestamp` / `originalTimestamp`, uncorrected."
    )
    sent_at: UtcDateTime | None = Field(
        default=None, description="The client's `sentAt` (client clock)."
    )
    received_at: UtcDateTime = Field(description="When ingest received it (server clock).")

    @model_validator(mode="after")
    def _someone_did_it(self) -> UsageRecorded:
        if self.user_id is None and self.anonymous_id is None:
            raise ValueError("user_id or anonymous_id is required")
        return self

    @property
    def subject(self) -> str:
        if self.account_id is not None:
            return self.account_id
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"anonymous:{self.anonymous_id}"

    @property
    def event_time(self) -> datetime:
        return self.timestamp
