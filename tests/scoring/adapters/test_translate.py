"""Contract events become scoring facts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from banso_contracts.events import (
    AccountTraitsUpdated,
    FeedbackReceived,
    NudgeSent,
    NudgeSuppressed,
    Recipient,
    UsageRecorded,
)
from banso_scoring.adapters.translate import account_facts, owner
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, Touch, TraitsUpdate, Usage

WHEN = datetime(2025, 3, 3, 12, tzinfo=UTC)
RECEIVED = datetime(2025, 3, 3, 12, 0, 2, tzinfo=UTC)


def usage(**changes: Any) -> UsageRecorded:
    fields: dict[str, Any] = {
        "workspace_id": "ws_1",
        "source_id": "src",
        "account_id": "acme",
        "user_id": "u1",
        "kind": "track",
        "event": "Report Created",
        "properties": {"rows": 3},
        "message_id": "m1",
        "timestamp": WHEN,
        "received_at": RECEIVED,
    }
    fields.update(changes)
    return UsageRecorded.model_validate(fields)


def test_usage_becomes_a_usage_fact_stamped_with_its_receipt() -> None:
    facts = account_facts(usage())
    assert facts is not None
    assert (facts.workspace_id, facts.account_id) == ("ws_1", "acme")
    assert facts.received_at == RECEIVED.timestamp()
    assert facts.facts == (
        Usage(
            name="Report Created",
            at=WHEN.timestamp(),
            received_at=RECEIVED.timestamp(),
            user_id="u1",
            properties={"rows": 3},
        ),
    )


def test_usage_without_an_account_is_not_scored() -> None:
    assert account_facts(usage(account_id=None)) is None


def traits(values: dict[str, Any]) -> TraitsUpdate:
    event = AccountTraitsUpdated(
        workspace_id="ws_1",
        source_id="src",
        account_id="acme",
        traits=values,
        message_id="m2",
        timestamp=WHEN,
        received_at=RECEIVED,
    )
    facts = account_facts(event)
    assert facts is not None
    update = facts.facts[0]
    assert isinstance(update, TraitsUpdate)
    return update


def test_group_traits_are_read_in_the_spellings_people_send() -> None:
    update = traits(
        {
            "seats": "25",
            "plan": "Enterprise",
            "arr": "120,000",
            "renewal_date": "2025-09-30",
            "created_at": "2024-01-15T09:30:00",
            "timezone": "Asia/Tokyo",
            "csm_email": "aiko@example.com",
        }
    )
    assert update.seats == 25
    assert update.plan == "Enterprise"
    assert update.arr == 120_000
    assert update.renewal_at == datetime(2025, 9, 30, tzinfo=UTC).timestamp()
    assert update.created_at == datetime(2024, 1, 15, 9, 30, tzinfo=UTC).timestamp()
    assert update.timezone == "Asia/Tokyo"
    assert update.csm == "aiko@example.com"


@pytest.mark.parametrize(
    ("told", "expected"),
    [
        ({"csm_email": "aiko@example.com"}, ("aiko@example.com", None)),
        ({"csm": "aiko@example.com"}, ("aiko@example.com", None)),
        ({"csm": "Aiko Tanaka"}, ("Aiko Tanaka", "Aiko Tanaka")),
        (
            {"csm": {"name": "Michael Brooks", "email": "michael.brooks@example.com"}},
            ("michael.brooks@example.com", "Michael Brooks"),
        ),
        ({"csm": {"name": "Michael Brooks"}}, ("Michael Brooks", "Michael Brooks")),
        ({"csm": {"id": "csm_7", "name": "Kei Sato"}}, ("Kei Sato", "Kei Sato")),
        ({"csm": {"id": "csm_7"}}, ("csm_7", None)),
        # csm_email wins for the e-mail, as it always has; the csm trait may still name them
        (
            {"csm_email": "aiko@example.com", "csm": "ken@example.com"},
            ("aiko@example.com", None),
        ),
        (
            {"csm_email": "aiko@example.com", "csm": {"name": "Aiko Tanaka"}},
            ("aiko@example.com", "Aiko Tanaka"),
        ),
        ({"csm_email": "aiko@example.com", "csm": "Aiko"}, ("aiko@example.com", "Aiko")),
        ({"csm": {"name": " ", "email": 7}}, (None, None)),
        ({"csm": 42}, (None, None)),
        ({}, (None, None)),
    ],
)
def test_the_owner_is_read_in_every_shape_the_product_accepts(
    told: dict[str, Any], expected: tuple[str | None, str | None]
) -> None:
    """Who the portfolio's owner filter matches (their e-mail when known), and their name."""
    assert owner(told) == expected
    update = traits(told)
    assert (update.csm, update.csm_name) == expected


def test_unreadable_traits_are_ignored_not_guessed() -> None:
    update = traits({"seats": "many", "arr": -5, "renewal_date": "soon", "plan": 3})
    assert (update.seats, update.arr, update.renewal_at, update.plan) == (None, None, None, None)
    millis = traits({"created_at": 1_700_000_000_000, "seats": 12.0})
    assert millis.created_at == 1_700_000_000
    assert millis.seats == 12


def feedback(kind: str, text: str, score: float | None = None) -> Any:
    event = FeedbackReceived(
        workspace_id="ws_1",
        source_id="src",
        feedback_id="f1",
        account_id="acme",
        kind=kind,
        text=text,
        score=score,
        timestamp=WHEN,
        received_at=RECEIVED,
    )
    return account_facts(event)


def test_feedback_carries_sentiment_and_surveys() -> None:
    ticket = feedback("support_ticket", "The export is broken")
    assert ticket.negative
    assert ticket.facts == (
        FeedbackItem(at=WHEN.timestamp(), kind="support_ticket", text="The export is broken"),
    )
    nps = feedback("nps_comment", "Fine", score=4)
    assert nps.negative  # a detractor's comment is friction whatever its words
    assert nps.facts[1] == SurveyAnswer(at=WHEN.timestamp(), kind="nps", score=4)
    csat = feedback("support_ticket", "thanks, solved", score=5)
    assert not csat.negative
    assert csat.facts[1] == SurveyAnswer(at=WHEN.timestamp(), kind="csat", score=5)
    assert feedback("churn_reason", "budget cuts").negative


@pytest.mark.parametrize("score", [11, -1])
def test_out_of_scale_scores_are_not_surveys(score: float) -> None:
    assert len(feedback("nps_comment", "hm", score=score).facts) == 1


def test_a_csm_note_is_a_cs_touch_not_friction() -> None:
    note = feedback("csm_note", "Call went badly, they are angry")
    assert note.facts == (Touch(at=WHEN.timestamp(), kind="csm_note"),)
    assert not note.negative


def nudge(kind: type[NudgeSent] | type[NudgeSuppressed], **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "workspace_id": "ws_1",
        "nudge_id": "n1",
        "idempotency_key": "k",
        "playbook_id": "p",
        "playbook_version": 1,
        "account_id": "acme",
        "recipient": Recipient(kind="user", user_id="u1"),
        "channel": "email",
        "trigger_event_id": "e",
        "variant": "treatment",
        "occurred_at": WHEN,
    }
    fields.update(extra)
    return account_facts(kind.model_validate(fields))


def test_a_sent_nudge_is_a_touch_a_suppressed_one_is_not() -> None:
    sent = nudge(NudgeSent)
    assert sent.facts == (Touch(at=WHEN.timestamp(), kind="nudge"),)
    assert nudge(NudgeSuppressed, reason="holdout") is None
    assert nudge(NudgeSent, variant="holdout") is None
