"""A tiny 'service' for the kit's tests: it sums event values per account in its database."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import encode
from banso_contracts.events import FeedbackReceived, UsageRecorded
from banso_kit.db import Database
from banso_kit.kafka.consumer import Inbound
from banso_kit.tables import define_kit_tables

metadata = MetaData()
KIT = define_kit_tables(metadata)
applied_log = Table(
    "applied_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False),
    Column("account_id", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", Integer, nullable=False),
)
totals = Table(
    "totals",
    metadata,
    Column("account_id", String(200), primary_key=True),
    Column("total", Integer, nullable=False),
)

WORKSPACE = "ws_test"


def usage(account: str, value: int, *, user: str = "u1") -> UsageRecorded:
    now = dt.datetime.now(dt.UTC)
    return UsageRecorded(
        workspace_id=WORKSPACE,
        source_id="src_test",
        account_id=account,
        user_id=user,
        kind="track",
        event="Report Exported",
        properties={"value": value},
        context={},
        message_id=uuid.uuid4().hex,
        timestamp=now,
        received_at=now,
    )


def encoded_usage(account: str, value: int) -> tuple[bytes, bytes, list[tuple[str, bytes]], str]:
    encoded = encode(usage(account, value), source="banso/test")
    return encoded.key, encoded.value, encoded.headers, encoded.envelope.id


async def create_schema(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


def make_handler(delay_s: float = 0.0, fail_on: str | None = None):  # type: ignore[no-untyped-def]
    async def handle(session: AsyncSession, messages: Sequence[Inbound]) -> None:
        for message in messages:
            event = message.event
            if not isinstance(event, UsageRecorded):
                raise TypeError(f"unexpected event {type(event).__name__}")
            if fail_on is not None and event.event == fail_on:
                raise ValueError(f"cannot apply {fail_on!r}")
            value = int(event.properties["value"])
            account = event.account_id or ""
            await (await session.connection()).execute(
                insert(applied_log).values(
                    event_id=message.envelope.id,
                    account_id=account,
                    partition=message.partition,
                    offset=message.offset,
                )
            )
            result = await (await session.connection()).execute(
                update(totals)
                .where(totals.c.account_id == account)
                .values(total=totals.c.total + value)
            )
            if result.rowcount == 0:
                await (await session.connection()).execute(
                    insert(totals).values(account_id=account, total=value)
                )
        if delay_s:
            await asyncio.sleep(delay_s)

    return handle


async def read_state(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    """(totals per account, times each event id was applied)."""
    async with db.session() as session:
        total_rows = (await (await session.connection()).execute(select(totals))).all()
        log_rows = (
            await (await session.connection()).execute(select(applied_log.c.event_id))
        ).all()
    applied: dict[str, int] = {}
    for row in log_rows:
        applied[row.event_id] = applied.get(row.event_id, 0) + 1
    return {r.account_id: r.total for r in total_rows}, applied


__all__ = ["FeedbackReceived", "KIT", "WORKSPACE", "create_schema", "encoded_usage", "make_handler"]
