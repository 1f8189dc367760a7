"""The checked-in JSON Schemas and AsyncAPI document match the models (drift fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from banso_contracts.codec import encode
from banso_contracts.events import ALL_EVENTS, Event
from banso_contracts.schemagen import contracts_root, drift, main, render, write
from tests.contracts.samples import samples

ROOT = contracts_root()


def _validator(event_type: str) -> Draft7Validator:
    schema = json.loads((ROOT / "schemas" / f"{event_type}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def test_checked_in_files_match_the_models() -> None:
    assert drift(ROOT) == [], "run `python -m banso_contracts.schemagen` and commit the result"


def test_one_schema_file_per_event_type_and_version() -> None:
    names = sorted(p.name for p in (ROOT / "schemas").glob("*.json"))
    assert names == sorted(f"{c.EVENT_TYPE}.json" for c in ALL_EVENTS)


def test_generated_files_are_stable_and_end_with_a_newline() -> None:
    first, second = render(), render()
    assert first == second
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in first.values())


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda c: c.EVENT_TYPE)
def test_schema_is_valid_draft_07(event_class: type[Event]) -> None:
    schema = json.loads((ROOT / "schemas" / f"{event_class.EVENT_TYPE}.json").read_text())
    Draft7Validator.check_schema(schema)
    assert schema["x-banso-event-type"] == event_class.EVENT_TYPE
    assert "workspace_id" in schema["properties"]


@pytest.mark.parametrize("event", samples(), ids=lambda e: type(e).EVENT_TYPE)
def test_what_the_codec_writes_validates_against_the_checked_in_schema(event: Event) -> None:
    payload = json.loads(encode(event, source="/banso/test").value)
    errors = [error.message for error in _validator(event.EVENT_TYPE).iter_errors(payload)]
    assert errors == []


def test_the_schema_rejects_what_the_model_rejects() -> None:
    event = samples()[0]
    payload = json.loads(encode(event, source="/banso/test").value)
    validator = _validator(event.EVENT_TYPE)
    del payload["message_id"]
    payload["kind"] = "identify"
    messages = sorted(error.message for error in validator.iter_errors(payload))
    assert messages == [
        "'identify' is not one of ['track', 'page', 'screen']",
        ("'message_id' is a required property"),
    ]


def test_check_mode_lists_drifted_missing_and_orphan_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--root", str(tmp_path), "--check"]) == 0

    usage = tmp_path / "schemas" / "banso.usage.recorded.v1.json"
    usage.write_text(usage.read_text().replace('"kind"', '"sort"'))
    (tmp_path / "schemas" / "banso.health.changed.v1.json").unlink()
    (tmp_path / "schemas" / "banso.hand.written.v1.json").write_text("{}\n")
    capsys.readouterr()

    assert main(["--root", str(tmp_path), "--check"]) == 1

    err = capsys.readouterr().err
    assert "schemas/banso.usage.recorded.v1.json: differs from the models" in err
    assert "schemas/banso.health.changed.v1.json: missing" in err
    assert "schemas/banso.hand.written.v1.json: no model generates it" in err
    assert "asyncapi.yaml" not in err


def test_write_rewrites_only_what_changed(tmp_path: Path) -> None:
    assert len(write(tmp_path)) == len(ALL_EVENTS) + 1
    assert write(tmp_path) == []
    (tmp_path / "asyncapi.yaml").write_text("asyncapi: 2.6.0\n")
    assert write(tmp_path) == ["asyncapi.yaml"]
    assert drift(tmp_path) == []
