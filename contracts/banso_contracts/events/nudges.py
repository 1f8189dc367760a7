"""Nudges: what notify did for a playbook (sent, suppressed, failed) and whether it worked."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from banso_contracts.events.base import Event, Id, Part, UtcDateTime

Channel = Literal["email", "inapp", "slack", "webhook"]
Variant = Literal["treatment", "holdout"]
SuppressionReason = Literal[
    "cap_user",
    "cap_account",
    "cap_channel",
    "suppression_list",
    "unsubscribed",
    "holdout",
    "duplicate",
    "audience",
    "no_address",
    "csm_budget",
    "high_touch_routed",
]


class Recipient(Part):
    """Who a nudge is for: a person at the account or the account's CSM."""

    kind: Literal["user", "csm"] = Field(description="A customer user or the CSM.")
    user_id: Id | None = Field(default=None, description="The user, when `kind` is `user`.")
    address: str | None = Field(
        default=None,
        max_length=2048,
        description="Where it goes: email address, Slack channel or webhook URL, if resolved.",
    )

    @model_validator(mode="after")
    def _addressable(self) -> Recipient:
        if self.user_id is None and self.address is None:
            raise ValueError("user_id or address is required")
        return self


class _NudgeEvent(Event):
    """Fields every nudge event carries."""

    nudge_id: Id = Field(description="The nudge.")
    idempotency_key: Id = Field(
        description="Playbook, step, recipient and trigger: one nudge per key, ever."
    )
    playbook_id: Id = Field(description="The playbook that fired.")
    playbook_version: int = Field(ge=1, description="The playbook's version when it fired.")
    account_id: Id = Field(description="The account.")
    recipient: Recipient = Field(description="Who it is for.")
    channel: Channel = Field(description="How it is delivered.")
    trigger_event_id: Id = Field(description="CloudEvents id of the event that triggered it.")
    variant: Variant = Field(description="Experiment arm: treatment, or holdout (never sent).")
    occurred_at: UtcDateTime = Field(description="When this happened (event time).")

    @property
    def subject(self) -> str:
        return self.account_id

    @property
    def event_time(self) -> datetime:
        return self.occurred_at


class NudgeSent(_NudgeEvent):
    """A nudge was delivered to the channel."""

    EVENT_TYPE: ClassVar[str] = "banso.nudge.sent.v1"

    provider_message_id: str | None = Field(
        default=None, description="The channel provider's message id, if it returned one."
    )


class NudgeSuppressed(_NudgeEvent):
    """A nudge was deliberately not sent (caps, suppression, holdout, ...).

    A nudge held for quiet hours is not suppressed: it is sent later.
    """

    EVENT_TYPE: ClassVar[str] = "banso.nudge.suppressed.v1"

    reason: SuppressionReason = Field(description="Why it was not sent.")
    detail: str | None = Field(default=None, description="More detail, e.g. which cap.")


class NudgeFailed(_NudgeEvent):
    """Delivery failed; after the last attempt the nudge is dead-lettered."""

    EVENT_TYPE: ClassVar[str] = "banso.nudge.failed.v1"

    error: str = Field(description="What went wrong.")
    attempts: int = Field(ge=1, description="Delivery attempts so far.")
    dead_lettered: bool = Field(description="True when no further attempt will be made.")


class NudgeConverted(_NudgeEvent):
    """The playbook's goal event happened within its window after the nudge (or holdout).

    ``occurred_at`` is when the goal event happened.
    """

    EVENT_TYPE: ClassVar[str] = "banso.nudge.converted.v1"

    goal_event: str = Field(min_length=1, description="Name of the goal event that happened.")
    goal_event_id: Id | None = Field(
        default=None, description="CloudEvents id of the goal event, if known."
    )
    window_seconds: int = Field(ge=0, description="The playbook's conversion window.")
