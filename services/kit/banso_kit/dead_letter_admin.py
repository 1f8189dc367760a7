"""Operator routes of every service for its dead letters: the messages it gave up on, with why;
replaying one (re-published to its topic byte for byte, once) or discarding it (kept as the record
of who discarded it, when and why).

`banso dlq list|show|replay|discard SERVICE` calls these with `BANSO_ADMIN_TOKEN`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import Table, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events.deadletter import PayloadEncoding, text_of
from banso_kit.api import AdminTokenDep, ReadSessionDep, RuntimeDep, SessionDep
from banso_kit.errors import Conflict, NotFound
from banso_kit.kafka.dead_letters import PENDING
from banso_kit.openapi import MAX_ID, errors
from banso_kit.runtime import Runtime

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/admin/dead-letters", tags=["operations"])

Status = Literal["pending", "replayed", "discarded"]
REPLAYED: Status = "replayed"
DISCARDED: Status = "discarded"
REPLAY_HEADER = "banso_replay_of"


def actor(
    _: AdminTokenDep,
    x_banso_actor: Annotated[
        str | None,
        Header(
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]*$",
            description="Who is acting (recorded with the resolution, as declared by the client).",
        ),
    ] = None,
) -> str:
    name = (x_banso_actor or "").strip()
    return f"admin-token ({name})" if name else "admin-token"


ActorDep = Annotated[str, Depends(actor)]
DeadLetterId = Annotated[int, Path(ge=1, le=MAX_ID, description="The dead letter's id.")]


class DeadLetterSummary(BaseModel):
    id: int
    workspace_id: str | None = Field(description="The message's workspace, when it was readable.")
    origin_topic: str
    origin_partition: int
    origin_offset: int
    error_type: str = Field(description="Class of the error, e.g. `ContractError`.")
    error: str = Field(description="Why the service gave up on the message.")
    attempts: int
    failed_at: dt.datetime
    status: Status
    resolved_at: dt.datetime | None
    resolved_by: str | None = Field(description="Who replayed or discarded it.")
    resolution_note: str | None = Field(description="Why it was discarded.")


class DeadLetter(DeadLetterSummary):
    origin_key: str | None = Field(description="The message key (UTF-8), if any.")
    origin_headers: dict[str, str] = Field(description="The message headers (values as UTF-8).")
    payload: str = Field(description="The message value, as UTF-8 text or base64.")
    payload_encoding: PayloadEncoding


class DeadLetterPage(BaseModel):
    items: list[DeadLetterSummary]
    next_before: int | None = Field(description="Pass as `before` for the next (older) page.")


class Replayed(BaseModel):
    dead_letter: DeadLetter
    published: bool = Field(
        description="False when it was replayed before: a dead letter is re-published once."
    )


class DiscardRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="Why it is discarded.")


def _table(runtime: Runtime) -> Table:
    return runtime.tables.dead_letters


def _headers(raw: str) -> list[tuple[str, bytes]]:
    pairs: list[list[str]] = orjson.loads(raw)
    return [(name, bytes.fromhex(value)) for name, value in pairs]


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "workspace_id": row.workspace_id,
        "origin_topic": row.origin_topic,
        "origin_partition": row.origin_partition,
        "origin_offset": row.origin_offset,
        "error_type": row.error_type,
        "error": row.error,
        "attempts": row.attempts,
        "failed_at": row.failed_at,
        "status": row.status,
        "resolved_at": row.resolved_at,
        "resolved_by": row.resolved_by,
        "resolution_note": row.resolution_note,
    }


def _detail(row: Any) -> DeadLetter:
    payload, encoding = text_of(row.value)
    return DeadLetter(
        **_summary(row),
        origin_key=row.origin_key.decode("utf-8", "replace") if row.origin_key else None,
        origin_headers={
            name: value.decode("utf-8", "replace") for name, value in _headers(row.origin_headers)
        },
        payload=payload,
        payload_encoding=encoding,
    )


async def _row(session: AsyncSession, table: Table, dead_letter_id: int) -> Any:
    row = (
        await (await session.connection()).execute(
            select(table).where(table.c.id == dead_letter_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"no dead letter {dead_letter_id} in this service")
    return row


@router.get("", summary="Dead letters, newest first.", responses=errors(401, 422))
async def list_dead_letters(
    _: AdminTokenDep,
    runtime: RuntimeDep,
    session: ReadSessionDep,
    status: Annotated[
        Status | Literal["all"], Query(description="Which dead letters (default: pending).")
    ] = "pending",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Ids below this.")] = None,
) -> DeadLetterPage:
    """The messages this service gave up on, with why, newest first."""
    table = _table(runtime)
    query = select(table).order_by(table.c.id.desc()).limit(limit + 1)
    if status != "all":
        query = query.where(table.c.status == status)
    if before is not None:
        query = query.where(table.c.id < before)
    rows = (await (await session.connection()).execute(query)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return DeadLetterPage(
        items=[DeadLetterSummary(**_summary(row)) for row in rows],
        next_before=rows[-1].id if more and rows else None,
    )


@router.get("/{dead_letter_id}", summary="One dead letter.", responses=errors(401, 404, 422))
async def show_dead_letter(
    dead_letter_id: DeadLetterId, _: AdminTokenDep, runtime: RuntimeDep, session: ReadSessionDep
) -> DeadLetter:
    """One dead letter with its original key, headers and payload."""
    return _detail(await _row(session, _table(runtime), dead_letter_id))


@router.post(
    "/{dead_letter_id}/replay",
    summary="Re-publish a dead letter.",
    responses=errors(401, 404, 409, 422),
)
async def replay_dead_letter(
    dead_letter_id: DeadLetterId, who: ActorDep, runtime: RuntimeDep, session: SessionDep
) -> Replayed:
    """Re-publish the message to its topic as it arrived (once: a second replay publishes
    nothing); the consumer applies it like any message, and drops it if it was applied."""
    table = _table(runtime)
    row = await _row(session, table, dead_letter_id)
    if row.status == DISCARDED:
        raise Conflict(f"dead letter {dead_letter_id} was discarded; it cannot be replayed")
    published = False
    if row.status == PENDING:
        # The outbox id is the dead letter's: of two replays racing, one publishes.
        published = await runtime.outbox.add_raw(
            session,
            event_id=f"dlq-replay:{row.id}",
            topic=row.origin_topic,
            key=row.origin_key,
            value=row.value,
            headers=[
                *((n, v) for n, v in _headers(row.origin_headers) if n != REPLAY_HEADER),
                (REPLAY_HEADER, str(row.id).encode()),
            ],
        )
        await _resolve(session, table, dead_letter_id, status=REPLAYED, by=who, note=None)
        logger.warning(
            "dead_letter_replayed",
            extra={"dead_letter": dead_letter_id, "topic": row.origin_topic, "actor": who},
        )
    return Replayed(
        dead_letter=_detail(await _row(session, table, dead_letter_id)), published=published
    )


@router.post(
    "/{dead_letter_id}/discard",
    summary="Discard a dead letter.",
    responses=errors(401, 404, 409, 422),
)
async def discard_dead_letter(
    dead_letter_id: DeadLetterId,
    body: DiscardRequest,
    who: ActorDep,
    runtime: RuntimeDep,
    session: SessionDep,
) -> DeadLetter:
    """Give up on the message for good: it leaves the pending list; who, when and why stay."""
    table = _table(runtime)
    row = await _row(session, table, dead_letter_id)
    if row.status == REPLAYED:
        raise Conflict(f"dead letter {dead_letter_id} was replayed; there is nothing to discard")
    if row.status == PENDING:
        await _resolve(session, table, dead_letter_id, status=DISCARDED, by=who, note=body.reason)
        logger.warning(
            "dead_letter_discarded",
            extra={"dead_letter": dead_letter_id, "actor": who, "reason": body.reason},
        )
    return _detail(await _row(session, table, dead_letter_id))


async def _resolve(
    session: AsyncSession,
    table: Table,
    dead_letter_id: int,
    *,
    status: Status,
    by: str,
    note: str | None,
) -> None:
    await (await session.connection()).execute(
        update(table)
        .where(table.c.id == dead_letter_id, table.c.status == PENDING)
        .values(
            status=status, resolved_at=dt.datetime.now(dt.UTC), resolved_by=by, resolution_note=note
        )
    )
