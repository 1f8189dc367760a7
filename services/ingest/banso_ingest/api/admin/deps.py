"""The admin routes' dependencies: the operator (actor, clock, outbox) and a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from banso_ingest.administration import Operator
from banso_ingest.api.admin.security import ActorDep
from banso_ingest.api.deps import IngestDep
from banso_kit.api import RuntimeDep


def _operator(actor: ActorDep, ingest: IngestDep, runtime: RuntimeDep) -> Operator:
    return Operator(actor=actor, now=ingest.clock(), outbox=runtime.outbox)


OperatorDep = Annotated[Operator, Depends(_operator)]
