"""Invalid input answered with the kit's body: each field at fault with its English message and
a stable code and parameters a client can word in its reader's language."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from banso_kit.errors import install_error_handlers


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daily: Annotated[int, Field(ge=0, le=1000)]


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.put("/v1/budget")
    async def put_budget(budget: Budget) -> Budget:
        return budget

    return app


async def test_each_field_at_fault_has_a_code_and_its_parameters() -> None:
    transport = httpx.ASGITransport(_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.put("/v1/budget", json={"daily": 5000, "colour": "blue"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_input"
    by_field = {problem["field"]: problem for problem in body["detail"]}
    assert by_field["daily"]["code"] == "less_than_equal"
    assert by_field["daily"]["params"] == {"le": 1000}
    assert "1000" in by_field["daily"]["message"]
    assert (by_field["colour"]["code"], by_field["colour"]["params"]) == ("extra_forbidden", {})
