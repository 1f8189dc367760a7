"""The topic registry: names, keys, partitions and retention, and the event-to-topic mapping."""

from __future__ import annotations

import re

import pytest

from banso_contracts import ContractError
from banso_contracts.events import (
    ALL_EVENTS,
    DeadLettered,
    Event,
    HealthChanged,
    TokenRevoked,
    UserAliased,
    UserIdentified,
)
from banso_contracts.topics import (
    ACCOUNT_TRAITS,
    ALL_TOPICS,
    DEAD_LETTER,
    HEALTH,
    TICKETS,
    TOKEN_REVOCATIONS,
    USAGE,
    USER_TRAITS,
    event_class,
    topic_for,
    topic_named,
)
from tests.contracts.samples import WS, samples


def test_every_event_type_is_on_exactly_one_topic() -> None:
    published = [event for topic in ALL_TOPICS for event in topic.events]
    assert sorted(e.EVENT_TYPE for e in published) == sorted(e.EVENT_TYPE for e in ALL_EVENTS)
    assert len(published) == len(set(published))


@pytest.mark.parametrize("event_class_", ALL_EVENTS, ids=lambda c: c.EVENT_TYPE)
def test_event_types_follow_the_naming_rule(event_class_: type[Event]) -> None:
    assert re.fullmatch(r"banso\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*", event_class_.EVENT_TYPE)
    assert event_class(event_class_.EVENT_TYPE) is event_class_


def test_topic_names_follow_the_naming_rule() -> None:
    for topic in ALL_TOPICS:
        assert re.fullmatch(r"banso\.[a-z-]+\.v[1-9][0-9]*", topic.name)
    assert [t.name for t in ALL_TOPICS] == [
        "banso.usage.v1",
        "banso.user-traits.v1",
        "banso.account-traits.v1",
        "banso.feedback.v1",
        "banso.health.v1",
        "banso.tickets.v1",
        "banso.nudges.v1",
        "banso.deadletter.v1",
        "banso.token-revocations.v1",
    ]


def test_state_topics_are_compacted_and_kept_forever() -> None:
    for topic in ALL_TOPICS:
        compacted = topic in (USER_TRAITS, ACCOUNT_TRAITS, TOKEN_REVOCATIONS)
        assert (topic.cleanup_policy == "compact") is compacted
        assert (topic.retention_ms is None) is compacted
    assert USER_TRAITS.configs() == {"cleanup.policy": "compact", "retention.ms": "-1"}
    assert USAGE.configs() == {"cleanup.policy": "delete", "retention.ms": str(14 * 86_400_000)}


def test_partitions_fit_the_development_broker() -> None:
    assert {t.name: t.partitions for t in ALL_TOPICS if t.partitions != 6} == {
        TICKETS.name: 3,
        DEAD_LETTER.name: 3,
        TOKEN_REVOCATIONS.name: 1,
    }


def test_physical_name_adds_the_prefix() -> None:
    assert HEALTH.physical_name("t-1234.") == "t-1234.banso.health.v1"
    assert HEALTH.physical_name() == "banso.health.v1"


@pytest.mark.parametrize("event", samples(), ids=lambda e: type(e).EVENT_TYPE)
def test_keys_follow_the_contributing_rules(event: Event) -> None:
    key = topic_for(event).key_for(event)
    if isinstance(event, UserIdentified):
        assert key == f"{WS}:{event.user_id}"
    elif isinstance(event, UserAliased):
        assert key == f"{WS}:{event.previous_id}"
    elif topic_for(event) is TICKETS:
        assert key == f"{WS}:thm_1"
    elif isinstance(event, DeadLettered):
        assert key == "banso.usage.v1:2"
    elif isinstance(event, TokenRevoked):
        assert key == f"{WS}:{event.token_id}"
    else:
        assert key == f"{WS}:acc_1"


def test_key_for_refuses_an_event_of_another_topic() -> None:
    health = next(e for e in samples() if isinstance(e, HealthChanged))
    with pytest.raises(ContractError, match="banso.health.changed.v1 is not published on topic"):
        USAGE.key_for(health)


def test_topic_for_accepts_a_type_name_a_class_or_an_event() -> None:
    health = next(e for e in samples() if isinstance(e, HealthChanged))
    assert topic_for("banso.health.changed.v1") is HEALTH
    assert topic_for(HealthChanged) is HEALTH
    assert topic_for(health) is HEALTH
    assert topic_named("banso.health.v1") is HEALTH


def test_unknown_names_raise_contract_errors() -> None:
    with pytest.raises(ContractError, match="unknown event type 'banso.nope.v1'"):
        topic_for("banso.nope.v1")
    with pytest.raises(ContractError, match="unknown event type"):
        event_class("banso.nope.v1")
    with pytest.raises(ContractError, match="unknown topic"):
        topic_named("banso.nope.v1")
