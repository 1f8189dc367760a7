"""JSON Schemas of the event payloads, generated from the models.

Schemas are JSON Schema draft-07 (the JSON Schema dialect AsyncAPI 3.0 names as a schema
format), with nested models under ``definitions``. They describe what a consumer accepts
(pydantic's validation mode): a field with a default is optional.
"""

from __future__ import annotations

import json
from typing import Any

from banso_contracts.events import Event

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def schema_filename(event_class: type[Event]) -> str:
    """The schema's file name under ``contracts/schemas/``: ``<event type>.json``."""
    return f"{event_class.EVENT_TYPE}.json"


def event_schema(event_class: type[Event]) -> dict[str, Any]:
    """The JSON Schema (draft-07) of one event type's payload."""
    schema = event_class.model_json_schema(mode="validation", ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", None)
    result: dict[str, Any] = {
        "$schema": DRAFT_07,
        "$id": schema_filename(event_class),
        "x-banso-event-type": event_class.EVENT_TYPE,
        **schema,
    }
    if definitions:
        result["definitions"] = definitions
    return result


def render_json(document: dict[str, Any]) -> str:
    """Stable text for a checked-in JSON file: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
