"""Feedback: one pain point a customer expressed (ticket, NPS comment, CSM note, ...)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from banso_contracts.events.base import Event, Id, UtcDateTime

FeedbackKind = Literal[
    "support_ticket", "nps_comment", "csm_note", "churn_reason", "feature_request"
]


class FeedbackReceived(Event):
    """A feedback item: the raw voice of the customer, before the bridge groups it into themes.

    ``text`` may contain personal data; the bridge redacts it before storing.
    """

    EVENT_TYPE: ClassVar[str] = "banso.feedback.received.v1"

    source_id: Id = Field(description="The source that sent it.")
    feedback_id: Id = Field(description="Unique id of the item within the workspace.")
    account_id: Id = Field(description="The account the item comes from.")
    user_id: Id | None = Field(default=None, description="The person who said it, if known.")
    kind: FeedbackKind = Field(description="Where the item comes from.")
    text: str = Field(min_length=1, max_length=100_000, description="What the customer said.")
    score: float | None = Field(
        default=None, description="A score attached to it (NPS 0-10, CSAT 1-5), if any."
    )
    language: str | None = Field(
        default=None, max_length=35, description="BCP 47 language tag of `text`, if known."
    )
    external_id: str | None = Field(
        default=None, max_length=256, description="Its id in the originating tool (Zendesk, ...)."
    )
    url: str | None = Field(
        default=None, max_length=2048, description="Link to it in the originating tool."
    )
    author: str | None = Field(
        default=None,
        max_length=320,
        description="Who wrote the item down when it is not the customer's own words: the "
        "CSM who logged a `csm_note` (the console's signed-in user), if known.",
    )
    timestamp: UtcDateTime = Field(description="When the customer said it (event time).")
    received_at: UtcDateTime = Field(description="When ingest received it.")

    @property
    def subject(self) -> str:
        return self.account_id

    @property
    def event_time(self) -> datetime:
        return self.timestamp
