"""`/healthz` (the process is alive), `/readyz` (Kafka and the database answer), `/metrics`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import BaseModel, Field

Check = Callable[[], Awaitable[None]]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str] = Field(description="Each dependency: `ok`, or `failed: <why>`.")


def health_router(
    checks: Callable[[Request], dict[str, Check]],
    registry: Callable[[Request], CollectorRegistry],
    *,
    timeout_s: float = 3.0,
) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive.")
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Kafka and the database are reachable.",
        responses={
            200: {"model": Readiness, "description": "Ready."},
            503: {"model": Readiness, "description": "Not ready; `checks` names what fails."},
        },
    )
    async def readyz(request: Request) -> JSONResponse:
        """Kafka and the database are reachable."""
        results: dict[str, str] = {}
        ready = True
        for name, check in checks(request).items():
            try:
                await asyncio.wait_for(check(), timeout_s)
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                ready = False
                results[name] = f"failed: {exc}"[:300]
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": results},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics.", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Several worker processes: aggregate what every worker wrote (see serve.py).
            combined = CollectorRegistry()
            MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
            return Response(generate_latest(combined), media_type=CONTENT_TYPE_LATEST)
        return Response(generate_latest(registry(request)), media_type=CONTENT_TYPE_LATEST)

    return router
