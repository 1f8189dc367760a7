"""Driver ranking: by impact on the score in points, trivial moves left out (pure logic)."""

from __future__ import annotations

from banso_scoring.domain.drivers import MeasureHealth, rank_drivers


def part(
    measure: str,
    score: float | None,
    share: float,
    *,
    value: float | None = None,
    detail: str = "",
) -> MeasureHealth:
    return MeasureHealth(
        measure=measure,
        label=measure.replace("_", " "),
        available=score is not None,
        value=value,
        score=score,
        weight=share,
        effective_weight=share,
        contribution=round((score or 0.0) * share, 2),
        detail=detail or f"{measure} detail",
    )


def test_a_licence_cost_of_30_8_points_comes_before_a_renewal_that_moved_0_1_point() -> None:
    # The reported case: licence utilisation stands at 4 % (score 12, share 0.35: 30.8 points
    # lost); renewal moved from 40.4 to 40.2 days left, 0.1 point of the score.
    previous = [
        part("licence_utilisation", 12.0, 0.35, value=0.04),
        part("renewal", 60.0, 0.15, value=40.4),
        part("core_action_frequency", 100.0, 0.5, value=12.0),
    ]
    now = [
        part("licence_utilisation", 12.0, 0.35, value=0.04),
        part("renewal", 59.3, 0.15, value=40.2),
        part("core_action_frequency", 100.0, 0.5, value=12.0),
    ]
    drivers = rank_drivers(now, previous, top=3)
    assert [(d.measure, d.basis, d.impact) for d in drivers] == [
        ("licence_utilisation", "standing", -30.8),
        ("renewal", "standing", -6.1),
    ]
    # The renewal's 0.1-point move is not offered as a reason the score moved.
    assert not any(d.basis == "change" for d in drivers)


def test_a_30_8_point_licence_fall_comes_first_and_a_0_1_point_renewal_move_is_left_out() -> None:
    previous = [
        part("licence_utilisation", 100.0, 0.35, value=0.9),
        part("renewal", 99.9, 0.15, value=120.0),
        part("core_action_frequency", 100.0, 0.5, value=12.0),
    ]
    now = [
        part("licence_utilisation", 12.0, 0.35, value=0.04),
        part("renewal", 99.2, 0.15, value=119.0),
        part("core_action_frequency", 100.0, 0.5, value=12.0),
    ]
    drivers = rank_drivers(now, previous, top=3)
    assert [(d.measure, d.basis, d.direction, d.impact) for d in drivers] == [
        ("licence_utilisation", "change", "down", -30.8),
    ]
    licence = drivers[0]
    # Structured enough to word in any language without the English text.
    assert (licence.value, licence.previous_value, licence.score, licence.previous_score) == (
        0.04,
        0.9,
        12.0,
        100.0,
    )


def test_changes_and_standing_costs_are_ranked_together_by_points() -> None:
    previous = [
        part("usage_trend", 80.0, 0.25),
        part("support_friction", 70.0, 0.2),
        part("nps_csat", 50.0, 0.2),
        part("licence_utilisation", 90.0, 0.35),
    ]
    now = [
        part("usage_trend", 88.0, 0.25),  # +2 points
        part("support_friction", 70.0, 0.2),  # costs 6 points
        part("nps_csat", 10.0, 0.2),  # -8 points
        part("licence_utilisation", 90.0, 0.35),  # costs 3.5 points
    ]
    drivers = rank_drivers(now, previous, top=4)
    assert [(d.measure, d.basis, d.impact) for d in drivers] == [
        ("nps_csat", "change", -8.0),
        ("support_friction", "standing", -6.0),
        ("licence_utilisation", "standing", -3.5),
        ("usage_trend", "change", 2.0),
    ]
    assert drivers[-1].direction == "up"
    assert [d.measure for d in rank_drivers(now, previous, top=2)] == [
        "nps_csat",
        "support_friction",
    ]


def test_equal_impacts_are_ordered_change_first_then_by_measure_name() -> None:
    previous = [part("renewal", 100.0, 0.25), part("feature_adoption", 100.0, 0.25)]
    now = [
        part("renewal", 100.0, 0.25),
        part("feature_adoption", 100.0, 0.25),
        part("nps_csat", 80.0, 0.25),  # new this time: +20 points
        part("goal_attainment", 20.0, 0.25),  # new: +5 points, costs 20 points
    ]
    drivers = rank_drivers(now, previous, top=5)
    assert [(d.measure, d.basis, d.impact) for d in drivers] == [
        ("nps_csat", "change", 20.0),
        ("goal_attainment", "change", 5.0),
    ]
    ties = [part("b_measure", 80.0, 0.5), part("a_measure", 80.0, 0.5)]
    assert [d.measure for d in rank_drivers(ties, None, top=3)] == ["a_measure", "b_measure"]
    moved = [part("b_measure", 60.0, 0.5), part("a_measure", 80.0, 0.5)]
    # b moved -10 points; a did not move and costs 10 points: the move comes first.
    assert [(d.measure, d.basis) for d in rank_drivers(moved, ties, top=3)] == [
        ("b_measure", "change"),
        ("a_measure", "standing"),
    ]


def test_below_half_a_point_nothing_is_a_driver() -> None:
    previous = [part("renewal", 99.0, 0.5), part("usage_trend", 99.4, 0.5)]
    now = [part("renewal", 99.6, 0.5), part("usage_trend", 99.2, 0.5)]
    # renewal moved +0.3 and costs 0.2; usage_trend moved -0.1 and costs 0.4.
    assert rank_drivers(now, previous, top=3) == []
    assert [d.impact for d in rank_drivers([part("renewal", 99.0, 0.5)], None, top=3)] == [-0.5]


def test_a_measure_no_longer_measured_says_so_in_its_fields() -> None:
    previous = [part("nps_csat", 90.0, 0.5, value=9.0), part("usage_trend", 100.0, 0.5)]
    now = [part("nps_csat", None, 0.0), part("usage_trend", 100.0, 1.0)]
    drivers = rank_drivers(now, previous, top=3)
    # usage_trend's share grew from 0.5 to 1.0: +50 points; nps_csat's 45 points went.
    assert [(d.measure, d.impact) for d in drivers] == [("usage_trend", 50.0), ("nps_csat", -45.0)]
    gone = drivers[1]
    assert (gone.value, gone.previous_value, gone.score, gone.previous_score) == (
        None,
        9.0,
        None,
        90.0,
    )
    assert gone.text == "nps csat no longer measured: nps_csat detail"
