"""What a decision is given and what it comes to, shared by the ordered checks (`decision.py`)
and the holds for facts that travel on another topic (`awaiting.py`).

A decision is given one recipient of one playbook step (``DecisionInput``) and comes to a
``Decision``: an ``Outcome`` (send, hold, suppress, skip, queue for the CSM), a reason, and for a
send or a CSM alert the ``Delivery``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from banso_notify.domain.caps import SentRecord
from banso_notify.domain.facts import AccountFacts, Channel, Recipient, SuppressionState
from banso_notify.domain.playbook import Playbook, SendAction


class Outcome(StrEnum):
    SEND = "send"
    HOLD = "hold"
    SUPPRESS = "suppress"
    SKIP = "skip"  # not in the audience: no nudge at all
    QUEUE_CSM = "queue_csm"  # wait for the CSM's next review and budget


class SuppressReason(StrEnum):
    PLAYBOOK_DISABLED = "playbook_disabled"
    GOAL_REACHED = "goal_reached"
    STALE = "stale"
    UNSUBSCRIBED = "unsubscribed"
    SUPPRESSED = "suppressed"
    HIGH_TOUCH_NO_CSM = "high_touch_no_csm"
    NO_ADDRESS = "no_address"
    FREQUENCY_CAP = "frequency_cap"
    HOLDOUT = "holdout"
    CSM_BUDGET = "csm_budget"
    CSM_DUPLICATE = "csm_duplicate"


class HoldReason(StrEnum):
    WAIT_STEP = "wait_step"
    QUIET_HOURS = "quiet_hours"
    CSM_REVIEW = "csm_review"
    AWAITING_ADDRESS = "awaiting_address"
    AWAITING_ACCOUNT = "awaiting_account"
    AWAITING_PERSON = "awaiting_person"


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where and how a nudge goes once it is sent."""

    channel: Channel
    recipient: Recipient
    address: str
    template: str
    locale: str
    rerouted_from: Recipient | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str | None = None
    detail: str | None = None
    until: datetime | None = None
    delivery: Delivery | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionInput:
    workspace_id: str
    playbook: Playbook
    step: SendAction
    step_index: int
    recipient: Recipient
    account: AccountFacts
    suppression: SuppressionState
    history: Sequence[SentRecord]
    due_at: datetime
    goal_reached: bool = False
    #: when the nudge was first planned; the wait for a missing address counts from here
    planned_at: datetime | None = None
    #: the workspace sends its accounts' traits (group calls): an account without any has them
    #: still on the way, and whether it is high-touch is not known yet
    accounts_described: bool = False
    #: the workspace identifies its people (identify calls with traits): a person whose
    #: identify has not arrived has it still on the way
    people_identified: bool = False
    #: how old the trigger is (planning: the service's clock minus the trigger's event time;
    #: release: how long the clock is past the time the nudge was held until); None: unknown
    trigger_age: timedelta | None = None


def suppress(reason: SuppressReason, detail: str | None = None) -> Decision:
    return Decision(Outcome.SUPPRESS, reason=reason, detail=detail)
