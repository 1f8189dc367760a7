"""Holdout: deterministic per account, stable across versions, close to the asked percentage."""

from __future__ import annotations

from banso_notify.domain.holdout import holdout_bucket, in_holdout


def held(percent: float, account: str, *, playbook: str = "p", salt: str = "s") -> bool:
    return in_holdout(
        percent, salt=salt, workspace_id="ws", playbook_id=playbook, account_id=account
    )


def test_the_same_account_always_lands_in_the_same_arm() -> None:
    first = [held(20, f"a{i}") for i in range(200)]
    again = [held(20, f"a{i}") for i in range(200)]

    assert first == again


def test_the_share_held_out_is_close_to_the_percentage() -> None:
    share = sum(held(10, f"account-{i}") for i in range(20_000)) / 20_000

    assert 0.09 < share < 0.11


def test_raising_the_percentage_only_adds_accounts() -> None:
    accounts = [f"a{i}" for i in range(2000)]
    at_10 = {a for a in accounts if held(10, a)}
    at_20 = {a for a in accounts if held(20, a)}

    assert at_10 < at_20


def test_zero_percent_holds_nobody_out() -> None:
    assert not any(held(0, f"a{i}") for i in range(1000))


def test_playbooks_and_salts_shuffle_independently() -> None:
    accounts = [f"a{i}" for i in range(2000)]

    assert {a for a in accounts if held(20, a)} != {
        a for a in accounts if held(20, a, playbook="q")
    }
    assert {a for a in accounts if held(20, a)} != {a for a in accounts if held(20, a, salt="t")}


def test_bucket_is_pinned() -> None:
    # an accidental change of the hash would silently reshuffle every running experiment
    bucket = holdout_bucket(
        salt="banso-holdout-v1", workspace_id="ws", playbook_id="p", account_id="acme"
    )

    assert round(bucket, 9) == 15.946358716
