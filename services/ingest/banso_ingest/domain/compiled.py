"""The compiled pass over a batch (the optional `banso-ingest-core` extension), as the service sees it.

The pure path (`requests.parse_batch`, `plan.assign`, `adapters/records.py`) is the reference: the
compiled pass takes only requests whose every event is valid and plain, and declines the rest
(`read` answers None), which the pure path then reads with its exact per-event errors. What it
produces is checked byte for byte against the pure path in `tests/ingest/test_compiled_core.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final, Protocol

from banso_contracts.topics import Topic
from banso_ingest.domain.routing import Route

# One encoded record: what the producer takes first, as in `records.Record` (the topic, key,
# value, headers), then (index, route, account_id, messageId, type, event or name, userId);
# route is an index of `ROUTES`, and the topic the one given for it. Key, value and headers are
# empty when the pass wrote them in sections (`CompiledBatch.encode`).
Encoded = tuple[
    Topic,
    bytes,
    bytes,
    list[tuple[str, bytes]],
    int,
    int,
    str | None,
    str,
    str,
    str | None,
    str | None,
]
INDEX: Final = 4
ROUTE: Final = 5
ACCOUNT: Final = 6
MESSAGE_ID: Final = 7
TYPE: Final = 8
NAME: Final = 9
USER_ID: Final = 10
ROUTES = (Route.USAGE, Route.USER_TRAITS, Route.ACCOUNT_TRAITS)


class Section(Protocol):
    """One request's records for one partition, encoded for a Kafka record batch."""

    def __len__(self) -> int: ...


class CompiledBatch(Protocol):
    """The valid events of one `/v1/batch` body, read and held by the extension."""

    @property
    def write_key(self) -> str | None: ...

    @property
    def received(self) -> int: ...

    def message_ids(self) -> list[tuple[int, str]]:
        """(index, messageId) of every event, in request order."""
        ...

    def identities_to_look_up(self, positions: Sequence[int]) -> set[str]:
        """`plan.identities_to_look_up` for the events at `positions`."""
        ...

    def encode(
        self,
        positions: Sequence[int],
        *,
        known_groups: Mapping[str, str],
        workspace_id: str,
        source_id: str,
        namespace: bytes,
        shared_headers: list[tuple[str, bytes]],
        event_types: Sequence[bytes],
        topics: Sequence[Topic],
        partitions: Sequence[int] | None = None,
        timestamp_ms: int = 0,
    ) -> tuple[list[Encoded], dict[str, str], list[tuple[int, int, Section]]]:
        """`plan.assign` and `records.RecordWriter` for the events at `positions`: the records
        and the last-group changes they imply, and no sections. Given `partitions` (the partition
        count of each route's topic), the records' keys, values and headers are written in
        Kafka's record format instead, created at `timestamp_ms`: one section per route and
        partition (Kafka's default partitioner), in request order, as `(route, partition,
        section)`; the records then carry an empty key, value and headers (the rest is the
        same), which nothing reads once the sections are sent."""
        ...


class CompiledReader(Protocol):
    def read(self, body: bytes, *, received_at: datetime) -> CompiledBatch | None:
        """The batch, or None when the pure path must read this body."""
        ...
