"""The AsyncAPI 3.0 document of every topic, built from the registry and the models.

One document describes the whole platform: channels are the topics, messages the event types
(payload = the checked-in JSON Schema, headers = the CloudEvents attributes, Kafka key and
topic configuration as Kafka bindings), and operations say which service sends or receives what.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from banso_contracts.events import Event
from banso_contracts.schemas import schema_filename
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
    Topic,
)

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
SCHEMA_FORMAT = "application/schema+json;version=draft-07"

# Channel ids (AsyncAPI keys allow no dots, so not the topic names).
CHANNEL_IDS: dict[str, str] = {
    USAGE.name: "usage",
    USER_TRAITS.name: "userTraits",
    ACCOUNT_TRAITS.name: "accountTraits",
    FEEDBACK.name: "feedback",
    HEALTH.name: "health",
    TICKETS.name: "tickets",
    NUDGES.name: "nudges",
    DEAD_LETTER.name: "deadLetters",
    TOKEN_REVOCATIONS.name: "tokenRevocations",
}

SERVICES = ("ingest", "scoring", "bridge", "notify")

# Who sends and who receives each topic (DESIGN.md, "Services"); every service dead-letters.
SENDS: dict[str, tuple[Topic, ...]] = {
    "ingest": (USAGE, USER_TRAITS, ACCOUNT_TRAITS, FEEDBACK, TOKEN_REVOCATIONS, DEAD_LETTER),
    "scoring": (HEALTH, DEAD_LETTER),
    "bridge": (TICKETS, DEAD_LETTER),
    "notify": (NUDGES, DEAD_LETTER),
}
RECEIVES: dict[str, tuple[Topic, ...]] = {
    "ingest": (TOKEN_REVOCATIONS,),
    "scoring": (USAGE, USER_TRAITS, ACCOUNT_TRAITS, FEEDBACK, NUDGES, TOKEN_REVOCATIONS),
    "bridge": (FEEDBACK, USER_TRAITS, ACCOUNT_TRAITS, HEALTH, TOKEN_REVOCATIONS),
    "notify": (USAGE, USER_TRAITS, ACCOUNT_TRAITS, HEALTH, TICKETS, TOKEN_REVOCATIONS),
}

_HEADER_DESCRIPTIONS: dict[str, str] = {
    "ce_specversion": "CloudEvents spec version: `1.0`.",
    "ce_id": "Event id, unique per event; consumers drop repeats.",
    "ce_source": "The producer, e.g. `/banso/ingest`.",
    "ce_type": "Event type, e.g. `banso.usage.recorded.v1`; selects the payload schema.",
    "ce_time": "When the fact happened (event time), RFC 3339 in UTC.",
    "ce_subject": "What the event is about: the account (theme for tickets, user for traits).",
    "ce_workspace": "The workspace (tenant); equals the payload's `workspace_id`. Absent only "
    "on dead letters whose workspace could not be read.",
    "ce_correlationid": "Correlation id shared by everything one request or message caused.",
    "ce_bansoorigin": "`import` on events sent as history through ingest's `/v1/import` "
    "(remembered, never acted on: notify nudges on none of them); absent on live events.",
    "content-type": "`application/json` (the payload's CloudEvents `datacontenttype`).",
}
_REQUIRED_HEADERS = [
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_subject",
    "content-type",
]


def _summary(event_class: type[Event]) -> str:
    doc = event_class.__doc__ or event_class.__name__
    return doc.strip().split("\n\n", 1)[0].replace("\n", " ")


def _headers_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, description in _HEADER_DESCRIPTIONS.items():
        properties[name] = {"type": "string", "description": description}
    properties["ce_specversion"]["const"] = "1.0"
    properties["ce_time"]["format"] = "date-time"
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes as Kafka headers (binary content mode).",
        "required": list(_REQUIRED_HEADERS),
        "properties": properties,
    }


def _message(event_class: type[Event], topic: Topic) -> dict[str, Any]:
    return {
        "name": event_class.EVENT_TYPE,
        "title": event_class.__name__,
        "summary": _summary(event_class),
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/CloudEventsHeaders"},
        "payload": {
            "schemaFormat": SCHEMA_FORMAT,
            "schema": {"$ref": f"./schemas/{schema_filename(event_class)}"},
        },
        "correlationId": {
            "description": "The CloudEvents id of the event.",
            "location": "$message.header#/ce_id",
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": topic.key},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _channel(topic: Topic) -> dict[str, Any]:
    configuration: dict[str, Any] = {"cleanup.policy": [topic.cleanup_policy]}
    configuration["retention.ms"] = -1 if topic.retention_ms is None else topic.retention_ms
    return {
        "address": topic.name,
        "title": topic.name,
        "description": (
            f"{topic.description}\n\nKey: `{topic.key}`. The broker's topic name is "
            f"`BANSO_TOPIC_PREFIX` + `{topic.name}`."
        ),
        "messages": {
            event_class.__name__: {"$ref": f"#/components/messages/{event_class.__name__}"}
            for event_class in topic.events
        },
        "bindings": {
            "kafka": {
                "topic": topic.name,
                "partitions": topic.partitions,
                "topicConfiguration": configuration,
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operations() -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for service in SERVICES:
        for action, topics in (("send", SENDS[service]), ("receive", RECEIVES[service])):
            for topic in topics:
                channel = CHANNEL_IDS[topic.name]
                verb = "sends" if action == "send" else "receives"
                operation_id = f"{service}{verb.capitalize()}{channel[0].upper()}{channel[1:]}"
                operations[operation_id] = {
                    "action": action,
                    "title": f"{service} {verb} {topic.name}",
                    "channel": {"$ref": f"#/channels/{channel}"},
                    "messages": [
                        {"$ref": f"#/channels/{channel}/messages/{event_class.__name__}"}
                        for event_class in topic.events
                    ],
                    "tags": [{"name": service}],
                }
    return operations


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, as plain data ready to dump as YAML."""
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Bansō events",
            "version": version("banso-contracts"),
            "description": (
                "Every Kafka topic of Bansō, the event-driven customer-success platform. "
                "Payloads are JSON; CloudEvents 1.0 attributes travel as `ce_` headers. "
                "Consumers ignore payload fields they do not know, so producers may add "
                "optional fields to a version; any other change needs a new version."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The single-node development broker (`make kafka-up`); set "
                "`KAFKA_BOOTSTRAP_SERVERS` to use another cluster.",
            }
        },
        "channels": {CHANNEL_IDS[topic.name]: _channel(topic) for topic in ALL_TOPICS},
        "operations": _operations(),
        "components": {
            "schemas": {"CloudEventsHeaders": _headers_schema()},
            "messages": {
                event_class.__name__: _message(event_class, topic)
                for topic in ALL_TOPICS
                for event_class in topic.events
            },
        },
    }
