"""Dead letters go through the outbox, in the transaction that moves the partition past them, so a
crash can neither lose a dead letter nor skip a message without one. The same transaction keeps
the message in the service's `dead_letters` table, where an operator lists, replays or discards
it (`banso dlq`, `banso_kit.dead_letter_admin`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import orjson
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events import DeadLettered
from banso_contracts.events.deadletter import text_of
from banso_kit.outbox import Outbox
from banso_kit.upsert import upsert

PENDING = "pending"


class DeadLetterWriter:
    def __init__(self, outbox: Outbox, *, service: str) -> None:
        self._outbox = outbox
        self._service = service

    async def write(
        self,
        session: AsyncSession,
        *,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        value: bytes,
        error: BaseException,
        attempts: int = 1,
    ) -> str:
        payload, encoding = text_of(value)
        header_text = {name: raw.decode("utf-8", "replace") for name, raw in headers}
        event = DeadLettered(
            workspace_id=_workspace_of(header_text, value),
            service=self._service,
            origin_topic=topic,
            origin_partition=partition,
            origin_offset=offset,
            origin_key=key.decode("utf-8", "replace") if key is not None else None,
            origin_headers=header_text,
            payload=payload,
            payload_encoding=encoding,
            error_type=type(error).__name__,
            error=str(error)[:4000] or repr(error),
            attempts=attempts,
            failed_at=dt.datetime.now(dt.UTC),
        )
        # A stable id: re-dead-lettering the same origin (after a crash) is recognisably a repeat.
        event_id = f"dlq:{self._service}:{topic}:{partition}:{offset}"
        await upsert(
            session,
            self._outbox.tables.dead_letters,
            [
                {
                    "event_id": event_id,
                    "workspace_id": event.workspace_id,
                    "origin_topic": topic,
                    "origin_partition": partition,
                    "origin_offset": offset,
                    "origin_key": key,
                    # Kept byte for byte, so a replay sends exactly what arrived.
                    "origin_headers": orjson.dumps(
                        [[name, raw.hex()] for name, raw in headers]
                    ).decode(),
                    "value": value,
                    "error_type": event.error_type,
                    "error": event.error,
                    "attempts": attempts,
                    "failed_at": event.failed_at,
                    "status": PENDING,
                }
            ],
            keys=["event_id"],
        )
        return await self._outbox.add(session, event, event_id=event_id)


def _workspace_of(headers: dict[str, str], value: bytes) -> str | None:
    if workspace := headers.get("ce_workspace"):
        return workspace
    try:
        payload = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    workspace = payload.get("workspace_id") if isinstance(payload, dict) else None
    return workspace if isinstance(workspace, str) and workspace else None
