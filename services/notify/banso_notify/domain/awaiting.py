"""Holds for what a decision needs and travels on another topic than its trigger.

Segment's calls reach notify on separate topics: a person's first event can arrive before their
identify (their name, language and address) and before their account's group call (whether it
is high-touch). A nudge that needs one of those is held (``awaiting_person``,
``awaiting_account``, ``awaiting_address``), decided again every ``ADDRESS_RECHECK``, and once
the workspace's ``address_wait_s`` has passed since it was planned it is decided on what is known
(each ``hold_for_*`` then answers None, and the ordered checks of `decision.py` go on) — except
the address, without which the nudge is suppressed as ``no_address``.

We wait only for what the workspace is known to send: a person in a workspace that identifies its
people (``DecisionInput.people_identified``: it has sent an identify with traits), an account's
traits in a workspace that sends them (``DecisionInput.accounts_described``). The address is
always worth waiting for. A person is identified once their identify arrived, even one with no
traits (``UserFacts.identified``): the source has said who they are and nothing more is coming,
so nothing waits for them — their address, if the channel needs one, is the address's wait.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from banso_notify.domain.facts import Audience
from banso_notify.domain.outcomes import (
    Decision,
    DecisionInput,
    HoldReason,
    Outcome,
    SuppressReason,
    suppress,
)
from banso_notify.domain.policy import WorkspacePolicy

#: holds for what travels on another topic: once decided again, the message is rendered from
#: what is known then (`domain/context.py`, ``with_latest_facts``)
AWAITING_ANOTHER_TOPIC = frozenset(
    {HoldReason.AWAITING_ADDRESS, HoldReason.AWAITING_ACCOUNT, HoldReason.AWAITING_PERSON}
)

#: how often a nudge waiting for its recipient's address or traits, or its account's, is
#: decided again
ADDRESS_RECHECK = timedelta(seconds=2)


def hold_for_audience(
    request: DecisionInput, policy: WorkspacePolicy, now: datetime
) -> Decision | None:
    """A hold while the audience tests traits still on the way (the account's or the person's)."""
    audience = request.playbook.audience
    if _account_on_the_way(request) and any(c.reads_account_traits for c in audience):
        return _hold(request, policy, now, HoldReason.AWAITING_ACCOUNT, _NO_ACCOUNT_TRAITS)
    if _person_on_the_way(request) and any(c.reads_person_traits for c in audience):
        return _hold(request, policy, now, HoldReason.AWAITING_PERSON, _NOT_IDENTIFIED)
    return None


def hold_for_person(
    request: DecisionInput, policy: WorkspacePolicy, now: datetime
) -> Decision | None:
    """A hold while the customer's identify may still arrive: the message would otherwise carry
    none of their traits (their name, their language)."""
    if not _person_on_the_way(request):
        return None
    return _hold(request, policy, now, HoldReason.AWAITING_PERSON, _NOT_IDENTIFIED)


def hold_for_account(
    request: DecisionInput, policy: WorkspacePolicy, now: datetime
) -> Decision | None:
    """A hold while the account's traits may still arrive: until then it cannot be told
    high-touch or not."""
    if not _account_on_the_way(request):
        return None
    return _hold(request, policy, now, HoldReason.AWAITING_ACCOUNT, _NO_ACCOUNT_TRAITS)


def hold_for_address(
    request: DecisionInput, policy: WorkspacePolicy, now: datetime, detail: str
) -> Decision:
    """Hold a nudge whose recipient has no address yet, until ``address_wait_s`` runs out; then
    it is suppressed as ``no_address``."""
    waiting = _hold(request, policy, now, HoldReason.AWAITING_ADDRESS, detail)
    return waiting or suppress(SuppressReason.NO_ADDRESS, detail)


_NOT_IDENTIFIED = "not identified yet"
_NO_ACCOUNT_TRAITS = "no account traits yet"


def _person_on_the_way(request: DecisionInput) -> bool:
    """The workspace identifies its people, and this customer's identify has not arrived yet."""
    person = request.recipient.user
    return (
        request.people_identified
        and request.recipient.audience is Audience.CUSTOMER
        and (person is None or not person.identified)
    )


def _account_on_the_way(request: DecisionInput) -> bool:
    """The workspace sends its accounts' traits, and this account's have not arrived yet."""
    return request.accounts_described and not request.account.traits


def _hold(
    request: DecisionInput, policy: WorkspacePolicy, now: datetime, reason: HoldReason, detail: str
) -> Decision | None:
    """A hold, decided again every ``ADDRESS_RECHECK``, while what the decision needs may still
    arrive on another topic (within ``address_wait_s`` of planning); None once the wait is over."""
    if request.planned_at is not None:
        gives_up_at = request.planned_at + timedelta(seconds=policy.address_wait_s)
        if now < gives_up_at:
            until = min(gives_up_at, now + ADDRESS_RECHECK)
            return Decision(Outcome.HOLD, reason, detail, until=until)
    return None
