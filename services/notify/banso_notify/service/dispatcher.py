"""Delivery: ready nudges go out through their channel, exactly once as far as a crash allows.

The state machine is ``ready → sending → sent``, and ``idempotency_key`` is unique in the
database. A nudge is marked ``sending`` (committed) before the channel is called, and ``sent``
(committed, with its ``NudgeSent`` event in the outbox) right after the channel accepted it.

Where a SIGKILL can fall, and what happens:

* before ``sending`` commits — nothing went out; the nudge is still ready and goes out once;
* after ``sending``, before the SMTP server accepted the message (connecting, mid-DATA) — no
  message exists at the server (SMTP accepts only at the final ``.``); on restart the nudge is
  back to ready and goes out once;
* after the server accepted it, before ``sent`` commits — the residual window. On restart the
  nudge is resent. We keep the window as short as one local commit (results are committed as
  soon as they come back, grouped with whatever else finished meanwhile) and the resend carries
  the same Message-ID (and webhooks the same ``webhook-id`` / ``Idempotency-Key``), derived from
  the idempotency key, so receivers can drop the copy. In-app messages have no window: the inbox
  row is written in the transaction that marks the nudge sent.

Failures are retried with exponential backoff and jitter; after ``max_attempts`` (or a permanent
refusal such as SMTP 5xx) the nudge is dead-lettered (state ``dead``, ``NudgeFailed`` with
``dead_lettered``) and kept, so it can be retried later: nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.clock import Clock
from banso_kit.db import Database
from banso_kit.event_time import scheduling_lag_counts, wall_clock
from banso_kit.outbox import Outbox, OutboxRelay
from banso_notify.adapters import directory, inbox_store, nudge_store
from banso_notify.adapters.channels.base import DeliveryError, OutgoingMessage, Sender
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.facts import Channel
from banso_notify.domain.outcomes import SuppressReason
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.metrics import NotifyMetrics
from banso_notify.models import Nudge
from banso_notify.service import events
from banso_notify.service.catalog import Catalog
from banso_notify.service.journeys import schedule_next_step
from banso_notify.service.rendering import MessageBuilder
from banso_notify.service.staging import Staged

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        raw = min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1))
        return timedelta(seconds=raw * random.uniform(0.8, 1.0))  # jitter only


@dataclass(slots=True)
class _Claimed:
    nudge: Nudge
    stored: StoredPlaybook
    policy: WorkspacePolicy


@dataclass(slots=True)
class _Result:
    nudge: Nudge
    stored: StoredPlaybook
    message: OutgoingMessage | None = None
    provider_id: str | None = None
    error: DeliveryError | None = None


class Dispatcher:
    def __init__(
        self,
        *,
        db: Database,
        outbox: Outbox,
        relay: OutboxRelay,
        catalog: Catalog,
        builder: MessageBuilder,
        senders: Mapping[Channel, Sender],
        clock: Clock,
        metrics: NotifyMetrics,
        retry: RetryPolicy,
        concurrency: int = 32,
        poll_interval_s: float = 0.2,
        fault_point: str | None = None,
    ) -> None:
        self.db = db
        self._db = db
        self._outbox = outbox
        self._relay = relay
        self._catalog = catalog
        self._builder = builder
        self._senders = senders
        self._clock = clock
        self._wall = wall_clock(clock)
        self._metrics = metrics
        self._retry = retry
        self._concurrency = concurrency
        self._poll_interval_s = poll_interval_s
        self._fault_point = fault_point
        self._wakeup = asyncio.Event()
        self._results: asyncio.Queue[_Result] = asyncio.Queue()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._sends: set[asyncio.Task[None]] = set()
        self._stopping = False

    def wake(self) -> None:
        self._wakeup.set()

    def request_stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def recover(self) -> int:
        """Put nudges a crash caught mid-send back to ready; run once before :meth:`run`."""
        async with self._db.session() as session:
            count = await nudge_store.recover_in_doubt(session, now=self._clock.now())
        if count:
            logger.warning("nudges_in_doubt_requeued", extra={"count": count})
        return count

    async def run(self) -> None:
        committer = asyncio.create_task(self._commit_results(), name="dispatch-commit")
        try:
            while not self._stopping:
                free = self._concurrency - self._in_flight
                claimed = await self._claim(free) if free > 0 else []
                for item in claimed:
                    self._in_flight += 1
                    self._idle.clear()
                    task = asyncio.create_task(self._send(item))
                    self._sends.add(task)
                    task.add_done_callback(self._sends.discard)
                if claimed:
                    continue
                self._wakeup.clear()
                try:
                    await asyncio.wait_for(self._wakeup.wait(), self._poll_interval_s)
                except TimeoutError:
                    pass
            await self._idle.wait()
            await self._results.join()
        finally:
            committer.cancel()
            await asyncio.gather(committer, return_exceptions=True)

    async def _claim(self, limit: int) -> list[_Claimed]:
        now = self._clock.now()
        claimed: list[_Claimed] = []
        async with self._db.session() as session:
            # A ready nudge was decided to go now: when it goes is work, on the wall clock. (On a
            # stream clock, a nudge decided about an event at T is ready at T while the clock
            # reads T minus the lateness allowance, and would wait for later events to be sent.)
            nudges = await nudge_store.due(
                session, state=nudge_store.READY, now=self._wall.now(), limit=limit
            )
            if not nudges:
                return []
            blocked = await self._still_allowed(session, nudges, now)
            for nudge in nudges:
                if nudge.id in blocked:
                    continue
                stored = await self._catalog.version(
                    session, nudge.workspace_id, nudge.playbook_id, nudge.playbook_version
                )
                if stored is None:
                    await self._dead(session, nudge, now, "its playbook version is gone")
                    continue
                if (
                    nudge.due_at is not None
                    and scheduling_lag_counts(self._clock)
                    and now - nudge.due_at > stored.playbook.max_trigger_age
                ):
                    # due that long ago and never sent (the service was down): too late to act
                    await self._suppress_stale(session, nudge, now)
                    continue
                policy = await self._catalog.policy(session, nudge.workspace_id)
                nudge.state, nudge.updated_at = nudge_store.SENDING, now
                claimed.append(_Claimed(nudge, stored, policy))
        self._relay.wake()
        if claimed and self._fault_point == "after_claim":
            _die()
        return claimed

    async def _still_allowed(
        self, session: AsyncSession, nudges: list[Nudge], now: datetime
    ) -> set[str]:
        """A person who unsubscribed since the decision is not sent to; returns those held back."""
        blocked: set[str] = set()
        by_workspace: dict[str, list[Nudge]] = {}
        for nudge in nudges:
            if nudge.recipient_kind == "user":
                by_workspace.setdefault(nudge.workspace_id, []).append(nudge)
        for workspace_id, group in by_workspace.items():
            found = await directory.suppression_states(
                session,
                workspace_id=workspace_id,
                subjects=[
                    subject
                    for n in group
                    for subject in (
                        directory.user_subject(n.recipient_id),
                        directory.email_subject(n.address if n.channel == "email" else None),
                    )
                    if subject
                ],
            )
            for nudge in group:
                state = directory.suppression_for(
                    found,
                    user_id=nudge.recipient_id,
                    email=nudge.address if nudge.channel == "email" else None,
                )
                reason = state.blocked_reason
                if reason is None:
                    continue
                blocked.add(nudge.id)
                nudge.state, nudge.updated_at, nudge.counted_at = nudge_store.SUPPRESSED, now, None
                nudge.reason = reason
                contract = "unsubscribed" if reason == "unsubscribed" else "suppression_list"
                await self._outbox.add(
                    session,
                    events.suppressed(nudge, now, reason=contract, detail=state.suppressed_reason),
                )
        return blocked

    async def _send(self, claimed: _Claimed) -> None:
        """Render and deliver one nudge, outside any transaction (the database lock is free)."""
        nudge = claimed.nudge
        result = _Result(nudge=nudge, stored=claimed.stored)
        try:
            try:
                message = self._builder.build(nudge, claimed.stored.playbook, claimed.policy)
            except Exception as exc:  # noqa: BLE001 - a broken template dead-letters its nudge
                raise DeliveryError(f"rendering failed: {exc}", permanent=True) from None
            result.message = message
            channel = Channel(nudge.channel)
            if channel is not Channel.IN_APP:
                sender = self._senders.get(channel)
                if sender is None:
                    raise DeliveryError(f"no {channel} channel is configured", permanent=True)
                with self._metrics.send_latency.labels(channel=channel.value).time():
                    result.provider_id = await sender.send(message)
            if self._fault_point == "after_accept":
                _die()
        except DeliveryError as exc:
            result.error = exc
        except Exception as exc:  # any channel bug becomes a retriable failure
            logger.exception("channel_crashed", extra={"nudge_id": nudge.id})
            result.error = DeliveryError(f"{type(exc).__name__}: {exc}")
        finally:
            self._results.put_nowait(result)
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _commit_results(self) -> None:
        """Group commit: everything that finished since the last commit goes in the next one."""
        while True:
            batch = [await self._results.get()]
            while not self._results.empty():
                batch.append(self._results.get_nowait())
            try:
                await self._finish(batch)
            except Exception:  # rows stay `sending`; recovery resends them
                logger.exception("dispatch_commit_failed", extra={"count": len(batch)})
            finally:
                for _ in batch:
                    self._results.task_done()
            self._relay.wake()
            self.wake()

    async def _finish(self, batch: list[_Result]) -> None:
        now = self._clock.now()
        async with self._db.session() as session:
            current = await nudge_store.by_ids(session, [r.nudge.id for r in batch])
            staged = Staged(self._outbox)
            for result in batch:
                nudge = current.get(result.nudge.id)
                if nudge is None or nudge.state != nudge_store.SENDING:
                    continue
                if result.error is None:
                    await self._sent(session, nudge, result, now, staged)
                else:
                    await self._failed(session, nudge, result.error, now)
            await staged.flush(session)

    async def _sent(
        self,
        session: AsyncSession,
        nudge: Nudge,
        result: _Result,
        now: datetime,
        staged: Staged,
    ) -> None:
        nudge.state, nudge.sent_at, nudge.updated_at = nudge_store.SENT, now, now
        nudge.attempts += 1
        message = result.message
        assert message is not None  # a result without a message is a failure
        nudge.message_id = message.message_id
        nudge.provider_message_id = result.provider_id
        if nudge.channel == Channel.IN_APP.value:
            inbox_store.deliver(
                session,
                workspace_id=nudge.workspace_id,
                user_id=nudge.recipient_id,
                nudge_id=nudge.id,
                playbook_id=nudge.playbook_id,
                title=message.subject,
                body_text=message.text,
                body_html=message.html,
                now=now,
            )
        if len(result.stored.playbook.send_steps()) > nudge.step_index + 1:
            await schedule_next_step(session, nudge, result.stored, now=now)
        staged.events.add(events.sent(nudge, now))
        self._metrics.nudges.labels(channel=nudge.channel, result="sent").inc()
        self._metrics.observe_sent(nudge, now)

    async def _failed(
        self, session: AsyncSession, nudge: Nudge, error: DeliveryError, now: datetime
    ) -> None:
        nudge.attempts += 1
        nudge.last_error = str(error)[:2000]
        nudge.updated_at = now
        if error.permanent or nudge.attempts >= self._retry.max_attempts:
            await self._dead(session, nudge, now, str(error), count_attempt=False)
            if error.permanent and nudge.channel == "email" and nudge.address:
                await directory.suppress(
                    session,
                    workspace_id=nudge.workspace_id,
                    subject=directory.email_subject(nudge.address) or "",
                    unsubscribed=False,
                    reason="hard_bounce",
                    now=now,
                )
            return
        nudge.state = nudge_store.READY
        nudge.due_at = self._wall.now() + self._retry.delay(nudge.attempts)
        await self._outbox.add(
            session,
            events.failed(nudge, now, error=str(error), dead=False),
        )
        self._metrics.nudges.labels(channel=nudge.channel, result="retry").inc()

    async def _suppress_stale(self, session: AsyncSession, nudge: Nudge, now: datetime) -> None:
        nudge.state, nudge.updated_at, nudge.counted_at = nudge_store.SUPPRESSED, now, None
        nudge.reason, nudge.due_at = SuppressReason.STALE.value, None
        reason = events.contract_reason(nudge.reason, None, {})
        await self._outbox.add(
            session, events.suppressed(nudge, now, reason=reason, detail=nudge.reason)
        )
        self._metrics.not_acted.labels(reason="stale").inc()

    async def _dead(
        self,
        session: AsyncSession,
        nudge: Nudge,
        now: datetime,
        error: str,
        *,
        count_attempt: bool = True,
    ) -> None:
        if count_attempt:
            nudge.attempts += 1
        nudge.state, nudge.updated_at, nudge.counted_at = nudge_store.DEAD, now, None
        nudge.last_error = error[:2000]
        await self._outbox.add(
            session,
            events.failed(nudge, now, error=error, dead=True),
        )
        self._metrics.nudges.labels(channel=nudge.channel, result="dead").inc()
        logger.warning("nudge_dead_lettered", extra={"nudge_id": nudge.id, "error": error[:200]})


async def retry_dead(db: Database, *, workspace_id: str, now: datetime, limit: int = 1000) -> int:
    """Give dead-lettered nudges a fresh set of attempts (after the channel is fixed)."""
    async with db.session() as session:
        dead = await nudge_store.dead_nudges(session, workspace_id=workspace_id, limit=limit)
        ids = [nudge.id for nudge in dead]
        await nudge_store.requeue(session, ids=ids, now=now)
    return len(ids)


def _die() -> None:
    """Fault injection for the crash tests: die exactly here, like a SIGKILL would."""
    os.kill(os.getpid(), signal.SIGKILL)
