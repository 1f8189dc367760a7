"""The last-group map in the service's database: which account each user was last grouped with.

Every worker reads and writes the same table, so a group call handled by one worker keys the next
track of that user handled by another. Lookups take one query per request, whatever its size.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from banso_ingest.domain.ports import StoreUnavailable
from banso_kit.db import Database


class SqlGroupDirectory:
    """`GroupDirectory` on the service database."""

    def __init__(self, db: Database, table: Table) -> None:
        self._db = db
        self._table = table
        self._insert: Any = sqlite.insert if db.is_sqlite else postgresql.insert

    async def last_groups(
        self, *, workspace_id: str, identities: Collection[str]
    ) -> Mapping[str, str]:
        table = self._table
        statement = select(table.c.identity, table.c.account_id).where(
            table.c.workspace_id == workspace_id, table.c.identity.in_(list(identities))
        )
        try:
            async with self._db.engine.connect() as conn:
                rows = await conn.execute(statement)
                return {identity: account for identity, account in rows}
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"group directory: {error}") from error

    async def remember(
        self, *, workspace_id: str, changes: Mapping[str, str], now: datetime
    ) -> None:
        table = self._table
        statement = self._insert(table).values(
            [
                {
                    "workspace_id": workspace_id,
                    "identity": identity,
                    "account_id": account,
                    "updated_at": now,
                }
                for identity, account in changes.items()
            ]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.workspace_id, table.c.identity],
            set_={
                "account_id": statement.excluded.account_id,
                "updated_at": statement.excluded.updated_at,
            },
        )
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(statement)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"group directory: {error}") from error
