"""Scoring functions turn a measure's value into 0–100."""

from __future__ import annotations

import pytest

from banso_scoring.domain.scoring_functions import Linear, Ratio, Step, Thresholds


def test_linear_is_clamped_and_can_run_downhill() -> None:
    rising = Linear(kind="linear", worst=0.1, best=0.7)
    assert rising.score(0.0) == 0
    assert rising.score(0.4) == pytest.approx(50)
    assert rising.score(0.95) == 100
    falling = Linear(kind="linear", worst=60, best=14)
    assert falling.score(14) == 100
    assert falling.score(37) == pytest.approx(50)
    assert falling.score(200) == 0


def test_ratio_against_a_target() -> None:
    ratio = Ratio(kind="ratio", target=20)
    assert ratio.score(5) == 25
    assert ratio.score(40) == 100
    assert ratio.score(-1) == 0


def test_thresholds_with_min_steps_take_the_first_step_reached() -> None:
    steps = Thresholds(
        kind="thresholds",
        steps=[Step(min=9, score=100), Step(min=7, score=65)],
        otherwise=15,
    )
    assert steps.score(10) == 100
    assert steps.score(9) == 100
    assert steps.score(8.9) == 65
    assert steps.score(3) == 15


def test_thresholds_with_max_steps_for_lower_is_better() -> None:
    steps = Thresholds(
        kind="thresholds",
        steps=[Step(max=0, score=100), Step(max=2, score=70)],
        otherwise=0,
    )
    assert steps.score(0) == 100
    assert steps.score(2) == 70
    assert steps.score(2.5) == 0


def test_a_step_has_exactly_one_bound() -> None:
    with pytest.raises(ValueError, match="exactly one of min or max"):
        Step(min=1, max=2, score=3)
