"""The event stream of a world: every Segment message of the window, in event-time order.

The stream is generated a day at a time (all accounts' messages of a day, sorted), so 90 days of
a few hundred thousand events never sit in memory at once. Each account draws from generators of
its own, so its events do not change when another account's do.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from banso_sim.feedback.problems import SLOW_DASHBOARDS
from banso_sim.stream import activity
from banso_sim.stream.feedback_plan import (
    PlannedFeedback,
    active_days,
    plan_feedback,
    problems_of,
)
from banso_sim.stream.messages import (
    FEEDBACK_TOPIC,
    USAGE_TOPIC,
    MessageFactory,
    SimMessage,
    iso,
)
from banso_sim.world import catalog
from banso_sim.world.build import rng_for
from banso_sim.world.model import Account, Archetype, User, World

SUPPORT_URL = "https://support.sora-analytics.example/hc/requests/"


# A day's messages fall at local working hours around the globe: within this margin of the day.
_SPREAD = timedelta(days=2)


def generate(world: World) -> Iterator[SimMessage]:
    """Every message of the window, ordered by event time (ties keep a stable order)."""
    streams = [AccountStream(world, account) for account in world.accounts]
    pending: list[tuple[datetime, int, SimMessage]] = []
    sequence = 0
    start = world.config.start
    for day in range(world.config.days):
        for stream in streams:
            for message in stream.day(day):
                heapq.heappush(pending, (message.at, sequence, message))
                sequence += 1
        # Days still to come cannot produce anything earlier than this: it is final.
        horizon = start + timedelta(days=day + 1) - _SPREAD
        while pending and pending[0][0] < horizon:
            yield heapq.heappop(pending)[2]
    while pending:
        yield heapq.heappop(pending)[2]


def milestone_days(world: World, account: Account, rng: random.Random) -> dict[str, int | None]:
    """For an onboarding account: the day each milestone's event first happens (None: never)."""
    if account.archetype is not Archetype.ONBOARDING:
        return {}
    created = (account.created_at - world.config.start).days
    struggling = account.trajectory.struggling
    days: dict[str, int | None] = {}
    for milestone in catalog.MILESTONES:
        if rng.random() < (0.3 if struggling else 0.85):
            days[milestone.event] = created + rng.randint(0, milestone.due_day)
        elif rng.random() < 0.6:
            days[milestone.event] = created + milestone.due_day + rng.randint(2, 25)
        else:
            days[milestone.event] = None
    return days


class AccountStream:
    """Generates one account's messages, day after day."""

    def __init__(self, world: World, account: Account) -> None:
        config = world.config
        self.config = config
        self.account = account
        self.users = world.users_of(account)
        self.rng = rng_for(config.seed, f"events:{account.index}")
        self.factory = MessageFactory(rng_for(config.seed, f"ids:{account.index}"), account.id)
        self.first_day, self.last_day = active_days(config, account)
        self.feedback = plan_feedback(config, account, self.users)
        self.slow = SLOW_DASHBOARDS in problems_of(config, account)
        self.milestones = milestone_days(
            world, account, rng_for(config.seed, f"ms:{account.index}")
        )
        self.tickets = 0
        self.identified: set[str] = set()
        self.start = config.start
        self.now = config.now.astimezone(UTC)
        self._dates: dict[tuple[int, str], date] = {}

    def _in_window(self, moment: datetime) -> bool:
        return self.start <= moment < self.now

    def day(self, day: int) -> list[SimMessage]:
        account = self.account
        if day < self.first_day:
            return []
        out: list[SimMessage] = []
        day_start = self.start + timedelta(days=day)
        if day == self.first_day:
            out.append(self._group(day, max(day_start, account.created_at) + timedelta(seconds=1)))
        elif day % 7 == account.index % 7 or day == account.upgrade_day:
            out.append(self._group(day, day_start + timedelta(seconds=30 + account.index)))
        for user in self.users:
            if user.present_on(day) and user.id not in self.identified:
                out += self._arrive(user, day, day_start)
        if day <= self.last_day:
            out += self._usage(day)
        out += self._feedback_of(day)
        return [message for message in out if self._in_window(message.at)]

    def _local_date(self, day: int, zone: str) -> date:
        # The working day that starts during the window's day `day`, in the person's zone.
        found = self._dates.get((day, zone))
        if found is None:
            noon = self.start + timedelta(days=day, hours=12)
            found = self._dates[(day, zone)] = noon.astimezone(ZoneInfo(zone)).date()
        return found

    def _group(self, day: int, at: datetime) -> SimMessage:
        account = self.account
        owner = self.users[0]
        seats_used = sum(1 for user in self.users if user.present_on(day))
        csm = account.csm
        traits: dict[str, Any] = {
            "name": account.name,
            "plan": account.plan.value,
            "segment": account.segment,
            "industry": account.industry,
            "seats": account.seats_on(day),
            "seats_used": seats_used,
            "arr": account.arr_on(day),
            "currency": "USD",
            "renewal_date": account.renewal_date.isoformat(),
            "timezone": account.timezone,
            "locale": account.locale,
            "website": f"https://www.{account.domain}",
            "created_at": iso(account.created_at),
            "csm_email": csm.email,
            "csm": {
                "id": csm.id,
                "email": csm.email,
                "name": csm.name,
                "timezone": csm.timezone,
                "locale": csm.locale,
            },
        }
        return self.factory.group(
            at=at, user_id=owner.id, traits=traits, locale=account.locale, timezone=account.timezone
        )

    def _arrive(self, user: User, day: int, day_start: datetime) -> list[SimMessage]:
        """A person's identify call: a backfill at the start, or their invitation during it."""
        self.identified.add(user.id)
        if user.joined_day < day:  # already there when the account started sending
            at = day_start + timedelta(seconds=60 + len(self.identified))
            joined = self.config.start + timedelta(days=user.joined_day)
            return [self._identify(user, at, joined)]
        at = activity.local_instant(self._local_date(day, user.timezone), user.timezone, self.rng)
        at = max(at.astimezone(UTC), self.account.created_at + timedelta(minutes=5))
        messages = [self._identify(user, at, at)]
        inviter = next((u for u in self.users if u.present_on(day) and u.id != user.id), None)
        if inviter is not None:
            props = {"invitee_role": user.role}
            messages.append(
                self.factory.track(
                    at=at - timedelta(minutes=3),
                    event=catalog.USER_INVITED,
                    properties=props,
                    locale=inviter.locale,
                    timezone=inviter.timezone,
                    user_id=inviter.id,
                )
            )
        return messages

    def _identify(self, user: User, at: datetime, joined: datetime) -> SimMessage:
        traits = {
            "email": user.email,
            "name": user.name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "locale": user.locale,
            "timezone": user.timezone,
            "created_at": iso(joined),
        }
        return self.factory.identify(
            at=at, user_id=user.id, traits=traits, locale=user.locale, timezone=user.timezone
        )

    def _usage(self, day: int) -> list[SimMessage]:
        account, config, rng = self.account, self.config, self.rng
        fraction = (day + 0.5) / config.days
        age = (config.start + timedelta(days=day) - account.created_at).total_seconds() / 86400
        intensity = account.trajectory.intensity(fraction, age_days=age) * rng.uniform(0.85, 1.15)
        blocked = {
            event for event, reached in self.milestones.items() if reached is None or day < reached
        }
        sso = account.plan.value in ("business", "enterprise")
        slow = self.slow and day >= round(SLOW_DASHBOARDS.onset * config.days)
        out: list[SimMessage] = []
        for user in self.users:
            if not user.present_on(day):
                continue
            local_day = self._local_date(day, user.timezone)
            factor = activity.WEEKEND_FACTOR if activity.is_weekend(local_day) else 1.0
            chance = user.engagement * intensity * factor * config.activity * activity.ACTIVITY_BASE
            if rng.random() >= min(0.97, chance):
                continue
            count = 1 + (rng.random() < 0.3) + (rng.random() < 0.08)
            for _ in range(count):
                start = activity.local_instant(local_day, user.timezone, rng)
                for at, kind, name, props in activity.sessions(
                    user, start, rng, sso=sso, blocked=blocked, slow_dashboards=slow
                ):
                    out.append(self._usage_message(user, at, kind, name, props))
        connect_day = self.milestones.get(catalog.INTEGRATION_CONNECTED)
        if connect_day == day:
            owner = self.users[0]
            at = activity.local_instant(self._local_date(day, owner.timezone), owner.timezone, rng)
            props = {"integration": rng.choice(catalog.INTEGRATIONS)}
            out.append(
                self._usage_message(owner, at, "track", catalog.INTEGRATION_CONNECTED, props)
            )
        return out

    def _usage_message(
        self, user: User, at: datetime, kind: str, name: str, props: dict[str, Any]
    ) -> SimMessage:
        if kind == "page":
            return self.factory.page(
                at=at,
                user_id=user.id,
                name=name,
                path=str(props["path"]),
                locale=user.locale,
                timezone=user.timezone,
            )
        return self.factory.track(
            at=at,
            event=name,
            properties=props,
            locale=user.locale,
            timezone=user.timezone,
            user_id=user.id,
        )

    def _feedback_of(self, day: int) -> list[SimMessage]:
        out = []
        for item in self.feedback:
            if item.day == day:
                out.append(self._feedback_message(item))
        return out

    def _feedback_message(self, item: PlannedFeedback) -> SimMessage:
        account = self.account
        user = next((u for u in self.users if u.id == item.user_id), None)
        zone = user.timezone if user is not None else account.csm.timezone
        at = activity.local_instant(self._local_date(item.day, zone), zone, self.rng)
        props: dict[str, Any] = {}
        if item.text is not None:
            props["text"] = item.text
        if item.score is not None:
            props["score"] = item.score
        if item.kind == "support_ticket":
            self.tickets += 1
            ticket = f"{account.index + 1:03d}{self.tickets:03d}"
            props["ticket_id"] = f"ZD-{ticket}"
            props["url"] = f"{SUPPORT_URL}{ticket}"
        if item.kind in ("csm_note", "churn_reason"):
            props["author"] = account.csm.email
        if item.kind == "nps_comment":
            props["survey"] = "quarterly-nps"
        # An NPS answer without words is a usage event to ingest, not a pain point.
        topic = FEEDBACK_TOPIC if item.text is not None else USAGE_TOPIC
        return self.factory.track(
            at=at,
            event=catalog.FEEDBACK_EVENTS[item.kind],
            properties=props,
            locale=item.language,
            timezone=zone,
            user_id=item.user_id,
            anonymous_id=None if item.user_id is not None else account.csm.id,
            topic=topic,
        )
