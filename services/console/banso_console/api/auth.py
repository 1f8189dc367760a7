"""Sign in and out."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from banso_console.adapters import sessions, sign_in_failures, users
from banso_console.adapters.sessions import ANONYMOUS_TTL_S
from banso_console.api.deps import (
    SESSION_COOKIE,
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    CsrfRefused,
    SessionDep,
)
from banso_console.domain.forms import LoginInput, check_login
from banso_console.domain.language import SUPPORTED, choose
from banso_console.domain.throttle import Throttle, after_failure, wait_s
from banso_console.models import ConsoleSession

router = APIRouter(tags=["sign-in"])


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another origin (`//host`, `https://...`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _set_cookie(response: Response, context: ConsoleContext, cookie: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=max_age,
        httponly=True,
        secure=context.settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def _login_page(
    context: ConsoleContext,
    record: ConsoleSession,
    locale: str,
    *,
    email: str = "",
    next_url: str = "/",
    problems: dict[str, str] | None = None,
    retry_minutes: int = 0,
    status_code: int = 200,
) -> Response:
    values: dict[str, Any] = {
        "viewer": None,
        "csrf_token": record.csrf_token,
        "email": email,
        "next_url": next_url,
        "problems": problems or {},
        "retry_minutes": retry_minutes,
    }
    return context.renderer.render(locale, "login.html", values, status_code=status_code)


@router.get("/login", summary="The sign-in form.")
async def login_form(
    request: Request,
    context: ContextDep,
    db: SessionDep,
    next_url: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """The sign-in form."""
    cookie = request.cookies.get(SESSION_COOKIE)
    record = await sessions.find_session(db, cookie=cookie)
    if record is not None and record.user_id is not None:
        return RedirectResponse(_safe_next(next_url), status_code=303)
    locale = choose(lang if lang in SUPPORTED else None, request.headers.get("accept-language"))
    opened = None
    if record is None:
        opened = await sessions.open_session(db, user_id=None, ttl_s=ANONYMOUS_TTL_S)
        record = opened.record
    response = _login_page(context, record, locale, next_url=_safe_next(next_url))
    if opened is not None:
        _set_cookie(response, context, opened.cookie, ANONYMOUS_TTL_S)
    return response


@router.post("/login", summary="Sign in.")
async def login(
    request: Request,
    context: ContextDep,
    db: SessionDep,
    email: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=2000)] = "/",
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Check the email and password; on success start a new session."""
    cookie = request.cookies.get(SESSION_COOKIE)
    record = await sessions.find_session(db, cookie=cookie)
    if record is None or not sessions.csrf_matches(record.csrf_token, csrf_token):
        raise CsrfRefused("the sign-in form expired or was not sent from this site: reload it")
    locale = choose(lang if lang in SUPPORTED else None, request.headers.get("accept-language"))
    problems = check_login(LoginInput(email=email, password=password))
    if problems:
        return _login_page(
            context,
            record,
            locale,
            email=email,
            next_url=_safe_next(next_url),
            problems=dict(problems.by_field),
            status_code=422,
        )
    # Refused before the password is checked: a right guess during the wait gets no signal.
    throttle = Throttle(context.settings.sign_in_max_failures, context.settings.sign_in_window_s)
    key = sign_in_failures.key_of(email, request.client.host if request.client else "")
    now = time.time()
    failures = await sign_in_failures.find(db, key=key)
    wait = wait_s(throttle, failures, now)
    if wait:
        response = _login_page(
            context,
            record,
            locale,
            email=email,
            next_url=_safe_next(next_url),
            problems={"password": "too_many_attempts"},
            retry_minutes=-(-wait // 60),
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = await users.authenticate(db, email=email, password=password)
    if user is None or user.id is None:
        failures = after_failure(throttle, failures, now)
        await sign_in_failures.save(db, key=key, failures=failures)
        return _login_page(
            context,
            record,
            locale,
            email=email,
            next_url=_safe_next(next_url),
            problems={"password": "wrong_credentials"},
            status_code=401,
        )
    await sign_in_failures.clear(db, key=key)
    # A new session id on sign-in, so a session planted before it cannot be ridden after it.
    await sessions.close_session(db, cookie=cookie)
    await sessions.forget_expired(db)
    opened = await sessions.open_session(db, user_id=user.id, ttl_s=context.settings.session_idle_s)
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    _set_cookie(response, context, opened.cookie, context.settings.session_idle_s)
    return response


@router.post("/logout", summary="Sign out.")
async def logout(request: Request, _: CheckedFormDep, db: SessionDep) -> Response:
    """End the session."""
    await sessions.close_session(db, cookie=request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
