"""A small workspace with a red, a yellow and a green account, for the portfolio tests (scoring's
and the console's)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.support.events import traits

from .support import ticket, usage

DAYS = 20


def _account(
    workspace: str,
    account: str,
    day0: datetime,
    *,
    seats: int,
    users: int,
    tickets: int,
    **more: Any,
) -> list[Any]:
    created = (day0 - timedelta(days=60)).date().isoformat()
    events: list[Any] = [
        traits(
            workspace, account, day0 - timedelta(days=40), seats=seats, created_at=created, **more
        )
    ]
    for day in range(DAYS):
        received = day0 + timedelta(days=day, hours=23)
        events += [
            usage(workspace, account, f"{account}-u{u}", "Report Created", received, received)
            for u in range(users)
        ]
    for n in range(tickets):
        when = day0 + timedelta(days=DAYS - 2, hours=23, minutes=n)
        events.append(ticket(workspace, account, "The export is broken again", when))
    return events


def sample_workspace(workspace: str, day0: datetime) -> list[Any]:
    """Three accounts whose health settles, 20 days after ``day0``, as:
    northwind red (ARR 120,000), globex yellow (ARR 300,000), initech green (ARR 500,000)."""
    events = _account(
        workspace,
        "northwind",
        day0,
        seats=50,
        users=2,
        tickets=3,
        name="Northwind Traders",
        plan="enterprise",
        arr=120_000,
        csm="hanako@vendor.example",
        renewal_date=(day0 + timedelta(days=60)).date().isoformat(),
    )
    events += _account(
        workspace,
        "globex",
        day0,
        seats=10,
        users=3,
        tickets=1,
        name="Globex",
        plan="pro",
        arr=300_000,
        csm="taro@vendor.example",
    )
    events += _account(
        workspace,
        "initech",
        day0,
        seats=10,
        users=6,
        tickets=0,
        name="Initech",
        plan="pro",
        arr=500_000,
        csm="hanako@vendor.example",
    )
    return events
