"""The last-group map in the service's database: which account each user was last grouped with.

Every worker reads and writes the same table, so a group call handled by one worker keys the next
track of that user handled by another. One statement per request, whatever its size.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from banso_ingest.adapters.group_commit import GroupCommitWriter, Sql
from banso_ingest.adapters.ledger import epoch_ms

TABLE = "user_groups"


class SqlGroupDirectory:
    """`GroupDirectory` on the service database."""

    def __init__(self, writer: GroupCommitWriter) -> None:
        self._writer = writer

    async def last_groups(
        self, *, workspace_id: str, identities: Collection[str]
    ) -> Mapping[str, str]:
        wanted = list(identities)

        async def run(conn: AsyncConnection) -> dict[str, str]:
            sql = Sql(self._writer.paramstyle)
            rows = await conn.exec_driver_sql(
                f"SELECT identity, account_id FROM {TABLE} "
                f"WHERE workspace_id = {sql.param(workspace_id)} "
                f"AND identity IN ({sql.params_in(wanted)})",
                tuple(sql.params),
            )
            found: list[Any] = list(rows)
            return {str(row[0]): str(row[1]) for row in found}

        return await self._writer.run(run)

    async def remember(
        self, *, workspace_id: str, changes: Mapping[str, str], now: datetime
    ) -> None:
        entries = list(changes.items())
        now_ms = epoch_ms(now)

        async def run(conn: AsyncConnection) -> None:
            sql = Sql(self._writer.paramstyle)
            workspace, updated = sql.param(workspace_id), sql.param(now_ms)
            rows = ",".join(
                f"({workspace},{sql.param(identity)},{sql.param(account)},{updated})"
                for identity, account in entries
            )
            await conn.exec_driver_sql(
                f"INSERT INTO {TABLE} (workspace_id, identity, account_id, updated_at_ms) "
                f"VALUES {rows} ON CONFLICT (workspace_id, identity) DO UPDATE SET "
                "account_id = excluded.account_id, updated_at_ms = excluded.updated_at_ms",
                tuple(sql.params),
            )

        await self._writer.run(run)
