"""The last-group map in the service's database: which account each user was last grouped with.

Every worker reads and writes the same table, so a group call handled by one worker keys the next
track of that user handled by another. One statement per request, whatever its size.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from functools import lru_cache

from banso_ingest.adapters.group_commit import Execute, GroupCommitWriter, placeholders
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
        statement = _lookup_sql(self._writer.paramstyle, len(wanted))
        params = (workspace_id, *wanted)

        def run(execute: Execute) -> dict[str, str]:
            return {str(row[0]): str(row[1]) for row in execute(statement, params)}

        return await self._writer.run(run)

    async def remember(
        self, *, workspace_id: str, changes: Mapping[str, str], now: datetime
    ) -> None:
        statement = _remember_sql(self._writer.paramstyle, len(changes))
        params = (workspace_id, epoch_ms(now), *(v for pair in changes.items() for v in pair))

        def run(execute: Execute) -> None:
            execute(statement, params)

        await self._writer.run(run)


@lru_cache(maxsize=256)
def _lookup_sql(style: str, count: int) -> str:
    workspace, *identities = placeholders(style, 1, count + 1)
    return (
        f"SELECT identity, account_id FROM {TABLE} "
        f"WHERE workspace_id = {workspace} AND identity IN ({','.join(identities)})"
    )


@lru_cache(maxsize=256)
def _remember_sql(style: str, count: int) -> str:
    workspace, updated, *pairs = placeholders(style, 1, 2 + 2 * count)
    rows = ",".join(
        f"({workspace},{pairs[2 * n]},{pairs[2 * n + 1]},{updated})" for n in range(count)
    )
    return (
        f"INSERT INTO {TABLE} (workspace_id, identity, account_id, updated_at_ms) "
        f"VALUES {rows} ON CONFLICT (workspace_id, identity) DO UPDATE SET "
        "account_id = excluded.account_id, updated_at_ms = excluded.updated_at_ms"
    )
