"""The steps every ingest request shares: admission, body, write key, metrics, the answer."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import orjson
from fastapi import Request, Response

from banso_ingest.api.deps import IngestContext
from banso_ingest.api.errors import Overloaded, WriteKeyRefused
from banso_ingest.api.reading import basic_username, read_body, request_weight
from banso_ingest.domain.body import check_content_type, decode_body, parse_json
from banso_ingest.domain.compiled import ROUTE, ROUTES
from banso_ingest.domain.ports import PublishFailed, SourceRef, StoreUnavailable
from banso_ingest.domain.rejections import InvalidRequest, Reason
from banso_ingest.domain.routing import Route
from banso_ingest.service.intake import DuplicateInFlight, IngestResult

_TOPIC_LABELS = {
    Route.USAGE: "banso.usage.v1",
    Route.USER_TRAITS: "banso.user-traits.v1",
    Route.ACCOUNT_TRAITS: "banso.account-traits.v1",
    Route.FEEDBACK: "banso.feedback.v1",
}


@dataclass
class ReadRequest:
    """A request's decoded JSON, its size, and the write key its Authorization header named."""

    data: object
    size: int
    header_key: str | None


@asynccontextmanager
async def admitted(request: Request, ingest: IngestContext, endpoint: str) -> AsyncIterator[None]:
    """Hold the request's weight against the worker's cap, and time it, for its whole life."""
    weight = request_weight(request, ingest.limits.max_request_bytes)
    metrics = ingest.metrics
    if not ingest.gate.try_enter(weight):
        metrics.refused.labels("overloaded").inc()
        raise Overloaded(
            "ingest is handling as much as it may at once; retry after the Retry-After delay"
        )
    metrics.in_flight_requests.inc()
    metrics.in_flight_bytes.inc(weight)
    started = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    except InvalidRequest as error:
        outcome = "invalid"
        metrics.refused.labels(error.reason.value).inc()
        raise
    except WriteKeyRefused:
        outcome = "unauthorized"
        metrics.refused.labels("unauthorized").inc()
        raise
    except (PublishFailed, StoreUnavailable, DuplicateInFlight) as error:
        outcome = "unavailable"
        metrics.refused.labels(_unavailable_reason(error)).inc()
        raise
    finally:
        ingest.gate.leave(weight)
        metrics.in_flight_requests.dec()
        metrics.in_flight_bytes.dec(weight)
        metrics.request_seconds.labels(endpoint, outcome).observe(time.perf_counter() - started)


async def read_json(request: Request, ingest: IngestContext) -> ReadRequest:
    body, header_key = await read_bytes(request, ingest)
    return ReadRequest(parse_json(body), len(body), header_key)


async def read_bytes(request: Request, ingest: IngestContext) -> tuple[bytes, str | None]:
    """The request's body, checked and inflated, and the write key its Authorization named."""
    max_bytes = ingest.limits.max_request_bytes
    raw = await read_body(request, max_bytes)
    headers = request.headers
    check_content_type(headers.get("content-type"))
    header_key = basic_username(headers.get("authorization"))
    return decode_body(raw, headers.get("content-encoding"), max_bytes=max_bytes), header_key


async def authenticate(
    ingest: IngestContext, header_key: str | None, body_key: str | None
) -> SourceRef:
    """The source of the request's write key (Basic username or body `writeKey`)."""
    if header_key is not None and body_key is not None and header_key != body_key:
        raise WriteKeyRefused("the body's writeKey differs from the one in Authorization")
    key = header_key or body_key
    if key is None:
        raise WriteKeyRefused(
            "no write key: send it as the HTTP Basic username (empty password) or as `writeKey`"
        )
    source = await ingest.sources.resolve(key)
    if source is None:
        raise WriteKeyRefused("unknown or revoked write key")
    return source


def remember(ingest: IngestContext, source: SourceRef, at: datetime, result: IngestResult) -> None:
    """Keep the request's events for the live debugger (a bounded ring per source)."""
    ingest.recent.record(
        source.workspace_id,
        source.source_id,
        at,
        published=result.published,
        encoded=result.encoded,
        duplicates=result.duplicates,
        rejections=result.rejections,
    )


def answer(ingest: IngestContext, endpoint: str, result: IngestResult, *, single: bool) -> Response:
    """Count the outcome and answer: 200 unless nothing at all could be accepted."""
    metrics = ingest.metrics
    metrics.received.labels(endpoint).inc(result.received)
    for reason, count in Counter(r.reason.value for r in result.rejections).items():
        metrics.rejected.labels(reason).inc(count)
    for route, count in Counter(r.route for r in result.published).items():
        metrics.accepted.labels(_TOPIC_LABELS[route]).inc(count)
    for code, count in Counter(r[ROUTE] for r in result.encoded).items():
        metrics.accepted.labels(_TOPIC_LABELS[ROUTES[code]]).inc(count)
    if result.duplicates:
        metrics.deduplicated.inc(len(result.duplicates))
    unassigned = result.unassigned
    if unassigned:
        metrics.unassigned.inc(unassigned)
    if result.rejections and result.accepted == 0:
        if single:
            (only,) = result.rejections
            raise InvalidRequest(only.reason, only.message, rejections=result.rejections)
        raise InvalidRequest(
            Reason.NO_VALID_EVENTS,
            f"none of the {result.received} events is valid; see `errors`",
            rejections=result.rejections,
        )
    return Response(orjson.dumps(result.as_json()), media_type="application/json")


def _unavailable_reason(error: Exception) -> str:
    if isinstance(error, DuplicateInFlight):
        return "duplicate_in_flight"
    if isinstance(error, PublishFailed):
        return "kafka_unavailable"
    return "store_unavailable"
