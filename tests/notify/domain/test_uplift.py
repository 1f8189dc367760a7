"""Uplift CI math against the published values of Newcombe (1998), Table II."""

from __future__ import annotations

import pytest

from banso_notify.domain.uplift import newcombe_interval, uplift, wald_interval, wilson_interval

# (x1, n1, x2, n2) → method 10 (hybrid score) limits, Newcombe 1998, Stat Med 17:873-890
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_interval_matches_the_published_values(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    interval = newcombe_interval(*counts)

    assert (round(interval.low, 4), round(interval.high, 4)) == expected


def test_wald_interval_matches_the_published_example() -> None:
    interval = wald_interval(56, 70, 48, 80)  # Newcombe 1998 method 1: 0.0575, 0.3425

    assert (round(interval.low, 4), round(interval.high, 4)) == (0.0575, 0.3425)


def test_wilson_interval_of_zero_successes_is_not_degenerate() -> None:
    interval = wilson_interval(0, 10)  # Wilson 1927 / Newcombe 1998 single-proportion example

    assert interval.low == 0.0
    assert round(interval.high, 4) == 0.2775


def test_uplift_reports_difference_relative_change_and_both_intervals() -> None:
    result = uplift(
        treatment_converted=56, treatment_total=70, holdout_converted=48, holdout_total=80
    )

    assert result is not None
    assert result.difference == pytest.approx(0.8 - 0.6)
    assert result.relative == pytest.approx(0.2 / 0.6)
    assert result.newcombe_95.low < result.difference < result.newcombe_95.high


def test_zero_holdout_conversions_give_no_relative_change_but_an_interval() -> None:
    result = uplift(
        treatment_converted=5, treatment_total=56, holdout_converted=0, holdout_total=29
    )

    assert result is not None
    assert result.relative is None
    assert round(result.newcombe_95.low, 4) == -0.0381


def test_an_empty_arm_gives_no_uplift() -> None:
    assert (
        uplift(treatment_converted=0, treatment_total=0, holdout_converted=1, holdout_total=5)
        is None
    )
    assert (
        uplift(treatment_converted=1, treatment_total=5, holdout_converted=0, holdout_total=0)
        is None
    )


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="successes"):
        uplift(treatment_converted=6, treatment_total=5, holdout_converted=0, holdout_total=5)
