"""Simulated customers react to nudges with a planted effect, so uplift has something to find."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_contracts.events import NudgeSent, NudgeSuppressed, Recipient
from banso_sim.demo.reaction import enrolments, plan_reactions, playbook_goals
from banso_sim.world.build import build_world
from banso_sim.world.model import World, WorldConfig

NOW = datetime(2025, 6, 30, 5, tzinfo=UTC)


def nudge(kind: type[NudgeSent] | type[NudgeSuppressed], playbook: str, user: str, account: str, **extra: object) -> NudgeSent | NudgeSuppressed:  # fmt: skip
    return kind(
        workspace_id="ws",
        nudge_id=f"n-{playbook}-{user}-{kind.__name__}",
        idempotency_key=f"{playbook}:{user}",
        playbook_id=playbook,
        playbook_version=1,
        account_id=account,
        recipient=Recipient(kind="user", user_id=user),
        channel="email",
        trigger_event_id="e1",
        occurred_at=NOW - timedelta(minutes=5),
        **extra,
    )


def world() -> World:
    return build_world(WorldConfig(now=NOW, accounts=40, users=2000, days=30))


def test_enrolments_are_nudged_or_held_out_people() -> None:
    events = [
        nudge(NudgeSent, "p", "u1", "a", variant="treatment"),
        nudge(NudgeSuppressed, "p", "u2", "a", variant="holdout", reason="holdout"),
        nudge(NudgeSuppressed, "p", "u3", "a", variant="treatment", reason="cap_user"),
        nudge(NudgeSuppressed, "p", "u1", "a", variant="holdout", reason="holdout"),
    ]
    found = {(e.user_id, e.treated) for e in enrolments(events)}
    assert found == {("u1", True), ("u2", False)}


def test_nudged_people_act_more_often_by_the_planted_lift() -> None:
    people = world()
    events = [
        nudge(
            NudgeSent if n % 2 else NudgeSuppressed,
            "onboarding",
            user.id,
            user.account_id,
            variant="treatment" if n % 2 else "holdout",
            **({} if n % 2 else {"reason": "holdout"}),
        )  # fmt: skip
        for n, user in enumerate(people.users)
    ]
    goals = {"onboarding": "Report Created"}
    messages, planted = plan_reactions(enrolments(events), goals, people, now=NOW)
    tally = planted["onboarding"]
    assert tally.treated == tally.held_out == 1000
    assert 0.25 <= tally.treated_acted / tally.treated <= 0.35
    assert 0.10 <= tally.held_out_acted / tally.held_out <= 0.20
    assert len(messages) == tally.treated_acted + tally.held_out_acted
    assert {m.payload["event"] for m in messages} == {"Report Created"}
    assert all(m.at <= NOW for m in messages)
    accounts = {u.id: u.account_id for u in people.users}
    assert all(m.payload["context"]["groupId"] == accounts[m.payload["userId"]] for m in messages)
    again, _ = plan_reactions(enrolments(events), goals, people, now=NOW)
    assert [m.payload for m in again] == [m.payload for m in messages]


def test_any_event_goals_are_met_by_signing_in_and_goalless_playbooks_are_skipped() -> None:
    people = world()
    user = people.users[0]
    events = [nudge(NudgeSent, p, user.id, user.account_id, variant="treatment") for p in ("reengage", "alert")]  # fmt: skip
    goals = playbook_goals(
        [
            {"id": "reengage", "definition": {"goal": {"event": "*", "within": "7d"}}},
            {"id": "alert", "definition": {}},
        ]  # fmt: skip
    )
    assert goals == {"reengage": "*"}
    messages, planted = plan_reactions(enrolments(events), goals, people, now=NOW, base=1.0, lift=0.0)  # fmt: skip
    assert set(planted) == {"reengage"}
    assert [m.payload["event"] for m in messages] == ["Signed In"]
