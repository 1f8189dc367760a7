"""The latest events of each source as they arrived, accepted or rejected, for the operators'
live debugger: a bounded ring per source in each worker's memory (nothing stored, nothing
published; a restart starts empty, and each worker sees what it received)."""

from __future__ import annotations

import heapq
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Literal

from banso_ingest.domain.compiled import (
    ACCOUNT,
    INDEX,
    MESSAGE_ID,
    NAME,
    TYPE,
    USER_ID,
    Encoded,
)
from banso_ingest.domain.feedback import FeedbackItem
from banso_ingest.domain.messages import TrackedMessage
from banso_ingest.domain.plan import Duplicate, Outgoing
from banso_ingest.domain.rejections import Rejection

Outcome = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True, slots=True)
class Seen:
    received_at: datetime
    source_id: str
    outcome: Outcome
    message_id: str | None
    type: str | None = None  # track, identify, ... or feedback
    name: str | None = None  # the track's event, the page's name, the feedback's kind
    user_id: str | None = None
    account_id: str | None = None
    reason: str | None = None  # a rejection's reason code
    detail: str | None = None  # and its message

    def as_json(self) -> dict[str, object]:
        return {
            "received_at": self.received_at.isoformat(),
            "source_id": self.source_id,
            "outcome": self.outcome,
            "message_id": self.message_id,
            "type": self.type,
            "name": self.name,
            "user_id": self.user_id,
            "account_id": self.account_id,
            "reason": self.reason,
            "detail": self.detail,
        }


# What the ring holds per event: `Seen`'s fields as a plain tuple, in its order. Every accepted
# event passes here, and a tuple costs a fraction of a frozen dataclass; `latest` (an operator's
# occasional read) makes the `Seen`s.
_Text = str | None
Row = tuple[datetime, str, Outcome, _Text, _Text, _Text, _Text, _Text, _Text, _Text]


def _accepted(source_id: str, out: Outgoing, at: datetime) -> Row:
    payload = out.payload
    if type(payload) is TrackedMessage:
        return (
            at,
            source_id,
            "accepted",
            payload.message_id,
            payload.type.value,
            payload.event or payload.name,
            payload.user_id,
            out.account.account_id,
            None,
            None,
        )
    assert isinstance(payload, FeedbackItem)
    return (
        at,
        source_id,
        "accepted",
        payload.message_id,
        "feedback",
        payload.kind.value,
        payload.user_id,
        out.account.account_id,
        None,
        None,
    )


def _encoded(source_id: str, record: Encoded, at: datetime) -> Row:
    return (
        at,
        source_id,
        "accepted",
        record[MESSAGE_ID],
        record[TYPE],
        record[NAME],
        record[USER_ID],
        record[ACCOUNT],
        None,
        None,
    )


def _row(source_id: str, entry: Outgoing | Encoded | Duplicate | Rejection, at: datetime) -> Row:
    if isinstance(entry, tuple):
        return _encoded(source_id, entry, at)
    if isinstance(entry, Outgoing):
        return _accepted(source_id, entry, at)
    if isinstance(entry, Duplicate):
        return (at, source_id, "duplicate", entry.message_id, None, None, None, None, None, None)
    return (
        at,
        source_id,
        "rejected",
        entry.message_id,
        None,
        None,
        None,
        None,
        entry.reason.value,
        entry.message,
    )


class RecentEvents:
    """The last `per_source` events of at most `sources` sources (the least recently written
    source is forgotten first)."""

    def __init__(self, *, per_source: int = 100, sources: int = 1000) -> None:
        self.per_source = per_source
        self.sources = sources
        self._rings: OrderedDict[tuple[str, str], deque[Row]] = OrderedDict()

    def record(
        self,
        workspace_id: str,
        source_id: str,
        at: datetime,
        *,
        published: tuple[Outgoing, ...] = (),
        encoded: tuple[Encoded, ...] = (),
        duplicates: tuple[Duplicate, ...] = (),
        rejections: tuple[Rejection, ...] = (),
    ) -> None:
        """One request's events, in their order in the request (only the last `per_source`
        of a large batch are looked at: the ring keeps no more)."""
        keep = self.per_source
        rows: list[Row]
        if not duplicates and not rejections:
            # The common case: every event accepted, already in request order.
            rows = [_accepted(source_id, out, at) for out in published[-keep:]]
            rows += [_encoded(source_id, record, at) for record in encoded[-keep:]]
        else:
            indexed: list[tuple[int, Outgoing | Encoded | Duplicate | Rejection]] = [
                (out.index, out) for out in published
            ]
            indexed += [(record[INDEX], record) for record in encoded]
            indexed += [(d.index, d) for d in duplicates]
            indexed += [(r.index, r) for r in rejections]
            if len(indexed) > keep:
                indexed = heapq.nlargest(keep, indexed, key=itemgetter(0))
                indexed.reverse()
            else:
                indexed.sort(key=itemgetter(0))
            rows = [_row(source_id, entry, at) for _, entry in indexed]
        if not rows:
            return
        key = (workspace_id, source_id)
        ring = self._rings.get(key)
        if ring is None:
            ring = self._rings[key] = deque(maxlen=keep)
            while len(self._rings) > self.sources:
                self._rings.popitem(last=False)
        else:
            self._rings.move_to_end(key)
        ring.extend(rows)

    def latest(
        self, workspace_id: str, source_id: str | None = None, *, limit: int = 50
    ) -> list[Seen]:
        """Newest first: one source's, or every source's of the workspace."""
        rings = [
            ring
            for (workspace, source), ring in self._rings.items()
            if workspace == workspace_id and (source_id is None or source == source_id)
        ]
        merged = [(row, n) for ring in rings for n, row in enumerate(ring)]
        merged.sort(key=lambda pair: (pair[0][0], pair[1]), reverse=True)
        return [Seen(*row) for row, _ in merged[:limit]]
