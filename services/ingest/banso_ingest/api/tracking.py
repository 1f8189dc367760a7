"""Segment's HTTP Tracking API: `/v1/track`, `/v1/identify`, ..., `/v1/batch` and `/v1/import`."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response

from banso_contracts.envelope import IMPORTED
from banso_ingest.api.deps import IngestContext, IngestDep
from banso_ingest.api.handling import (
    ReadRequest,
    admitted,
    answer,
    authenticate,
    read_bytes,
    read_json,
    remember,
)
from banso_ingest.api.shapes import SINGLE, Accepted, Batch, body_of
from banso_ingest.domain.body import parse_json
from banso_ingest.domain.messages import MessageType
from banso_ingest.domain.requests import parse_batch, parse_single
from banso_kit.openapi import errors

router = APIRouter(tags=["tracking"])

# What every tracking call may answer: accepted (some events may be refused, each by index), the
# whole request refused, no or a wrong write key, this worker full, Kafka or the store down.
ANSWERS: dict[int | str, dict[str, object]] = {
    200: {"model": Accepted, "description": "At least one event is in Kafka."},
    **errors(400, 401, 429, 503),
}
_BATCH = body_of(Batch, "Up to 2,500 messages (`batch`), gzip allowed.")

# One event per request, its type implied by the path (as in Segment).
_SINGLE = {
    "/v1/track": MessageType.TRACK,
    "/v1/identify": MessageType.IDENTIFY,
    "/v1/group": MessageType.GROUP,
    "/v1/page": MessageType.PAGE,
    "/v1/screen": MessageType.SCREEN,
    "/v1/alias": MessageType.ALIAS,
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One tracking path: its metrics label, the type a single-event path implies, the origin."""

    name: str
    kind: MessageType | None = None
    origin: str | None = None


_BATCH_ENDPOINT = Endpoint("batch")
# Every tracking path. The routes below declare them (the OpenAPI, and the app's own routing),
# and `fast_path.py` serves them in front of the app's routing (the hot path).
ENDPOINTS: dict[str, Endpoint] = {
    "/v1/batch": _BATCH_ENDPOINT,
    "/v1/b": _BATCH_ENDPOINT,
    "/v1/import": Endpoint("import", origin=IMPORTED),
    **{path: Endpoint(kind.value, kind) for path, kind in _SINGLE.items()},
    # analytics.js (browser) posts each call to the first letter of its type: /v1/t, /v1/p, ...
    **{f"/v1/{kind.value[0]}": Endpoint(kind.value, kind) for kind in _SINGLE.values()},
}


async def serve(request: Request, endpoint: Endpoint) -> Response:
    """Answer a tracking request (what every tracking route does)."""
    ingest: IngestContext = request.state.ingest
    return await _ingest(request, ingest, endpoint.name, endpoint.kind, endpoint.origin)


async def _ingest(
    request: Request,
    ingest: IngestContext,
    endpoint: str,
    kind: MessageType | None,
    origin: str | None = None,
) -> Response:
    async with admitted(request, ingest, endpoint):
        reader = ingest.reader
        if kind is None and reader is not None:
            body, header_key = await read_bytes(request, ingest)
            received_at = ingest.clock.now()
            batch = reader.read(body, received_at=received_at)
            if batch is not None:
                ingest.metrics.batches_read.labels("compiled").inc()
                source = await authenticate(ingest, header_key, batch.write_key)
                result = await ingest.intake.track_compiled(batch, source, origin=origin)
                remember(ingest, source, received_at, result)
                return answer(ingest, endpoint, result, single=False)
            # Declined (not plain, or not valid): the reference path reads it, errors and all.
            read = ReadRequest(parse_json(body), len(body), header_key)
        else:
            read = await read_json(request, ingest)
            received_at = ingest.clock.now()
        if kind is None:
            ingest.metrics.batches_read.labels("pure").inc()
            parsed = parse_batch(
                read.data, received_at=received_at, limits=ingest.limits, body_bytes=read.size
            )
        else:
            parsed = parse_single(
                read.data,
                message_type=kind,
                received_at=received_at,
                limits=ingest.limits,
                body_bytes=read.size,
            )
        source = await authenticate(ingest, read.header_key, parsed.write_key)
        result = await ingest.intake.track(parsed, source, origin=origin)
        remember(ingest, source, received_at, result)
        return answer(ingest, endpoint, result, single=kind is not None)


@router.post(
    "/v1/batch",
    summary="Send many events at once (Segment batch).",
    responses=ANSWERS,
    openapi_extra=_BATCH,
)
async def batch(request: Request, ingest: IngestDep) -> Response:
    """Send up to 2,500 events; valid ones are accepted, each invalid one is reported by index."""
    return await serve(request, ENDPOINTS["/v1/batch"])


@router.post(
    "/v1/import",
    summary="Send history: a batch marked as imported.",
    responses=ANSWERS,
    openapi_extra=_BATCH,
)
async def import_(request: Request, ingest: IngestDep) -> Response:
    """Send past events (a backfill) as a batch, like `/v1/batch`: they count for health and
    history in their own time, and each is marked as imported, so none triggers a nudge."""
    return await serve(request, ENDPOINTS["/v1/import"])


@router.post("/v1/b", summary="analytics.js's path for /v1/batch.", include_in_schema=False)
async def browser_batch(request: Request, ingest: IngestDep) -> Response:
    return await serve(request, ENDPOINTS["/v1/b"])


def _single_route(path: str, kind: MessageType) -> None:
    async def single(request: Request, ingest: IngestDep) -> Response:
        return await serve(request, ENDPOINTS[path])

    single.__name__ = kind.value
    single.__doc__ = f"Send one {kind.value} event (Segment `{kind.value}` call)."
    router.add_api_route(
        path,
        single,
        methods=["POST"],
        summary=f"Send one {kind.value} event.",
        responses=ANSWERS,
        openapi_extra=body_of(SINGLE[kind.value], f"One `{kind.value}` message."),
    )
    router.add_api_route(f"/v1/{kind.value[0]}", single, methods=["POST"], include_in_schema=False)


for _path, _kind in _SINGLE.items():
    _single_route(_path, _kind)
