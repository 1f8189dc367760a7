"""Database reads and writes of the scoring service. Functions only flush; callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, and_, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.consumers.state import AccountEntry, AccountKey
from banso_scoring.domain.aggregate_codec import (
    day_document,
    day_from_document,
    from_document,
    header_document,
)
from banso_scoring.domain.aggregates import DayBucket
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Health
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.scorecard import MilestoneSpec
from banso_scoring.models import (
    Account,
    AccountDay,
    AccountOverride,
    AccountPlan,
    AppliedIds,
    EvaluationRequest,
    HealthHistory,
    OverrideAudit,
    PartitionState,
    ScorecardVersion,
)


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


ACCOUNTS = _t(Account)
DAYS = _t(AccountDay)
HISTORY = _t(HealthHistory)
SCORECARDS = _t(ScorecardVersion)
PLANS = _t(AccountPlan)
OVERRIDES = _t(AccountOverride)
AUDIT = _t(OverrideAudit)
REQUESTS = _t(EvaluationRequest)
PARTITIONS = _t(PartitionState)
APPLIED_IDS = _t(AppliedIds)
CHUNK = 500


# -- scorecards ------------------------------------------------------------------------------


async def scorecard_versions(session: AsyncSession) -> dict[str, int]:
    """The version in force per workspace that has replaced the default."""
    rows = await (await session.connection()).execute(
        select(SCORECARDS.c.workspace_id, func.max(SCORECARDS.c.version)).group_by(
            SCORECARDS.c.workspace_id
        )
    )
    return {str(workspace): int(version) for workspace, version in rows.all()}


async def scorecard_yaml(session: AsyncSession, *, workspace_id: str, version: int) -> str | None:
    row = await (await session.connection()).execute(
        select(SCORECARDS.c.yaml).where(
            SCORECARDS.c.workspace_id == workspace_id, SCORECARDS.c.version == version
        )
    )
    value = row.scalar_one_or_none()
    return None if value is None else str(value)


# -- accounts --------------------------------------------------------------------------------


def _entry(row: Any, days: dict[int, DayBucket]) -> AccountEntry:
    published = Health.model_validate_json(row.published) if row.published else None
    return AccountEntry(
        aggregate=from_document(orjson.loads(row.aggregate), days),
        partition=row.partition,
        published=published,
        recent_scores=[(float(t), float(s)) for t, s in orjson.loads(row.recent_scores)],
        score=row.score,
        band=row.band,
        evaluated_at=row.evaluated_at,
        stored=True,
    )


async def _days(session: AsyncSession, where: Any) -> dict[AccountKey, dict[int, DayBucket]]:
    rows = await (await session.connection()).execute(
        select(DAYS.c.workspace_id, DAYS.c.account_id, DAYS.c.day, DAYS.c.bucket).where(where)
    )
    days: dict[AccountKey, dict[int, DayBucket]] = {}
    for workspace, account, day, bucket in rows:
        days.setdefault((workspace, account), {})[int(day)] = day_from_document(
            orjson.loads(bucket)
        )
    return days


async def load_accounts(
    session: AsyncSession, *, partitions: Iterable[int]
) -> dict[AccountKey, AccountEntry]:
    wanted = list(partitions)
    rows = (
        await (await session.connection()).execute(
            select(ACCOUNTS).where(ACCOUNTS.c.partition.in_(wanted))
        )
    ).all()
    owned = select(ACCOUNTS.c.workspace_id, ACCOUNTS.c.account_id).where(
        ACCOUNTS.c.partition.in_(wanted)
    )
    days = await _days(session, tuple_(DAYS.c.workspace_id, DAYS.c.account_id).in_(owned))
    entries = [_entry(row, days.get((row.workspace_id, row.account_id), {})) for row in rows]
    return {entry.key: entry for entry in entries}


async def load_account(
    session: AsyncSession, *, workspace_id: str, account_id: str
) -> AccountEntry | None:
    rows = await (await session.connection()).execute(
        select(ACCOUNTS).where(
            ACCOUNTS.c.workspace_id == workspace_id, ACCOUNTS.c.account_id == account_id
        )
    )
    row = rows.first()
    if row is None:
        return None
    days = await _days(
        session, and_(DAYS.c.workspace_id == workspace_id, DAYS.c.account_id == account_id)
    )
    return _entry(row, days.get((workspace_id, account_id), {}))


def _published_columns(entry: AccountEntry) -> dict[str, Any]:
    return {
        "published": entry.published.model_dump_json().encode() if entry.published else None,
        "recent_scores": orjson.dumps(entry.recent_scores).decode(),
    }


async def save_accounts(
    session: AsyncSession,
    *,
    entries: Sequence[AccountEntry],
    aggregates: set[AccountKey],
    evaluated: set[AccountKey],
    published: set[AccountKey],
) -> None:
    """Insert new accounts; for the others write only what changed: the aggregate header and
    the day buckets that changed, the latest score and band, the last published health."""
    inserts: list[dict[str, Any]] = []
    headers: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    publications: list[dict[str, Any]] = []
    day_keys: list[dict[str, Any]] = []
    day_rows: list[dict[str, Any]] = []
    for entry in entries:
        workspace, account = entry.key
        ids = {"b_ws": workspace, "b_account": account}
        aggregate = entry.aggregate
        header = None
        if not entry.stored or entry.key in aggregates:
            header = orjson.dumps(header_document(aggregate))
            for day in aggregate.changed_days | aggregate.removed_days:
                day_keys.append({**ids, "b_day": day})
            for day in aggregate.changed_days:
                bucket = orjson.dumps(day_document(aggregate.days[day]))
                day_rows.append(
                    {"workspace_id": workspace, "account_id": account, "day": day, "bucket": bucket}
                )
            aggregate.changed_days.clear()
            aggregate.removed_days.clear()
        score = {"score": entry.score, "band": entry.band, "evaluated_at": entry.evaluated_at}
        if not entry.stored:
            inserts.append(
                {
                    "workspace_id": workspace,
                    "account_id": account,
                    "partition": entry.partition,
                    "aggregate": header,
                    **score,
                    **_published_columns(entry),
                }
            )
            continue
        if header is not None:
            headers.append({**ids, "aggregate": header})
        if entry.key in evaluated:
            scores.append({**ids, **score})
        if entry.key in published:
            publications.append({**ids, **_published_columns(entry)})
    connection = await session.connection()
    if inserts:
        await connection.execute(insert(ACCOUNTS), inserts)
    where = and_(
        ACCOUNTS.c.workspace_id == bindparam("b_ws"),
        ACCOUNTS.c.account_id == bindparam("b_account"),
    )
    for rows, columns in (
        (headers, ("aggregate",)),
        (scores, ("score", "band", "evaluated_at")),
        (publications, ("published", "recent_scores")),
    ):
        if rows:
            values: dict[str, Any] = {column: bindparam(column) for column in columns}
            await connection.execute(update(ACCOUNTS).where(where).values(values), rows)
    if day_keys:
        await connection.execute(
            delete(DAYS).where(
                DAYS.c.workspace_id == bindparam("b_ws"),
                DAYS.c.account_id == bindparam("b_account"),
                DAYS.c.day == bindparam("b_day"),
            ),
            day_keys,
        )
    if day_rows:
        await connection.execute(insert(DAYS), day_rows)
    for entry in entries:
        entry.stored = True


async def insert_history(session: AsyncSession, *, rows: list[dict[str, object]]) -> None:
    if rows:
        await (await session.connection()).execute(insert(HISTORY), rows)


# -- plans and overrides ---------------------------------------------------------------------


async def load_plans(
    session: AsyncSession, *, keys: set[AccountKey]
) -> dict[AccountKey, tuple[tuple[Goal, ...], tuple[MilestoneSpec, ...]]]:
    plans: dict[AccountKey, tuple[tuple[Goal, ...], tuple[MilestoneSpec, ...]]] = {}
    for chunk in _chunks(sorted(keys)):
        rows = await (await session.connection()).execute(
            select(
                PLANS.c.workspace_id, PLANS.c.account_id, PLANS.c.goals, PLANS.c.milestones
            ).where(tuple_(PLANS.c.workspace_id, PLANS.c.account_id).in_(chunk))
        )
        for workspace, account, goals, milestones in rows.all():
            plans[(workspace, account)] = (
                tuple(Goal.model_validate(g) for g in orjson.loads(goals)),
                tuple(MilestoneSpec.model_validate(m) for m in orjson.loads(milestones)),
            )
    return plans


async def load_overrides(
    session: AsyncSession, *, keys: set[AccountKey]
) -> dict[AccountKey, Override]:
    overrides: dict[AccountKey, Override] = {}
    for chunk in _chunks(sorted(keys)):
        rows = await (await session.connection()).execute(
            select(OVERRIDES.c.workspace_id, OVERRIDES.c.account_id, OVERRIDES.c.document).where(
                tuple_(OVERRIDES.c.workspace_id, OVERRIDES.c.account_id).in_(chunk)
            )
        )
        for workspace, account, document in rows.all():
            overrides[(workspace, account)] = Override.model_validate_json(document)
    return overrides


async def expire_overrides(
    session: AsyncSession,
    *,
    expired: list[tuple[AccountKey, Override]],
    at: dict[AccountKey, float],
) -> None:
    """Delete overrides that lapsed (unless replaced meanwhile) and audit their expiry."""
    connection = await session.connection()
    for (workspace, account), override in expired:
        document = override.model_dump_json()
        result = await connection.execute(
            delete(OVERRIDES).where(
                OVERRIDES.c.workspace_id == workspace,
                OVERRIDES.c.account_id == account,
                OVERRIDES.c.document == document,
            )
        )
        if result.rowcount:
            await connection.execute(
                insert(AUDIT).values(
                    workspace_id=workspace,
                    account_id=account,
                    action="expired",
                    actor="scoring",
                    at=at[(workspace, account)],
                    document=document,
                )
            )


async def pending_requests(
    session: AsyncSession, *, keys: set[AccountKey]
) -> list[tuple[int, AccountKey, str]]:
    """Re-evaluation requests for these accounts: (id, account, cause), oldest first."""
    rows = (
        await (await session.connection()).execute(
            select(
                REQUESTS.c.id, REQUESTS.c.workspace_id, REQUESTS.c.account_id, REQUESTS.c.cause
            ).order_by(REQUESTS.c.id)
        )
    ).all()
    return [
        (int(row.id), (row.workspace_id, row.account_id), str(row.cause))
        for row in rows
        if (row.workspace_id, row.account_id) in keys
    ]


async def delete_requests(session: AsyncSession, *, ids: list[int]) -> None:
    if ids:
        await (await session.connection()).execute(delete(REQUESTS).where(REQUESTS.c.id.in_(ids)))


# -- partition state -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredPartition:
    schedule: str
    scorecards: str
    version: int


async def load_partition_states(
    session: AsyncSession, *, group_id: str, partitions: Iterable[int]
) -> dict[int, StoredPartition]:
    rows = await (await session.connection()).execute(
        select(
            PARTITIONS.c.partition,
            PARTITIONS.c.schedule,
            PARTITIONS.c.scorecards,
            PARTITIONS.c.version,
        ).where(PARTITIONS.c.group_id == group_id, PARTITIONS.c.partition.in_(list(partitions)))
    )
    return {
        int(p): StoredPartition(str(schedule), str(cards), int(version))
        for p, schedule, cards, version in rows.all()
    }


class Fenced(Exception):
    """Another replica wrote a partition this one believed its own (it lost the partition, or
    is about to learn that it did): nothing of the round is written; reload and carry on."""


async def save_partition_state(
    session: AsyncSession,
    *,
    group_id: str,
    partition: int,
    schedule: str,
    scorecards: str,
    expected_version: int | None,
) -> int:
    """Write the partition's schedule and scorecards if its version is still
    ``expected_version`` (None: no row yet); the version written."""
    connection = await session.connection()
    if expected_version is None:
        try:
            await connection.execute(
                insert(PARTITIONS).values(
                    group_id=group_id,
                    partition=partition,
                    schedule=schedule,
                    scorecards=scorecards,
                    version=1,
                )
            )
        except IntegrityError as error:
            raise Fenced(f"partition {partition} was first written by another replica") from error
        return 1
    result = await connection.execute(
        update(PARTITIONS)
        .where(
            PARTITIONS.c.group_id == group_id,
            PARTITIONS.c.partition == partition,
            PARTITIONS.c.version == expected_version,
        )
        .values(schedule=schedule, scorecards=scorecards, version=expected_version + 1)
    )
    if result.rowcount != 1:
        raise Fenced(f"partition {partition} moved past version {expected_version}")
    return expected_version + 1


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
