"""What the consumer does with a batch: keep notify's copy of people and accounts, arm timers,
attribute conversions, and plan nudges for every signal — all in the transaction that stores the
batch's offsets (`consumers/handler.py` calls it once per workspace).

Every event updates what notify knows (people, accounts, timers), in its own event time. Events
sent as history (``/v1/import``, envelope ``bansoorigin: import``) stop there: they never
trigger a nudge, and are counted (``banso_notify_triggers_not_acted_total{reason="imported"}``).
The others are planned as of their event time, with how long after it they arrived (the
service's clock, or under ``BANSO_CLOCK=stream`` the stream time of their partition) to judge
whether they are stale."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events import (
    AccountTraitsUpdated,
    HealthChanged,
    TicketCreated,
    TicketResolved,
    TicketUpdated,
    UsageRecorded,
    UserIdentified,
)
from banso_kit.clock import Clock
from banso_kit.event_time import arrival, wall_clock
from banso_kit.kafka.consumer import Inbound
from banso_kit.outbox import Outbox
from banso_notify.adapters import directory, nudge_store, translate
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.attribution import Arm, GoalEvent, attribute
from banso_notify.domain.attribution import Enrolment as OpenEnrolment
from banso_notify.domain.signals import Signal
from banso_notify.domain.timers import Timer as DueTimer
from banso_notify.domain.timers import (
    counts_as_activity,
    inactivity_timer,
    milestone_timer,
    reaches_milestone,
)
from banso_notify.domain.triggers import InactivityTrigger, MilestoneOverdueTrigger, Scope
from banso_notify.metrics import NotifyMetrics
from banso_notify.models import AccountRow, Enrolment, Nudge, UserRow
from banso_notify.service import conversions, events
from banso_notify.service.catalog import Catalog
from banso_notify.service.planner import Planner


@dataclass(frozen=True, slots=True)
class Intake:
    """Applies one workspace's slice of a consumer batch, in the consumer's transaction."""

    outbox: Outbox
    catalog: Catalog
    planner: Planner
    clock: Clock
    metrics: NotifyMetrics
    max_clock_skew: timedelta = timedelta(minutes=5)

    async def apply(self, session: AsyncSession, workspace_id: str, batch: list[Inbound]) -> None:
        await _WorkspaceBatch(self, session, workspace_id).apply(batch)


class _WorkspaceBatch:
    """One workspace's slice of a consumer batch."""

    def __init__(self, intake: Intake, session: AsyncSession, workspace_id: str) -> None:
        self.h = intake
        self.session = session
        self.workspace_id = workspace_id
        self.now = intake.clock.now()
        self.users: dict[str, UserRow] = {}
        self.accounts: dict[str, AccountRow] = {}
        self.timers: dict[tuple[str, str], DueTimer] = {}
        self.seen: dict[str, datetime] = {}
        self.signals: list[Signal] = []
        self.arrivals: dict[str, datetime] = {}
        self.imported = 0
        self.ahead = 0
        # an event time beyond this is a sender's wrong clock: nothing is scheduled on it
        self.latest = wall_clock(intake.clock).now()
        self.bound = self.latest + intake.max_clock_skew
        self.goal_events: list[tuple[GoalEvent, str]] = []

    async def apply(self, batch: list[Inbound]) -> None:
        await self._prefetch(batch)
        playbooks = await self.h.catalog.playbooks(self.session, self.workspace_id)
        for message in batch:
            await self._one(message, playbooks)
        await conversions.keep_sightings(
            self.session,
            workspace_id=self.workspace_id,
            goals=self.goal_events,
            playbooks=playbooks,
        )
        await self._attribute()
        await nudge_store.arm_timers(
            self.session, workspace_id=self.workspace_id, timers=list(self.timers.values())
        )
        await self.session.flush()
        await directory.write_last_seen(
            self.session, workspace_id=self.workspace_id, seen=self.seen
        )
        if self.imported:
            self.h.metrics.not_acted.labels(reason="imported").inc(self.imported)
        if self.ahead:
            self.h.metrics.ahead_of_clock.inc(self.ahead)
        if self.signals:
            result = await self.h.planner.plan(
                self.session,
                workspace_id=self.workspace_id,
                signals=self.signals,
                playbooks=playbooks,
                policy=await self.h.catalog.policy(self.session, self.workspace_id),
                now=self.now,
                known_accounts=self.accounts,
                known_users=self.users,
                arrivals=self.arrivals,
                latest=self.latest,
                accounts_described=await self.h.catalog.accounts_described(
                    self.session, self.workspace_id
                ),
                people_identified=await self.h.catalog.people_identified(
                    self.session, self.workspace_id
                ),
            )
            for outcome, count in result.decisions.items():
                self.h.metrics.decisions.labels(outcome=outcome).inc(count)
            if result.stale:
                self.h.metrics.not_acted.labels(reason="stale").inc(result.stale)

    async def _prefetch(self, batch: list[Inbound]) -> None:
        user_ids: set[str] = set()
        account_ids: set[str] = set()
        for message in batch:
            event = message.event
            user_id = getattr(event, "user_id", None)
            account_id = getattr(event, "account_id", None)
            if isinstance(user_id, str):
                user_ids.add(user_id)
            if isinstance(account_id, str):
                account_ids.add(account_id)
        self.users = await directory.load_users(
            self.session, workspace_id=self.workspace_id, user_ids=user_ids
        )
        self.accounts = await directory.load_accounts(
            self.session, workspace_id=self.workspace_id, account_ids=account_ids
        )

    async def _one(self, message: Inbound, playbooks: list[StoredPlaybook]) -> None:
        if message.envelope.time > self.bound:
            self.ahead += 1
        before = len(self.signals)
        await self._remember(message, playbooks)
        if message.envelope.imported:
            self.imported += len(self.signals) - before
            del self.signals[before:]
        elif len(self.signals) > before:
            arrived = arrival(self.h.clock, message.stream_arrival)
            for signal in self.signals[before:]:
                self.arrivals[signal.event_id] = arrived

    async def _remember(self, message: Inbound, playbooks: list[StoredPlaybook]) -> None:
        event, event_id = message.event, message.envelope.id
        if isinstance(event, UsageRecorded):
            await self._usage(event, event_id, playbooks)
        elif isinstance(event, UserIdentified):
            self._identified(event, playbooks)
        elif isinstance(event, AccountTraitsUpdated):
            await self._account_traits(event, event_id)
        elif isinstance(event, HealthChanged):
            self._health(event, event_id)
        elif isinstance(event, TicketCreated | TicketUpdated):
            await directory.remember_ticket(
                self.session,
                workspace_id=self.workspace_id,
                ticket_id=event.ticket_id,
                title=event.title,
                url=event.url,
            )
        elif isinstance(event, TicketResolved):
            known = await directory.ticket(
                self.session, workspace_id=self.workspace_id, ticket_id=event.ticket_id
            )
            self.signals.extend(
                translate.ticket_signals(
                    event,
                    event_id=event_id,
                    title=known.title if known else None,
                    url=known.url if known else None,
                )
            )

    def _bounded(self, moment: datetime) -> datetime:
        """An event time, never beyond the wall clock plus the allowed skew (timers and
        last-seen times armed on a sender's fast clock would fire late, or never)."""
        return min(moment, self.bound)

    def _user(self, user_id: str) -> UserRow | None:
        return self.users.get(user_id)

    def _put_user(self, row: UserRow) -> None:
        if row.user_id not in self.users:
            self.session.add(row)
        self.users[row.user_id] = row

    async def _usage(
        self, event: UsageRecorded, event_id: str, playbooks: list[StoredPlaybook]
    ) -> None:
        user = self._user(event.user_id) if event.user_id else None
        account_id = event.account_id or (user.account_id if user else None)
        if event.user_id and user is None:
            self._put_user(
                directory.merge_user(
                    None,
                    workspace_id=self.workspace_id,
                    user_id=event.user_id,
                    account_id=event.account_id,
                    identified=False,
                    traits=None,
                    signed_up_at=None,
                    seen_at=self._bounded(event.timestamp),
                )
            )
        elif event.user_id and user is not None:
            if event.account_id and user.account_id != event.account_id:
                user.account_id = event.account_id
            # last-seen times are written in one statement for the batch (see `_write_seen`)
            seen = self.seen.get(event.user_id)
            at = self._bounded(event.timestamp)
            if seen is None or at > seen:
                self.seen[event.user_id] = at
        if account_id is None:
            return  # nobody to nudge at an unknown account
        for stored in playbooks:
            trigger = stored.playbook.trigger
            if isinstance(trigger, InactivityTrigger) and counts_as_activity(trigger, event.event):
                if trigger.scope is Scope.USER and not event.user_id:
                    continue
                timer = inactivity_timer(
                    trigger,
                    playbook_id=stored.playbook.id,
                    account_id=account_id,
                    user_id=event.user_id,
                    last_seen_at=self._bounded(event.timestamp),
                )
                self._arm(timer)
            elif (
                isinstance(trigger, MilestoneOverdueTrigger)
                and event.user_id
                and reaches_milestone(trigger, event.event)
            ):
                subject = f"user:{event.user_id}"
                self.timers.pop((stored.playbook.id, subject), None)
                await nudge_store.disarm_timers(
                    self.session,
                    workspace_id=self.workspace_id,
                    playbook_ids=[stored.playbook.id],
                    subject=subject,
                )
        self.goal_events.append(
            (
                GoalEvent(
                    event=event.event,
                    account_id=account_id,
                    user_id=event.user_id,
                    occurred_at=event.timestamp,
                ),
                event_id,
            )
        )
        self.signals.append(translate.usage_signal(event, event_id=event_id, account_id=account_id))

    def _arm(self, timer: DueTimer) -> None:
        key = (timer.playbook_id, timer.subject)
        current = self.timers.get(key)
        if current is not None and current.anchor_at >= timer.anchor_at:
            return  # an older event arriving late does not shorten a quiet spell
        self.timers[key] = timer

    def _identified(self, event: UserIdentified, playbooks: list[StoredPlaybook]) -> None:
        existing = self._user(event.user_id)
        is_new = existing is None or existing.signed_up_at is None
        signed_up = self._bounded(_instant(event.traits.get("created_at")) or event.timestamp)
        row = directory.merge_user(
            existing,
            workspace_id=self.workspace_id,
            user_id=event.user_id,
            account_id=event.account_id,
            identified=True,
            traits=event.traits,
            signed_up_at=signed_up,
            seen_at=None,
        )
        self._put_user(row)
        account_id = row.account_id
        if not is_new or account_id is None or row.signed_up_at is None:
            return
        for stored in playbooks:
            trigger = stored.playbook.trigger
            if isinstance(trigger, MilestoneOverdueTrigger):
                timer = milestone_timer(
                    trigger,
                    playbook_id=stored.playbook.id,
                    account_id=account_id,
                    user_id=event.user_id,
                    signup_at=row.signed_up_at,
                )
                if timer is not None:
                    self._arm(timer)

    async def _account_traits(self, event: AccountTraitsUpdated, event_id: str) -> None:
        row = self.accounts.get(event.account_id)
        if row is None:
            row = AccountRow(workspace_id=self.workspace_id, account_id=event.account_id, traits={})
            self.session.add(row)
            self.accounts[event.account_id] = row
        row.traits = {**row.traits, **event.traits}
        value = translate.seat_utilisation(row.traits)
        previous = row.seat_utilisation
        row.seat_utilisation = value
        if value is not None and value != previous:
            self.signals.append(
                translate.metric_signal(
                    workspace_id=self.workspace_id,
                    account_id=event.account_id,
                    event_id=event_id,
                    occurred_at=event.timestamp,
                    value=value,
                    previous=previous,
                )
            )

    def _health(self, event: HealthChanged, event_id: str) -> None:
        row = self.accounts.get(event.account_id)
        if row is None:
            row = AccountRow(workspace_id=self.workspace_id, account_id=event.account_id, traits={})
            self.session.add(row)
            self.accounts[event.account_id] = row
        signals, raised = translate.health_signals(
            event, event_id=event_id, raised_before=row.raised_risks
        )
        row.band, row.score, row.raised_risks = event.band, event.score, sorted(raised)
        self.signals.extend(signals)

    async def _attribute(self) -> None:
        """Goal events of the batch convert the open enrolments whose window holds them."""
        if not self.goal_events:
            return
        rows = await nudge_store.open_enrolments(
            self.session,
            workspace_id=self.workspace_id,
            account_ids={goal.account_id for goal, _ in self.goal_events},
            goal_events={goal.event for goal, _ in self.goal_events} | {"*"},
            at=min(goal.occurred_at for goal, _ in self.goal_events),
        )
        if not rows:
            return
        by_id = {row.nudge_id: row for row in rows}
        by_account: dict[str, list[OpenEnrolment]] = defaultdict(list)
        for row in rows:
            by_account[row.account_id].append(_open(row))
        for goal, goal_event_id in self.goal_events:
            for converted in attribute(by_account.get(goal.account_id, []), goal):
                row = by_id[converted.key]
                if row.converted_at is not None:
                    continue  # one conversion per enrolment: the first goal event wins
                row.converted_at = goal.occurred_at
                nudge = await self.session.get(Nudge, row.nudge_id)
                if nudge is None:
                    continue
                window = int((row.window_ends_at - row.started_at).total_seconds())
                await self.h.outbox.add(
                    self.session,
                    events.converted(
                        nudge,
                        goal.occurred_at,
                        goal_event=goal.event,
                        goal_event_id=goal_event_id,
                        window_s=window,
                    ),
                )


def _open(row: Enrolment) -> OpenEnrolment:
    return OpenEnrolment(
        key=row.nudge_id,
        playbook_id=row.playbook_id,
        account_id=row.account_id,
        user_id=row.user_id,
        arm=Arm(row.variant),
        started_at=row.started_at,
        goal_event=row.goal_event,
        goal_within=row.window_ends_at - row.started_at,
        goal_scope=Scope(row.goal_scope),
    )


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
