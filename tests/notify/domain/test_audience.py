"""Audience filters on plan, segment, band, role, locale and any trait."""

from __future__ import annotations

from typing import Any

from banso_notify.domain.audience import Condition, audience_matches
from banso_notify.domain.facts import Band, Recipient

from .builders import account, user


def matches(conditions: list[dict[str, Any]], **user_traits: Any) -> bool:
    facts = account(band=Band.YELLOW, score=55, plan="Trial", segment="smb", industry="retail")
    person = Recipient.for_user(user(role="admin", locale="ja-JP", **user_traits), "acme")
    return audience_matches([Condition.model_validate(c) for c in conditions], person, facts)


def test_empty_audience_is_everyone() -> None:
    assert matches([])


def test_shorthand_fields_read_account_and_user_traits() -> None:
    assert matches([{"field": "plan", "op": "eq", "value": "trial"}])  # case-insensitive
    assert matches([{"field": "segment", "op": "in", "value": ["smb", "mid"]}])
    assert matches([{"field": "role", "value": "admin"}])
    assert matches([{"field": "locale", "op": "in", "value": ["ja-JP", "ja"]}])
    assert not matches([{"field": "plan", "op": "not_in", "value": ["trial"]}])


def test_band_and_score_come_from_health() -> None:
    assert matches([{"field": "band", "op": "in", "value": ["yellow", "red"]}])
    assert matches([{"field": "score", "op": "lt", "value": 60}])
    assert not matches([{"field": "score", "op": "gte", "value": 60}])


def test_any_trait_by_scope_and_name() -> None:
    assert matches([{"field": "account.industry", "value": "retail"}])
    assert matches(
        [{"field": "user.department", "op": "contains", "value": "sales"}],
        department="Inside Sales",
    )
    assert matches([{"field": "user.department", "op": "missing"}])
    assert not matches([{"field": "user.department", "op": "exists"}])


def test_all_conditions_must_hold() -> None:
    assert not matches([{"field": "plan", "value": "trial"}, {"field": "role", "value": "member"}])


def test_a_missing_trait_never_matches_a_comparison() -> None:
    # an unknown value is not evidence, even for "not equal"
    assert not matches([{"field": "account.tier", "op": "ne", "value": "gold"}])
    assert not matches([{"field": "account.tier", "op": "gt", "value": 1}])


def test_numbers_compare_as_numbers() -> None:
    assert matches([{"field": "arr", "op": "gte", "value": 12000}])
    assert matches([{"field": "arr", "op": "eq", "value": 12000.0}])
    assert not matches([{"field": "arr", "op": "gt", "value": "a lot"}])
