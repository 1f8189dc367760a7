"""The console's users, for administrators: who may see which workspaces, in which role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.responses import RedirectResponse, Response

from banso_console.adapters import users
from banso_console.api.deps import (
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    SessionDep,
    SignedIn,
    SignedInDep,
    page,
)
from banso_console.domain.forms import NewUserInput, check_new_user
from banso_console.domain.roles import ROLES

router = APIRouter(prefix="/admin", tags=["administration"])
REFUSAL = "only administrators manage users"


async def _users_page(
    context: ConsoleContext,
    signed_in: SignedIn,
    db: SessionDep,
    *,
    form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    created: str | None = None,
    status_code: int = 200,
) -> Response:
    listed = await users.list_users(db, sharing=signed_in.viewer.workspaces)
    values: dict[str, Any] = {
        "users": [
            {
                "email": user.email,
                "role": user.role,
                "workspaces": users.workspaces_of(user),
                "locale": user.locale,
            }
            for user in listed
        ],
        "roles": ROLES,
        # what to type in the workspaces field: the ids, each beside its name
        "yours": ", ".join(
            f"{signed_in.workspace_names[ws]} ({ws})" if ws in signed_in.workspace_names else ws
            for ws in signed_in.viewer.workspaces
        ),
        "form": form or {"email": "", "role": "viewer", "workspaces": ""},
        "problems": problems or {},
        # Only a user this page lists: the address bar cannot make it announce anything else.
        "created": created if created in {user.email for user in listed} else None,
    }
    return page(context, signed_in, "admin_users.html", values, status_code=status_code)


@router.get("/users", summary="The console's users.")
async def list_users(
    signed_in: SignedInDep, context: ContextDep, db: SessionDep, created: str | None = None
) -> Response:
    """Users who share a workspace with the administrator, and a form to add one."""
    signed_in.require("administer", REFUSAL)
    return await _users_page(context, signed_in, db, created=created)


@router.post("/users", summary="Add a user.")
async def add_user(
    signed_in: CheckedFormDep,
    context: ContextDep,
    db: SessionDep,
    email: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    workspaces: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Create a user; a problem is shown at its field, with what was typed (but the password)."""
    signed_in.require("administer", REFUSAL)
    typed = {"email": email, "role": role, "workspaces": workspaces}
    checked = check_new_user(
        NewUserInput(email=email, password=password, role=role, workspaces=workspaces),
        grantable=signed_in.viewer.workspaces,
        roles=ROLES,
    )
    problems: dict[str, str] = dict(checked.problems)
    if not problems and await users.find_by_email(db, email=email) is not None:
        problems["email"] = "taken"
    if problems:
        return await _users_page(
            context, signed_in, db, form=typed, problems=problems, status_code=422
        )
    user = await users.create_user(
        db, email=email, password=password, role=role, workspaces=checked.workspaces
    )
    return RedirectResponse(f"/admin/users?created={user.email}", status_code=303)
