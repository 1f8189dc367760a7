"""Simulated customers react to nudges with a planted effect on accounts, in event time, so
uplift has something to find and the demo knows what it should find."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_sim.demo.html import render_html
from banso_sim.demo.reaction import (
    Enrolled,
    NaturalGoals,
    Planted,
    enrolled_from,
    goal_playbooks,
    plan_reactions,
    planted_summary,
)
from banso_sim.demo.text import render
from banso_sim.stream.messages import MessageFactory
from banso_sim.world.build import build_world, rng_for
from banso_sim.world.model import User, World, WorldConfig

from .test_report import full_report

NOW = datetime(2025, 6, 30, 5, tzinfo=UTC)
OPENS = NOW - timedelta(days=20)
WEEK = timedelta(days=7)


def world() -> World:
    return build_world(WorldConfig(now=NOW, accounts=40, users=2000, days=30))


def enrolment(user: str, account: str, *, treated: bool, goal: str = "Report Created") -> Enrolled:
    return Enrolled("onboarding", account, user, treated, goal, "user", OPENS, OPENS + WEEK)


def test_enrolments_are_read_from_notifys_rows() -> None:
    rows = [
        {
            "account_id": "a",
            "user_id": "u1",
            "variant": "holdout",
            "goal_event": "*",
            "goal_scope": "user",
            "window_starts_at": "2025-06-10T05:00:00Z",
            "window_ends_at": "2025-06-17T05:00:00Z",
        }
    ]
    (found,) = enrolled_from("p", rows)
    assert (found.account_id, found.user_id, found.treated) == ("a", "u1", False)
    assert found.starts_at == datetime(2025, 6, 10, 5, tzinfo=UTC)
    assert found.ends_at - found.starts_at == WEEK


def test_nudged_accounts_act_inside_their_window_and_the_effect_is_on_accounts() -> None:
    people = world()
    first_users: dict[str, User] = {}
    for user in people.users:
        first_users.setdefault(user.account_id, user)
    enrolled = [
        enrolment(user.id, account, treated=n % 2 == 0)
        for n, (account, user) in enumerate(sorted(first_users.items()))
    ]
    messages, planted = plan_reactions(enrolled, NaturalGoals([]), people, lift=0.5)
    tally = planted["onboarding"]
    assert tally.accounts == len(first_users) == 40
    assert tally.held_out_converting == 0  # nobody acts anyway in an empty stream
    # every nudged account that responds acts once, in its window, as its enrolled person
    assert len(messages) == tally.treated_converting
    assert all(OPENS <= m.at <= OPENS + WEEK for m in messages)
    assert {m.payload["event"] for m in messages} == {"Report Created"}
    treated = {e.user_id: e.account_id for e in enrolled if e.treated}
    assert all(treated[m.payload["userId"]] == m.account_id for m in messages)
    # the planted effect counts, in both arms, the accounts that respond
    responds = [
        rng_for(people.config.seed, f"react:onboarding:{a}").random() < 0.5 for a in first_users
    ]
    assert tally.only_if_nudged == sum(responds)
    again, _ = plan_reactions(enrolled, NaturalGoals([]), people, lift=0.5)
    assert [m.payload for m in again] == [m.payload for m in messages]


def test_accounts_that_convert_anyway_carry_no_planted_effect() -> None:
    people = world()
    user = people.users[0]
    factory = MessageFactory(rng_for(1, "t"), user.account_id)
    did_it = factory.track(
        at=OPENS + timedelta(days=1),
        event="Report Created",
        properties={},
        locale="en",
        timezone="UTC",
        user_id=user.id,
    )
    too_late = factory.track(
        at=OPENS + timedelta(days=8),
        event="Report Created",
        properties={},
        locale="en",
        timezone="UTC",
        user_id=user.id,
    )
    held_out = enrolment(user.id, user.account_id, treated=False)
    assert NaturalGoals([did_it]).any_within(held_out)
    assert not NaturalGoals([too_late]).any_within(held_out)

    _, planted = plan_reactions([held_out], NaturalGoals([did_it]), people, lift=1.0)
    tally = planted["onboarding"]
    assert (tally.held_out, tally.held_out_converting, tally.only_if_nudged) == (1, 1, 0)
    _, planted = plan_reactions([held_out], NaturalGoals([too_late]), people, lift=1.0)
    assert planted["onboarding"].effect == 1.0  # it would have converted only if nudged


def test_goalless_playbooks_have_no_experiment_and_the_summary_shows_both_figures() -> None:
    playbooks = [
        {"id": "reengage", "definition": {"goal": {"event": "*", "within": "7d"}}},
        {"id": "alert", "definition": {}},
    ]
    assert goal_playbooks(playbooks) == ["reengage"]
    planted = Planted("reengage", 0.25, treated=30, held_out=10, only_if_nudged=6)
    line = planted_summary(planted, 0.121)
    assert "measured +12.1 pts vs planted +15.0 pts on accounts" in line
    assert "30 nudged, 10 held out" in line


def test_the_demo_report_prints_measured_and_planted_side_by_side() -> None:
    report = full_report()  # notify measured +3.0 pts for "onboarding"
    report.nudges.planted = {
        "onboarding": Planted("onboarding", 0.25, treated=30, held_out=10, only_if_nudged=2)
    }

    text = render(report)
    page = render_html(report)

    line = "measured +3.0 pts vs planted +5.0 pts on accounts"
    assert line in text
    assert line in page
