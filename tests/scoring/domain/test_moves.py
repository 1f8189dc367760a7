"""What moved: the worst news and the largest ARR first; ARR at risk is the worsened accounts'."""

from __future__ import annotations

from banso_scoring.domain.moves import move_of, ordered, totals


def test_moves_are_ordered_worst_first_and_summed_per_band() -> None:
    moves = [
        move_of(account_id="a", traits={"arr": 10}, from_band="red", to_band="green", score=80),
        move_of(account_id="b", traits={"arr": 50}, from_band="green", to_band="yellow", score=60),
        move_of(account_id="c", traits={"arr": 20}, from_band="yellow", to_band="red", score=30),
        move_of(account_id="d", traits={}, from_band="red", to_band="yellow", score=55),
        move_of(account_id="e", traits={"arr": "n/a"}, from_band="green", to_band="red", score=9),
    ]
    assert [m.account_id for m in ordered(moves)] == ["c", "e", "b", "d", "a"]
    sums = totals(moves)
    assert sums.by_band["red"].accounts == 2
    assert sums.by_band["red"].arr == 20
    assert sums.by_band["yellow"].arr == 50
    assert sums.by_band["green"].accounts == 1
    # b (green to yellow) and c, e (to red) got worse; d (red to yellow) got better.
    assert sums.arr_at_risk == 70
    assert [m.worse for m in moves] == [False, True, True, False, True]
