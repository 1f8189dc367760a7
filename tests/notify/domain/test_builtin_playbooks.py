"""The built-in playbooks do what the issue promises, in Japanese and English."""

from __future__ import annotations

from datetime import UTC, datetime

from banso_notify.builtin import builtin_playbooks
from banso_notify.domain.caps import SentRecord
from banso_notify.domain.decision import decide
from banso_notify.domain.facts import AccountFacts, Band, Recipient
from banso_notify.domain.holdout import in_holdout
from banso_notify.domain.outcomes import Outcome
from banso_notify.domain.playbook import Playbook, RecipientKind
from banso_notify.domain.signals import HealthSignal, MetricSignal, TicketResolvedSignal
from banso_notify.domain.templates import TemplateRenderer

from .builders import WORKSPACE, account, open_policy, request, user

AT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
CONTEXT = {
    "user": {"name": "Hanako Yamada", "first_name": "Hanako", "last_name": "山田"},
    "account": {"name": "Acme", "arr": 12000, "seats": 20},
    "product": {"name": "Acme App", "url": "https://app.example"},
    "health": {"score": 31, "previous_score": 55},
    "drivers": ["Logins fell 60 % in two weeks", "3 open support tickets"],
    "ticket": {"title": "CSV export fails", "url": "https://tracker.example/T-1"},
    "metric": {"name": "seat_utilisation", "value": 0.95},
}


def book(playbook_id: str) -> Playbook:
    return next(item for item in builtin_playbooks() if item.id == playbook_id)


def render_all(item: Playbook, locale: str) -> str:
    renderer = TemplateRenderer(product_name="Acme App")
    out = []
    for step in item.send_steps():
        template = item.templates[step.send.template][locale]
        message = renderer.render(
            template, CONTEXT, locale=locale, unsubscribe_url="https://u.example/x"
        )
        out.append(f"{message.subject}\n{message.text}\n{message.html or ''}")
    return "\n".join(out)


def test_health_red_alert_goes_to_the_csm_with_the_drivers() -> None:
    item = book("health-red-csm-alert")
    signal = HealthSignal(
        workspace_id="ws",
        account_id="acme",
        event_id="h",
        occurred_at=AT,
        band=Band.RED,
        score=31,
        previous_band=Band.YELLOW,
        previous_score=55,
    )

    assert item.trigger.matches(signal)
    assert item.recipient.kind is RecipientKind.CSM
    for locale in ("en", "ja"):
        text = render_all(item, locale)
        assert "Logins fell 60 % in two weeks" in text
        assert "3 open support tickets" in text


def test_an_account_without_arr_reads_unknown_in_the_csm_messages() -> None:
    renderer = TemplateRenderer(product_name="Acme App")
    context = {**CONTEXT, "account": {"name": "Acme", "arr": None, "seats": 20}}
    for playbook_id in ("health-red-csm-alert", "seat-expansion-heads-up"):
        item = book(playbook_id)
        template = item.templates[item.send_steps()[0].send.template]
        english = renderer.render(template["en"], context, locale="en", unsubscribe_url=None).text
        japanese = renderer.render(template["ja"], context, locale="ja", unsubscribe_url=None).text
        assert "ARR unknown" in english, english
        assert "ARR 不明" in japanese, japanese
        assert "None" not in english + japanese


def test_seat_expansion_heads_up_fires_above_ninety_percent() -> None:
    item = book("seat-expansion-heads-up")
    crossing = MetricSignal(
        workspace_id="ws",
        account_id="acme",
        event_id="m",
        occurred_at=AT,
        metric="seat_utilisation",
        value=0.95,
        previous=0.88,
    )

    assert item.trigger.matches(crossing)
    assert "95" in render_all(item, "en")
    assert "95%" in render_all(item, "ja")


def test_ticket_resolved_tells_every_reporter_even_at_one_account() -> None:
    item = book("ticket-resolved-reporters")
    signal = TicketResolvedSignal(
        workspace_id="ws",
        account_id="acme",
        event_id="t",
        occurred_at=AT,
        ticket_id="T-1",
        title="CSV export fails",
        reporter_user_ids=("u1", "u2"),
    )

    assert item.trigger.matches(signal)
    assert sends_to_two_people_at_one_account(item, account()) == [Outcome.SEND, Outcome.SEND]
    assert "CSV export fails" in render_all(item, "en")
    assert "修正しました" in render_all(item, "ja")


def test_customer_texts_are_localised() -> None:
    onboarding = render_all(book("onboarding-first-key-action"), "ja")
    reengage = render_all(book("re-engagement-14d"), "ja")

    assert "山田 様" in onboarding
    assert "2週間" in reengage
    assert "Hanako" in render_all(book("onboarding-first-key-action"), "en")


def test_onboarding_reaches_every_new_person_at_an_account() -> None:
    item = book("onboarding-first-key-action")
    policy = open_policy()
    treated = next(
        f"acct-{n}"
        for n in range(100)
        if not in_holdout(
            item.holdout_percent,
            salt=policy.holdout_salt,
            workspace_id=WORKSPACE,
            playbook_id=item.id,
            account_id=f"acct-{n}",
        )
    )

    outcomes = sends_to_two_people_at_one_account(item, account(treated))

    assert outcomes == [Outcome.SEND, Outcome.SEND]


def sends_to_two_people_at_one_account(item: Playbook, facts: AccountFacts) -> list[Outcome]:
    history: list[SentRecord] = []
    outcomes = []
    for person in ("u1", "u2"):
        recipient = Recipient.for_user(user(person, facts.account_id), facts.account_id)
        decision = decide(
            request(item, recipient=recipient, facts=facts, history=history), open_policy(), AT
        )
        outcomes.append(decision.outcome)
        channel = item.send_steps()[0].send.channel
        history.append(SentRecord(AT, channel, item.id, recipient.key, facts.account_id))
    return outcomes
