"""The intake: from a read request to durably published records, keeping the durability contract.

Order of work for one request:

1. route the valid messages (feedback tracks become feedback items) and drop repeats within it;
2. claim the messageIds in the dedupe ledger (ids published before are answered as duplicates);
3. look up the last group of users whose events name no account, and key every record;
4. publish, waiting for the broker's acknowledgement of every record, within a deadline;
5. on success confirm the claim (one record for the request; ids of events not published are
   given back in the same step) and remember new group memberships; on failure release the
   claims so a retry is not mistaken for a duplicate, and raise `PublishFailed` (the API says 503).

A 2xx therefore means every accepted record was acknowledged. If the process dies between 4 and 5
the lease expires and a retry publishes again, with the same event id, which consumers drop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from banso_ingest.domain.compiled import ACCOUNT, CompiledBatch, Encoded
from banso_ingest.domain.feedback import FeedbackItem, FeedbackKind
from banso_ingest.domain.plan import (
    Assignment,
    Duplicate,
    Outgoing,
    assign,
    identities_to_look_up,
    split_repeats,
    unassigned_count,
)
from banso_ingest.domain.ports import (
    Claim,
    CompiledPublisher,
    DedupeLedger,
    EventPublisher,
    GroupDirectory,
    PublishFailed,
    RecordsRefused,
    SourceRef,
)
from banso_ingest.domain.rejections import Reason, Rejection
from banso_ingest.domain.requests import ParsedRequest
from banso_ingest.domain.routing import Intent, classify, feedback_intents
from banso_kit.clock import Clock

logger = logging.getLogger(__name__)


class DuplicateInFlight(Exception):
    """Another request is publishing one of these messageIds right now; retry shortly."""

    def __init__(self, message_ids: frozenset[str]) -> None:
        super().__init__(f"{len(message_ids)} messageIds are being published by another request")
        self.message_ids = message_ids


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    published: tuple[Outgoing, ...]
    duplicates: tuple[Duplicate, ...]
    rejections: tuple[Rejection, ...]
    # What the compiled pass published (a request takes one path: this or `published`).
    encoded: tuple[Encoded, ...] = ()

    @property
    def accepted(self) -> int:
        """Published now plus duplicates (already published): both are safe in Kafka."""
        return len(self.published) + len(self.encoded) + len(self.duplicates)

    @property
    def unassigned(self) -> int:
        if self.encoded:
            return sum(1 for record in self.encoded if record[ACCOUNT] is None)
        return unassigned_count(self.published)

    def as_json(self) -> dict[str, object]:
        return {
            "success": not self.rejections,
            "received": self.received,
            "accepted": self.accepted,
            "rejected": len(self.rejections),
            "duplicates": [duplicate.as_json() for duplicate in self.duplicates],
            "unassigned": self.unassigned,
            "errors": [rejection.as_json() for rejection in self.rejections],
        }


class Intake:
    def __init__(
        self,
        *,
        ledger: DedupeLedger,
        directory: GroupDirectory,
        publisher: EventPublisher,
        clock: Clock,
        feedback_events: Mapping[str, FeedbackKind],
        publish_timeout: float,
        compiled_publisher: CompiledPublisher | None = None,
    ) -> None:
        self._compiled_publisher = compiled_publisher
        self._ledger = ledger
        self._directory = directory
        self._publisher = publisher
        self._clock = clock
        self._feedback_events = feedback_events
        self._publish_timeout = publish_timeout

    async def track(
        self, parsed: ParsedRequest, source: SourceRef, *, origin: str | None = None
    ) -> IngestResult:
        """Ingest the valid messages of a tracking request (single event or batch); ``origin``
        marks every record's envelope (``import``: history sent through `/v1/import`)."""
        intents, late_rejections = classify(parsed.messages, feedback_events=self._feedback_events)
        rejections = sorted(parsed.rejections + tuple(late_rejections), key=_by_index)
        return await self._ingest(intents, rejections, parsed.received, source, origin)

    async def track_compiled(
        self, batch: CompiledBatch, source: SourceRef, *, origin: str | None = None
    ) -> IngestResult:
        """`track` for a batch the compiled pass read (every event valid, none feedback): the same
        steps, with keys, ids and records made by the extension."""
        publisher = self._compiled_publisher
        if publisher is None:
            raise RuntimeError("the intake was built without a compiled publisher")
        positions: list[int] = []
        duplicates: list[Duplicate] = []
        seen: dict[str, int] = {}
        for position, (index, message_id) in enumerate(batch.message_ids()):
            if message_id in seen:
                duplicates.append(Duplicate(index, message_id))
            else:
                seen[message_id] = position
                positions.append(position)
        claim = await self._ledger.claim(
            workspace_id=source.workspace_id,
            source_id=source.source_id,
            message_ids=list(seen),
            now=self._clock.now(),
        )
        if claim.in_flight:
            await self._release(source, claim, claim.claimed)
            raise DuplicateInFlight(claim.in_flight)
        if len(claim.claimed) != len(positions):
            ids = batch.message_ids()
            duplicates += [Duplicate(*ids[p]) for p in positions if ids[p][1] in claim.duplicates]
            positions = [p for p in positions if ids[p][1] in claim.claimed]
        if not positions:  # every event was published before
            duplicates.sort(key=_by_index)
            return IngestResult(batch.received, (), tuple(duplicates), ())
        try:
            wanted = batch.identities_to_look_up(positions)
            known = (
                await self._directory.last_groups(
                    workspace_id=source.workspace_id, identities=wanted
                )
                if wanted
                else {}
            )
            async with asyncio.timeout(self._publish_timeout):
                encoded, changes = await publisher.publish_compiled(
                    batch,
                    positions,
                    known_groups=known,
                    workspace_id=source.workspace_id,
                    source_id=source.source_id,
                    origin=origin,
                )
        except TimeoutError:
            await self._release(source, claim, claim.claimed)
            raise PublishFailed(
                f"Kafka did not acknowledge within {self._publish_timeout:g}s"
            ) from None
        except BaseException:
            await self._release(source, claim, claim.claimed)
            raise
        await self._settle(source, claim, claim.claimed, changes)
        duplicates.sort(key=_by_index)
        return IngestResult(batch.received, (), tuple(duplicates), (), tuple(encoded))

    async def feedback(
        self, items: Sequence[FeedbackItem], rejections: Sequence[Rejection], source: SourceRef
    ) -> IngestResult:
        """Ingest the valid items of a `POST /v1/feedback` request."""
        return await self._ingest(
            feedback_intents(items), list(rejections), len(items) + len(rejections), source
        )

    async def _ingest(
        self,
        intents: list[Intent],
        rejections: list[Rejection],
        received: int,
        source: SourceRef,
        origin: str | None = None,
    ) -> IngestResult:
        unique, duplicates = split_repeats(intents)
        if not unique:
            return IngestResult(received, (), tuple(duplicates), tuple(rejections))
        now = self._clock.now()
        claim = await self._ledger.claim(
            workspace_id=source.workspace_id,
            source_id=source.source_id,
            message_ids=[i.message_id for i in unique],
            now=now,
        )
        if claim.in_flight:
            await self._release(source, claim, claim.claimed)
            raise DuplicateInFlight(claim.in_flight)
        duplicates += [
            Duplicate(i.index, i.message_id) for i in unique if i.message_id in claim.duplicates
        ]
        fresh = [i for i in unique if i.message_id in claim.claimed]
        refused: list[Rejection] = []
        try:
            assignment = await self._assign(fresh, source)
            try:
                await self._publish(assignment.records, source, origin)
            except RecordsRefused as error:
                # Nothing was sent: refuse those events and assign and publish the others again
                # (a refused event's group call must not move its user's last group either).
                refused = [_too_deep(outgoing, field) for outgoing, field in error.refused]
                out = {rejection.index for rejection in refused}
                assignment = await self._assign([i for i in fresh if i.index not in out], source)
                await self._publish(assignment.records, source, origin)
        except BaseException:
            await self._release(source, claim, claim.claimed)
            raise
        published = frozenset(record.message_id for record in assignment.records)
        await self._settle(source, claim, published, assignment.changes)
        duplicates.sort(key=_by_index)
        rejections += assignment.rejections + refused
        rejections.sort(key=_by_index)
        return IngestResult(
            received, tuple(assignment.records), tuple(duplicates), tuple(rejections)
        )

    async def _assign(self, intents: list[Intent], source: SourceRef) -> Assignment:
        wanted = identities_to_look_up(intents)
        known = (
            await self._directory.last_groups(workspace_id=source.workspace_id, identities=wanted)
            if wanted
            else {}
        )
        return assign(
            intents,
            workspace_id=source.workspace_id,
            source_id=source.source_id,
            known_groups=known,
        )

    async def _publish(
        self, records: list[Outgoing], source: SourceRef, origin: str | None
    ) -> None:
        if not records:
            return
        try:
            async with asyncio.timeout(self._publish_timeout):
                await self._publisher.publish(
                    records,
                    workspace_id=source.workspace_id,
                    source_id=source.source_id,
                    origin=origin,
                )
        except TimeoutError:
            raise PublishFailed(
                f"Kafka did not acknowledge within {self._publish_timeout:g}s"
            ) from None

    async def _settle(
        self,
        source: SourceRef,
        claim: Claim,
        published: frozenset[str],
        changes: dict[str, str],
    ) -> None:
        # The records are durable now, so the answer is 2xx whatever happens here. If the ledger
        # cannot record them, the lease expires and a retry republishes with the same event ids.
        # Claimed ids not published (rejected or refused events) are given back with the confirm.
        if not published:
            await self._release(source, claim, claim.claimed)
            return
        now = self._clock.now()
        try:
            await self._ledger.confirm(
                source_id=source.source_id,
                token=claim.token,
                now=now,
                unpublished=claim.claimed - published,
            )
            if changes:
                await self._directory.remember(
                    workspace_id=source.workspace_id, changes=changes, now=now
                )
        except Exception:
            logger.exception("dedupe_or_groups_not_recorded", extra={"count": len(published)})

    async def _release(self, source: SourceRef, claim: Claim, ids: frozenset[str]) -> None:
        if not ids:
            return
        try:
            await self._ledger.release(
                source_id=source.source_id, token=claim.token, message_ids=ids
            )
        except Exception:
            # Unreleased claims expire with their lease; until then retries get 503, never a
            # false "duplicate".
            logger.exception("dedupe_claims_not_released", extra={"count": len(ids)})


def _too_deep(outgoing: Outgoing, field: str) -> Rejection:
    return Rejection(
        outgoing.index,
        outgoing.message_id,
        Reason.INVALID_FIELD,
        f"`{field}` is nested too deeply to store: at most 250 levels of objects and arrays",
    )


def _by_index(item: Rejection | Duplicate) -> int:
    return item.index
