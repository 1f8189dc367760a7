"""What moved: the worst news and the largest ARR first; ARR at risk is the worsened accounts'."""

from __future__ import annotations

from banso_scoring.domain.moves import Move, ordered, totals


def move(account: str, arr: float | None, from_band: str, to_band: str, score: float) -> Move:
    return Move(account, f"{account} KK", arr, None, from_band, to_band, score)


def test_moves_are_ordered_worst_first_and_summed_per_band() -> None:
    moves = [
        move("a", 10, "red", "green", 80),
        move("b", 50, "green", "yellow", 60),
        move("c", 20, "yellow", "red", 30),
        move("d", None, "red", "yellow", 55),
        move("e", None, "green", "red", 9),
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
