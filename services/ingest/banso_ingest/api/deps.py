"""What the routes need, built once in the lifespan and read from `request.state`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from banso_ingest.adapters.publisher import KafkaPublisher
from banso_ingest.adapters.sources import SourceDirectory
from banso_ingest.config import IngestSettings
from banso_ingest.domain.admission import AdmissionGate
from banso_ingest.domain.compiled import CompiledReader
from banso_ingest.domain.limits import IngestLimits
from banso_ingest.domain.recent import RecentEvents
from banso_ingest.metrics import IngestMetrics
from banso_ingest.service.intake import Intake
from banso_kit.clock import Clock


@dataclass(frozen=True)
class IngestContext:
    settings: IngestSettings
    limits: IngestLimits
    intake: Intake
    publisher: KafkaPublisher
    sources: SourceDirectory
    gate: AdmissionGate
    metrics: IngestMetrics
    clock: Clock
    # The compiled pass over batch bodies; None: the pure path reads every request.
    reader: CompiledReader | None = None
    # The latest events of each source, for the admin API's live debugger (this worker's).
    recent: RecentEvents = field(default_factory=RecentEvents)


async def get_ingest(request: Request) -> IngestContext:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hand-off per request
    ingest: IngestContext = request.state.ingest
    return ingest


IngestDep = Annotated[IngestContext, Depends(get_ingest)]
