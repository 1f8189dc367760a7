"""In-memory fakes of the intake's ports, with the semantics the real adapters must have."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from banso_ingest.domain.plan import Outgoing
from banso_ingest.domain.ports import Claim, PublishFailed


class FakeLedger:
    def __init__(self, *, window: timedelta = timedelta(hours=24)) -> None:
        self.window = window
        self.confirmed: dict[tuple[str, str], datetime] = {}
        self.pending: set[tuple[str, str]] = set()
        self.tokens: dict[tuple[str, str], int] = {}
        self.claims = 0

    async def claim(
        self, *, workspace_id: str, source_id: str, message_ids: Collection[str], now: datetime
    ) -> Claim:
        claimed, duplicates, in_flight = set(), set(), set()
        for message_id in message_ids:
            key = (source_id, message_id)
            seen_at = self.confirmed.get(key)
            if seen_at is not None and now - seen_at < self.window:
                duplicates.add(message_id)
            elif key in self.pending:
                in_flight.add(message_id)
            else:
                self.pending.add(key)
                claimed.add(message_id)
        self.claims += 1
        token = self.claims
        for message_id in claimed:
            self.tokens[(source_id, message_id)] = token
        return Claim(frozenset(claimed), frozenset(duplicates), frozenset(in_flight), token)

    async def confirm(
        self,
        *,
        source_id: str,
        token: int,
        now: datetime,
        unpublished: Collection[str] = (),
    ) -> None:
        await self.release(source_id=source_id, token=token, message_ids=unpublished)
        for key in [key for key, held in self.tokens.items() if held == token]:
            if key[0] == source_id and key in self.pending:
                self.pending.discard(key)
                self.confirmed[key] = now

    async def release(self, *, source_id: str, token: int, message_ids: Collection[str]) -> None:
        for message_id in message_ids:
            if self.tokens.get((source_id, message_id)) == token:
                self.pending.discard((source_id, message_id))


class FakeDirectory:
    def __init__(self, groups: Mapping[tuple[str, str], str] | None = None) -> None:
        self.groups: dict[tuple[str, str], str] = dict(groups or {})
        self.lookups: list[set[str]] = []

    async def last_groups(
        self, *, workspace_id: str, identities: Collection[str]
    ) -> Mapping[str, str]:
        self.lookups.append(set(identities))
        return {
            identity: self.groups[(workspace_id, identity)]
            for identity in identities
            if (workspace_id, identity) in self.groups
        }

    async def remember(
        self, *, workspace_id: str, changes: Mapping[str, str], now: datetime
    ) -> None:
        for identity, account in changes.items():
            self.groups[(workspace_id, identity)] = account


class FakePublisher:
    """Records what was 'acknowledged'; `fail` makes the next publish fail like a broker outage."""

    def __init__(self) -> None:
        self.acknowledged: list[Outgoing] = []
        self.fail = False

    async def publish(
        self,
        records: Sequence[Outgoing],
        *,
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> None:
        if self.fail:
            raise PublishFailed("broker unreachable")
        self.acknowledged.extend(records)
