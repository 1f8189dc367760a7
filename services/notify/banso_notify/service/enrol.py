"""Experiment enrolments: a nudge decided for sending (treatment) or held out, with its goal
window in event time (see :mod:`banso_notify.domain.attribution`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from banso_notify.domain.attribution import exposure_moment
from banso_notify.domain.playbook import Playbook
from banso_notify.service.drafts import NudgeLike


def enrolment_row(nudge: NudgeLike, playbook: Playbook, *, at: datetime) -> dict[str, Any] | None:
    """Only customer nudges of playbooks with a goal are part of the experiment.

    Made once per nudge, by the decision that sends it or holds it out: the holdout check is the
    decision's last step, so both arms enter at the same point (a treated nudge whose delivery
    later fails stays enrolled, as its held-out twin would). The window opens at the trigger's
    event time, not at ``at`` (the decision's moment), which serves only when the nudge does not
    know its trigger's time.
    """
    if playbook.goal is None or nudge.recipient_kind != "user" or nudge.user_id is None:
        return None
    started = exposure_moment(nudge.context, fallback=at)
    return {
        "nudge_id": nudge.id,
        "workspace_id": nudge.workspace_id,
        "playbook_id": nudge.playbook_id,
        "account_id": nudge.account_id,
        "user_id": nudge.user_id,
        "variant": nudge.variant,
        "goal_event": playbook.goal.event,
        "goal_scope": playbook.goal.scope.value,
        "started_at": started,
        "window_ends_at": started + playbook.goal.within,
        "converted_at": None,
    }
