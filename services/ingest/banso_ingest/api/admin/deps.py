"""The admin routes' dependencies: the operator (actor, clock, outbox) and the ids in paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path

from banso_ingest.administration import Operator
from banso_ingest.api.admin.schemas import ID_PATTERN
from banso_ingest.api.admin.security import ActorDep
from banso_ingest.api.deps import IngestDep
from banso_kit.api import RuntimeDep


def _operator(actor: ActorDep, ingest: IngestDep, runtime: RuntimeDep) -> Operator:
    return Operator(actor=actor, now=ingest.clock.now(), outbox=runtime.outbox)


OperatorDep = Annotated[Operator, Depends(_operator)]


def _id_in_path(what: str) -> Any:
    return Path(min_length=1, max_length=64, pattern=ID_PATTERN, description=f"The {what}'s id.")


WorkspaceId = Annotated[str, _id_in_path("workspace")]
SourceId = Annotated[str, _id_in_path("source")]
TokenId = Annotated[str, _id_in_path("token")]
