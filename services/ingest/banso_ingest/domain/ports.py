"""What the intake (`service/intake.py`) needs from the outside world, as protocols the adapters
implement, and the values that cross them.

Unit tests implement them with in-memory fakes; the service wires the Kafka and database adapters.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from banso_ingest.domain.compiled import CompiledBatch, Encoded
from banso_ingest.domain.plan import Outgoing


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Who is writing: the write key's workspace and source."""

    workspace_id: str
    source_id: str


@dataclass(frozen=True, slots=True)
class Claim:
    """The ledger's answer for the messageIds of one request.

    `claimed` ids are this request's to publish. `duplicates` were published within the dedupe
    window. `in_flight` are claimed by another request that has not finished (or crashed less than
    a lease ago); publishing them now could publish twice, so the request must be retried.
    """

    claimed: frozenset[str]
    duplicates: frozenset[str] = field(default_factory=frozenset)
    in_flight: frozenset[str] = field(default_factory=frozenset)
    token: int = 0
    """Names this claim, so confirming or releasing it never touches a claim taken over later."""


class DedupeLedger(Protocol):
    """Exact dedupe: which messageIds a source has had published within the window (24 h).

    `claim` must be atomic across every process serving the source: of two concurrent requests
    with the same messageId exactly one gets it in `claimed`. A claim is a lease; `confirm` makes
    every id of the claim (but the `unpublished` ones, given back at once) a record of
    publication, `release` gives ids back when publishing failed. An unconfirmed lease that
    outlives its term (the process died) may be claimed again.
    """

    async def claim(
        self, *, workspace_id: str, source_id: str, message_ids: Collection[str], now: datetime
    ) -> Claim: ...

    async def confirm(
        self,
        *,
        source_id: str,
        token: int,
        now: datetime,
        unpublished: Collection[str] = (),
    ) -> None: ...

    async def release(
        self, *, source_id: str, token: int, message_ids: Collection[str]
    ) -> None: ...


class GroupDirectory(Protocol):
    """The account each user (or `anonymous:` id) of a workspace was last grouped with."""

    async def last_groups(
        self, *, workspace_id: str, identities: Collection[str]
    ) -> Mapping[str, str]: ...

    async def remember(
        self, *, workspace_id: str, changes: Mapping[str, str], now: datetime
    ) -> None: ...


class EventPublisher(Protocol):
    """Publishes records and returns only once the broker acknowledged every one (acks=all).

    Raises `PublishFailed` when it cannot; the intake bounds how long it waits. Raises
    `RecordsRefused`, before anything is sent, for events that cannot be written as records. ``origin``
    (``import`` for `/v1/import`) is stamped on every record's envelope (``bansoorigin``).
    """

    async def publish(
        self,
        records: Sequence[Outgoing],
        *,
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> None: ...


class CompiledPublisher(Protocol):
    """Keys, encodes and publishes the events of a compiled batch, as `EventPublisher` does."""

    async def publish_compiled(
        self,
        batch: CompiledBatch,
        positions: Sequence[int],
        *,
        known_groups: Mapping[str, str],
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> tuple[list[Encoded], dict[str, str]]: ...


class PublishFailed(Exception):
    """Kafka did not acknowledge in time (unreachable, or slower than the deadline)."""


class RecordsRefused(Exception):
    """Some events cannot be written in the wire format (JSON nested deeper than it allows);
    nothing of the request was published. ``refused`` pairs each with the field at fault."""

    def __init__(self, refused: Sequence[tuple[Outgoing, str]]) -> None:
        super().__init__(f"{len(refused)} events cannot be written as records")
        self.refused = refused


class StoreUnavailable(Exception):
    """The dedupe ledger or the group directory could not be read or written."""
