"""From trigger signals to planned nudges, a batch at a time.

Each signal is decided in event time: as of when it happened (never later than ``latest``, the
wall clock: an event time ahead of it is a sender's wrong clock, decided as of now),
and suppressed as ``stale`` when it arrived (``arrivals``, else ``now``) longer than the
playbook's ``max_trigger_age`` after it happened.

For a batch of signals of one workspace the planner loads everything the decisions need in a few
queries (accounts, users, suppressions, cap history, existing idempotency keys), decides each
candidate with the pure engine, and writes the nudges and their events in the caller's
transaction. Decisions in one batch see each other: the second colleague's nudge counts the first
one's against the account cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.outbox import Outbox
from banso_notify.adapters import directory, nudge_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.attribution import exposure_context
from banso_notify.domain.caps import SentRecord, longest_window, merge_caps
from banso_notify.domain.context import message_context
from banso_notify.domain.decision import decide
from banso_notify.domain.facts import (
    AccountFacts,
    Audience,
    Channel,
    Recipient,
    SuppressionState,
    UserFacts,
)
from banso_notify.domain.idempotency import nudge_key
from banso_notify.domain.outcomes import Decision, DecisionInput, Outcome, SuppressReason
from banso_notify.domain.playbook import RecipientKind, SendStep, WaitStep
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.recipients import resolve_recipients
from banso_notify.domain.signals import Signal, TicketResolvedSignal
from banso_notify.models import AccountRow, UserRow
from banso_notify.service.drafts import new_nudge
from banso_notify.service.settle import settle
from banso_notify.service.staging import Staged


@dataclass
class Candidate:
    stored: StoredPlaybook
    signal: Signal
    recipient: Recipient
    key: str
    at: datetime  # the instant the decision is about (the trigger's event time)
    age: timedelta  # how old the trigger was when it arrived


@dataclass
class PlanResult:
    decisions: dict[str, int] = field(default_factory=dict)
    #: candidates suppressed because their trigger was too old
    stale: int = 0

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


class CapLedger:
    """Sends counted against caps, indexed by account and by person; grows as the batch decides."""

    def __init__(self, records: list[SentRecord]) -> None:
        self._by_account: dict[str, list[SentRecord]] = defaultdict(list)
        self._by_person: dict[str, list[SentRecord]] = defaultdict(list)
        for record in records:
            self.add(record)

    def add(self, record: SentRecord) -> None:
        self._by_account[record.account_id].append(record)
        self._by_person[record.recipient_key].append(record)

    def relevant(self, account_id: str, recipient_key: str) -> list[SentRecord]:
        """The account's sends, plus the person's sends at other accounts (each once)."""
        elsewhere = [r for r in self._by_person[recipient_key] if r.account_id != account_id]
        return self._by_account[account_id] + elsewhere


class Planner:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def staged(self) -> Staged:
        return Staged(self._outbox)

    async def plan(
        self,
        session: AsyncSession,
        *,
        workspace_id: str,
        signals: Sequence[Signal],
        playbooks: Sequence[StoredPlaybook],
        policy: WorkspacePolicy,
        now: datetime,
        known_accounts: dict[str, AccountRow] | None = None,
        known_users: dict[str, UserRow] | None = None,
        arrivals: Mapping[str, datetime] | None = None,
        latest: datetime | None = None,
        lag_counts: bool = True,
        accounts_described: bool = False,
        people_identified: bool = False,
    ) -> PlanResult:
        """Decide every recipient of every playbook the signals trigger.

        ``now`` is the service's clock. ``arrivals`` says when each signal's event arrived (by
        event id; default ``now``); ``latest`` is the wall clock (default ``now``).
        ``lag_counts=False``: how long after its time a signal is planned says nothing (the
        scheduler's timers on a stream clock, `scheduling_lag_counts`): its age is zero.
        ``known_accounts``/``known_users`` are rows the caller already loaded in this session
        (the consumer has them): they are not read again. ``accounts_described``: the workspace
        sends its accounts' traits (``Catalog.accounts_described``); ``people_identified``: it
        identifies its people (``Catalog.people_identified``).
        """
        result = PlanResult()
        arrived = arrivals or {}
        bound = now if latest is None else latest
        times: dict[str, tuple[datetime, timedelta]] = {}
        for signal in signals:
            at = min(signal.occurred_at, bound)
            age = arrived.get(signal.event_id, now) - signal.occurred_at
            times[signal.event_id] = (at, age if lag_counts else timedelta(0))
        matches = [
            (stored, signal)
            for signal in signals
            for stored in playbooks
            if stored.playbook.enabled and stored.playbook.trigger.matches(signal)
        ]
        if not matches:
            return result
        accounts = dict(known_accounts or {})
        missing = {s.account_id for _, s in matches} - accounts.keys()
        accounts.update(
            await directory.load_accounts(session, workspace_id=workspace_id, account_ids=missing)
        )
        users = await self._users(session, workspace_id, matches, known_users or {})
        by_account: dict[str | None, dict[str, UserFacts]] = defaultdict(dict)
        for user_id, user in users.items():
            by_account[user.account_id][user_id] = user
        candidates: dict[str, Candidate] = {}
        facts: dict[str, AccountFacts] = {}
        for stored, signal in matches:
            account = facts.setdefault(
                signal.account_id,
                directory.account_facts(accounts.get(signal.account_id), signal.account_id),
            )
            known = {**by_account.get(None, {}), **by_account.get(signal.account_id, {})}
            step_index, _, _ = first_send(stored)
            for recipient in resolve_recipients(stored.playbook.recipient, signal, account, known):
                key = nudge_key(
                    playbook_id=stored.playbook.id,
                    recipient_key=recipient.key,
                    event_id=signal.event_id,
                    step=step_index,
                )
                at, age = times[signal.event_id]
                candidates.setdefault(key, Candidate(stored, signal, recipient, key, at, age))
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
        ledger = CapLedger(
            await nudge_store.cap_history(
                session,
                workspace_id=workspace_id,
                account_ids={c.signal.account_id for c in fresh},
                recipient_keys={c.recipient.key for c in fresh},
                since=min(c.at for c in fresh) - window,
            )
        )
        staged = self.staged()
        for candidate in fresh:
            decision = await self._decide_one(
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
                ledger=ledger,
                policy=policy,
                workspace_id=workspace_id,
                now=now,
                staged=staged,
                accounts_described=accounts_described,
                people_identified=people_identified,
            )
            result.count(decision.outcome.value)
            if decision.reason == SuppressReason.STALE:
                result.stale += 1
        await staged.flush(session)
        return result

    async def _users(
        self,
        session: AsyncSession,
        workspace_id: str,
        matches: list[tuple[StoredPlaybook, Signal]],
        known: dict[str, UserRow],
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
        rows = {user_id: known[user_id] for user_id in user_ids if user_id in known}
        rows.update(
            await directory.load_users(
                session, workspace_id=workspace_id, user_ids=user_ids - rows.keys()
            )
        )
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
        ledger: CapLedger,
        policy: WorkspacePolicy,
        workspace_id: str,
        now: datetime,
        staged: Staged,
        accounts_described: bool,
        people_identified: bool,
    ) -> Decision:
        stored, recipient = candidate.stored, candidate.recipient
        at = candidate.at
        step_index, step, waited = first_send(stored)
        request = DecisionInput(
            workspace_id=workspace_id,
            playbook=stored.playbook,
            step=step.send,
            step_index=step_index,
            recipient=recipient,
            account=account,
            suppression=suppression,
            history=ledger.relevant(recipient.account_id, recipient.key),
            due_at=at + waited,
            planned_at=now,
            trigger_age=candidate.age,
            accounts_described=accounts_described,
            people_identified=people_identified,
        )
        decision = decide(request, policy, at)
        if decision.outcome is Outcome.SKIP:
            return decision
        nudge = new_nudge(
            workspace_id=workspace_id,
            key=candidate.key,
            stored=stored,
            step_index=step_index,
            recipient=recipient,
            channel=step.send.channel,
            template=step.send.template,
            trigger_event_id=candidate.signal.event_id,
            # a suppressed nudge is never rendered: skip building what templates would need,
            # but keep its trigger's time (a held-out nudge's goal window opens there)
            context=exposure_context(candidate.signal.occurred_at)
            if decision.outcome is Outcome.SUPPRESS
            else message_context(candidate.signal, recipient, account),
            now=now,
        )
        staged.nudges.append(nudge)
        final = settle(staged, nudge, decision, stored=stored, policy=policy, now=at)
        if final.counted_at is not None and final.recipient_kind == "user":
            ledger.add(
                SentRecord(
                    at=at,
                    channel=Channel(final.channel),
                    playbook_id=final.playbook_id,
                    recipient_key=final.recipient_key,
                    account_id=final.account_id,
                )
            )
        return decision
