"""Errors as pages: sign-in redirects, 403/404/503 pages in the reader's language."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from banso_console.api.deps import (
    ConsoleContext,
    NotSignedIn,
    SignedIn,
    get_signed_in,
    page_base,
)
from banso_console.domain.language import choose
from banso_kit.errors import BansoError


def _locale(request: Request) -> str:
    saved: str | None = getattr(request.state, "locale", None)
    return choose(saved, request.headers.get("accept-language"))


async def _banso_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BansoError)
    if isinstance(exc, NotSignedIn):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = "/login?" + urlencode({"next": target})
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": location})
        return RedirectResponse(location, status_code=303)
    context: ConsoleContext = request.state.console
    signed_in: SignedIn | None = getattr(request.state, "signed_in", None)
    return context.renderer.render(
        _locale(request),
        "error.html",
        {**page_base(signed_in), "status": exc.status_code, "error": exc.error},
        status_code=exc.status_code,
    )


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    context: ConsoleContext = request.state.console
    fields = sorted({str(err.get("loc", ("", ""))[-1]) for err in exc.errors()})
    return context.renderer.render(
        _locale(request),
        "error.html",
        {
            **page_base(getattr(request.state, "signed_in", None)),
            "status": 400,
            "error": "invalid_input",
            "fields": fields,
        },
        status_code=400,
    )


async def _reader(request: Request, context: ConsoleContext) -> SignedIn | None:
    """Who is reading, also where no page's dependencies ran (an unknown address): their
    language and header, not the browser's."""
    signed_in: SignedIn | None = getattr(request.state, "signed_in", None)
    if signed_in is None and request.cookies:
        async with context.db.session() as db:
            try:
                signed_in = await get_signed_in(request, context, db)
            except NotSignedIn:
                return None
    return signed_in


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (an unknown address, a wrong method) as pages too."""
    assert isinstance(exc, HTTPException)
    context: ConsoleContext = request.state.console
    status = exc.status_code if exc.status_code in {404, 405} else 400
    signed_in = await _reader(request, context)
    return context.renderer.render(
        _locale(request),
        "error.html",
        {**page_base(signed_in), "status": 404, "error": ""},
        status_code=status,
    )


def install_page_errors(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(BansoError, _banso_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
