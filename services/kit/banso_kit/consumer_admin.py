"""Operator routes of every service: where its consumers stand, and resuming partitions whose
stored offsets lie beyond the log's end (the log was reset, the topic recreated, another cluster).

`banso consumers list|resume SERVICE` calls these with `BANSO_ADMIN_TOKEN`.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from banso_kit.api import AdminTokenDep, RuntimeDep
from banso_kit.errors import Conflict, NotFound
from banso_kit.kafka.offsets import Fenced
from banso_kit.openapi import errors

router = APIRouter(prefix="/v1/admin/consumers", tags=["operations"])


class PartitionProblem(BaseModel):
    topic: str
    partition: int
    kind: Literal["beyond_log_end", "stalled"]
    stored_offset: int | None
    log_end: int | None
    detail: str


class ConsumerGroup(BaseModel):
    group_id: str
    lag: dict[str, int] = Field(
        description="Records not yet applied per topic, against the log end."
    )
    problems: list[PartitionProblem] = Field(
        description="Partitions not progressing; /readyz is not ready while there is any."
    )


class ConsumerGroups(BaseModel):
    groups: list[ConsumerGroup]


class ResumeRequest(BaseModel):
    resume_from: Literal["start", "end"] = Field(
        alias="from",
        description=(
            "`start`: the log's first record still kept (after a reset log: everything in it is "
            "new, so nothing is lost); `end`: skip what the log holds now."
        ),
    )


class MovedPartition(BaseModel):
    topic: str
    partition: int
    offset: int


class ResumeResult(BaseModel):
    group_id: str
    moved: list[MovedPartition]


@router.get("", summary="Where each consumer stands.", responses=errors(401))
async def list_consumers(_: AdminTokenDep, runtime: RuntimeDep) -> ConsumerGroups:
    """Where each consumer stands: lag against the log end and partitions not progressing."""
    groups = []
    for watched in runtime.watched:
        progress = watched.progress
        problems = [
            PartitionProblem(
                topic=p.topic,
                partition=p.partition,
                kind="beyond_log_end" if p.kind == "beyond_log_end" else "stalled",
                stored_offset=p.stored,
                log_end=p.log_end,
                detail=p.describe(),
            )
            for p in progress.problems()
        ]
        groups.append(
            ConsumerGroup(group_id=progress.group_id, lag=progress.lag(), problems=problems)
        )
    return ConsumerGroups(groups=groups)


@router.post(
    "/{group_id}/resume",
    summary="Resume partitions beyond the log end.",
    responses=errors(401, 404, 409, 422),
)
async def resume_consumer(
    group_id: str, body: ResumeRequest, _: AdminTokenDep, runtime: RuntimeDep
) -> ResumeResult:
    """Store the log's start (or end) for every partition of the group whose stored offset lies
    beyond the log end, and resume consuming them."""
    watched = runtime.watched_group(group_id)
    if watched is None:
        raise NotFound(f"no consumer group {group_id!r} in this service")
    try:
        moved = await watched.resume_beyond_log_end(body.resume_from)
    except Fenced as error:
        raise Conflict(f"{error}: another consumer moved it meanwhile; list again") from error
    labels = dict(watched.progress.labels)
    return ResumeResult(
        group_id=group_id,
        moved=[
            MovedPartition(topic=labels.get(tp.topic, tp.topic), partition=tp.partition, offset=o)
            for tp, o in sorted(moved.items())
        ],
    )
