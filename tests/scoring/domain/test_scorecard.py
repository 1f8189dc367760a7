"""Scorecards: the shipped default, YAML validation that names the bad field, segments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from banso_scoring.domain.scorecard_yaml import (
    ScorecardInvalid,
    default_scorecard,
    default_scorecard_text,
    parse_scorecard,
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScorecardInvalid) as caught:
        parse_scorecard(text)
    return caught.value.problems


def test_default_scorecard_loads_with_every_generic_measure() -> None:
    card = default_scorecard()
    kinds = {spec.measure for spec in card.measures}
    assert kinds == {
        "licence_utilisation",
        "usage_trend",
        "support_friction",
        "nps_csat",
        "onboarding_milestones",
        "goal_attainment",
        "renewal",
        "cs_touch_recency",
    }
    assert card.bands.band_of(70) == "green"
    assert card.bands.band_of(69.9) == "yellow"
    assert card.bands.band_of(39.9) == "red"
    assert "bands:" in default_scorecard_text()


def test_bad_duration_names_the_measure_and_field() -> None:
    text = """
measures:
  - {measure: licence_utilisation, weight: 10}
  - {measure: support_friction, weight: 10}
  - {measure: usage_trend, weight: 10, window: a week}
"""
    assert problems_of(text) == ["measures[2].window: must be a duration like 7d"]


def test_every_problem_is_reported_with_its_path() -> None:
    text = """
bands: {green: 30, yellow: 50}
measures:
  - {measure: licence_utilisation, weight: 0}
  - {measure: usage_trend, weight: 1, scoring: {kind: linear, worst: 1, best: 1}}
  - {measure: no_such_measure, weight: 1}
  - {measure: renewal, weight: 1, colour: blue}
  - {measure: nps_csat, weight: 1, scoring: {kind: cubic}}
"""
    problems = problems_of(text)
    assert "bands: yellow must be below green" in problems
    assert "measures[0].weight: Input should be greater than 0" in problems
    assert "measures[1].scoring: worst and best must differ" in problems
    assert any(p.startswith("measures[2]: unknown measure 'no_such_measure'") for p in problems)
    assert "measures[3].colour: unknown field" in problems
    assert any(p.startswith("measures[4].scoring: unknown kind 'cubic'") for p in problems)


def test_threshold_steps_must_be_ordered_and_of_one_kind() -> None:
    unordered = """
measures:
  - measure: support_friction
    weight: 1
    scoring: {kind: thresholds, steps: [{max: 5, score: 30}, {max: 0, score: 100}]}
"""
    assert problems_of(unordered) == ["measures[0].scoring: steps must be in ascending max order"]
    mixed = """
measures:
  - measure: support_friction
    weight: 1
    scoring: {kind: thresholds, steps: [{max: 0, score: 100}, {min: 5, score: 30}]}
"""
    assert problems_of(mixed) == ["measures[0].scoring: steps must all use min or all use max"]


def test_measures_needing_configuration_say_which_field_is_missing() -> None:
    text = """
measures:
  - {measure: feature_adoption, weight: 1}
"""
    assert problems_of(text) == ["key_events: feature_adoption needs at least one key event"]
    text = """
key_events: [Export]
measures:
  - {measure: core_action_frequency, weight: 1}
"""
    assert problems_of(text) == ["core_action: core_action_frequency needs a core action"]


def test_a_measure_may_appear_only_once() -> None:
    text = """
measures:
  - {measure: renewal, weight: 1}
  - {measure: renewal, weight: 2}
"""
    assert problems_of(text) == ["measures: renewal listed more than once"]


def test_yaml_syntax_errors_give_line_and_column() -> None:
    problems = problems_of("measures:\n  - {measure: renewal, weight: 1\n")
    assert problems[0].startswith("line 3, column 1:")


def test_a_scorecard_must_be_a_mapping() -> None:
    assert problems_of("- just\n- a list\n") == ["scorecard must be a YAML mapping of fields"]


def test_segments_resolve_by_plan_and_size_first_match_wins() -> None:
    card = parse_scorecard(
        """
measures:
  - {measure: licence_utilisation, weight: 1}
segments:
  - name: enterprise
    when: {plans: [Enterprise], min_seats: 100}
    bands: {green: 80, yellow: 50}
  - name: small
    when: {max_seats: 10}
    measures:
      - {measure: support_friction, weight: 1}
"""
    )
    name, rules = card.resolve(plan="enterprise", seats=250, arr=None)
    assert name == "enterprise"
    assert rules.bands.green == 80
    assert [spec.measure for spec in rules.measures] == ["licence_utilisation"]
    name, rules = card.resolve(plan="enterprise", seats=50, arr=None)
    assert name is None
    assert rules.bands.green == 70
    name, rules = card.resolve(plan="starter", seats=5, arr=None)
    assert name == "small"
    assert [spec.measure for spec in rules.measures] == ["support_friction"]
    # Unknown seats match no size condition.
    assert card.resolve(plan="starter", seats=None, arr=None)[0] is None


def test_segment_problems_name_the_segment() -> None:
    text = """
measures:
  - {measure: licence_utilisation, weight: 1}
segments:
  - name: power
    when: {min_arr: 100000}
    measures:
      - {measure: feature_adoption, weight: 1}
"""
    assert problems_of(text) == [
        "segments[0] (power): key_events: feature_adoption needs at least one key event"
    ]


def test_retention_covers_the_longest_window_and_the_lateness() -> None:
    card = parse_scorecard(
        """
lateness: 3d
max_goal_window: 14d
measures:
  - {measure: usage_trend, weight: 1, window: 7d, baseline: 28d}
  - {measure: nps_csat, weight: 1, window: 90d}
"""
    )
    assert card.bucket_retention == timedelta(days=38)
    assert card.record_retention == timedelta(days=90)


def test_durations_accept_the_usual_units() -> None:
    card = parse_scorecard(
        """
lateness: 36h
future_tolerance: 90s
measures:
  - {measure: licence_utilisation, weight: 1, window: 2w}
"""
    )
    assert card.lateness == timedelta(hours=36)
    assert card.future_tolerance == timedelta(seconds=90)
    assert card.measures[0].window == timedelta(days=14)
    dumped = card.model_dump(mode="json")
    assert dumped["lateness"] == "36h"
    assert dumped["measures"][0]["window"] == "2w"


def test_each_problem_carries_a_code_and_parameters_to_word_it_in_any_language() -> None:
    text = default_scorecard_text().replace("top_drivers: 3", "top_drivers: 0") + "bogus: 1\n"
    with pytest.raises(ScorecardInvalid) as caught:
        parse_scorecard(text)
    found = {p.field: (p.code, p.params, p.line) for p in caught.value.located}
    lines = text.splitlines()
    assert found["top_drivers"] == (
        "greater_than_equal",
        {"ge": 1},
        lines.index("top_drivers: 0") + 1,
    )
    assert found["bogus"] == ("extra_forbidden", {}, len(lines))
    [syntax] = pytest.raises(ScorecardInvalid, parse_scorecard, "a: [\n").value.located
    assert (syntax.code, syntax.params) == ("yaml_syntax", {"line": 2, "column": 1})
