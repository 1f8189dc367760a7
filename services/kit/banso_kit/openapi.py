"""The one error body every 4xx/5xx of every service carries, as an OpenAPI response model, and
the helper routes use to declare which error statuses they can answer:

    @router.get("/v1/things/{id}", responses=errors(401, 403, 404, 422))
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    """One thing wrong with the request."""

    field: str = Field(
        description="Where, e.g. `query.limit` or `traits.email`; empty: the request."
    )
    message: str = Field(description="What is wrong with it.")


class ErrorBody(BaseModel):
    """The body of every error answer (`banso_kit.errors`)."""

    error: str = Field(
        description="A stable code: `invalid_input`, `unauthorized`, `forbidden`, `not_found`, "
        "`conflict`, `unprocessable`, `payload_too_large`, `too_many_requests`, "
        "`service_unavailable`, …",
        examples=["not_found"],
    )
    detail: str | list[FieldProblem] | dict[str, Any] | None = Field(
        description="A message for a person; for invalid input the list of fields at fault; "
        "or an object with `message` and what else explains the refusal.",
        examples=["no account 'acme' in this workspace"],
    )


_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed.",
    401: "No valid credentials: the token or key is missing, wrong, expired or revoked.",
    403: "The credentials lack the scope, or belong to another workspace.",
    404: "No such resource.",
    405: "The method is not allowed here.",
    409: "The change conflicts with the resource's current state.",
    413: "The request body is too large.",
    415: "The request body is not JSON.",
    422: "The request is invalid; `detail` names each field at fault.",
    429: "Too many requests: retry after `Retry-After` seconds.",
    503: "Temporarily unavailable (a dependency is down): retry after `Retry-After` seconds.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route answering these error statuses with the kit's error body."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "Refused.")}
        for status in statuses
    }
