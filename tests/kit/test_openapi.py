"""Each service's OpenAPI tells the truth a client is built from: it is valid OpenAPI 3, every
error status a route answers is declared with the one error body the kit sends, credentials are
declared as security schemes (so `/docs` can authorise), and bodies and answers are typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate

from banso_bridge.config import BridgeSettings
from banso_bridge.main import create_app as bridge_app
from banso_ingest.config import IngestSettings
from banso_ingest.main import create_app as ingest_app
from banso_notify.config import NotifySettings
from banso_notify.main import create_app as notify_app
from banso_scoring.config import ScoringSettings
from banso_scoring.main import create_app as scoring_app

APPS: dict[str, Callable[[], FastAPI]] = {
    "ingest": lambda: ingest_app(IngestSettings()),
    "scoring": lambda: scoring_app(ScoringSettings()),
    "bridge": lambda: bridge_app(BridgeSettings()),
    "notify": lambda: notify_app(NotifySettings()),
}
ERROR_BODY = "#/components/schemas/ErrorBody"
# Answers that are not JSON by design: the unsubscribe pages are HTML for a person.
HTML = {("/v1/unsubscribe", "get"), ("/v1/unsubscribe", "post")}
UNTYPED_FOR_NOW: set[tuple[str, str]] = set()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/v1/")
    ]


@pytest.fixture(params=sorted(APPS))
def spec(request: pytest.FixtureRequest) -> dict[str, Any]:
    openapi: dict[str, Any] = APPS[request.param]().openapi()
    return openapi


def test_the_spec_is_valid_openapi_3(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_error_status_answers_with_the_kits_error_body(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["ErrorBody"]
    assert set(schema["required"]) == {"error", "detail"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, method, operation in _operations(spec):
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        assert errors, f"{method.upper()} {path} declares no error answer"
        for status, answer in errors.items():
            body = answer["content"]["application/json"]["schema"]
            assert body == {"$ref": ERROR_BODY}, f"{method.upper()} {path} {status}: {body}"


def test_credentials_are_security_schemes_and_their_refusals_are_declared(
    spec: dict[str, Any],
) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["AdminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The operator's admin token (`BANSO_ADMIN_TOKEN`).",
    }
    for path, method, operation in _operations(spec):
        names = {name for requirement in operation.get("security", []) for name in requirement}
        for name in names:
            assert name in schemes, f"{method.upper()} {path} names an undeclared scheme {name}"
        if names:
            assert "401" in operation["responses"], f"{method.upper()} {path} omits its 401"
        if "BearerToken" in names:
            assert schemes["BearerToken"]["scheme"] == "bearer"
            assert "403" in operation["responses"], f"{method.upper()} {path} omits its 403"
        if path.startswith("/v1/admin/"):
            assert names == {"AdminToken"}, f"{method.upper()} {path}: {names}"


def test_answers_are_typed(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        if (path, method) in HTML | UNTYPED_FOR_NOW:
            continue
        for status, answer in operation["responses"].items():
            if status[0] != "2" or status == "204":
                continue
            schema = answer["content"]["application/json"]["schema"]
            typed = "$ref" in schema or "$ref" in schema.get("items", {})
            assert typed, f"{method.upper()} {path} {status} answers an untyped {schema}"


def test_ingest_documents_the_segment_message_shapes_and_the_write_key() -> None:
    spec = ingest_app(IngestSettings()).openapi()
    assert spec["components"]["securitySchemes"]["WriteKey"]["scheme"] == "basic"
    schemas = spec["components"]["schemas"]
    for path, shape in [
        ("/v1/track", "Track"),
        ("/v1/identify", "Identify"),
        ("/v1/group", "Group"),
        ("/v1/page", "Page"),
        ("/v1/screen", "Screen"),
        ("/v1/alias", "Alias"),
        ("/v1/batch", "Batch"),
        ("/v1/import", "Batch"),
    ]:
        operation = spec["paths"][path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{shape}"}
        assert operation["security"] == [{"WriteKey": []}]
        assert set(operation["responses"]) == {"200", "400", "401", "429", "503"}
    assert schemas["Track"]["required"] == ["event"]
    assert schemas["Group"]["required"] == ["groupId"]
    assert schemas["Batch"]["properties"]["batch"]["maxItems"] == 2_500
    feedback = spec["paths"]["/v1/feedback"]["post"]["requestBody"]
    assert "anyOf" in feedback["content"]["application/json"]["schema"]
