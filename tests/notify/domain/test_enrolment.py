"""Enrolment rows: both arms' goal windows open at the trigger's event time."""

from __future__ import annotations

from datetime import timedelta

from banso_notify.service.drafts import NudgeDraft
from banso_notify.service.enrol import enrolment_row

from .builders import NOW, WORKSPACE, playbook

TRIGGERED = NOW - timedelta(days=20)  # a replayed export, decided 20 days of event time later


def draft(*, variant: str = "treatment", kind: str = "user") -> NudgeDraft:
    return NudgeDraft(
        id="n1",
        workspace_id=WORKSPACE,
        idempotency_key="k1",
        playbook_id="nudge",
        playbook_version=1,
        step_index=0,
        account_id="acme",
        user_id="u1" if kind == "user" else None,
        recipient_kind=kind,
        recipient_id="u1" if kind == "user" else "csm-1",
        recipient_key=f"{kind}:u1",
        channel="email",
        template="hello",
        trigger_event_id="e1",
        created_at=NOW,
        updated_at=NOW,
        variant=variant,
        context={"signal": {"type": "UsageSignal", "occurred_at": TRIGGERED.isoformat()}},
    )


GOAL = {"event": "Report Scheduled", "within": "7d"}


def test_treated_and_held_out_windows_open_at_the_trigger_not_the_decision() -> None:
    for variant in ("treatment", "holdout"):
        row = enrolment_row(draft(variant=variant), playbook(goal=GOAL), at=NOW)

        assert row is not None
        assert row["variant"] == variant
        assert row["started_at"] == TRIGGERED
        assert row["window_ends_at"] == TRIGGERED + timedelta(days=7)
        assert row["converted_at"] is None


def test_only_customer_nudges_of_playbooks_with_a_goal_enter_the_experiment() -> None:
    assert enrolment_row(draft(), playbook(), at=NOW) is None
    assert enrolment_row(draft(kind="csm"), playbook(goal=GOAL), at=NOW) is None
