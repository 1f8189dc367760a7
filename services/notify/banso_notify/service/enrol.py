"""Experiment enrolments: a nudge sent (treatment) or held out, with its goal window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from banso_notify.domain.playbook import Playbook
from banso_notify.service.drafts import NudgeLike


def enrolment_row(nudge: NudgeLike, playbook: Playbook, *, at: datetime) -> dict[str, Any] | None:
    """Only customer nudges of playbooks with a goal are part of the experiment.

    Made once per nudge: when it is sent, or when the holdout keeps it back (both are one-way
    state changes of the nudge, so no second enrolment can follow).
    """
    if playbook.goal is None or nudge.recipient_kind != "user" or nudge.user_id is None:
        return None
    return {
        "nudge_id": nudge.id,
        "workspace_id": nudge.workspace_id,
        "playbook_id": nudge.playbook_id,
        "account_id": nudge.account_id,
        "user_id": nudge.user_id,
        "variant": nudge.variant,
        "goal_event": playbook.goal.event,
        "goal_scope": playbook.goal.scope.value,
        "started_at": at,
        "window_ends_at": at + playbook.goal.within,
        "converted_at": None,
    }
