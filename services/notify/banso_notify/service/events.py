"""The nudge events notify emits (contracts ``NudgeSent``/``Suppressed``/``Failed``/``Converted``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from banso_contracts.events import (
    NudgeConverted,
    NudgeFailed,
    NudgeSent,
    NudgeSuppressed,
    Recipient,
)
from banso_notify.domain.caps import CapRule
from banso_notify.domain.outcomes import SuppressReason
from banso_notify.domain.triggers import Scope
from banso_notify.service.drafts import NudgeLike

# the contract's reasons are coarser than the engine's; detail keeps the engine's word
_REASONS: dict[str, str] = {
    SuppressReason.UNSUBSCRIBED: "unsubscribed",
    SuppressReason.SUPPRESSED: "suppression_list",
    SuppressReason.NO_ADDRESS: "no_address",
    SuppressReason.HOLDOUT: "holdout",
    SuppressReason.CSM_BUDGET: "csm_budget",
    SuppressReason.CSM_DUPLICATE: "duplicate",
    SuppressReason.HIGH_TOUCH_NO_CSM: "no_address",
    SuppressReason.PLAYBOOK_DISABLED: "audience",
    SuppressReason.GOAL_REACHED: "audience",
    # v1 of the contract has no `stale`: adding an enum value breaks its consumers, so the
    # event says `audience` with detail `stale` (notify's own nudge records say `stale`)
    SuppressReason.STALE: "audience",
    "audience": "audience",
    "high_touch_routed": "high_touch_routed",
}


def contract_reason(reason: str, detail: str | None, caps: dict[str, CapRule]) -> str:
    if reason == SuppressReason.FREQUENCY_CAP:
        rule = caps.get(detail or "")
        if rule is not None and rule.channel is not None:
            return "cap_channel"
        return "cap_account" if rule is not None and rule.scope is Scope.ACCOUNT else "cap_user"
    return _REASONS.get(reason, "audience")


def _common(nudge: NudgeLike, occurred_at: datetime) -> dict[str, Any]:
    user_id = nudge.recipient_id if nudge.recipient_kind == "user" else None
    return {
        "workspace_id": nudge.workspace_id,
        "nudge_id": nudge.id,
        "idempotency_key": nudge.idempotency_key,
        "playbook_id": nudge.playbook_id,
        "playbook_version": nudge.playbook_version,
        "account_id": nudge.account_id,
        "recipient": Recipient(
            kind="user" if nudge.recipient_kind == "user" else "csm",
            user_id=user_id,
            address=nudge.address or (None if user_id else nudge.recipient_id),
        ),
        "channel": nudge.channel,
        "trigger_event_id": nudge.trigger_event_id,
        "variant": nudge.variant,
        "occurred_at": occurred_at,
    }


def sent(nudge: NudgeLike, at: datetime) -> NudgeSent:
    return NudgeSent(**_common(nudge, at), provider_message_id=nudge.provider_message_id)


def suppressed(
    nudge: NudgeLike, at: datetime, *, reason: str, detail: str | None
) -> NudgeSuppressed:
    return NudgeSuppressed(**_common(nudge, at), reason=reason, detail=detail)


def failed(nudge: NudgeLike, at: datetime, *, error: str, dead: bool) -> NudgeFailed:
    return NudgeFailed(
        **_common(nudge, at),
        error=error[:2000],
        attempts=max(1, nudge.attempts),
        dead_lettered=dead,
    )


def converted(
    nudge: NudgeLike, at: datetime, *, goal_event: str, goal_event_id: str | None, window_s: int
) -> NudgeConverted:
    return NudgeConverted(
        **_common(nudge, at),
        goal_event=goal_event,
        goal_event_id=goal_event_id,
        window_seconds=window_s,
    )
