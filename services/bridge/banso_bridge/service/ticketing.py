"""The ticket worker: drives each ticket's state machine against the sink, with retries.

A theme's ticket row is opened (state ``pending``) in the same transaction as the feedback that
made the theme cross the threshold. The worker then, for each due ticket:

1. takes a lease on the row (so two workers never call the sink for one ticket at once);
2. asks the sink for a ticket already carrying the theme's key (a previous attempt may have
   created it and died before recording it) and adopts it, or creates one;
3. records the external key and publishes ``TicketCreated`` in one transaction.

Growth later sets ``needs_update``; the worker comments on the ticket and publishes
``TicketUpdated``. When a ticketed theme is merged into another ticketed theme, its ticket is
marked a duplicate: a comment "duplicate of <the survivor's key>" and state ``duplicate``. Failures are retried with doubling delays; a refusal that cannot change
(4xx other than 408/409/425/429) parks the ticket as ``failed`` until someone retries it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from banso_bridge.adapters import columns, theme_store, ticket_store
from banso_bridge.adapters.sinks import ExternalTicket, SinkError, TicketSink
from banso_bridge.config import BridgeSettings
from banso_bridge.domain.priority import ThemeStats
from banso_bridge.domain.tickets.evidence import Evidence, draft, duplicate_note, growth_note
from banso_bridge.domain.tickets.policy import backoff_s
from banso_bridge.metrics import BridgeMetrics
from banso_bridge.models import Theme, Ticket
from banso_contracts.events import TicketCreated, TicketUpdated
from banso_kit.clock import Clock, epoch
from banso_kit.db import Database
from banso_kit.outbox import Outbox

logger = logging.getLogger(__name__)


def evidence_of(theme: Theme, ticket: Ticket, public_url: str) -> Evidence:
    stats = ThemeStats(
        items=theme.item_count,
        accounts=theme.accounts_affected,
        arr=theme.arr_affected,
        at_risk_accounts=round(theme.at_risk_share * theme.accounts_affected),
        items_last_7d=theme.items_last_7d,
        items_prev_28d=theme.items_prev_28d,
        first_seen=theme.first_seen,
        last_seen=theme.last_seen,
    )
    return Evidence(
        workspace_id=theme.workspace_id,
        theme_id=theme.theme_id,
        theme_key=ticket.theme_key,
        title=theme.custom_title or theme.title or f"Theme {theme.theme_id}",
        keywords=tuple(columns.loads(theme.keywords)),
        quotes=tuple(columns.loads(theme.quotes)),
        languages=columns.loads(theme.languages),
        stats=stats,
        theme_url=f"{public_url.rstrip('/')}/v1/themes/{theme.theme_id}",
    )


class TicketWorker:
    def __init__(
        self,
        *,
        settings: BridgeSettings,
        db: Database,
        sink: TicketSink,
        outbox: Outbox,
        metrics: BridgeMetrics,
        clock: Clock,
        wall: Callable[[], float] = time.time,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.sink = sink
        self.outbox = outbox
        self.metrics = metrics
        # Event time (what tickets say and record) and wall time (leases and retry delays, which
        # must pass even when a simulation freezes or races the event clock).
        self.clock = clock
        self.wall = wall
        self.on_commit = on_commit
        self._wakeup = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wakeup.set()

    def request_stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self.run_once()
            except Exception:  # the database may be briefly away: try again later
                logger.exception("ticket_worker_pass_failed")
            if self._stopping:
                return
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self.settings.ticket_poll_s)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Work every due ticket once; returns how many were attempted."""
        async with self.db.session() as session:
            due = await ticket_store.due_tickets(session, now=self.wall())
            keys = [(ticket.workspace_id, ticket.theme_id) for ticket in due]
        for workspace_id, theme_id in keys:
            await self._work(workspace_id, theme_id)
        async with self.db.session() as session:
            self.metrics.tickets_failing.set(await ticket_store.count_failing(session))
        return len(keys)

    async def _work(self, workspace_id: str, theme_id: int) -> None:
        now = self.wall()
        async with self.db.session() as session:
            claimed = await ticket_store.claim(
                session,
                workspace_id=workspace_id,
                theme_id=theme_id,
                now=now,
                lease_s=self.settings.ticket_lease_s,
            )
        if not claimed:
            return
        async with self.db.session() as session:
            ticket = await ticket_store.get_ticket(
                session, workspace_id=workspace_id, theme_id=theme_id
            )
            theme = await theme_store.get_theme(
                session, workspace_id=workspace_id, theme_id=theme_id
            )
        if ticket is None or theme is None:
            return
        if ticket.state == "pending" and theme.status == "merged":
            await self._cancel(ticket)  # its problem lives on in the survivor, with its own ticket
            return
        evidence = evidence_of(theme, ticket, self.settings.public_url)
        try:
            if ticket.state == "created" and theme.status == "merged":
                await self._close_as_duplicate(ticket, theme, evidence)
            elif ticket.state == "pending":
                await self._create(ticket, evidence)
            elif ticket.state == "created" and ticket.needs_update:
                await self._update(ticket, evidence)
        except SinkError as error:
            await self._failed(ticket, error)
        finally:
            self.on_commit()

    async def _create(self, ticket: Ticket, evidence: Evidence) -> None:
        sink = self.sink.name
        try:
            external = await self.sink.find(ticket.theme_key)
            self.metrics.sink_calls.labels(sink, "find", "ok").inc()
        except SinkError as error:
            self.metrics.sink_calls.labels(sink, "find", _result(error)).inc()
            raise
        if external is None:
            try:
                external = await self.sink.create(draft(evidence))
                self.metrics.sink_calls.labels(sink, "create", "ok").inc()
            except SinkError as error:
                self.metrics.sink_calls.labels(sink, "create", _result(error)).inc()
                raise
        else:
            logger.info(
                "ticket_adopted",
                extra={
                    "workspace_id": ticket.workspace_id,
                    "theme_id": ticket.theme_id,
                    "key": external.key,
                },
            )
        now = epoch(self.clock)
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            theme = await theme_store.get_theme(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is None or theme is None:
                return
            row.state = "created"
            row.external_key = external.key
            row.external_id = external.id
            row.url = external.url
            row.status = external.status
            row.title = draft(evidence).title
            _synced(row, evidence, now)
            session.add(row)
            if theme.status == "open":
                theme.status = "ticketed"
                session.add(theme)
            await self.outbox.add(
                session,
                TicketCreated(
                    workspace_id=row.workspace_id,
                    ticket_id=row.ticket_id,
                    theme_id=str(row.theme_id),
                    sink=self.sink.name,
                    external_key=external.key,
                    url=external.url,
                    title=row.title,
                    accounts_affected=evidence.stats.accounts,
                    arr_affected=evidence.stats.arr,
                    occurred_at=datetime.fromtimestamp(now, tz=UTC),
                ),
            )

    async def _update(self, ticket: Ticket, evidence: Evidence) -> None:
        sink = self.sink.name
        external = ExternalTicket(
            key=ticket.external_key or ticket.theme_key, url=ticket.url, id=ticket.external_id
        )
        try:
            await self.sink.comment(external, growth_note(evidence))
            self.metrics.sink_calls.labels(sink, "comment", "ok").inc()
        except SinkError as error:
            self.metrics.sink_calls.labels(sink, "comment", _result(error)).inc()
            raise
        now = epoch(self.clock)
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is None:
                return
            _synced(row, evidence, now)
            row.needs_update = False
            session.add(row)
            await self.outbox.add(session, self._updated(row, external.key, evidence, now))

    def _updated(self, row: Ticket, key: str, evidence: Evidence, now: float) -> TicketUpdated:
        """The event saying what the sink's ticket now shows."""
        return TicketUpdated(
            workspace_id=row.workspace_id,
            ticket_id=row.ticket_id,
            theme_id=str(row.theme_id),
            sink=self.sink.name,
            external_key=key,
            url=row.url,
            title=row.title,
            status=row.status,
            accounts_affected=evidence.stats.accounts,
            arr_affected=evidence.stats.arr,
            occurred_at=datetime.fromtimestamp(now, tz=UTC),
        )

    async def _close_as_duplicate(self, ticket: Ticket, theme: Theme, evidence: Evidence) -> None:
        """Tell the sink this ticket duplicates the one of the theme it was merged into."""
        async with self.db.session() as session:
            survivor = await theme_store.resolve_theme(session, theme=theme)
            original = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=survivor.theme_id
            )
        if original is None or original.theme_id == ticket.theme_id:
            return  # nothing to point to (the survivor took this very ticket over)
        if original.state != "created" or original.external_key is None:
            await self._postpone(ticket)  # the survivor's ticket is not in the sink yet
            return
        external = ExternalTicket(
            key=ticket.external_key or ticket.theme_key, url=ticket.url, id=ticket.external_id
        )
        note = duplicate_note(
            survivor_key=original.external_key,
            survivor_url=original.url,
            theme_url=evidence.theme_url,
        )
        sink = self.sink.name
        try:
            await self.sink.comment(external, note)
            self.metrics.sink_calls.labels(sink, "comment", "ok").inc()
        except SinkError as error:
            self.metrics.sink_calls.labels(sink, "comment", _result(error)).inc()
            raise
        now = epoch(self.clock)
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is None:
                return
            _synced(row, evidence, now)
            row.state = "duplicate"
            row.status = f"duplicate of {original.external_key}"[:64]
            row.needs_update = False
            session.add(row)
            await self.outbox.add(session, self._updated(row, external.key, evidence, now))

    async def _postpone(self, ticket: Ticket) -> None:
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is not None:
                row.lease_until = 0.0
                row.next_attempt_at = self.wall() + self.settings.ticket_retry_initial_s
                session.add(row)

    async def _cancel(self, ticket: Ticket) -> None:
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is not None and row.state == "pending":
                row.state = "cancelled"
                row.lease_until = 0.0
                row.updated_at = epoch(self.clock)
                session.add(row)

    async def _failed(self, ticket: Ticket, error: SinkError) -> None:
        now = self.wall()
        logger.warning(
            "ticket_sink_failed",
            extra={
                "workspace_id": ticket.workspace_id,
                "theme_id": ticket.theme_id,
                "retryable": error.retryable,
                "error": str(error)[:500],
            },
        )
        async with self.db.session() as session:
            row = await ticket_store.get_ticket(
                session, workspace_id=ticket.workspace_id, theme_id=ticket.theme_id
            )
            if row is None:
                return
            row.attempts += 1
            row.last_error = str(error)[:2000]
            row.lease_until = 0.0
            row.updated_at = epoch(self.clock)
            row.next_attempt_at = now + backoff_s(
                row.attempts,
                initial_s=self.settings.ticket_retry_initial_s,
                max_s=self.settings.ticket_retry_max_s,
            )
            if not error.retryable and row.state == "pending":
                row.state = "failed"
            elif not error.retryable:
                row.needs_update = False  # a refused comment is not retried forever
            session.add(row)


def _result(error: SinkError) -> str:
    return "retry" if error.retryable else "rejected"


def _synced(row: Ticket, evidence: Evidence, now: float) -> None:
    """The ticket now shows ``evidence``: remember what it shows; the attempt succeeded."""
    row.synced_accounts = evidence.stats.accounts
    row.synced_arr = evidence.stats.arr
    row.synced_items = evidence.stats.items
    row.attempts = 0
    row.last_error = None
    row.lease_until = 0.0
    row.updated_at = now
