"""The AsyncAPI document is valid AsyncAPI 3.0 and describes every topic, message and service."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from banso_contracts.asyncapi import CHANNEL_IDS, RECEIVES, SENDS
from banso_contracts.codec import encode
from banso_contracts.events import ALL_EVENTS
from banso_contracts.schemagen import contracts_root
from banso_contracts.topics import (
    ACCOUNT_TRAITS,
    ALL_TOPICS,
    DEAD_LETTER,
    FEEDBACK,
    HEALTH,
    NUDGES,
    TICKETS,
    TOKEN_REVOCATIONS,
    USAGE,
    USER_TRAITS,
)
from tests.contracts.samples import samples

ROOT = contracts_root()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _validate(document: dict[str, Any]) -> None:
    """Validate with asyncapi3, a pydantic model of the whole AsyncAPI 3.0 specification."""
    with warnings.catch_warnings():
        # asyncapi3 0.0.2 names a field "schema" (as the spec does); pydantic warns at import.
        warnings.filterwarnings("ignore", message='Field name "schema"', category=UserWarning)
        from asyncapi3 import AsyncAPI3  # type: ignore[import-untyped]  # ships no py.typed

    AsyncAPI3.model_validate(document)


def test_document_validates_against_the_asyncapi_3_object_model(document: dict[str, Any]) -> None:
    _validate(document)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("operations", "ingestSendsUsage", "action"), "publish", "'send' or 'receive'"),
        (("channels", "usage", "bindings", "kafka", "partitions"), 0, "must be positive"),
        (("components", "messages", "UsageRecorded", "key"), "x", "extension pattern"),
    ],
)
def test_the_validator_catches_an_invalid_document(
    document: dict[str, Any], path: tuple[str, ...], value: object, message: str
) -> None:
    broken = yaml.safe_load(yaml.safe_dump(document))
    node = broken
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ValidationError, match=message):
        _validate(broken)


def test_required_fields_of_the_3_0_spec(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"]
    assert document["info"]["version"]
    for server in document["servers"].values():
        assert server["host"]
        assert server["protocol"] == "kafka"
    for operation in document["operations"].values():
        assert operation["action"] in {"send", "receive"}
        assert operation["channel"]["$ref"].startswith("#/channels/")


def test_every_ref_resolves(document: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in refs:
        if ref.startswith("#/"):
            assert _resolve(document, ref) is not None, ref
        else:
            assert (ROOT / ref).is_file(), ref


def test_every_topic_is_a_channel_with_its_kafka_configuration(document: dict[str, Any]) -> None:
    channels = document["channels"]
    assert len(channels) == len(ALL_TOPICS)
    for topic in ALL_TOPICS:
        channel = channels[CHANNEL_IDS[topic.name]]
        assert channel["address"] == topic.name
        kafka = channel["bindings"]["kafka"]
        assert kafka["partitions"] == topic.partitions
        assert kafka["topicConfiguration"]["cleanup.policy"] == [topic.cleanup_policy]
        retention = -1 if topic.retention_ms is None else topic.retention_ms
        assert kafka["topicConfiguration"]["retention.ms"] == retention
        assert sorted(channel["messages"]) == sorted(c.__name__ for c in topic.events)


def test_every_event_is_a_message_with_payload_key_and_headers(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    assert sorted(messages) == sorted(c.__name__ for c in ALL_EVENTS)
    header_schema = _resolve(document, "#/components/schemas/CloudEventsHeaders")
    for event in samples():
        message = messages[type(event).__name__]
        assert message["name"] == event.EVENT_TYPE
        payload = message["payload"]
        assert payload["schemaFormat"] == "application/schema+json;version=draft-07"
        assert payload["schema"]["$ref"] == f"./schemas/{event.EVENT_TYPE}.json"
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["headers"]["$ref"] == "#/components/schemas/CloudEventsHeaders"
        sent = {name for name, _ in encode(event, source="/banso/test").headers}
        assert set(header_schema["required"]) <= sent <= set(header_schema["properties"])


def test_operations_say_who_sends_and_receives_each_topic(document: dict[str, Any]) -> None:
    def channels(service: str, action: str) -> set[str]:
        return {
            op["channel"]["$ref"].removeprefix("#/channels/")
            for op in document["operations"].values()
            if op["action"] == action and op["tags"] == [{"name": service}]
        }

    ids = {topic.name: CHANNEL_IDS[topic.name] for topic in ALL_TOPICS}
    assert channels("ingest", "send") == {
        ids[t.name]
        for t in (USAGE, USER_TRAITS, ACCOUNT_TRAITS, FEEDBACK, TOKEN_REVOCATIONS, DEAD_LETTER)
    }
    assert channels("scoring", "send") == {ids[HEALTH.name], ids[DEAD_LETTER.name]}
    assert channels("bridge", "send") == {ids[TICKETS.name], ids[DEAD_LETTER.name]}
    assert channels("notify", "send") == {ids[NUDGES.name], ids[DEAD_LETTER.name]}
    for service, topics in RECEIVES.items():
        assert channels(service, "receive") == {ids[t.name] for t in topics}
        # Every service refuses revoked tokens: each one reads the revocations.
        assert TOKEN_REVOCATIONS in topics, service
    for service, topics in SENDS.items():
        for topic in topics:
            assert topic in ALL_TOPICS, service


def test_operation_messages_belong_to_the_operation_channel(document: dict[str, Any]) -> None:
    for operation in document["operations"].values():
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel_ref}/messages/")
