"""What the clock starts: held nudges whose time came, CSM reviews, timers, next journey steps.

The clock is the service's (``BANSO_CLOCK``): the wall clock, or under ``stream`` the watermark
of the events consumed, so a replay releases what it holds as its event time passes. A stream
clock that has seen no event yet does not run anything (its time would be the wall clock's).
A held nudge released longer than its playbook's ``max_trigger_age`` after its due time (the
service was down, the stream stalled) is suppressed as ``stale`` — on the wall clock only: on a
stream clock that lag is how fast the replay ran, not time a customer lived through
(`scheduling_lag_counts`).

Each tick works in its own transactions; a crash between ticks loses nothing (the rows stay due)
and a repeat is harmless (state checks and idempotency keys).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.clock import Clock
from banso_kit.db import Database
from banso_kit.event_time import has_event_time, scheduling_lag_counts
from banso_kit.outbox import Outbox, OutboxRelay
from banso_notify.adapters import directory, nudge_store
from banso_notify.domain.awaiting import AWAITING_ANOTHER_TOPIC
from banso_notify.domain.caps import longest_window, merge_caps
from banso_notify.domain.context import with_latest_facts
from banso_notify.domain.csm_budget import CsmAlertCandidate, allocate_csm_budget, review_day
from banso_notify.domain.decision import decide
from banso_notify.domain.facts import AccountFacts, Audience, Recipient, SuppressionState, UserFacts
from banso_notify.domain.outcomes import (
    Decision,
    DecisionInput,
    HoldReason,
    Outcome,
    SuppressReason,
)
from banso_notify.domain.signals import Signal
from banso_notify.domain.timers import Timer as DueTimer
from banso_notify.domain.timers import fire
from banso_notify.domain.triggers import InactivityTrigger, MilestoneOverdueTrigger
from banso_notify.domain.windows import resolve_zone
from banso_notify.metrics import NotifyMetrics
from banso_notify.models import Enrolment, Nudge
from banso_notify.service import events
from banso_notify.service.catalog import Catalog
from banso_notify.service.planner import Planner
from banso_notify.service.settle import settle

logger = logging.getLogger(__name__)

#: the ``detail`` of a held nudge found outside the audience once what it waited for arrived
_LEFT_THE_AUDIENCE: dict[str, str] = {
    HoldReason.AWAITING_ACCOUNT: "outside the audience once the account's traits arrived",
    HoldReason.AWAITING_PERSON: "outside the audience once the person was identified",
}


class Scheduler:
    def __init__(
        self,
        *,
        db: Database,
        outbox: Outbox,
        relay: OutboxRelay,
        catalog: Catalog,
        planner: Planner,
        clock: Clock,
        wake_dispatcher: object,
        interval_s: float = 1.0,
        batch: int = 500,
        metrics: NotifyMetrics | None = None,
        held_gauge_s: float = 15.0,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._relay = relay
        self._catalog = catalog
        self._planner = planner
        self._clock = clock
        self._metrics = metrics
        self._wake_dispatcher = wake_dispatcher
        self._interval_s = interval_s
        self._batch = batch
        self._held_gauge_s = held_gauge_s
        self._held_counted_at: float | None = None
        self._stopping = asyncio.Event()

    def request_stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
            except Exception:  # logged; the next tick retries what is still due
                logger.exception("scheduler_tick_failed")
            try:
                await self.count_held()
            except Exception:  # logged; counted again at the next tick
                logger.exception("held_nudges_count_failed")
            try:
                await asyncio.wait_for(self._stopping.wait(), self._interval_s)
            except TimeoutError:
                pass

    async def count_held(self) -> None:
        """Refresh ``banso_notify_held_nudges{reason}`` every ``held_gauge_s``: what an operator
        watches to see nudges piling up behind quiet hours or an identify that never comes."""
        if self._metrics is None:
            return
        started = time.monotonic()
        if self._held_counted_at is not None and started - self._held_counted_at < (
            self._held_gauge_s
        ):
            return
        self._held_counted_at = started
        async with self._db.session() as session:
            counts = await nudge_store.held_by_reason(session)
        for reason in {*HoldReason, *counts}:
            self._metrics.held.labels(reason=str(reason)).set(counts.get(str(reason), 0))

    async def tick(self) -> int:
        """One pass over everything due now; returns how many items it handled."""
        if not has_event_time(self._clock):
            return 0
        now = self._clock.now()
        handled = await self.fire_timers(now)
        handled += await self.release_held(now)
        handled += await self.review_csm_alerts(now)
        if handled:
            self._relay.wake()
            wake = self._wake_dispatcher
            if callable(wake):
                wake()
        return handled

    async def fire_timers(self, now: datetime) -> int:
        async with self._db.session() as session:
            timers = await nudge_store.due_timers(session, now=now, limit=self._batch)
            by_workspace: dict[str, list[Signal]] = defaultdict(list)
            for row in timers:
                stored = await self._catalog.current(session, row.workspace_id, row.playbook_id)
                await session.delete(row)
                if stored is None or not stored.playbook.enabled:
                    continue
                trigger = stored.playbook.trigger
                if not isinstance(trigger, InactivityTrigger | MilestoneOverdueTrigger):
                    continue
                timer = DueTimer(
                    playbook_id=row.playbook_id,
                    account_id=row.account_id,
                    user_id=row.user_id,
                    anchor_at=row.anchor_at,
                    due_at=row.due_at,
                )
                by_workspace[row.workspace_id].append(
                    fire(timer, trigger, workspace_id=row.workspace_id)
                )
            for workspace_id, signals in by_workspace.items():
                playbooks = await self._catalog.playbooks(session, workspace_id)
                result = await self._planner.plan(
                    session,
                    workspace_id=workspace_id,
                    signals=signals,
                    playbooks=playbooks,
                    policy=await self._catalog.policy(session, workspace_id),
                    now=now,
                    lag_counts=scheduling_lag_counts(self._clock),
                    accounts_described=await self._catalog.accounts_described(
                        session, workspace_id
                    ),
                    people_identified=await self._catalog.people_identified(session, workspace_id),
                )
                self._count_stale(result.stale)
        return len(timers)

    async def release_held(self, now: datetime) -> int:
        async with self._db.session() as session:
            held = await nudge_store.due(
                session, state=nudge_store.HELD, now=now, limit=self._batch
            )
            for nudge in held:
                await self._redecide(session, nudge, now)
        return len(held)

    async def _redecide(self, session: AsyncSession, nudge: Nudge, now: datetime) -> None:
        stored = await self._catalog.current(session, nudge.workspace_id, nudge.playbook_id)
        policy = await self._catalog.policy(session, nudge.workspace_id)
        sends = stored.playbook.send_steps() if stored is not None else []
        if stored is None or nudge.step_index >= len(sends):
            await self._suppress(session, nudge, now, SuppressReason.PLAYBOOK_DISABLED)
            return
        nudge.playbook_version = stored.version
        accounts = await directory.load_accounts(
            session, workspace_id=nudge.workspace_id, account_ids=[nudge.account_id]
        )
        account = directory.account_facts(accounts.get(nudge.account_id), nudge.account_id)
        recipient = await self._recipient(session, nudge, account)
        found = await directory.suppression_states(
            session,
            workspace_id=nudge.workspace_id,
            subjects=[
                s
                for s in (
                    directory.user_subject(recipient.recipient_id),
                    directory.email_subject(recipient.email),
                )
                if s
            ],
        )
        suppression = directory.suppression_for(
            found, user_id=recipient.recipient_id, email=recipient.email
        )
        if recipient.audience is Audience.CSM:
            suppression = SuppressionState()
        caps = merge_caps(policy.caps, stored.playbook.caps)
        history = await nudge_store.cap_history(
            session,
            workspace_id=nudge.workspace_id,
            account_ids=[nudge.account_id],
            recipient_keys=[recipient.key],
            since=now - longest_window(caps),
        )
        request = DecisionInput(
            workspace_id=nudge.workspace_id,
            playbook=stored.playbook,
            step=sends[nudge.step_index].send,
            step_index=nudge.step_index,
            recipient=recipient,
            account=account,
            suppression=suppression,
            history=history,
            due_at=nudge.due_at or now,
            goal_reached=await self._goal_reached(session, nudge),
            planned_at=nudge.created_at,
            accounts_described=await self._catalog.accounts_described(session, nudge.workspace_id),
            people_identified=await self._catalog.people_identified(session, nudge.workspace_id),
            trigger_age=now - nudge.due_at
            if nudge.due_at is not None and scheduling_lag_counts(self._clock)
            else None,
        )
        decision = decide(request, policy, now)
        if decision.reason == SuppressReason.STALE:
            self._count_stale(1)
        if decision.outcome is Outcome.SKIP:
            # traits changed while it waited, or arrived: not in the audience
            detail = _LEFT_THE_AUDIENCE.get(nudge.reason or "", "left the audience")
            decision = Decision(Outcome.SUPPRESS, reason="audience", detail=detail)
        elif nudge.reason in AWAITING_ANOTHER_TOPIC:
            # it waited for the person or the account: the message says what is known now
            nudge.context = with_latest_facts(nudge.context, recipient, account)
        staged = self._planner.staged()
        settle(staged, nudge, decision, stored=stored, policy=policy, now=now)
        await staged.flush(session)

    def _count_stale(self, count: int) -> None:
        if count and self._metrics is not None:
            self._metrics.not_acted.labels(reason="stale").inc(count)

    async def _recipient(
        self, session: AsyncSession, nudge: Nudge, account: AccountFacts
    ) -> Recipient:
        if nudge.recipient_kind == "csm":
            csm = account.csm
            if csm is not None:
                return Recipient.for_csm(csm, nudge.account_id)
            return Recipient(
                audience=Audience.CSM, recipient_id="unassigned", account_id=nudge.account_id
            )
        users = await directory.load_users(
            session, workspace_id=nudge.workspace_id, user_ids=[nudge.recipient_id]
        )
        row = users.get(nudge.recipient_id)
        facts = (
            directory.user_facts(row)
            if row is not None
            else UserFacts(user_id=nudge.recipient_id, account_id=nudge.account_id)
        )
        return Recipient.for_user(facts, nudge.account_id)

    async def _goal_reached(self, session: AsyncSession, nudge: Nudge) -> bool:
        first = nudge.context.get("journey_first_nudge")
        if not isinstance(first, str):
            return False
        enrolment = await session.get(Enrolment, first)
        return enrolment is not None and enrolment.converted_at is not None

    async def _suppress(
        self, session: AsyncSession, nudge: Nudge, now: datetime, reason: str
    ) -> None:
        nudge.state, nudge.reason, nudge.updated_at = nudge_store.SUPPRESSED, reason, now
        nudge.due_at = nudge.counted_at = None
        await self._outbox.add(
            session, events.suppressed(nudge, now, reason="audience", detail=reason)
        )

    async def review_csm_alerts(self, now: datetime) -> int:
        async with self._db.session() as session:
            queued = await nudge_store.due(
                session, state=nudge_store.CSM_QUEUED, now=now, limit=self._batch * 4
            )
            groups: dict[tuple[str, str], list[Nudge]] = defaultdict(list)
            for nudge in queued:
                groups[(nudge.workspace_id, nudge.recipient_id)].append(nudge)
            for (workspace_id, csm_id), alerts in groups.items():
                await self._review(session, workspace_id, csm_id, alerts, now)
        return len(queued)

    async def _review(
        self,
        session: AsyncSession,
        workspace_id: str,
        csm_id: str,
        alerts: list[Nudge],
        now: datetime,
    ) -> None:
        policy = await self._catalog.policy(session, workspace_id)
        zone_name = alerts[0].context.get("user", {}).get("timezone")
        zone = resolve_zone(zone_name, policy.default_timezone)
        budget = await nudge_store.budget_used(
            session, workspace_id=workspace_id, csm_id=csm_id, day=review_day(now, zone)
        )
        accounts = await directory.load_accounts(
            session, workspace_id=workspace_id, account_ids={a.account_id for a in alerts}
        )
        by_key = {alert.idempotency_key: alert for alert in alerts}
        candidates = []
        for alert in alerts:
            facts = directory.account_facts(accounts.get(alert.account_id), alert.account_id)
            candidates.append(
                CsmAlertCandidate(
                    key=alert.idempotency_key,
                    csm_id=csm_id,
                    account_id=alert.account_id,
                    playbook_id=alert.playbook_id,
                    band=facts.band,
                    score=facts.score,
                    arr=facts.arr,
                    created_at=alert.created_at,
                )
            )
        allocation = allocate_csm_budget(
            candidates, remaining_budget=policy.csm_daily_budget - budget.used
        )
        for chosen in allocation.selected:
            alert = by_key[chosen.key]
            alert.state, alert.due_at, alert.counted_at, alert.updated_at = (
                nudge_store.READY,
                now,
                now,
                now,
            )
        budget.used += len(allocation.selected)
        for skipped, reason in [(c, "csm_budget") for c in allocation.over_budget] + [
            (c, "duplicate") for c in allocation.duplicates
        ]:
            alert = by_key[skipped.key]
            alert.state, alert.reason, alert.updated_at = nudge_store.SUPPRESSED, reason, now
            alert.due_at = None
            await self._outbox.add(
                session, events.suppressed(alert, now, reason=reason, detail=None)
            )
