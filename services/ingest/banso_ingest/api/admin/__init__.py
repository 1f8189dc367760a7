"""The admin API (`/v1/admin/...`): workspaces, sources and write keys, API tokens, audit log.
Only the operator's admin token opens it (security.py)."""

from __future__ import annotations

from fastapi import APIRouter

from banso_ingest.api.admin import audit, events, sources, tokens, workspaces


def admin_router() -> APIRouter:
    router = APIRouter()
    for part in (workspaces, sources, tokens, audit, events):
        router.include_router(part.router)
    return router
