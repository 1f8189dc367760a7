"""What people change outside the event stream, picked up by the consumer between rounds:
a new scorecard (recompute every account of the workspace from its stored aggregates), an
account's goals or milestones, an override. The API writes rows; the consumer, which owns the
accounts in memory, applies them — so API and consumer never race on an account."""

from __future__ import annotations

import logging
import time

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters import evaluation_requests, overrides, plans, scorecards
from banso_scoring.adapters.records import Record
from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.scorecard_yaml import ScorecardInvalid, parse_scorecard
from banso_scoring.domain.state import DEFAULT_VERSION, AccountEntry, AccountKey, Scorecards
from banso_scoring.service.engine import Engine
from banso_scoring.service.state import PartitionGroup
from banso_scoring.service.writes import RoundWrites

logger = logging.getLogger(__name__)


class RequestHandler:
    """Works on the consumer's memory (the same dictionaries, changed in place)."""

    def __init__(
        self,
        *,
        scorecards: Scorecards,
        accounts: dict[AccountKey, AccountEntry],
        groups: dict[int, PartitionGroup],
        engine: Engine,
        poll_s: float,
    ) -> None:
        self.scorecards = scorecards
        self.accounts = accounts
        self.groups = groups
        self.engine = engine
        self.poll_s = poll_s
        self._next_poll = 0.0

    def current_versions(self) -> dict[str, int]:
        return {ws: card.version for ws, card in self.scorecards.by_workspace.items()}

    async def refresh_scorecards(
        self, session: AsyncSession, *, recompute: bool, writes: RoundWrites | None = None
    ) -> None:
        in_force = self.scorecards
        versions = await scorecards.scorecard_versions(session)
        for workspace, version in versions.items():
            if in_force.of(workspace).version == version:
                continue
            text = await scorecards.scorecard_yaml(session, workspace_id=workspace, version=version)
            try:
                in_force.set(workspace, version, parse_scorecard(text or ""))
            except ScorecardInvalid:
                # The API validated it; a row that no longer parses (an older release wrote
                # it) must not stop scoring: keep the previous scorecard.
                logger.exception("scorecard_unreadable", extra={"workspace_id": workspace})
        if not recompute or writes is None:
            return
        for group in self.groups.values():
            for workspace, version in versions.items():
                if group.scorecards.get(workspace, DEFAULT_VERSION) != version:
                    self.engine.recompute(group, workspace, writes)
                    group.scorecards[workspace] = version
                    writes.groups_changed.add(group.partition)

    async def attach_plans(
        self, session: AsyncSession, entries: dict[AccountKey, AccountEntry]
    ) -> None:
        keys = set(entries)
        by_account = await plans.load_plans(session, keys=keys)
        in_force = await overrides.load_overrides(session, keys=keys)
        for key, entry in entries.items():
            goals, milestones = by_account.get(key, ((), ()))
            entry.goals, entry.milestones = goals, milestones
            for goal in goals:
                if goal.metric == "property_sum" and goal.property is not None:
                    entry.aggregate.track_sum(goal.event, goal.property)
            entry.override = in_force.get(key)

    async def prepare_new_accounts(
        self, session: AsyncSession, arriving: dict[AccountKey, Record]
    ) -> None:
        """Accounts seen for the first time (each with its first buffered record): a person
        may have set goals before any event."""
        entries = {
            key: AccountEntry(
                AccountAggregate(workspace_id=key[0], account_id=key[1]), record.partition
            )
            for key, record in arriving.items()
        }
        await self.attach_plans(session, entries)
        self.accounts.update(entries)

    async def before_round(self, session: AsyncSession, writes: RoundWrites) -> None:
        if time.monotonic() < self._next_poll:
            return
        self._next_poll = time.monotonic() + self.poll_s
        await self.refresh_scorecards(session, recompute=True, writes=writes)
        accounts = self.accounts
        requests = await evaluation_requests.pending_requests(session, keys=set(accounts))
        if not requests:
            return
        # Deleted in the transaction that writes what they caused.
        writes.request_ids.extend(request_id for request_id, _, _ in requests)
        keys = {key for _, key, _ in requests}
        await self.attach_plans(session, {key: accounts[key] for key in keys})
        for _, key, cause in requests:
            entry = accounts[key]
            group = self.groups.get(entry.partition)
            recorded = None if group is None else group.schedule.state.stream_time
            if group is None or recorded is None:
                continue
            self.engine.evaluate(
                entry,
                self.engine.as_of(group, recorded),
                "override" if cause == "override" else "recompute",
                writes,
                recorded=recorded,
            )
            writes.groups_changed.add(group.partition)
