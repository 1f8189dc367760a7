"""Recipients: the user, the account's users by role, the CSM, or a ticket's reporters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from banso_notify.domain.facts import Audience, UserFacts
from banso_notify.domain.playbook import RecipientKind, RecipientSpec
from banso_notify.domain.recipients import resolve_recipients
from banso_notify.domain.signals import TicketResolvedSignal, UsageSignal

from .builders import account, user

AT = datetime(2025, 3, 4, tzinfo=UTC)
USERS = {
    "u1": user("u1", role="admin"),
    "u2": user("u2", role="member"),
    "u3": user("u3", role="Owner"),
}
USAGE = UsageSignal(
    workspace_id="ws", account_id="acme", event_id="e", occurred_at=AT, user_id="u2", event="x"
)


def ids(spec: RecipientSpec, signal: object = USAGE, **traits: object) -> list[str]:
    found = resolve_recipients(spec, signal, account(**traits), USERS)  # type: ignore[arg-type]
    return [recipient.recipient_id for recipient in found]


def test_user_is_the_person_in_the_event() -> None:
    assert ids(RecipientSpec(kind=RecipientKind.USER)) == ["u2"]


def test_account_users_can_be_narrowed_by_role() -> None:
    assert ids(RecipientSpec(kind=RecipientKind.ACCOUNT_USERS)) == ["u1", "u2", "u3"]
    assert ids(RecipientSpec(kind=RecipientKind.ACCOUNT_USERS, roles=["admin", "owner"])) == [
        "u1",
        "u3",
    ]


def test_csm_comes_from_the_account_trait() -> None:
    found = resolve_recipients(
        RecipientSpec(kind=RecipientKind.CSM), USAGE, account(csm="kei@vendor.example"), USERS
    )

    assert [(r.audience, r.email) for r in found] == [(Audience.CSM, "kei@vendor.example")]


def test_the_csm_is_read_in_every_shape_scoring_reads_the_owner() -> None:
    # Scoring (and the console's owner) take `csm_email`, a `csm` e-mail or name, or a `csm`
    # object: an account whose traits say csm_email only still gets its CSM's alerts.
    def csm(**traits: Any) -> tuple[str, str | None, str | None] | None:
        contact = account(**traits).csm
        return None if contact is None else (contact.csm_id, contact.email, contact.name)

    assert csm(csm_email="kei@vendor.example") == ("kei@vendor.example", "kei@vendor.example", None)
    assert csm(csm="Kei Sato", csm_email="kei@vendor.example") == (
        "kei@vendor.example",
        "kei@vendor.example",
        "Kei Sato",
    )
    assert csm(csm={"name": "Kei Sato"}, csm_email="kei@vendor.example") == (
        "kei@vendor.example",
        "kei@vendor.example",
        "Kei Sato",
    )
    assert csm(csm={"id": "u-7", "email": "kei@vendor.example"}, csm_email="x@vendor.example") == (
        "u-7",
        "kei@vendor.example",
        None,
    )
    assert csm(csm="Kei Sato") == ("Kei Sato", None, "Kei Sato")
    assert csm(csm="", csm_email="") is None
    found = resolve_recipients(
        RecipientSpec(kind=RecipientKind.CSM),
        USAGE,
        account(csm_email="kei@vendor.example"),
        USERS,
    )
    assert [(r.audience, r.email) for r in found] == [(Audience.CSM, "kei@vendor.example")]


def test_an_account_without_csm_still_yields_an_addressee_to_report_the_miss() -> None:
    found = resolve_recipients(RecipientSpec(kind=RecipientKind.CSM), USAGE, account(), USERS)

    assert [(r.audience, r.email) for r in found] == [(Audience.CSM, None)]


def test_reporters_are_the_people_who_reported_the_ticket() -> None:
    resolved = TicketResolvedSignal(
        workspace_id="ws",
        account_id="acme",
        event_id="t",
        occurred_at=AT,
        ticket_id="T-1",
        title="Export fails",
        reporter_user_ids=("u2", "u1", "u2"),
    )

    assert ids(RecipientSpec(kind=RecipientKind.REPORTERS), resolved) == ["u2", "u1"]


def test_an_account_that_reported_without_a_person_tells_its_admins() -> None:
    resolved = TicketResolvedSignal(
        workspace_id="ws",
        account_id="acme",
        event_id="t",
        occurred_at=AT,
        ticket_id="T-1",
        title="Export fails",
        reporter_account_ids=("acme",),
    )

    assert ids(RecipientSpec(kind=RecipientKind.REPORTERS), resolved) == ["u1", "u3"]


def test_a_person_reads_by_their_name_else_first_and_last_name_else_their_address() -> None:
    def shown(**traits: str) -> str | None:
        return UserFacts(user_id="u1", traits=traits).display_name

    assert shown(name="山田 花子", email="hanako@example.jp") == "山田 花子"
    assert shown(firstName="Ana", lastName="Lima", email="ana@example.com") == "Ana Lima"
    assert shown(first_name="Ana") == "Ana"
    assert shown(email="ana@example.com") == "ana@example.com"
    assert shown() is None
    assert shown(name="  ") is None  # blank is not a name
