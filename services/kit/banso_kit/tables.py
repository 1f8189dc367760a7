"""The kit's own tables, defined on each service's metadata (every service has its own database).

- `consumer_offsets`: the next offset to read per consumer group and partition, written in the same
  transaction as the state change the messages caused.
- `processed_events`: ids of events already applied, so a redelivered event is dropped.
- `outbox`: events to publish, written in the transaction that decided them, relayed after commit.
- `dead_letters`: every message this service gave up on, with why, until an operator replays or
  discards it (`banso dlq`); the row stays as the record of who resolved it, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)


@dataclass(frozen=True)
class KitTables:
    offsets: Table
    processed: Table
    outbox: Table
    dead_letters: Table


def define_kit_tables(metadata: MetaData) -> KitTables:
    """Add the kit tables to a service's metadata (call once, where the service defines its models)."""
    offsets = Table(
        "consumer_offsets",
        metadata,
        Column("group_id", String(200), primary_key=True),
        Column("topic", String(249), primary_key=True),
        Column("partition", Integer, primary_key=True),
        Column("next_offset", BigInteger, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("group_id", String(200), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
    )
    outbox = Table(
        "outbox",
        metadata,
        Column(
            "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        Column("event_id", String(200), nullable=False, unique=True),
        Column("topic", String(249), nullable=False),
        Column("key", LargeBinary, nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("headers", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )
    Index("ix_outbox_unpublished", outbox.c.published_at, outbox.c.id)
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column(
            "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        Column("event_id", String(200), nullable=False, unique=True),
        Column("workspace_id", String(256), nullable=True),
        Column("origin_topic", String(249), nullable=False),
        Column("origin_partition", Integer, nullable=False),
        Column("origin_offset", BigInteger, nullable=False),
        Column("origin_key", LargeBinary, nullable=True),
        Column("origin_headers", Text, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("error_type", String(200), nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("failed_at", DateTime(timezone=True), nullable=False),
        Column("status", String(20), nullable=False),
        Column("resolved_at", DateTime(timezone=True), nullable=True),
        Column("resolved_by", String(100), nullable=True),
        Column("resolution_note", Text, nullable=True),
    )
    Index("ix_dead_letters_status", dead_letters.c.status, dead_letters.c.id)
    return KitTables(offsets=offsets, processed=processed, outbox=outbox, dead_letters=dead_letters)
