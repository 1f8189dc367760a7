"""The tracking endpoints served in front of the app's routing: the hot path, kept lean.

Every `POST` to a tracking path (`tracking.ENDPOINTS`) is answered here, by the same code the
declared routes run (`tracking.serve`), and its exceptions by the app's own exception handlers, so
the answers are the same byte for byte; only FastAPI's routing, dependency solving (a sync
dependency is a thread hand-off per request) and the inner middlewares are skipped. The routes stay
declared, so the OpenAPI documents these paths, and anything else (another method, a mounted root
path) still goes through them. Mounted inside the other middlewares (CORS, correlation ids and HTTP
metrics, which read the route template this sets in the scope).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from banso_ingest.api.tracking import ENDPOINTS, Endpoint, router, serve


class TrackingFastPath:
    def __init__(
        self,
        app: ASGIApp,
        *,
        exception_handlers: Mapping[Any, Any],
    ) -> None:
        self.app = app
        # The app's mapping itself (handlers may still be added after this is built).
        self._handlers = exception_handlers
        # The routes as declared (included without a prefix): what the router would have matched.
        declared = {r.path: r for r in router.routes if isinstance(r, APIRoute)}
        self._served: dict[str, tuple[Endpoint, APIRoute | None]] = {
            path: (endpoint, declared.get(path)) for path, endpoint in ENDPOINTS.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            self._served.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path")
            else None
        )
        if found is None:
            await self.app(scope, receive, send)
            return
        endpoint, route = found
        scope["route"] = route  # what the router would record: metrics label by its template
        request = Request(scope, receive)
        try:
            response = await serve(request, endpoint)
        except Exception as error:
            handler = self._handler_for(error)
            if handler is None:
                raise
            response = await self._handle(handler, request, error)
        await response(scope, receive, send)

    def _handler_for(self, error: Exception) -> Any:
        """The app's handler for this exception, looked up as Starlette's ExceptionMiddleware
        does (by the exception's class, then its bases); none for an unexpected one (500)."""
        for cls in type(error).__mro__:
            if cls in (Exception, BaseException):
                return None
            handler = self._handlers.get(cls)
            if handler is not None:
                return handler
        return None

    @staticmethod
    async def _handle(handler: Any, request: Request, error: Exception) -> Response:
        if inspect.iscoroutinefunction(handler):
            answer: Response = await handler(request, error)
        else:
            answer = await run_in_threadpool(handler, request, error)
        return answer
