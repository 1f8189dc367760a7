"""Stage many events in the kit's outbox with one statement.

The planner emits an event for most decisions (every suppression is reported); one INSERT per
event would cost more than the decisions themselves. Rows are exactly what ``Outbox.add`` writes
(same encoding, same columns), so the kit's relay publishes them like any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import encode
from banso_contracts.events import Event
from banso_kit.outbox import Outbox
from banso_kit.outbox import encode_headers as _encode_headers  # the relay decodes this format
from banso_kit.tables import KitTables


class OutboxBatch:
    def __init__(self, outbox: Outbox, tables: KitTables) -> None:
        self._outbox = outbox
        self._table = tables.outbox
        self._rows: list[dict[str, Any]] = []

    def add(self, event: Event) -> str:
        """Encode now (a bad event fails here, in the caller's transaction); returns its id."""
        encoded = encode(event, source=self._outbox.source)
        self._rows.append(
            {
                "event_id": encoded.envelope.id,
                "topic": encoded.topic.physical_name(self._outbox.topic_prefix),
                "key": encoded.key,
                "value": encoded.value,
                "headers": _encode_headers(encoded.headers),
                "created_at": dt.datetime.now(dt.UTC),
                "attempts": 0,
            }
        )
        return encoded.envelope.id

    async def flush(self, session: AsyncSession) -> int:
        rows, self._rows = self._rows, []
        if rows:
            await session.exec(insert(self._table), params=rows)
        return len(rows)
