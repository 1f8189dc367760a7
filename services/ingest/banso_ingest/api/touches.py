"""`POST /v1/accounts/{account_id}/touches`: a CS touch a CSM logged (from the console), with a
workspace API token of `write` scope."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from banso_ingest.api.deps import IngestDep
from banso_ingest.domain.ports import SourceRef
from banso_ingest.domain.touches import CsTouch, TouchKind, touch_item, touch_problem, touch_ref
from banso_kit.api import WriterDep
from banso_kit.errors import Unprocessable
from banso_kit.openapi import errors

router = APIRouter(tags=["cs touches"])
# The source the console's touches are published from (no write key: a workspace token).
CONSOLE_SOURCE = "console"


class TouchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: TouchKind = Field(description="call, meeting, email or qbr.")
    occurred_at: AwareDatetime = Field(description="When it happened (event time), with a zone.")
    note: str = Field(min_length=1, max_length=4000, description="What was said or agreed.")
    touch_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_]{8,64}$",
        description="The client's id for the touch: sent again, it is not logged twice.",
    )


class TouchLogged(BaseModel):
    touch_ref: str = Field(
        description="The CSM note's `external_id` in every service: touch-<kind>-<id>."
    )
    account_id: str
    kind: TouchKind
    occurred_at: AwareDatetime
    duplicate: bool = Field(description="This touch had been logged before.")


@router.post(
    "/v1/accounts/{account_id}/touches",
    status_code=201,
    response_model=TouchLogged,
    responses=errors(401, 403, 422, 503),
)
async def log_touch(
    account_id: Annotated[str, Path(min_length=1, max_length=256)],
    body: TouchIn,
    principal: WriterDep,
    ingest: IngestDep,
    x_banso_actor: Annotated[
        str | None,
        Header(
            max_length=320,
            pattern=r"^[^\x00-\x1f\x7f]*$",
            description="Who logged the touch (the console sends its signed-in user): the CSM "
            "note's `author`.",
        ),
    ] = None,
) -> TouchLogged:
    """Log a CS touch: published as a CSM note (scoring's CS touch, the bridge's feedback)."""
    touch = CsTouch(
        account_id=account_id,
        kind=body.kind,
        occurred_at=body.occurred_at,
        note=body.note,
        touch_id=body.touch_id or uuid.uuid4().hex,
        author=(x_banso_actor or "").strip() or None,
    )
    now = ingest.clock.now()
    problem = touch_problem(touch, now=now)
    if problem is not None:
        field, message = problem
        raise Unprocessable(message, detail={"field": field})
    result = await ingest.intake.feedback(
        [touch_item(touch, received_at=now)],
        [],
        SourceRef(workspace_id=principal.workspace_id, source_id=CONSOLE_SOURCE),
    )
    return TouchLogged(
        touch_ref=touch_ref(touch),
        account_id=account_id,
        kind=touch.kind,
        occurred_at=touch.occurred_at,
        duplicate=bool(result.duplicates),
    )
