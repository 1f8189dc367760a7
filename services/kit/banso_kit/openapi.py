"""The one error body every 4xx/5xx of every service carries, as an OpenAPI response model, and
the helper routes use to declare which error statuses they can answer:

    @router.get("/v1/things/{id}", responses=errors(401, 403, 404, 422))
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    """One thing wrong with the request."""

    field: str = Field(
        description="Where, e.g. `query.limit` or `traits.email`; empty: the request."
    )
    message: str = Field(description="What is wrong with it (English).")
    code: str | None = Field(
        default=None,
        description="A stable code for the problem (pydantic's error type: `missing`, "
        "`greater_than_equal`, …), to word it in another language.",
        examples=["greater_than_equal"],
    )
    params: dict[str, str | int | float | bool] | None = Field(
        default=None,
        description='The values the problem\'s wording needs, e.g. `{"ge": 0}`.',
    )


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


# What every route behind a workspace token can answer: no or a bad token, a missing scope, an
# invalid parameter or body. Services add it to their token routers (`include_router(responses=)`).
TOKEN_ERRORS = errors(401, 403, 422)
# The operator routes behind the admin token.
ADMIN_ERRORS = errors(401, 422)
# The largest `offset` a list accepts: deeper pages are not browsed, and databases refuse integers
# past 64 bits (a 5xx before this bound).
MAX_OFFSET = 1_000_000


_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def install_openapi(
    app: FastAPI,
    *,
    schemas: dict[str, Any] | None = None,
    security_schemes: dict[str, Any] | None = None,
) -> None:
    """The app's OpenAPI with every validation answer (422) declared as the kit's `ErrorBody`,
    which is what `errors.install_error_handlers` sends, not FastAPI's default shape; plus the
    `schemas` and `security_schemes` that routes name in `openapi_extra` (bodies they read
    themselves, credentials they check themselves)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            components = spec.setdefault("components", {})
            components.setdefault("schemas", {}).update(schemas or {})
            components.setdefault("securitySchemes", {}).update(security_schemes or {})
            _use_error_body(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _use_error_body(spec: dict[str, Any]) -> None:
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    replaced = False
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                # An HTML route's errors are JSON all the same (the kit's handlers answer them).
                content = answer.get("content", {})
                if status[0] in "45" and "application/json" not in content:
                    for media_type, body in list(content.items()):
                        if body.get("schema", {}).get("$ref", "").endswith("/ErrorBody"):
                            content["application/json"] = content.pop(media_type)
            answer = operation.get("responses", {}).get("422")
            content = (answer or {}).get("content", {}).get("application/json", {})
            if content.get("schema", {}).get("$ref") == _FASTAPI_422:
                content["schema"] = {"$ref": "#/components/schemas/ErrorBody"}
                answer["description"] = _DESCRIPTIONS[422]
                replaced = True
    if replaced:
        if "ErrorBody" not in schemas:
            for name, schema in ErrorBody.model_json_schema(
                ref_template="#/components/schemas/{model}"
            ).items():
                if name == "$defs":
                    schemas.update(schema)
            schemas["ErrorBody"] = {
                k: v
                for k, v in ErrorBody.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                ).items()
                if k != "$defs"
            }
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


# The largest integer id a database row can have (64-bit signed): a larger one in a path or body
# is refused as invalid (422) rather than failing in the database driver (5xx).
MAX_ID = 2**63 - 1
