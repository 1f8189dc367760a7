"""Customers who react to nudges, so each playbook's uplift has something to find.

notify assigns the holdout by account and attributes a conversion, in event time, when the
goal event lies in a goal window that opens at the trigger's event time (the same moment for a
held-out account as for a nudged one). The simulator plants its effect on that same unit, in
that same window:

- every account a playbook enrolled (read back from notify's ``/enrolments``) draws one number
  ``u`` from the world's seed; it *responds* when ``u < lift``;
- a nudged account that responds has its first enrolled person do the goal event inside that
  enrolment's window (a held-out account that "would have responded" does nothing: it was not
  nudged);
- the world's own events are the base rate: an account converts anyway when one of its enrolled
  people does the goal in their window in the replayed stream.

The planted effect is then exact for the accounts enrolled: the share of them that convert *only
if nudged* (they respond and would not convert anyway), counted over both arms. notify's
difference of conversion rates between arms estimates it; the demo and ``bench/uplift.py`` print
the two side by side.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from banso_sim.stream.messages import USAGE_TOPIC, MessageFactory, SimMessage
from banso_sim.world import catalog
from banso_sim.world.build import rng_for
from banso_sim.world.model import World

ANY_EVENT = "*"
LIFT = 0.25
"""Chance that a nudge makes an account act on the goal (the effect notify should find, before
the accounts that act anyway take their share of it)."""
UNIT = "account"


@dataclass(frozen=True, slots=True)
class Enrolled:
    """One enrolment as notify reports it (``GET /v1/playbooks/{id}/enrolments``)."""

    playbook_id: str
    account_id: str
    user_id: str
    treated: bool
    goal_event: str
    goal_scope: str
    starts_at: datetime
    ends_at: datetime


@dataclass
class Planted:
    """What the simulation planted for one playbook, on accounts, and what it made happen."""

    playbook_id: str
    lift: float
    unit: str = UNIT
    treated: int = 0  # accounts nudged
    held_out: int = 0  # accounts held out
    treated_converting: int = 0  # nudged accounts the simulation made convert (anyway or by it)
    held_out_converting: int = 0  # held-out accounts that convert anyway
    only_if_nudged: int = 0  # accounts, in both arms, that convert only if nudged

    @property
    def accounts(self) -> int:
        return self.treated + self.held_out

    @property
    def effect(self) -> float | None:
        """The planted uplift: the share of enrolled accounts that convert only if nudged."""
        return self.only_if_nudged / self.accounts if self.accounts else None


def enrolled_from(playbook_id: str, rows: Iterable[Mapping[str, Any]]) -> list[Enrolled]:
    """notify's enrolment rows (JSON) as :class:`Enrolled`."""
    return [
        Enrolled(
            playbook_id=playbook_id,
            account_id=str(row["account_id"]),
            user_id=str(row["user_id"]),
            treated=row["variant"] == "treatment",
            goal_event=str(row["goal_event"]),
            goal_scope=str(row["goal_scope"]),
            starts_at=_instant(row["window_starts_at"]),
            ends_at=_instant(row["window_ends_at"]),
        )
        for row in rows
        if row.get("user_id")
    ]


class NaturalGoals:
    """When the replayed stream's people did what (usage events only), to find who converts
    anyway."""

    def __init__(self, messages: Iterable[SimMessage]) -> None:
        self._by_user: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        self._by_account: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        for message in messages:
            if message.topic != USAGE_TOPIC:
                continue
            user = message.payload.get("userId")
            name = str(message.payload.get("event") or message.payload.get("name") or "")
            for event in (name, ANY_EVENT):
                if user:
                    self._by_user[(str(user), event)].append(message.at)
                self._by_account[(message.account_id, event)].append(message.at)
        for times in (*self._by_user.values(), *self._by_account.values()):
            times.sort()

    def any_within(self, enrolment: Enrolled) -> bool:
        if enrolment.goal_scope == "account":
            times = self._by_account.get((enrolment.account_id, enrolment.goal_event), [])
        else:
            times = self._by_user.get((enrolment.user_id, enrolment.goal_event), [])
        first = bisect.bisect_left(times, enrolment.starts_at)
        return first < len(times) and times[first] <= enrolment.ends_at


def plan_reactions(
    enrolled: Iterable[Enrolled], natural: NaturalGoals, world: World, *, lift: float = LIFT
) -> tuple[list[SimMessage], dict[str, Planted]]:
    """The goal events nudged accounts do in their window, and the tally per playbook
    (deterministic for the world's seed)."""
    users = {user.id: user for user in world.users}
    seed = world.config.seed
    by_account: dict[tuple[str, str], list[Enrolled]] = defaultdict(list)
    for enrolment in enrolled:
        by_account[(enrolment.playbook_id, enrolment.account_id)].append(enrolment)
    planted: dict[str, Planted] = {}
    messages: list[SimMessage] = []
    for (playbook_id, account_id), items in sorted(by_account.items()):
        tally = planted.setdefault(playbook_id, Planted(playbook_id, lift))
        items.sort(key=lambda e: (e.starts_at, e.user_id))
        treated = any(e.treated for e in items)
        anyway = any(natural.any_within(e) for e in items)
        rng = rng_for(seed, f"react:{playbook_id}:{account_id}")
        responds = rng.random() < lift
        tally.only_if_nudged += responds and not anyway
        if treated:
            tally.treated += 1
            tally.treated_converting += anyway or responds
        else:
            tally.held_out += 1
            tally.held_out_converting += anyway
        first = next((e for e in items if e.treated), None)
        user = users.get(first.user_id) if first is not None else None
        if not responds or first is None or user is None:
            continue
        messages.append(_goal_event(first, user.locale, user.timezone, rng))
    messages.sort(key=lambda message: message.at)
    return messages, planted


def _goal_event(enrolment: Enrolled, locale: str, timezone: str, rng: random.Random) -> SimMessage:
    """The goal, done between a tenth and half of the window after it opens (people read their
    mail, then act)."""
    window = enrolment.ends_at - enrolment.starts_at
    at = enrolment.starts_at + window * rng.uniform(0.1, 0.5)
    event = catalog.SIGNED_IN if enrolment.goal_event == ANY_EVENT else enrolment.goal_event
    factory = MessageFactory(rng, enrolment.account_id)
    return factory.track(
        at=at,
        event=event,
        properties=_properties(event, rng),
        locale=locale,
        timezone=timezone,
        user_id=enrolment.user_id,
    )


def goal_playbooks(playbooks: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids of the playbooks that have a goal (and so an experiment)."""
    return sorted(
        str(playbook["id"])
        for playbook in playbooks
        if ((playbook.get("definition") or {}).get("goal") or {}).get("event")
    )


def planted_summary(planted: Planted, measured: float | None) -> str:
    """One line: the planted effect beside notify's estimate, on the same unit."""
    effect = planted.effect
    shown = "–" if effect is None else f"{effect * 100:+.1f} pts"
    found = "–" if measured is None else f"{measured * 100:+.1f} pts"
    return (
        f"measured {found} vs planted {shown} on {planted.unit}s "
        f"({planted.only_if_nudged:,} of {planted.accounts:,} enrolled accounts convert only if "
        f"nudged; {planted.treated:,} nudged, {planted.held_out:,} held out)"
    )


def _instant(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"not an aware timestamp: {value!r}")
    return moment


def _properties(event: str, rng: random.Random) -> dict[str, Any]:
    if event == catalog.CORE_ACTION:
        return {"report_type": rng.choice(catalog.REPORT_TYPES)}
    if event == catalog.SIGNED_IN:
        return {"method": "password"}
    return {}


def as_json(planted: Mapping[str, Planted]) -> dict[str, dict[str, Any]]:
    """For the demo's collected data and the benchmark's results."""
    return {
        playbook_id: {
            "unit": p.unit,
            "lift": p.lift,
            "effect": p.effect,
            "accounts": p.accounts,
            "treated": p.treated,
            "held_out": p.held_out,
            "treated_converting": p.treated_converting,
            "held_out_converting": p.held_out_converting,
            "only_if_nudged": p.only_if_nudged,
        }
        for playbook_id, p in sorted(planted.items())
    }


__all__: Sequence[str] = (
    "ANY_EVENT",
    "LIFT",
    "Enrolled",
    "NaturalGoals",
    "Planted",
    "as_json",
    "enrolled_from",
    "goal_playbooks",
    "plan_reactions",
    "planted_summary",
)
