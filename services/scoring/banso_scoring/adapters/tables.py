"""The scoring tables as SQLAlchemy Core tables, for the repositories in this package."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table

from banso_scoring.models import (
    Account,
    AccountDay,
    AccountOverride,
    AccountPlan,
    AccountPublished,
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
PUBLISHED = _t(AccountPublished)
HISTORY = _t(HealthHistory)
SCORECARDS = _t(ScorecardVersion)
PLANS = _t(AccountPlan)
OVERRIDES = _t(AccountOverride)
AUDIT = _t(OverrideAudit)
REQUESTS = _t(EvaluationRequest)
PARTITIONS = _t(PartitionState)
APPLIED_IDS = _t(AppliedIds)
CHUNK = 500


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
