"""One error hierarchy for every service, and the handler that turns it into JSON."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from banso_kit.problem_codes import code_of


class BansoError(Exception):
    """Base of every error a service reports to a client: a message and an HTTP status."""

    status_code = 400
    error = "bad_request"

    def __init__(self, message: str, *, detail: Any = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code

    def headers(self) -> dict[str, str]:
        return {}


class InvalidInput(BansoError):
    status_code = 400
    error = "invalid_input"


class Unauthorized(BansoError):
    status_code = 401
    error = "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(BansoError):
    status_code = 403
    error = "forbidden"


class NotFound(BansoError):
    status_code = 404
    error = "not_found"


class Conflict(BansoError):
    status_code = 409
    error = "conflict"


class Unprocessable(BansoError):
    status_code = 422
    error = "unprocessable"


class _RetryLater(BansoError):
    def __init__(self, message: str, *, retry_after_s: int = 1, detail: Any = None) -> None:
        super().__init__(message, detail=detail)
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class TooManyRequests(_RetryLater):
    status_code = 429
    error = "too_many_requests"


class ServiceUnavailable(_RetryLater):
    status_code = 503
    error = "service_unavailable"


class Retryable(Exception):
    """Raised by a handler when the failure is temporary (a sink or database is down): the consumer
    retries the batch later instead of dead-lettering the message."""


class PublishError(Exception):
    """Kafka did not acknowledge a message. Never swallowed: callers decide (503, retry, crash)."""


def error_body(error: str, detail: Any) -> dict[str, Any]:
    return {"error": error, "detail": detail}


async def _banso_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BansoError)
    detail = exc.message if exc.detail is None else {"message": exc.message, **_as_dict(exc.detail)}
    return JSONResponse(
        error_body(exc.error, detail), status_code=exc.status_code, headers=exc.headers()
    )


def _as_dict(detail: Any) -> dict[str, Any]:
    return detail if isinstance(detail, dict) else {"info": detail}


async def _validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        code, params = code_of(err)
        problems.append(
            {
                "field": ".".join(str(part) for part in err.get("loc", ()) if part != "body"),
                "message": err.get("msg", "invalid"),
                "code": code,
                "params": params,
            }
        )
    return JSONResponse(error_body("invalid_input", problems), status_code=422)


# Starlette's own refusals (no such route, method not allowed, ...) carry the same body.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    503: "service_unavailable",
}


# FastAPI answers a body it cannot decode (not UTF-8) with this 400, and one that is not JSON with a
# 422: both are the same mistake, answered alike.
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _http_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        problem = {"field": "", "message": "the body is not JSON text in UTF-8"}
        return JSONResponse(error_body("invalid_input", [problem]), status_code=422)
    code = _HTTP_CODES.get(exc.status_code, "error" if exc.status_code < 500 else "server_error")
    return JSONResponse(
        error_body(code, exc.detail), status_code=exc.status_code, headers=exc.headers
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BansoError, _banso_error_handler)
    app.add_exception_handler(HTTPException, _http_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
