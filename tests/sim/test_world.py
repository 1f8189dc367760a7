"""The simulated customers: deterministic, and shaped like a Japanese B2B SaaS's customer base."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from banso_sim.world.build import apportion, build_world
from banso_sim.world.catalog import TOKYO, Plan
from banso_sim.world.model import Archetype, World, WorldConfig

NOW = datetime(2025, 6, 30, 5, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(WorldConfig(now=NOW))


def test_the_same_config_builds_the_same_world() -> None:
    config = WorldConfig(now=NOW, seed=11, accounts=30, users=400)
    assert build_world(config) == build_world(config)


def test_another_seed_builds_another_world() -> None:
    first = build_world(WorldConfig(now=NOW, seed=1, accounts=30, users=400))
    second = build_world(WorldConfig(now=NOW, seed=2, accounts=30, users=400))
    assert [a.name for a in first.accounts] != [a.name for a in second.accounts]
    assert {u.id for u in first.users}.isdisjoint({u.id for u in second.users})


def test_the_default_world_has_200_accounts_and_3000_people(world: World) -> None:
    assert len(world.accounts) == 200
    assert len(world.users) == 3000
    assert len({a.id for a in world.accounts}) == 200
    assert len({u.id for u in world.users}) == 3000
    assert all(world.users_of(account) for account in world.accounts)


def test_most_accounts_are_in_tokyo_and_both_languages_are_spoken(world: World) -> None:
    zones = Counter(account.timezone for account in world.accounts)
    assert 0.7 <= zones[TOKYO] / len(world.accounts) <= 0.9
    assert len(zones) >= 4
    assert {account.locale for account in world.accounts} == {"ja", "en"}
    user_locales = Counter(user.locale for user in world.users)
    assert user_locales["ja"] > user_locales["en"] > 0


def test_every_story_and_plan_is_present(world: World) -> None:
    stories = Counter(account.archetype for account in world.accounts)
    assert set(stories) == set(Archetype)
    assert stories[Archetype.HEALTHY] > stories[Archetype.CHURNING]
    assert {account.plan for account in world.accounts} == set(Plan)


def test_commercial_facts_are_consistent(world: World) -> None:
    for account in world.accounts:
        people = world.users_of(account)
        final_seats = account.seats_on(world.config.days - 1)
        assert final_seats >= 1
        # nobody uses more seats than were bought (expanding accounts buy more in time)
        assert sum(1 for user in people if user.present_on(world.config.days - 1)) <= final_seats
        expected = final_seats * account.seat_price_usd * 12 * account.discount
        assert abs(account.arr_on(world.config.days - 1) - expected) <= 50
        assert account.created_at < NOW
        assert account.renewal_date > NOW.date()
    churning = [a for a in world.accounts if a.archetype is Archetype.CHURNING]
    assert all((a.renewal_date - NOW.date()).days <= 75 for a in churning)


def test_expanding_accounts_run_out_of_seats(world: World) -> None:
    expanding = [a for a in world.accounts if a.archetype is Archetype.EXPANDING]
    last = world.config.days - 1
    full = [
        a
        for a in expanding
        if sum(u.present_on(last) for u in world.users_of(a)) / a.seats_on(last) > 0.85
    ]
    assert len(full) >= len(expanding) * 0.8
    assert any(a.upgrade_day is not None for a in expanding)


def test_onboarding_accounts_sign_up_inside_the_window(world: World) -> None:
    config = world.config
    for account in world.accounts:
        inside = config.start <= account.created_at < NOW
        assert inside == (account.archetype is Archetype.ONBOARDING)


def test_people_have_unique_addresses_at_their_company(world: World) -> None:
    emails = [user.email for user in world.users]
    assert len(set(emails)) == len(emails)
    domains = {account.id: account.domain for account in world.accounts}
    assert all(user.email.endswith("@" + domains[user.account_id]) for user in world.users)
    owners = [u for u in world.users if u.role == "owner"]
    assert len(owners) == len(world.accounts)


def test_apportion_is_exact_and_proportional() -> None:
    parts = apportion(100, [1.0, 2.0, 7.0], minimum=1)
    assert sum(parts) == 100
    assert parts[0] < parts[1] < parts[2]
    assert apportion(3, [5.0, 0.1, 0.1], minimum=1) == [1, 1, 1]
    with pytest.raises(ValueError, match="at least"):
        apportion(2, [1.0, 1.0, 1.0], minimum=1)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        WorldConfig(now=datetime(2025, 6, 30))  # noqa: DTZ001 - the point of the test


def test_the_demos_csm_is_the_one_with_the_largest_book(world: World) -> None:
    books = Counter(account.csm.email for account in world.accounts)
    csm, book = world.busiest_csm()
    assert book == max(books.values())
    assert books[csm.email] == book
    assert csm.locale in {"ja", "en"}
