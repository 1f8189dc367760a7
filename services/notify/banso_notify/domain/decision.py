"""The decision engine: for one recipient of one playbook step, send now, hold, or suppress.

Order of the checks, and why:

1. audience — a recipient outside the audience is simply not part of the playbook (no event);
   when the audience tests the account's traits and they have not arrived yet (see 6), or the
   person's and they have not been identified yet (see 5b), the nudge is held for them first;
2. playbook switched off since the nudge was planned → suppressed;
2b. a trigger older than the playbook's ``max_trigger_age`` → suppressed as ``stale`` (see
   ``DecisionInput.trigger_age``: how old the trigger is on the service's clock when planned,
   how long past its due time a held nudge is when released);
3. a wait step not yet due → held until it is;
4. a later step after the goal was reached → suppressed (the journey has done its job);
5. unsubscribe / suppression list → suppressed, whatever the channel;
5b. in a workspace that identifies its people, a person whose identify has not arrived yet
   (identify and track travel on different topics) → held the same way as for a missing address
   (8), then decided on what is known: the message would otherwise carry none of their traits
   (their name, their language); an audience on the person's traits waits for them too (1).
   An identify without traits ends the wait: the person is identified, there is nothing more;
6. high-touch account and a customer e-mail → rerouted as an alert to the account's CSM; in a
   workspace that sends its accounts' traits, an account whose traits have not arrived yet
   cannot be told high-touch or not (group and track travel on different topics too), so such
   an e-mail is held the same way as for a missing address (8), then decided on what is known;
7. CSM alerts (rerouted or by design) → holdout, then queued for the CSM's next review, where the
   daily budget is spent on the most at-risk, highest-ARR accounts
   (:mod:`banso_notify.domain.csm_budget`);
8. no address for the channel → held while the person may still be introduced (identify and
   track travel on different topics, so a first event can arrive before the address does), then
   suppressed once the workspace's ``address_wait_s`` has passed since the nudge was planned;
9. frequency caps (user and account, per channel and overall) → suppressed;
10. send window / quiet hours in the recipient's zone → held until they open (in-app messages
    disturb nobody and are exempt);
11. holdout → suppressed with reason ``holdout``. It comes last so that the holdout holds exactly
    the nudges that would otherwise have been sent, which keeps the uplift comparison fair.

A held nudge is decided again from the top when its time comes: caps and suppressions may have
changed while it waited. The holds for what travels on another topic (1, 5b, 6, 8: the person's
identify, the account's traits, the address) live in :mod:`banso_notify.domain.awaiting`; what a
decision is given and comes to, in :mod:`banso_notify.domain.outcomes`.

``now`` is the instant the decision is about: the trigger's event time when a nudge is planned
(quiet hours, send windows and caps are those of when it happened), the service's clock when a
held nudge comes due.
"""

from __future__ import annotations

from datetime import datetime

from banso_notify.domain.audience import audience_matches
from banso_notify.domain.awaiting import (
    hold_for_account,
    hold_for_address,
    hold_for_audience,
    hold_for_person,
)
from banso_notify.domain.caps import merge_caps, violated_cap
from banso_notify.domain.csm_budget import next_review_at
from banso_notify.domain.facts import AccountFacts, Audience, Channel, Recipient
from banso_notify.domain.holdout import in_holdout
from banso_notify.domain.outcomes import (
    Decision,
    DecisionInput,
    Delivery,
    HoldReason,
    Outcome,
    SuppressReason,
    suppress,
)
from banso_notify.domain.playbook import Playbook
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.reroute import REROUTE_TEMPLATE, reroute_templates
from banso_notify.domain.templates import choose_locale
from banso_notify.domain.windows import resolve_zone


def decide(request: DecisionInput, policy: WorkspacePolicy, now: datetime) -> Decision:
    playbook, recipient, account = request.playbook, request.recipient, request.account
    if recipient.audience is Audience.CUSTOMER and not audience_matches(
        playbook.audience, recipient, account
    ):
        waiting = hold_for_audience(request, policy, now)
        return waiting or Decision(Outcome.SKIP, reason="audience")
    if not playbook.enabled:
        return suppress(SuppressReason.PLAYBOOK_DISABLED)
    if request.trigger_age is not None and request.trigger_age > playbook.max_trigger_age:
        return suppress(SuppressReason.STALE)
    if request.due_at > now:
        return Decision(Outcome.HOLD, reason=HoldReason.WAIT_STEP, until=request.due_at)
    if request.goal_reached and request.step_index > 0:
        return suppress(SuppressReason.GOAL_REACHED)
    if recipient.audience is Audience.CUSTOMER:
        blocked = request.suppression.blocked_reason
        if blocked is not None:
            detail = request.suppression.suppressed_reason
            return suppress(SuppressReason(blocked), detail)
        waiting = hold_for_person(request, policy, now)
        if waiting is not None:
            return waiting
        if request.step.channel is Channel.EMAIL and playbook.route_high_touch_to_csm:
            if policy.high_touch.applies_to(account):
                return _reroute_to_csm(request, policy, now)
            waiting = hold_for_account(request, policy, now)
            if waiting is not None:
                return waiting
        return _decide_customer(request, policy, now)
    return _queue_for_csm(request, policy, now, recipient, request.step.template, None)


def _decide_customer(request: DecisionInput, policy: WorkspacePolicy, now: datetime) -> Decision:
    playbook, recipient, channel = request.playbook, request.recipient, request.step.channel
    address = _address(channel, recipient, request.account, policy)
    if address is None:
        return hold_for_address(request, policy, now, f"no {channel} address")
    caps = merge_caps(policy.caps, playbook.caps)
    broken = violated_cap(
        caps,
        request.history,
        now=now,
        channel=channel,
        playbook_id=playbook.id,
        recipient_key=recipient.key,
        account_id=recipient.account_id,
    )
    if broken is not None:
        return suppress(SuppressReason.FREQUENCY_CAP, broken)
    if channel is not Channel.IN_APP:
        hours = playbook.delivery_hours or policy.delivery_hours
        zone_name = recipient.timezone or _text(request.account.traits.get("timezone"))
        zone = resolve_zone(zone_name, policy.default_timezone)
        opens = hours.next_allowed(now, zone)
        if opens > now:
            return Decision(Outcome.HOLD, reason=HoldReason.QUIET_HOURS, until=opens)
    if _held_out(request, policy):
        return suppress(SuppressReason.HOLDOUT)
    return Decision(
        Outcome.SEND,
        delivery=Delivery(
            channel=channel,
            recipient=recipient,
            address=address,
            template=request.step.template,
            locale=_locale(playbook, request.step.template, recipient, policy),
        ),
    )


def _reroute_to_csm(request: DecisionInput, policy: WorkspacePolicy, now: datetime) -> Decision:
    csm = request.account.csm
    if csm is None:
        return suppress(SuppressReason.HIGH_TOUCH_NO_CSM)
    target = Recipient.for_csm(csm, request.account.account_id)
    return _queue_for_csm(request, policy, now, target, REROUTE_TEMPLATE, request.recipient)


def _queue_for_csm(
    request: DecisionInput,
    policy: WorkspacePolicy,
    now: datetime,
    target: Recipient,
    template: str,
    rerouted_from: Recipient | None,
) -> Decision:
    if rerouted_from is not None:
        # a rerouted e-mail becomes an alert: Slack when there is a webhook, else e-mail
        has_slack = target.slack_webhook_url or policy.slack_webhook_url
        channel = Channel.SLACK if has_slack else Channel.EMAIL
    else:
        channel = request.step.channel
    address = _address(channel, target, request.account, policy)
    if address is None:
        return suppress(SuppressReason.NO_ADDRESS, f"no {channel} address for the CSM")
    if _held_out(request, policy):
        # held out from a CSM's queue: not a customer send, so not part of the customer
        # experiment (its treated twin becomes a CSM alert, which is not enrolled either)
        return suppress(SuppressReason.HOLDOUT, CSM_HOLDOUT)
    if template == REROUTE_TEMPLATE:
        locale = choose_locale(target.locale, reroute_templates(), policy.default_locale)
    else:
        locale = _locale(request.playbook, template, target, policy)
    zone = resolve_zone(target.timezone, policy.default_timezone)
    return Decision(
        Outcome.QUEUE_CSM,
        reason=HoldReason.CSM_REVIEW,
        until=next_review_at(now, zone, policy.csm_review_times),
        delivery=Delivery(
            channel=channel,
            recipient=target,
            address=address,
            template=template,
            locale=locale,
            rerouted_from=rerouted_from,
        ),
    )


def _address(
    channel: Channel, recipient: Recipient, account: AccountFacts, policy: WorkspacePolicy
) -> str | None:
    if channel is Channel.EMAIL:
        return recipient.email
    if channel is Channel.IN_APP:
        return recipient.recipient_id if recipient.audience is Audience.CUSTOMER else None
    if channel is Channel.SLACK:
        if recipient.slack_webhook_url:
            return recipient.slack_webhook_url
        if recipient.audience is Audience.CUSTOMER:
            # a customer's shared Slack channel, when the account has one
            return _text(account.traits.get("slack_webhook_url"))
        return policy.slack_webhook_url
    return policy.webhook_url


def _held_out(request: DecisionInput, policy: WorkspacePolicy) -> bool:
    return in_holdout(
        request.playbook.holdout_percent,
        salt=policy.holdout_salt,
        workspace_id=request.workspace_id,
        playbook_id=request.playbook.id,
        account_id=request.account.account_id,
    )


def _locale(
    playbook: Playbook, template: str, recipient: Recipient, policy: WorkspacePolicy
) -> str:
    available = playbook.templates.get(template, {})
    default = playbook.default_locale or policy.default_locale
    return choose_locale(recipient.locale, available, default)


CSM_HOLDOUT = "csm_review"
"""``detail`` of a holdout decided on the way to a CSM's review queue."""


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
