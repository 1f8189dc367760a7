"""The compatibility checker on synthetic schema pairs (built from real pydantic models)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, create_model

from banso_contracts.compat import breaking_changes
from banso_contracts.events import Event
from banso_contracts.schemas import event_schema


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    schema["definitions"] = schema.pop("$defs", {})
    return schema


class Item(BaseModel):
    sku: str
    quantity: int = Field(ge=1)


class Node(BaseModel):
    name: str
    children: list[Node] = []


BASE_FIELDS: dict[str, Any] = {
    "account_id": (str, ...),
    "plan": (Literal["free", "pro"], ...),
    "seats": (int, ...),
    "note": (str | None, None),
    "items": (list[Item], []),
    "traits": (dict[str, str], {}),
}


def _changed(**changes: Any) -> dict[str, Any]:
    """The base schema with fields replaced by ``(annotation, default)`` or removed (None)."""
    fields = {name: spec for name, spec in (BASE_FIELDS | changes).items() if spec is not None}
    model = create_model("Base", __config__=ConfigDict(extra="ignore"), **fields)
    return _schema(model)


BASE = _changed()


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(BASE, _changed()) == []


def test_a_new_optional_field_is_compatible() -> None:
    assert breaking_changes(BASE, _changed(region=(str | None, None))) == []
    assert breaking_changes(BASE, _changed(tags=(list[str], []))) == []


def test_descriptions_titles_and_defaults_may_change() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string", "description": "x"}}}
    new = {
        "type": "object",
        "title": "T",
        "properties": {"a": {"type": "string", "description": "y", "default": "z"}},
    }
    assert breaking_changes(old, new) == []


def test_a_removed_field_breaks() -> None:
    assert breaking_changes(BASE, _changed(seats=None)) == ["seats: field removed"]


def test_a_removed_optional_field_breaks() -> None:
    assert breaking_changes(BASE, _changed(note=None)) == ["note: field removed"]


def test_a_new_required_field_breaks() -> None:
    assert breaking_changes(BASE, _changed(region=(str, ...))) == [
        "region: new required field (old payloads lack it)"
    ]


def test_an_optional_field_becoming_required_breaks() -> None:
    assert breaking_changes(BASE, _changed(note=(str | None, ...))) == [
        "note: became required (old payloads may lack it)"
    ]


def test_a_required_field_becoming_optional_breaks() -> None:
    assert breaking_changes(BASE, _changed(seats=(int, 1))) == [
        "seats: no longer required (old consumers need it)"
    ]


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (str, "seats: type changed from integer to string"),
        (float, "seats: type changed from integer to number"),
        (int | None, "seats: type changed from integer to integer, null"),
    ],
)
def test_a_changed_or_widened_type_breaks(annotation: object, expected: str) -> None:
    assert breaking_changes(BASE, _changed(seats=(annotation, ...))) == [expected]


def test_a_narrowed_type_breaks() -> None:
    assert breaking_changes(BASE, _changed(note=(str, ""))) == [
        "note: type changed from null, string to string"
    ]


def test_a_removed_enum_value_breaks() -> None:
    assert breaking_changes(BASE, _changed(plan=(Literal["pro"], ...))) == [
        'plan: enum value(s) removed: "free"'
    ]


def test_an_added_enum_value_breaks_old_consumers() -> None:
    problems = breaking_changes(BASE, _changed(plan=(Literal["free", "pro", "team"], ...)))
    assert problems == [
        'plan: enum value(s) added: "team" (consumers of the published version reject them)'
    ]


def test_an_enum_widened_to_any_string_breaks() -> None:
    assert breaking_changes(BASE, _changed(plan=(str, ...))) == [
        'plan: widened from the values "free", "pro" to any value'
    ]


def test_changes_inside_nested_models_name_their_path() -> None:
    class Item2(BaseModel):
        sku: int
        quantity: int = Field(ge=0)
        gift: bool

    problems = breaking_changes(BASE, _changed(items=(list[Item2], [])))
    assert sorted(problems) == [
        "items[].gift: new required field (old payloads lack it)",
        "items[].quantity: constraint minimum changed from 1 to 0",
        "items[].sku: type changed from string to integer",
    ]


def test_a_changed_dict_value_type_breaks() -> None:
    assert breaking_changes(BASE, _changed(traits=(dict[str, int], {}))) == [
        "traits{}: type changed from string to integer"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"maxLength": 256}, {"maxLength": 100}, "constraint maxLength changed from 256 to 100"),
        ({"maxLength": 100}, {"maxLength": 256}, "constraint maxLength changed from 100 to 256"),
        ({}, {"format": "email"}, "constraint format changed from None to 'email'"),
        ({"pattern": "^a"}, {}, "constraint pattern changed from '^a' to None"),
    ],
)
def test_a_changed_constraint_breaks(
    old: dict[str, Any], new: dict[str, Any], expected: str
) -> None:
    def wrap(extra: dict[str, Any]) -> dict[str, Any]:
        field = {"type": "string"} | extra
        return {"type": "object", "properties": {"a": field}, "required": ["a"]}

    assert breaking_changes(wrap(old), wrap(new)) == [f"a: {expected}"]


def test_every_problem_is_reported_not_just_the_first() -> None:
    problems = breaking_changes(BASE, _changed(seats=None, note=(int | None, None)))
    assert sorted(problems) == [
        "note: type changed from null, string to integer, null",
        "seats: field removed",
    ]


def test_recursive_models_terminate() -> None:
    schema = _schema(Node)
    assert breaking_changes(schema, schema) == []


def test_a_new_event_version_pattern_is_what_the_checker_allows() -> None:
    class Recorded(Event):
        EVENT_TYPE: ClassVar[str] = "banso.test.recorded.v1"
        account_id: str

    class RecordedMore(Event):
        EVENT_TYPE: ClassVar[str] = "banso.test.recorded.v1"
        account_id: str
        channel: str | None = Field(default=None, description="Added in a later release.")

    class RecordedBroken(Event):
        EVENT_TYPE: ClassVar[str] = "banso.test.recorded.v1"
        account: str

    old = event_schema(Recorded)
    assert breaking_changes(old, event_schema(RecordedMore)) == []
    assert breaking_changes(old, event_schema(RecordedBroken)) == [
        "account_id: field removed",
        "account: new required field (old payloads lack it)",
    ]
