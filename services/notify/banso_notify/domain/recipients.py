"""Who a playbook addresses: the user, the account's users (by role), the CSM, reporters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from banso_notify.domain.facts import AccountFacts, Audience, Recipient, UserFacts
from banso_notify.domain.playbook import RecipientKind, RecipientSpec
from banso_notify.domain.signals import Signal, TicketResolvedSignal

#: when an account (not a person) reported a problem, these roles hear that it is fixed
REPORTING_ACCOUNT_ROLES = ("admin", "owner")


def resolve_recipients(
    spec: RecipientSpec,
    signal: Signal,
    account: AccountFacts,
    users: Mapping[str, UserFacts],
) -> list[Recipient]:
    """Resolve ``spec`` for ``signal``; ``users`` holds the known users of the account (by id)."""
    account_id = account.account_id
    if spec.kind is RecipientKind.USER:
        if signal.user_id is None:
            return []
        user = users.get(signal.user_id) or UserFacts(user_id=signal.user_id, account_id=account_id)
        return [Recipient.for_user(user, account_id)]
    if spec.kind is RecipientKind.ACCOUNT_USERS:
        return [
            Recipient.for_user(user, account_id)
            for user in _sorted(users.values())
            if not spec.roles or _role_in(user, spec.roles)
        ]
    if spec.kind is RecipientKind.CSM:
        csm = account.csm
        if csm is None:
            # kept as an addressee without an address, so the miss is reported, not silent
            unassigned = Recipient(
                audience=Audience.CSM, recipient_id="unassigned", account_id=account_id
            )
            return [unassigned]
        return [Recipient.for_csm(csm, account_id)]
    return _reporters(signal, account_id, users)


def _reporters(signal: Signal, account_id: str, users: Mapping[str, UserFacts]) -> list[Recipient]:
    if not isinstance(signal, TicketResolvedSignal):
        return []
    people = [
        users.get(user_id) or UserFacts(user_id=user_id, account_id=account_id)
        for user_id in dict.fromkeys(signal.reporter_user_ids)
    ]
    mine = [user for user in people if user.account_id in (None, account_id)]
    if not mine and account_id in signal.reporter_account_ids:
        mine = [user for user in _sorted(users.values()) if _role_in(user, REPORTING_ACCOUNT_ROLES)]
    return [Recipient.for_user(user, account_id) for user in mine]


def _role_in(user: UserFacts, roles: Sequence[str]) -> bool:
    role = user.role
    return role is not None and role.casefold() in {r.casefold() for r in roles}


def _sorted(users: Iterable[UserFacts]) -> list[UserFacts]:
    return sorted(users, key=lambda user: user.user_id)
