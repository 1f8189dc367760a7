"""Templates may use only what their trigger provides: misspelt names are found before saving,
and everything the check allows is really there when a message is rendered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from banso_notify.domain.context import message_context
from banso_notify.domain.errors import PlaybookInvalid
from banso_notify.domain.playbook import parse_playbook
from banso_notify.domain.samples import sample_account, sample_recipient, sample_signal
from banso_notify.domain.template_variables import (
    SIGNALS,
    ListOf,
    suggestion,
    unknown_variables,
    variable_names,
    variables_for,
)
from banso_notify.domain.triggers import Trigger

TRIGGERS: dict[str, dict[str, Any]] = {
    "usage_event": {"type": "usage_event", "event": "Report Exported"},
    "health_changed": {"type": "health_changed", "to_band": "red"},
    "inactivity": {"type": "inactivity", "days": 14},
    "milestone_overdue": {"type": "milestone_overdue", "milestone": "first_report"},
    "goal_at_risk": {"type": "goal_at_risk"},
    "ticket_resolved": {"type": "ticket_resolved"},
    "metric_crossed": {"type": "metric_crossed", "metric": "seat_utilisation", "above": 0.9},
}
USAGE = variables_for("usage_event")


@pytest.mark.parametrize(
    "source",
    [
        "Hi {{ user.first_name or user.name or 'there' }} at {{ account.name }}",
        "{{ user.traits.department }} {{ account.traits['region'] }} {{ signal.properties.format }}",
        "{{ user.name | upper }} {{ user.email.split('@')[1] }} {{ account.get('plan') }}",
        "{% for d in drivers %}{{ loop.index }}. {{ d }}{% endfor %}{{ drivers[0] }}",
        "{% set who = user.name %}{{ who }} {{ range(3) | list }} {{ unsubscribe_url }}",
        "{% for user in [1, 2] %}{{ user.whatever }}{% endfor %}",  # its own loop variable
        "{{ signal.event }} {{ signal.occurred_at }} {{ product.url }} {{ playbook.id }}",
    ],
)
def test_what_a_usage_playbook_provides_is_accepted(source: str) -> None:
    assert unknown_variables(source, USAGE) == []


@pytest.mark.parametrize(
    ("source", "unknown"),
    [
        ("Hi {{ usr.name }}", ["usr"]),
        ("Hi {{ user.nmae }}", ["user.nmae"]),
        ("Hi {{ user['nmae'] }}", ["user.nmae"]),
        ("{{ account.arr }} {{ acount.arr }} {{ account.ar }}", ["acount", "account.ar"]),
        ("{% if health.score < 50 %}low{% endif %}", ["health"]),  # not a health trigger
        ("{{ signal.score }}", ["signal.score"]),  # a usage signal has no score
        ("{{ drivers.first }}", ["drivers.first"]),
    ],
)
def test_names_the_trigger_does_not_provide_are_reported(source: str, unknown: list[str]) -> None:
    assert unknown_variables(source, USAGE) == unknown


def test_each_trigger_adds_its_own_facts() -> None:
    assert (
        unknown_variables(
            "{{ health.score }} {{ signal.drivers }}", variables_for("health_changed")
        )
        == []
    )
    assert (
        unknown_variables("{{ ticket.title }} {{ ticket.url }}", variables_for("ticket_resolved"))
        == []
    )
    assert unknown_variables("{{ metric.value }}", variables_for("metric_crossed")) == []
    assert unknown_variables("{{ ticket.title }}", variables_for("metric_crossed")) == ["ticket"]


def test_a_close_known_name_is_suggested() -> None:
    assert suggestion("user.nmae", USAGE) == "user.name"
    assert suggestion("acount", USAGE) == "account"
    assert suggestion("zzz", USAGE) is None


@pytest.mark.parametrize("trigger_type", sorted(SIGNALS))
def test_every_name_the_check_allows_is_in_the_rendered_context(trigger_type: str) -> None:
    trigger: Any = TypeAdapter(Trigger).validate_python(TRIGGERS[trigger_type])
    account = sample_account("en")
    signal = sample_signal(
        trigger, account=account, user_id="sample-user", locale="en", now=datetime.now(UTC)
    )
    context = {
        **message_context(signal, sample_recipient("en"), account),
        "playbook": {"id": "p", "name": "P"},
        "product": {"name": "Acme", "url": ""},
        "unsubscribe_url": "",
    }
    variables = variables_for(trigger_type)
    for name in variable_names(variables):
        value: Any = context
        for part in name.split("."):
            assert isinstance(value, dict), name
            assert part in value, f"{name} is allowed but a {trigger_type} message lacks it"
            value = value[part]
    assert set(context) == set(variables), "the context has names the check would refuse"
    assert isinstance(variables["drivers"], ListOf)


def test_saving_names_the_template_locale_and_steps() -> None:
    source = """
id: p
name: P
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
  - wait: 1d
  - send: {channel: slack, template: tip}
templates:
  tip:
    en: {subject: "Hi {{ user.name }}", text: "ok"}
    ja: {subject: "{{ user.nmae }} 様", text: "{{ helth.score }}"}
"""
    with pytest.raises(PlaybookInvalid) as refused:
        parse_playbook(source)
    first, second = refused.value.errors
    assert (first.field, first.variable, first.template) == (
        "templates.tip.ja.subject",
        "user.nmae",
        "tip",
    )
    assert (first.locale, first.steps) == ("ja", (0, 2))
    assert "used by steps.0, steps.2" in first.message
    assert "did you mean 'user.name'?" in first.message
    assert (second.field, second.variable) == ("templates.tip.ja.text", "helth")
    assert "templates can use user, account, drivers, signal" in second.message
    # The same, as a code and parameters a client words in its reader's language.
    assert first.code == second.code == "unknown_variable"
    assert first.params["suggestion"] == "user.name"
    assert (first.params["variable"], first.params["template"]) == ("user.nmae", "tip")
    assert (first.params["locale"], first.params["trigger"]) == ("ja", "usage_event")
    assert "suggestion" not in second.params
    assert str(second.params["available"]).startswith("user, account, drivers, signal")
