"""Carrying out a decision: the nudge's new state, the event that reports it, the enrolment."""

from __future__ import annotations

from datetime import datetime

from banso_notify.adapters import nudge_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.caps import merge_caps
from banso_notify.domain.context import with_customer
from banso_notify.domain.decision import CSM_HOLDOUT
from banso_notify.domain.outcomes import Decision, Outcome
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.service import events
from banso_notify.service.drafts import NudgeLike, new_nudge
from banso_notify.service.staging import Staged


def settle(
    staged: Staged,
    nudge: NudgeLike,
    decision: Decision,
    *,
    stored: StoredPlaybook,
    policy: WorkspacePolicy,
    now: datetime,
) -> NudgeLike:
    """Apply a decision to a (new or held) nudge; returns the nudge that carries it on.

    New nudges, enrolments and events are staged; the caller flushes them before its commit.

    A customer e-mail rerouted to the CSM is suppressed (``high_touch_routed``) and a CSM alert
    nudge takes its place, under the same key plus ``|csm``.
    """
    delivery = decision.delivery
    rerouted = delivery.rerouted_from if delivery is not None else None
    if decision.outcome is Outcome.QUEUE_CSM and delivery is not None and rerouted is not None:
        nudge.state, nudge.reason, nudge.detail = nudge_store.SUPPRESSED, "high_touch_routed", None
        nudge.due_at, nudge.counted_at, nudge.updated_at = None, None, now
        staged.events.add(events.suppressed(nudge, now, reason="high_touch_routed", detail=None))
        alert = new_nudge(
            workspace_id=nudge.workspace_id,
            key=f"{nudge.idempotency_key}|csm",
            stored=stored,
            step_index=nudge.step_index,
            recipient=delivery.recipient,
            channel=delivery.channel,
            template=delivery.template,
            trigger_event_id=nudge.trigger_event_id,
            context=with_customer(nudge.context, rerouted),
            now=now,
        )
        alert.user_id = rerouted.recipient_id
        staged.nudges.append(alert)
        nudge = alert
    apply_decision(staged, nudge, decision, stored=stored, policy=policy, now=now)
    return nudge


def apply_decision(
    staged: Staged,
    nudge: NudgeLike,
    decision: Decision,
    *,
    stored: StoredPlaybook,
    policy: WorkspacePolicy,
    now: datetime,
) -> None:
    """Move a nudge to the state its decision says, and emit the event that goes with it."""
    nudge.updated_at = now
    nudge.reason, nudge.detail = decision.reason, decision.detail
    delivery = decision.delivery
    if delivery is not None:
        nudge.channel = delivery.channel.value
        nudge.address = delivery.address
        nudge.template = delivery.template
        nudge.locale = delivery.locale
    if decision.outcome is Outcome.SEND:
        nudge.state, nudge.due_at, nudge.counted_at = nudge_store.READY, now, now
        # enrolled by the same decision that holds its twin out (see service/enrol.py)
        staged.enrol(nudge, stored.playbook, at=now)
    elif decision.outcome in (Outcome.HOLD, Outcome.QUEUE_CSM):
        held = Outcome.HOLD
        nudge.state = nudge_store.HELD if decision.outcome is held else nudge_store.CSM_QUEUED
        nudge.due_at = decision.until
    else:
        nudge.state = nudge_store.SUPPRESSED
        nudge.due_at = None
        reason = decision.reason or "audience"
        if reason == "holdout":
            # A ghost send: it counts against the caps as the real send would have, so a held-out
            # person is eligible exactly as often as a treated one and the arms stay comparable.
            nudge.variant = "holdout"
            nudge.counted_at = now
            if decision.detail != CSM_HOLDOUT:
                staged.enrol(nudge, stored.playbook, at=now)
        caps = merge_caps(policy.caps, stored.playbook.caps)
        contract_reason = events.contract_reason(reason, decision.detail, caps)
        detail = (
            decision.detail if decision.detail else (reason if reason != contract_reason else None)
        )
        staged.events.add(events.suppressed(nudge, now, reason=contract_reason, detail=detail))
