"""Goals agreed with the customer and the account's own onboarding milestones."""

from __future__ import annotations

import orjson
from fastapi import APIRouter

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.clock import epoch
from banso_kit.errors import Unprocessable
from banso_scoring.adapters import evaluation_requests, plans
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.reading import current_scorecard
from banso_scoring.api.schemas import GoalsBody, MilestonesBody
from banso_scoring.domain.durations import format_duration

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["goals and milestones"])


def _names_unique(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise Unprocessable(
                f"{field}[{index}].name: {name!r} is used twice",
                detail={"problems": [f"{field}[{index}].name: {name!r} is used twice"]},
            )
        seen.add(name)


@router.get("/goals", response_model=GoalsBody)
async def get_goals(account_id: str, principal: ReaderDep, session: ReadSessionDep) -> GoalsBody:
    """The KPIs agreed with this customer."""
    key = (principal.workspace_id, account_id)
    stored = await plans.load_plans(session, keys={key})
    return GoalsBody(goals=list(stored.get(key, ((), ()))[0]))


@router.put("/goals", response_model=GoalsBody)
async def put_goals(
    account_id: str, body: GoalsBody, principal: WriterDep, session: SessionDep, context: ContextDep
) -> GoalsBody:
    """Replace the account's goals; health is recomputed with them."""
    _names_unique([goal.name for goal in body.goals], "goals")
    _, _, scorecard = await current_scorecard(session, context, principal.workspace_id)
    limit = scorecard.max_goal_window
    problems = [
        f"goals[{i}].window: at most {format_duration(limit)} (the scorecard's max_goal_window)"
        for i, goal in enumerate(body.goals)
        if goal.window > limit
    ]
    if problems:
        raise Unprocessable("goal windows are too long", detail={"problems": problems})
    document = orjson.dumps([goal.model_dump(mode="json") for goal in body.goals]).decode()
    await plans.save_plan(
        session,
        workspace_id=principal.workspace_id,
        account_id=account_id,
        goals=document,
        at=epoch(context.clock),
        by=principal.token_id,
    )
    await evaluation_requests.request_evaluation(
        session, workspace_id=principal.workspace_id, account_id=account_id, cause="goals"
    )
    return body


@router.get("/milestones", response_model=MilestonesBody)
async def get_milestones(
    account_id: str, principal: ReaderDep, session: ReadSessionDep
) -> MilestonesBody:
    """The account's own onboarding milestones (beside the scorecard's)."""
    key = (principal.workspace_id, account_id)
    stored = await plans.load_plans(session, keys={key})
    return MilestonesBody(milestones=list(stored.get(key, ((), ()))[1]))


@router.put("/milestones", response_model=MilestonesBody)
async def put_milestones(
    account_id: str,
    body: MilestonesBody,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> MilestonesBody:
    """Replace the account's own milestones; one named like a scorecard milestone replaces it."""
    _names_unique([milestone.name for milestone in body.milestones], "milestones")
    document = orjson.dumps([m.model_dump(mode="json") for m in body.milestones]).decode()
    await plans.save_plan(
        session,
        workspace_id=principal.workspace_id,
        account_id=account_id,
        milestones=document,
        at=epoch(context.clock),
        by=principal.token_id,
    )
    await evaluation_requests.request_evaluation(
        session, workspace_id=principal.workspace_id, account_id=account_id, cause="milestones"
    )
    return body
