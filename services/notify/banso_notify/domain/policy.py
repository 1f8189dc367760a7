"""A workspace's delivery policy: caps, hours, high-touch rule, CSM budget, holdout salt."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field

from banso_kit.local_time import LocalTime
from banso_notify.domain.caps import CapRule, default_caps
from banso_notify.domain.facts import AccountFacts
from banso_notify.domain.windows import DeliveryHours, SendWindow


class HighTouchRule(BaseModel):
    """Accounts a human should talk to: ARR at or above ``min_arr``, or in one of ``segments``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_arr: float | None = Field(default=100_000, ge=0)
    segments: list[str] = Field(default_factory=lambda: ["enterprise", "strategic"])

    def applies_to(self, account: AccountFacts) -> bool:
        if self.min_arr is not None and account.arr >= self.min_arr:
            return True
        segment = account.segment
        return segment is not None and segment.casefold() in {s.casefold() for s in self.segments}


def _default_hours() -> DeliveryHours:
    return DeliveryHours(send_window=SendWindow(start=time(9, 0), end=time(20, 0)))


class WorkspacePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    caps: dict[str, CapRule] = Field(default_factory=default_caps)
    delivery_hours: DeliveryHours = Field(default_factory=_default_hours)
    default_timezone: str = "UTC"
    default_locale: str = "en"
    high_touch: HighTouchRule = Field(default_factory=HighTouchRule)
    #: alerts per CSM per local day
    csm_daily_budget: int = Field(default=5, ge=0, le=1000)
    #: local times (CSM's zone) at which pending alerts are ranked and sent
    csm_review_times: list[LocalTime] = Field(
        default_factory=lambda: [time(9, 0), time(13, 0)], min_length=1
    )
    holdout_salt: str = "banso-holdout-v1"
    #: how long a nudge waits for what travels on another topic — its person's identify (traits,
    #: address), its account's traits — before it is decided on what is known (an e-mail without
    #: an address is then suppressed as ``no_address``); 0 decides at once
    address_wait_s: int = Field(default=60, ge=0, le=86_400)
    #: what templates call the product, and where it lives
    product_name: str = "our product"
    product_url: str | None = None
    #: the From of customer e-mails; the service default (NOTIFY_EMAIL_FROM) when unset
    email_from: str | None = None
    #: where CSM alerts go when a CSM has no Slack webhook of their own
    slack_webhook_url: str | None = None
    #: the workspace's generic webhook channel and the secret its HMAC-SHA256 signature uses
    webhook_url: str | None = None
    webhook_secret: str | None = None
