"""From trigger signals to planned nudges, a batch at a time.

For a batch of signals of one workspace the planner loads everything the decisions need in a few
queries (accounts, users, suppressions, cap history, existing idempotency keys), decides each
candidate with the pure engine, and writes the nudges and their events in the caller's
transaction. Decisions in one batch see each other: the second colleague's nudge counts the first
one's against the account cap.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.outbox import Outbox
from banso_notify.adapters import directory, nudge_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.caps import SentRecord, longest_window, merge_caps
from banso_notify.domain.context import message_context, with_customer
from banso_notify.domain.decision import Decision, DecisionInput, Outcome, decide
from banso_notify.domain.facts import (
    AccountFacts,
    Audience,
    Channel,
    Recipient,
    SuppressionState,
    UserFacts,
)
from banso_notify.domain.idempotency import nudge_key
from banso_notify.domain.playbook import RecipientKind, SendStep, WaitStep
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.recipients import resolve_recipients
from banso_notify.domain.signals import Signal, TicketResolvedSignal
from banso_notify.engine import events
from banso_notify.engine.enrol import enrol
from banso_notify.models import Nudge


@dataclass
class Candidate:
    stored: StoredPlaybook
    signal: Signal
    recipient: Recipient
    key: str


@dataclass
class PlanResult:
    decisions: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.decisions[outcome] = self.decisions.get(outcome, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.decisions.values())


def first_send(stored: StoredPlaybook) -> tuple[int, SendStep, timedelta]:
    """Index among send steps (always 0 here), the step, and the waits before it."""
    waited = timedelta(0)
    for step in stored.playbook.steps:
        if isinstance(step, WaitStep):
            waited += step.wait
        else:
            return 0, step, waited
    raise ValueError("a playbook has at least one send step")  # validated on PUT


class Planner:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def plan(
        self,
        session: AsyncSession,
        *,
        workspace_id: str,
        signals: Sequence[Signal],
        playbooks: Sequence[StoredPlaybook],
        policy: WorkspacePolicy,
        now: datetime,
    ) -> PlanResult:
        result = PlanResult()
        matches = [
            (stored, signal)
            for signal in signals
            for stored in playbooks
            if stored.playbook.enabled and stored.playbook.trigger.matches(signal)
        ]
        if not matches:
            return result
        accounts = await directory.load_accounts(
            session, workspace_id=workspace_id, account_ids={s.account_id for _, s in matches}
        )
        users = await self._users(session, workspace_id, matches)
        candidates: dict[str, Candidate] = {}
        facts: dict[str, AccountFacts] = {}
        for stored, signal in matches:
            account = facts.setdefault(
                signal.account_id,
                directory.account_facts(accounts.get(signal.account_id), signal.account_id),
            )
            known = {
                user_id: facts_of
                for user_id, facts_of in users.items()
                if facts_of.account_id in (None, signal.account_id)
            }
            step_index, _, _ = first_send(stored)
            for recipient in resolve_recipients(stored.playbook.recipient, signal, account, known):
                key = nudge_key(
                    playbook_id=stored.playbook.id,
                    recipient_key=recipient.key,
                    event_id=signal.event_id,
                    step=step_index,
                )
                candidates.setdefault(key, Candidate(stored, signal, recipient, key))
        seen = await nudge_store.existing_keys(session, workspace_id=workspace_id, keys=candidates)
        fresh = [candidate for key, candidate in candidates.items() if key not in seen]
        if not fresh:
            return result
        suppressions = await directory.suppression_states(
            session,
            workspace_id=workspace_id,
            subjects=[
                subject
                for c in fresh
                for subject in (
                    directory.user_subject(c.recipient.recipient_id),
                    directory.email_subject(c.recipient.email),
                )
                if subject and c.recipient.audience is Audience.CUSTOMER
            ],
        )
        window = max(
            [longest_window(merge_caps(policy.caps, c.stored.playbook.caps)) for c in fresh]
        )
        history = await nudge_store.cap_history(
            session,
            workspace_id=workspace_id,
            account_ids={c.signal.account_id for c in fresh},
            recipient_keys={c.recipient.key for c in fresh},
            since=now - window,
        )
        for candidate in fresh:
            outcome = await self._decide_one(
                session,
                candidate,
                account=facts[candidate.signal.account_id],
                suppression=directory.suppression_for(
                    suppressions,
                    user_id=candidate.recipient.recipient_id,
                    email=candidate.recipient.email,
                )
                if candidate.recipient.audience is Audience.CUSTOMER
                else SuppressionState(),
                history=history,
                policy=policy,
                workspace_id=workspace_id,
                now=now,
            )
            result.count(outcome)
        await session.flush()
        return result

    async def _users(
        self,
        session: AsyncSession,
        workspace_id: str,
        matches: list[tuple[StoredPlaybook, Signal]],
    ) -> dict[str, UserFacts]:
        user_ids: set[str] = set()
        whole_accounts: set[str] = set()
        for stored, signal in matches:
            kind = stored.playbook.recipient.kind
            if signal.user_id:
                user_ids.add(signal.user_id)
            if isinstance(signal, TicketResolvedSignal):
                user_ids.update(signal.reporter_user_ids)
            if kind is RecipientKind.ACCOUNT_USERS or (
                kind is RecipientKind.REPORTERS and isinstance(signal, TicketResolvedSignal)
            ):
                whole_accounts.add(signal.account_id)
        rows = await directory.load_users(session, workspace_id=workspace_id, user_ids=user_ids)
        by_account = await directory.users_of_accounts(
            session, workspace_id=workspace_id, account_ids=whole_accounts
        )
        for members in by_account.values():
            rows.update({row.user_id: row for row in members})
        return {user_id: directory.user_facts(row) for user_id, row in rows.items()}

    async def _decide_one(
        self,
        session: AsyncSession,
        candidate: Candidate,
        *,
        account: AccountFacts,
        suppression: SuppressionState,
        history: list[SentRecord],
        policy: WorkspacePolicy,
        workspace_id: str,
        now: datetime,
    ) -> str:
        stored, recipient = candidate.stored, candidate.recipient
        step_index, step, waited = first_send(stored)
        request = DecisionInput(
            workspace_id=workspace_id,
            playbook=stored.playbook,
            step=step.send,
            step_index=step_index,
            recipient=recipient,
            account=account,
            suppression=suppression,
            history=history,
            due_at=now + waited,
        )
        decision = decide(request, policy, now)
        if decision.outcome is Outcome.SKIP:
            return decision.outcome.value
        nudge = new_nudge(
            workspace_id=workspace_id,
            key=candidate.key,
            stored=stored,
            step_index=step_index,
            recipient=recipient,
            channel=step.send.channel,
            template=step.send.template,
            trigger_event_id=candidate.signal.event_id,
            context=message_context(candidate.signal, recipient, account),
            now=now,
        )
        final = await settle(
            session, self._outbox, nudge, decision, stored=stored, policy=policy, now=now
        )
        if final.state == nudge_store.READY and final.recipient_kind == "user":
            history.append(
                SentRecord(
                    at=now,
                    channel=Channel(final.channel),
                    playbook_id=final.playbook_id,
                    recipient_key=final.recipient_key,
                    account_id=final.account_id,
                )
            )
        return decision.outcome.value


def new_nudge(
    *,
    workspace_id: str,
    key: str,
    stored: StoredPlaybook,
    step_index: int,
    recipient: Recipient,
    channel: Channel,
    template: str,
    trigger_event_id: str,
    context: dict[str, object],
    now: datetime,
) -> Nudge:
    customer = recipient.audience is Audience.CUSTOMER
    return Nudge(
        id=uuid.uuid4().hex,
        workspace_id=workspace_id,
        idempotency_key=key,
        playbook_id=stored.playbook.id,
        playbook_version=stored.version,
        step_index=step_index,
        account_id=recipient.account_id,
        user_id=recipient.recipient_id if customer else None,
        recipient_kind="user" if customer else "csm",
        recipient_id=recipient.recipient_id,
        recipient_key=recipient.key,
        channel=channel.value,
        template=template,
        state=nudge_store.HELD,
        trigger_event_id=trigger_event_id,
        context=context,
        created_at=now,
        updated_at=now,
    )


async def settle(
    session: AsyncSession,
    outbox: Outbox,
    nudge: Nudge,
    decision: Decision,
    *,
    stored: StoredPlaybook,
    policy: WorkspacePolicy,
    now: datetime,
) -> Nudge:
    """Apply a decision to a (new or held) nudge; returns the nudge that carries it on.

    A customer e-mail rerouted to the CSM is suppressed (``high_touch_routed``) and a CSM alert
    nudge takes its place, under the same key plus ``|csm``.
    """
    delivery = decision.delivery
    rerouted = delivery.rerouted_from if delivery is not None else None
    if decision.outcome is Outcome.QUEUE_CSM and delivery is not None and rerouted is not None:
        nudge.state, nudge.reason, nudge.detail = nudge_store.SUPPRESSED, "high_touch_routed", None
        nudge.due_at, nudge.counted_at, nudge.updated_at = None, None, now
        session.add(nudge)
        await outbox.add(
            session, events.suppressed(nudge, now, reason="high_touch_routed", detail=None)
        )
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
        nudge = alert
    await apply_decision(session, outbox, nudge, decision, stored=stored, policy=policy, now=now)
    session.add(nudge)
    return nudge


async def apply_decision(
    session: AsyncSession,
    outbox: Outbox,
    nudge: Nudge,
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
    elif decision.outcome in (Outcome.HOLD, Outcome.QUEUE_CSM):
        held = Outcome.HOLD
        nudge.state = nudge_store.HELD if decision.outcome is held else nudge_store.CSM_QUEUED
        nudge.due_at = decision.until
    else:
        nudge.state = nudge_store.SUPPRESSED
        nudge.due_at = None
        reason = decision.reason or "audience"
        if reason == "holdout":
            nudge.variant = "holdout"
            await enrol(session, nudge, stored.playbook, at=now)
        caps = merge_caps(policy.caps, stored.playbook.caps)
        contract_reason = events.contract_reason(reason, decision.detail, caps)
        detail = (
            decision.detail if decision.detail else (reason if reason != contract_reason else None)
        )
        await outbox.add(
            session, events.suppressed(nudge, now, reason=contract_reason, detail=detail)
        )
