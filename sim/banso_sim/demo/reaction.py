"""Customers who react to nudges, so each playbook's uplift has something to find.

The 90 days are replayed before notify decides anything, so by then every replayed event is in
the past and no goal can follow a nudge. After the replay, the demo plays one more moment, now:
each person a playbook enrolled acts on its goal with a planted chance — `base` when held out,
`base + lift` when nudged. notify attributes those goal events and reports the uplift it
measured against the one planted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from banso_contracts.events import Event, NudgeSent, NudgeSuppressed
from banso_sim.stream.messages import MessageFactory, SimMessage
from banso_sim.world import catalog
from banso_sim.world.build import rng_for
from banso_sim.world.model import World

ANY_EVENT = "*"
BASE = 0.15
"""Chance a held-out person acts on the goal anyway."""
LIFT = 0.15
"""What a nudge adds to that chance (the effect notify should find)."""


@dataclass(frozen=True, slots=True)
class Enrolled:
    playbook_id: str
    user_id: str
    account_id: str
    treated: bool


@dataclass
class Planted:
    """What the simulation planted for one playbook, and what it made happen."""

    playbook_id: str
    base: float
    lift: float
    treated: int = 0
    held_out: int = 0
    treated_acted: int = 0
    held_out_acted: int = 0


def enrolments(events: Iterable[Event]) -> list[Enrolled]:
    """People each playbook enrolled: nudged (a send) or held out; nudged wins if both."""
    arms: dict[tuple[str, str], tuple[str, bool]] = {}
    for event in events:
        user_id = getattr(getattr(event, "recipient", None), "user_id", None)
        if user_id is None:
            continue
        if isinstance(event, NudgeSent) and event.variant == "treatment":
            arms[(event.playbook_id, user_id)] = (event.account_id, True)
        elif isinstance(event, NudgeSuppressed) and event.reason == "holdout":
            arms.setdefault((event.playbook_id, user_id), (event.account_id, False))
    return [
        Enrolled(playbook, user, account, treated)
        for (playbook, user), (account, treated) in sorted(arms.items())
    ]


def plan_reactions(
    enrolled: Iterable[Enrolled],
    goals: Mapping[str, str],
    world: World,
    *,
    now: datetime,
    base: float = BASE,
    lift: float = LIFT,
) -> tuple[list[SimMessage], dict[str, Planted]]:
    """The goal events the enrolled people do now, and the tally per playbook (deterministic
    for the world's seed)."""
    users = {user.id: user for user in world.users}
    seed = world.config.seed
    planted: dict[str, Planted] = {}
    messages: list[SimMessage] = []
    for index, person in enumerate(enrolled):
        goal = goals.get(person.playbook_id)
        user = users.get(person.user_id)
        if goal is None or user is None:
            continue
        tally = planted.setdefault(person.playbook_id, Planted(person.playbook_id, base, lift))
        chance = base + lift if person.treated else base
        rng = rng_for(seed, f"react:{person.playbook_id}:{person.user_id}")
        acted = rng.random() < chance
        if person.treated:
            tally.treated += 1
            tally.treated_acted += acted
        else:
            tally.held_out += 1
            tally.held_out_acted += acted
        if not acted:
            continue
        event = catalog.SIGNED_IN if goal == ANY_EVENT else goal
        factory = MessageFactory(rng, person.account_id)
        messages.append(
            factory.track(
                at=now - timedelta(milliseconds=index),
                event=event,
                properties=_properties(event, rng),
                locale=user.locale,
                timezone=user.timezone,
                user_id=user.id,
            )
        )
    messages.sort(key=lambda message: message.at)
    return messages, planted


def playbook_goals(playbooks: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Playbook id -> goal event, for the playbooks that have a goal."""
    goals = {}
    for playbook in playbooks:
        goal = (playbook.get("definition") or {}).get("goal") or {}
        if goal.get("event"):
            goals[str(playbook["id"])] = str(goal["event"])
    return goals


def _properties(event: str, rng: random.Random) -> dict[str, Any]:
    if event == catalog.CORE_ACTION:
        return {"report_type": rng.choice(catalog.REPORT_TYPES)}
    if event == catalog.SIGNED_IN:
        return {"method": "password"}
    return {}
