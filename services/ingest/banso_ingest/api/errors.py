"""How ingest's refusals are answered: the kit's `{"error", "detail"}` plus Segment's keys.

Segment's libraries read `code` and `message` from an error body (analytics-python raises
`APIError(status, code, message)`), so every ingest error carries both spellings. 429 and 503 carry
`Retry-After`, which the libraries honour before retrying.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request, Response

from banso_ingest.domain.ports import PublishFailed, StoreUnavailable
from banso_ingest.domain.rejections import InvalidRequest
from banso_ingest.service.intake import DuplicateInFlight


class WriteKeyRefused(Exception):
    """No write key, an unknown or revoked one, or two different ones in one request."""


class Overloaded(Exception):
    """This worker already handles as much as it may; the client should retry shortly."""


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    detail: dict[str, Any] = {"message": message, **(extra or {})}
    body = {"error": code, "detail": detail, "code": code, "message": message}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, InvalidRequest)
    extra = {"errors": [r.as_json() for r in error.rejections]} if error.rejections else None
    return error_response(400, error.reason.value, error.message, extra=extra)


async def _unauthorized(request: Request, error: Exception) -> Response:
    return error_response(
        401,
        "unauthorized",
        str(error),
        headers={"WWW-Authenticate": 'Basic realm="banso-ingest"'},
    )


async def _overloaded(request: Request, error: Exception) -> Response:
    seconds = request.state.ingest.settings.retry_after_overloaded_s
    return error_response(429, "overloaded", str(error), headers={"Retry-After": str(seconds)})


async def _unavailable(request: Request, error: Exception) -> Response:
    settings = request.state.ingest.settings
    if isinstance(error, DuplicateInFlight):
        code, seconds = "duplicate_in_flight", settings.retry_after_overloaded_s
    elif isinstance(error, PublishFailed):
        code, seconds = "kafka_unavailable", settings.retry_after_unavailable_s
    else:
        code, seconds = "store_unavailable", settings.retry_after_unavailable_s
    message = f"{error}; nothing of this request was accepted, retry it"
    return error_response(503, code, message, headers={"Retry-After": str(seconds)})


def install_ingest_errors(app: FastAPI) -> None:
    app.add_exception_handler(InvalidRequest, _invalid)
    app.add_exception_handler(WriteKeyRefused, _unauthorized)
    app.add_exception_handler(Overloaded, _overloaded)
    for unavailable in (PublishFailed, StoreUnavailable, DuplicateInFlight):
        app.add_exception_handler(unavailable, _unavailable)
