"""Playbooks load from YAML, and every mistake is reported with the field it is in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from banso_notify.builtin import builtin_playbook_sources, builtin_playbooks
from banso_notify.domain.errors import PlaybookInvalid
from banso_notify.domain.facts import Channel
from banso_notify.domain.playbook import parse_playbook, playbook_to_yaml

GOOD = """
id: trial-nudge
name: Nudge trial users who export
trigger:
  type: usage_event
  event: Report Exported
  where:
    - {property: format, op: eq, value: csv}
audience:
  - {field: plan, op: in, value: [trial, starter]}
  - {field: user.department, op: exists}
recipient:
  kind: account_users
  roles: [admin]
steps:
  - wait: 1d
  - send: {channel: email, template: tip}
  - wait: 3d
  - send: {channel: in_app, template: tip}
goal: {event: Plan Upgraded, within: 14d, scope: account}
holdout_percent: 20
caps:
  user_daily: {scope: user, max: 1, per: 1d}
  account_same_playbook_daily: null
delivery_hours:
  send_window: {start: "09:00", end: "18:00", days: [mon, tue, wed, thu, fri]}
  quiet_hours: {start: "12:00", end: "13:00"}
templates:
  tip:
    en: {subject: "A tip", text: "Hello {{ user.name }}"}
"""


def parse_errors(source: str) -> dict[str, str]:
    with pytest.raises(PlaybookInvalid) as caught:
        parse_playbook(source)
    return {error.field: error.message for error in caught.value.errors}


def test_a_full_playbook_reads_from_yaml() -> None:
    book = parse_playbook(GOOD)

    assert book.trigger.type == "usage_event"
    assert [type(step).__name__ for step in book.steps] == [
        "WaitStep",
        "SendStep",
        "WaitStep",
        "SendStep",
    ]
    assert [step.send.channel for step in book.send_steps()] == [Channel.EMAIL, Channel.IN_APP]
    assert book.goal is not None
    assert book.goal.within.days == 14
    assert book.caps["account_same_playbook_daily"] is None
    assert book.holdout_percent == 20


def test_yaml_round_trip_keeps_the_definition() -> None:
    book = parse_playbook(GOOD)

    assert parse_playbook(playbook_to_yaml(book)) == book


def test_a_bad_trigger_field_is_named() -> None:
    errors = parse_errors(GOOD.replace("type: usage_event", "type: inactivity\n  days: zero"))

    assert "trigger.days" in errors


def test_an_unknown_trigger_type_is_named() -> None:
    errors = parse_errors(GOOD.replace("type: usage_event", "type: moon_phase"))

    assert list(errors) == ["trigger"]
    assert "moon_phase" in errors["trigger"]


def test_a_bad_channel_in_a_step_is_named() -> None:
    errors = parse_errors(
        GOOD.replace("{channel: email, template: tip}", "{channel: fax, template: tip}")
    )

    assert "steps.1.send.channel" in errors


def test_a_bad_duration_is_named() -> None:
    errors = parse_errors(GOOD.replace("- wait: 1d", "- wait: soon"))

    assert "steps.0.wait" in errors
    assert "duration" in errors["steps.0.wait"]


def test_an_unknown_audience_field_is_named() -> None:
    errors = parse_errors(GOOD.replace("field: plan,", "field: shoe_size,"))

    assert "audience.0.field" in errors
    assert "shoe_size" in errors["audience.0.field"]


def test_an_operator_without_its_value_is_refused() -> None:
    errors = parse_errors(GOOD.replace("op: in, value: [trial, starter]", "op: in"))

    assert "audience.0" in errors


def test_an_undefined_template_is_refused() -> None:
    errors = parse_errors(GOOD.replace("template: tip}", "template: nope}", 1))

    assert "nope" in errors["(root)"]


def test_template_syntax_errors_name_the_template_part() -> None:
    errors = parse_errors(GOOD.replace("Hello {{ user.name }}", "Hello {{ user.name "))

    assert "templates.tip.en.text" in errors


def test_email_templates_need_a_subject() -> None:
    errors = parse_errors(GOOD.replace('subject: "A tip", ', ""))

    assert "subject" in errors["(root)"]


def test_invalid_yaml_says_where() -> None:
    errors = parse_errors("id: [unclosed\n")

    assert "line" in errors["(yaml)"]


def test_unknown_top_level_fields_are_refused() -> None:
    errors = parse_errors(GOOD + "colour: blue\n")

    assert "colour" in errors


def test_holdout_is_bounded() -> None:
    errors = parse_errors(GOOD.replace("holdout_percent: 20", "holdout_percent: 95"))

    assert "holdout_percent" in errors


def test_each_problem_has_a_code_and_parameters_beside_its_message() -> None:
    def coded(source: str) -> dict[str, tuple[str | None, dict[str, object]]]:
        with pytest.raises(PlaybookInvalid) as caught:
            parse_playbook(source)
        return {error.field: (error.code, dict(error.params)) for error in caught.value.errors}

    bounded = coded(GOOD.replace("holdout_percent: 20", "holdout_percent: 95") + "colour: blue\n")
    assert bounded["colour"] == ("extra_forbidden", {})
    assert bounded["holdout_percent"][0] == "less_than_equal"
    assert coded("id: [unclosed\n")["(yaml)"] == ("yaml_syntax", {"line": 2, "column": 1})
    assert coded("- a list\n")["(root)"] == ("not_mapping", {})


def test_builtin_playbooks_load_with_japanese_and_english_texts() -> None:
    books = builtin_playbooks()

    assert sorted(book.id for book in books) == sorted(builtin_playbook_sources())
    assert {book.trigger.type for book in books} == {
        "milestone_overdue",
        "inactivity",
        "health_changed",
        "metric_crossed",
        "ticket_resolved",
    }
    for book in books:
        for step in book.send_steps():
            assert set(book.templates[step.send.template]) == {"en", "ja"}


def test_max_trigger_age_defaults_to_a_day_and_must_be_a_positive_duration() -> None:
    assert parse_playbook(GOOD).max_trigger_age == timedelta(hours=24)
    assert parse_playbook(GOOD + "max_trigger_age: 3d\n").max_trigger_age == timedelta(days=3)
    assert "duration" in parse_errors(GOOD + "max_trigger_age: soon\n")["max_trigger_age"]
    assert "1s to 365d" in parse_errors(GOOD + "max_trigger_age: 0s\n")["max_trigger_age"]
    assert "1s to 365d" in parse_errors(GOOD + "max_trigger_age: 400d\n")["max_trigger_age"]
