"""Did it work? A playbook's sends, suppressions, conversions and uplift over its holdout, and
the enrolments behind them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.errors import NotFound
from banso_kit.openapi import MAX_OFFSET, errors
from banso_notify.adapters import nudge_store, playbook_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.api.report_schemas import EnrolmentPublic, PlaybookReportPublic
from banso_notify.domain.playbook import Playbook
from banso_notify.domain.report import PlaybookReport, ReportCounts, build_report

router = APIRouter(prefix="/v1/playbooks", tags=["reports"])
# Reports of several playbooks (beside /v1/playbooks/{id}, where "reports" could be an id).
every_playbook = APIRouter(prefix="/v1/reports", tags=["reports"])

_PENDING = (nudge_store.HELD, nudge_store.CSM_QUEUED, nudge_store.READY, nudge_store.SENDING)


@router.get("/{playbook_id}/report", response_model=PlaybookReportPublic, responses=errors(404))
async def report(playbook_id: str, principal: ReaderDep, session: ReadSessionDep) -> dict[str, Any]:
    """Sent, suppressed by reason, converted, holdout conversion and uplift with a 95 % CI."""
    stored = await playbook_store.get_playbook(
        session, workspace_id=principal.workspace_id, playbook_id=playbook_id
    )
    if stored is None:
        raise NotFound(f"no playbook {playbook_id!r} in this workspace")
    return await _report_of(session, principal.workspace_id, stored)


@every_playbook.get("/playbooks", response_model=list[PlaybookReportPublic])
async def reports_of_every_playbook(
    principal: ReaderDep, session: ReadSessionDep
) -> list[dict[str, Any]]:
    """The report of each of the workspace's playbooks (built-ins included), in one read: what
    a list of playbooks with their sends, suppressions and uplift needs."""
    found = await playbook_store.current_playbooks(session, workspace_id=principal.workspace_id)
    return [await _report_of(session, principal.workspace_id, stored) for stored in found]


async def _report_of(
    session: AsyncSession, workspace_id: str, stored: StoredPlaybook
) -> dict[str, Any]:
    playbook_id = stored.playbook.id
    counts = await nudge_store.count_by_state(
        session, workspace_id=workspace_id, playbook_id=playbook_id
    )
    arms = await nudge_store.arm_counts(session, workspace_id=workspace_id, playbook_id=playbook_id)
    suppressed: dict[str, int] = {}
    totals = {"sent": 0, "failed": 0, "pending": 0}
    for state, reason, count in counts:
        if state == nudge_store.SENT:
            totals["sent"] += count
        elif state == nudge_store.DEAD:
            totals["failed"] += count
        elif state in _PENDING:
            totals["pending"] += count
        elif state == nudge_store.SUPPRESSED:
            key = reason or "unknown"
            suppressed[key] = suppressed.get(key, 0) + count
    treated = arms.get("treatment", (0, 0, 0, 0))
    held_out = arms.get("holdout", (0, 0, 0, 0))
    result = build_report(
        playbook_id,
        ReportCounts(
            sent=totals["sent"],
            failed=totals["failed"],
            pending=totals["pending"],
            converted=treated[2],
            suppressed=suppressed,
            treatment_accounts=treated[0],
            treatment_accounts_converted=treated[1],
            holdout_accounts=held_out[0],
            holdout_accounts_converted=held_out[1],
            treatment_enrolments=treated[3],
            holdout_enrolments=held_out[3],
        ),
    )
    return _json(result, playbook=stored.playbook)


@router.get(
    "/{playbook_id}/enrolments", response_model=list[EnrolmentPublic], responses=errors(404)
)
async def enrolments(
    playbook_id: str,
    principal: ReaderDep,
    session: ReadSessionDep,
    variant: Literal["treatment", "holdout"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[dict[str, Any]]:
    """Who entered the experiment, in which arm, their goal window (event time) and conversion."""
    workspace_id = principal.workspace_id
    stored = await playbook_store.get_playbook(
        session, workspace_id=workspace_id, playbook_id=playbook_id
    )
    if stored is None:
        raise NotFound(f"no playbook {playbook_id!r} in this workspace")
    rows = await nudge_store.enrolments(
        session,
        workspace_id=workspace_id,
        playbook_id=playbook_id,
        variant=variant,
        limit=limit,
        offset=offset,
    )
    return [
        {
            "nudge_id": row.nudge_id,
            "account_id": row.account_id,
            "user_id": row.user_id,
            "variant": row.variant,
            "goal_event": row.goal_event,
            "goal_scope": row.goal_scope,
            "window_starts_at": row.started_at,
            "window_ends_at": row.window_ends_at,
            "converted_at": row.converted_at,
        }
        for row in rows
    ]


def _json(report: PlaybookReport, *, playbook: Playbook) -> dict[str, Any]:
    uplift = report.uplift
    goal = playbook.goal
    return {
        "playbook_id": report.playbook_id,
        "holdout_percent": playbook.holdout_percent,
        "unit": report.unit,
        "attribution": None
        if goal is None
        else {
            "clock": "event_time",
            "window_opens_at": "trigger",
            "goal_event": goal.event,
            "goal_scope": goal.scope.value,
            "window_seconds": int(goal.within.total_seconds()),
        },
        "sent": report.sent,
        "failed": report.failed,
        "pending": report.pending,
        "suppressed": report.suppressed,
        "converted": report.converted,
        "treatment": {
            "accounts": report.treatment.accounts,
            "converted": report.treatment.converted,
            "rate": report.treatment.rate,
            "enrolments": report.treatment.enrolments,
        },
        "holdout": {
            "accounts": report.holdout.accounts,
            "converted": report.holdout.converted,
            "rate": report.holdout.rate,
            "enrolments": report.holdout.enrolments,
        },
        "uplift": None
        if uplift is None
        else {
            "unit": report.unit,
            "n": {"treatment": report.treatment.accounts, "holdout": report.holdout.accounts},
            "converted": {
                "treatment": report.treatment.converted,
                "holdout": report.holdout.converted,
            },
            "difference": uplift.difference,
            "relative": uplift.relative,
            "ci95": {"low": uplift.newcombe_95.low, "high": uplift.newcombe_95.high},
            "wald_ci95": {"low": uplift.wald_95.low, "high": uplift.wald_95.high},
        },
        "method": report.method,
    }
