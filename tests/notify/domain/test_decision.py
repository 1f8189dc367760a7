"""The decision engine: send now, hold until the window opens, or suppress with a reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from banso_notify.domain.caps import SentRecord
from banso_notify.domain.decision import CSM_HOLDOUT, decide
from banso_notify.domain.facts import (
    AccountFacts,
    Audience,
    Band,
    Channel,
    Recipient,
    SuppressionState,
    UserFacts,
)
from banso_notify.domain.outcomes import HoldReason, Outcome, SuppressReason
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.reroute import REROUTE_TEMPLATE

from .builders import NOW, account, open_policy, playbook, request, user

POLICY = WorkspacePolicy()
BIG = account("bigco", arr=250_000, csm={"id": "csm-1", "email": "kei@vendor.example"})


def to(channel: str) -> dict[str, object]:
    return {"steps": [{"send": {"channel": channel, "template": "hello"}}]}


def test_an_eligible_nudge_is_sent_now_with_its_address_and_locale() -> None:
    person = Recipient.for_user(user(locale="ja-JP"), "acme")

    decision = decide(request(recipient=person), POLICY, NOW)

    assert decision.outcome is Outcome.SEND
    assert decision.delivery is not None
    assert decision.delivery.address == "u1@example.com"
    assert decision.delivery.locale == "ja"
    assert decision.delivery.channel is Channel.EMAIL


def test_outside_the_audience_is_skipped_not_suppressed() -> None:
    book = playbook(audience=[{"field": "plan", "value": "enterprise"}])

    assert decide(request(book), POLICY, NOW).outcome is Outcome.SKIP


def test_quiet_hours_hold_until_the_recipients_window_opens() -> None:
    night_owl = Recipient.for_user(
        user(timezone="Asia/Tokyo"), "acme"
    )  # 19:00 → 10:00 UTC is 19:00
    late = NOW + timedelta(hours=2)  # 21:00 in Tokyo

    decision = decide(request(recipient=night_owl), POLICY, late)

    assert decision.outcome is Outcome.HOLD
    assert decision.reason == HoldReason.QUIET_HOURS
    assert decision.until == datetime(2025, 3, 5, 0, 0, tzinfo=UTC)  # 09:00 Tokyo


def test_a_held_nudge_is_sent_when_decided_again_at_the_opening() -> None:
    night_owl = Recipient.for_user(user(timezone="Asia/Tokyo"), "acme")
    held = decide(request(recipient=night_owl), POLICY, NOW + timedelta(hours=2))

    assert held.until is not None
    assert decide(request(recipient=night_owl), POLICY, held.until).outcome is Outcome.SEND


def test_account_time_zone_is_used_when_the_user_has_none() -> None:
    person = Recipient.for_user(user(timezone=None), "acme")
    facts = account(timezone="Asia/Tokyo")

    decision = decide(request(recipient=person, facts=facts), POLICY, NOW + timedelta(hours=2))

    assert decision.outcome is Outcome.HOLD


def test_in_app_messages_ignore_quiet_hours() -> None:
    night_owl = Recipient.for_user(user(timezone="Asia/Tokyo"), "acme")

    decision = decide(
        request(playbook(**to("inapp")), recipient=night_owl), POLICY, NOW + timedelta(hours=2)
    )

    assert decision.outcome is Outcome.SEND


def test_unsubscribe_is_honoured_on_every_channel() -> None:
    gone = SuppressionState(unsubscribed=True)
    for channel in ("email", "inapp", "slack", "webhook"):
        decision = decide(request(playbook(**to(channel)), suppression=gone), open_policy(), NOW)

        assert decision.outcome is Outcome.SUPPRESS, channel
        assert decision.reason == SuppressReason.UNSUBSCRIBED


def test_the_suppression_list_blocks_with_its_reason() -> None:
    bounced = SuppressionState(suppressed_reason="hard_bounce")

    decision = decide(request(suppression=bounced), POLICY, NOW)

    assert (decision.outcome, decision.reason, decision.detail) == (
        Outcome.SUPPRESS,
        SuppressReason.SUPPRESSED,
        "hard_bounce",
    )


def test_a_missing_address_is_suppressed_not_failed() -> None:
    nobody = Recipient.for_user(user(email=None), "acme")

    decision = decide(request(recipient=nobody), POLICY, NOW)

    assert (decision.outcome, decision.reason) == (Outcome.SUPPRESS, SuppressReason.NO_ADDRESS)


def test_a_missing_address_is_awaited_for_the_workspaces_grace_then_suppressed() -> None:
    # identify and track travel on different topics: the first event may beat the address
    nobody = Recipient.for_user(user(email=None), "acme")
    policy = WorkspacePolicy(address_wait_s=60)
    planned = request(recipient=nobody, planned_at=NOW)

    early = decide(planned, policy, NOW + timedelta(seconds=1))
    assert (early.outcome, early.reason) == (Outcome.HOLD, HoldReason.AWAITING_ADDRESS)
    assert early.until == NOW + timedelta(seconds=3)  # decided again soon
    near_the_end = decide(planned, policy, NOW + timedelta(seconds=59))
    assert near_the_end.until == NOW + timedelta(seconds=60)  # never past the grace

    late = decide(planned, policy, NOW + timedelta(seconds=60))
    assert (late.outcome, late.reason) == (Outcome.SUPPRESS, SuppressReason.NO_ADDRESS)
    no_wait = decide(planned, WorkspacePolicy(address_wait_s=0), NOW)
    assert no_wait.outcome is Outcome.SUPPRESS

    arrived = request(recipient=Recipient.for_user(user(), "acme"), planned_at=NOW)
    assert decide(arrived, policy, NOW + timedelta(seconds=3)).outcome is Outcome.SEND


def test_caps_suppress_with_the_rule_that_was_hit() -> None:
    colleague_got_it = SentRecord(
        at=NOW - timedelta(hours=3),
        channel=Channel.EMAIL,
        playbook_id="nudge",
        recipient_key="user:u2",
        account_id="acme",
    )

    decision = decide(request(history=[colleague_got_it]), POLICY, NOW)

    assert (decision.outcome, decision.reason, decision.detail) == (
        Outcome.SUPPRESS,
        SuppressReason.FREQUENCY_CAP,
        "account_same_playbook_daily",
    )


def test_high_touch_accounts_get_a_csm_alert_instead_of_the_email() -> None:
    decision = decide(request(facts=BIG), POLICY, NOW)

    assert decision.outcome is Outcome.QUEUE_CSM
    assert decision.delivery is not None
    assert decision.delivery.recipient.audience is Audience.CSM
    assert decision.delivery.address == "kei@vendor.example"
    assert decision.delivery.template == REROUTE_TEMPLATE
    assert decision.delivery.rerouted_from is not None
    assert decision.delivery.rerouted_from.recipient_id == "u1"


def test_high_touch_by_segment_prefers_the_slack_channel() -> None:
    strategic = account(
        "s", segment="Enterprise", csm={"id": "c", "slack_webhook_url": "http://127.0.0.1/x"}
    )

    decision = decide(request(facts=strategic), POLICY, NOW)

    assert decision.delivery is not None
    assert decision.delivery.channel is Channel.SLACK
    assert decision.delivery.address == "http://127.0.0.1/x"


def test_high_touch_without_a_csm_sends_nothing_automated() -> None:
    orphan = account("bigco", arr=250_000)

    decision = decide(request(facts=orphan), POLICY, NOW)

    assert (decision.outcome, decision.reason) == (
        Outcome.SUPPRESS,
        SuppressReason.HIGH_TOUCH_NO_CSM,
    )


def test_an_email_for_an_account_not_yet_described_waits_for_its_traits() -> None:
    # group and track travel on different topics: whether the account is high-touch is unknown
    unknown = AccountFacts(account_id="bigco")
    policy = WorkspacePolicy(address_wait_s=60)
    planned = replace(request(facts=unknown, planned_at=NOW), accounts_described=True)

    early = decide(planned, policy, NOW + timedelta(seconds=1))
    assert (early.outcome, early.reason) == (Outcome.HOLD, HoldReason.AWAITING_ACCOUNT)
    assert early.until == NOW + timedelta(seconds=3)  # decided again soon
    described = replace(request(facts=BIG, planned_at=NOW), accounts_described=True)
    assert decide(described, policy, NOW + timedelta(seconds=3)).outcome is Outcome.QUEUE_CSM
    # never described within the wait: decided on what is known, as an ordinary account
    assert decide(planned, policy, NOW + timedelta(seconds=60)).outcome is Outcome.SEND
    assert decide(planned, WorkspacePolicy(address_wait_s=0), NOW).outcome is Outcome.SEND
    # the wait is only for what the traits decide: in-app messages are never rerouted
    in_app = request(playbook(**to("inapp")), facts=unknown, planned_at=NOW)
    assert decide(replace(in_app, accounts_described=True), policy, NOW).outcome is Outcome.SEND
    # a workspace that never sends accounts' traits has none on the way: nothing to wait for
    assert decide(replace(planned, accounts_described=False), policy, NOW).outcome is Outcome.SEND


def test_an_audience_on_account_traits_waits_for_them_before_skipping() -> None:
    # "plan: enterprise" cannot be judged before the account's traits arrive
    unknown = AccountFacts(account_id="newco")
    policy = WorkspacePolicy(address_wait_s=60)
    book = playbook(**to("inapp"), audience=[{"field": "plan", "value": "enterprise"}])
    planned = replace(request(book, facts=unknown, planned_at=NOW), accounts_described=True)

    early = decide(planned, policy, NOW + timedelta(seconds=1))
    assert (early.outcome, early.reason) == (Outcome.HOLD, HoldReason.AWAITING_ACCOUNT)
    arrived = replace(planned, account=account("newco", plan="enterprise"))
    assert decide(arrived, policy, NOW + timedelta(seconds=3)).outcome is Outcome.SEND
    # never described within the wait: outside the audience, as before
    assert decide(planned, policy, NOW + timedelta(seconds=60)).outcome is Outcome.SKIP
    # an audience on the person's traits does not wait for the account's
    on_role = playbook(**to("inapp"), audience=[{"field": "role", "value": "admin"}])
    by_role = replace(request(on_role, facts=unknown, planned_at=NOW), accounts_described=True)
    assert decide(by_role, policy, NOW).outcome is Outcome.SKIP


def test_a_nudge_for_a_person_not_identified_yet_waits_for_their_identify() -> None:
    # identify and track travel on different topics: on a channel that needs no personal
    # address, the message would otherwise go out without the person's name and language
    anonymous = Recipient.for_user(UserFacts(user_id="u1", account_id="acme"), "acme")
    policy = open_policy(address_wait_s=60, webhook_url="http://127.0.0.1/hook")
    book = playbook(**to("webhook"))
    planned = replace(request(book, recipient=anonymous, planned_at=NOW), people_identified=True)

    early = decide(planned, policy, NOW + timedelta(seconds=1))
    assert (early.outcome, early.reason) == (Outcome.HOLD, HoldReason.AWAITING_PERSON)
    assert early.until == NOW + timedelta(seconds=3)  # decided again soon
    known = replace(planned, recipient=Recipient.for_user(user(locale="ja"), "acme"))
    sent = decide(known, policy, NOW + timedelta(seconds=3))
    assert sent.outcome is Outcome.SEND
    assert sent.delivery is not None
    assert sent.delivery.locale == "ja"
    # never identified within the wait: decided on what is known (the workspace's language)
    late = decide(planned, policy, NOW + timedelta(seconds=60))
    assert late.outcome is Outcome.SEND
    assert late.delivery is not None
    assert late.delivery.locale == "en"
    # an e-mail has nobody to go to then: suppressed as before
    email = replace(request(recipient=anonymous, planned_at=NOW), people_identified=True)
    assert decide(email, policy, NOW + timedelta(seconds=1)).reason == HoldReason.AWAITING_PERSON
    assert decide(email, policy, NOW + timedelta(seconds=60)).reason == SuppressReason.NO_ADDRESS
    # a workspace that never identifies its people has nobody on the way: nothing to wait for
    unknown_people = replace(planned, people_identified=False)
    assert decide(unknown_people, policy, NOW).outcome is Outcome.SEND
    # an unsubscribed person is not kept waiting
    gone = replace(planned, suppression=SuppressionState(unsubscribed=True))
    assert decide(gone, policy, NOW).reason == SuppressReason.UNSUBSCRIBED


def test_a_person_whose_identify_carried_no_traits_is_identified_and_not_kept_waiting() -> None:
    # the identify is the source saying who the person is, traits or not: nothing more is coming
    bare = Recipient.for_user(UserFacts(user_id="u1", account_id="acme", identified=True), "acme")
    policy = open_policy(address_wait_s=300, webhook_url="http://127.0.0.1/hook")
    planned = replace(
        request(playbook(**to("webhook")), recipient=bare, planned_at=NOW), people_identified=True
    )

    decision = decide(planned, policy, NOW + timedelta(seconds=1))

    assert decision.outcome is Outcome.SEND
    assert decision.delivery is not None
    assert decision.delivery.locale == "en"  # no language given: the workspace's
    # an audience on their traits is decided at once: they are outside it, not waited for
    on_role = playbook(**to("webhook"), audience=[{"field": "role", "value": "admin"}])
    by_role = replace(planned, playbook=on_role)
    assert decide(by_role, policy, NOW + timedelta(seconds=1)).outcome is Outcome.SKIP
    # their address is another matter: an e-mail still waits for it, then is suppressed
    email = replace(request(recipient=bare, planned_at=NOW), people_identified=True)
    held = decide(email, policy, NOW + timedelta(seconds=1))
    assert (held.outcome, held.reason) == (Outcome.HOLD, HoldReason.AWAITING_ADDRESS)
    assert decide(email, policy, NOW + timedelta(seconds=300)).reason == SuppressReason.NO_ADDRESS


def test_a_csm_alert_never_waits_for_a_persons_identify() -> None:
    csm = Recipient.for_csm(BIG.csm, "bigco")  # type: ignore[arg-type]
    planned = replace(request(recipient=csm, facts=BIG, planned_at=NOW), people_identified=True)

    decision = decide(planned, WorkspacePolicy(address_wait_s=60), NOW)

    assert decision.outcome is Outcome.QUEUE_CSM


def test_an_audience_on_the_persons_traits_waits_for_their_identify() -> None:
    anonymous = Recipient.for_user(UserFacts(user_id="u1", account_id="acme"), "acme")
    policy = WorkspacePolicy(address_wait_s=60)
    on_role = playbook(**to("inapp"), audience=[{"field": "role", "value": "admin"}])
    planned = replace(request(on_role, recipient=anonymous, planned_at=NOW), people_identified=True)

    early = decide(planned, policy, NOW + timedelta(seconds=1))
    assert (early.outcome, early.reason) == (Outcome.HOLD, HoldReason.AWAITING_PERSON)
    admin = replace(planned, recipient=Recipient.for_user(user(role="admin"), "acme"))
    assert decide(admin, policy, NOW + timedelta(seconds=3)).outcome is Outcome.SEND
    # never identified within the wait: outside the audience
    assert decide(planned, policy, NOW + timedelta(seconds=60)).outcome is Outcome.SKIP


def test_in_app_messages_to_high_touch_accounts_are_not_rerouted() -> None:
    decision = decide(request(playbook(**to("inapp")), facts=BIG), POLICY, NOW)

    assert decision.outcome is Outcome.SEND


def test_csm_alerts_wait_for_the_csms_next_review_time() -> None:
    csm = Recipient.for_csm(BIG.csm, "bigco")  # type: ignore[arg-type]
    policy = WorkspacePolicy(csm_review_times=[time(9), time(13)])

    decision = decide(request(recipient=csm, facts=BIG), policy, NOW)

    assert decision.outcome is Outcome.QUEUE_CSM
    assert decision.until == datetime(2025, 3, 4, 13, 0, tzinfo=UTC)


def test_a_csm_alert_without_a_csm_is_reported_as_no_address() -> None:
    unassigned = Recipient(audience=Audience.CSM, recipient_id="unassigned", account_id="acme")

    decision = decide(request(playbook(**to("slack")), recipient=unassigned), POLICY, NOW)

    assert (decision.outcome, decision.reason) == (Outcome.SUPPRESS, SuppressReason.NO_ADDRESS)


def test_a_held_out_account_is_suppressed_with_reason_holdout() -> None:
    book = playbook(holdout_percent=90)
    outcomes = {
        decide(request(book, facts=account(f"acct-{i}")), POLICY, NOW).reason for i in range(40)
    }

    assert outcomes == {None, SuppressReason.HOLDOUT}


def test_a_holdout_on_the_way_to_a_csm_says_so_and_stays_out_of_the_customer_experiment() -> None:
    # its treated twin becomes a CSM alert, not a customer e-mail: enrolling the held-out one
    # alone would put high-touch accounts in the holdout arm only
    book = playbook(holdout_percent=90)
    csm = {"id": "csm-1", "email": "kei@vendor.example"}
    big = [account(f"big-{i}", arr=250_000, csm=csm) for i in range(40)]
    small = [account(f"small-{i}") for i in range(40)]
    rerouted = [decide(request(book, facts=facts), POLICY, NOW) for facts in big]
    customer = [decide(request(book, facts=facts), POLICY, NOW) for facts in small]

    held = {(d.reason, d.detail) for d in rerouted if d.outcome is Outcome.SUPPRESS}
    assert held == {(SuppressReason.HOLDOUT, CSM_HOLDOUT)}
    held = {(d.reason, d.detail) for d in customer if d.outcome is Outcome.SUPPRESS}
    assert held == {(SuppressReason.HOLDOUT, None)}


def test_holdout_is_applied_after_caps_so_it_only_holds_would_be_sends() -> None:
    book = playbook(holdout_percent=90)
    gone = SuppressionState(unsubscribed=True)
    reasons = {
        decide(request(book, facts=account(f"acct-{i}"), suppression=gone), POLICY, NOW).reason
        for i in range(40)
    }

    assert reasons == {SuppressReason.UNSUBSCRIBED}


def test_a_wait_step_holds_until_it_is_due() -> None:
    due = NOW + timedelta(days=2)

    decision = decide(request(due_at=due), POLICY, NOW)

    assert (decision.outcome, decision.reason, decision.until) == (
        Outcome.HOLD,
        HoldReason.WAIT_STEP,
        due,
    )


def test_later_steps_stop_once_the_goal_is_reached() -> None:
    book = playbook(
        steps=[
            {"send": {"channel": "email", "template": "hello"}},
            {"wait": "3d"},
            {"send": {"channel": "inapp", "template": "hello"}},
        ]
    )

    first = decide(request(book, goal_reached=True), POLICY, NOW)
    second = decide(request(book, step=1, goal_reached=True), POLICY, NOW)

    assert first.outcome is Outcome.SEND
    assert (second.outcome, second.reason) == (Outcome.SUPPRESS, SuppressReason.GOAL_REACHED)


def test_a_playbook_switched_off_meanwhile_suppresses_its_pending_nudges() -> None:
    decision = decide(request(playbook(enabled=False)), POLICY, NOW)

    assert (decision.outcome, decision.reason) == (
        Outcome.SUPPRESS,
        SuppressReason.PLAYBOOK_DISABLED,
    )


def test_webhook_and_slack_use_the_workspace_channels() -> None:
    policy = open_policy(webhook_url="http://127.0.0.1:9/hook")

    hook = decide(request(playbook(**to("webhook"))), policy, NOW)
    slack = decide(request(playbook(**to("slack"))), policy, NOW)

    assert hook.delivery is not None
    assert hook.delivery.address == "http://127.0.0.1:9/hook"
    assert (slack.outcome, slack.reason) == (Outcome.SUPPRESS, SuppressReason.NO_ADDRESS)


def test_band_filters_use_the_accounts_health() -> None:
    book = playbook(audience=[{"field": "band", "value": "red"}])

    assert decide(request(book, facts=account(band=Band.RED)), POLICY, NOW).outcome is Outcome.SEND
    assert (
        decide(request(book, facts=account(band=Band.GREEN)), POLICY, NOW).outcome is Outcome.SKIP
    )


def test_a_trigger_older_than_max_trigger_age_is_suppressed_as_stale() -> None:
    day_old = timedelta(hours=24, minutes=1)

    stale = decide(request(trigger_age=day_old), POLICY, NOW)
    patient = decide(request(playbook(max_trigger_age="3d"), trigger_age=day_old), POLICY, NOW)

    assert (stale.outcome, stale.reason) == (Outcome.SUPPRESS, SuppressReason.STALE)
    assert patient.outcome is Outcome.SEND
    assert decide(request(trigger_age=timedelta(hours=23)), POLICY, NOW).outcome is Outcome.SEND


def test_a_stale_trigger_is_not_held_for_a_wait_step_or_quiet_hours() -> None:
    night_owl = Recipient.for_user(user(timezone="Asia/Tokyo"), "acme")
    old = timedelta(days=40)

    waiting = decide(request(due_at=NOW + timedelta(days=2), trigger_age=old), POLICY, NOW)
    at_night = decide(
        request(recipient=night_owl, trigger_age=old), POLICY, NOW + timedelta(hours=2)
    )

    assert waiting.reason == SuppressReason.STALE
    assert at_night.reason == SuppressReason.STALE
