"""The compiled pass (`banso-ingest-core`) against the pure path, its reference.

Every body goes through both: when the compiled pass takes a body, its records (topic, key, value,
headers), duplicates, last-group changes and lookups must equal the pure path's byte for byte;
when the pure path rejects any event of a body, the compiled pass must decline it (the service
then answers with the pure path's exact errors). Plain valid bodies must be taken, or the pass
would save nothing.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banso_ingest.adapters.compiled_core import compiled_reader
from banso_ingest.adapters.records import (
    ENCODED_EVENT_TYPES,
    TOPICS,
    Record,
    RecordWriter,
    shared_headers,
)
from banso_ingest.domain.compiled import ROUTES, CompiledReader
from banso_ingest.domain.feedback import FeedbackKind
from banso_ingest.domain.plan import (
    EVENT_ID_NAMESPACE,
    Duplicate,
    assign,
    identities_to_look_up,
    split_repeats,
)
from banso_ingest.domain.rejections import InvalidRequest
from banso_ingest.domain.requests import parse_batch
from banso_ingest.domain.routing import classify
from tests.ingest.compiled_core import require_compiled_core
from tests.ingest.domain.builders import LIMITS, RECEIVED_AT, counter_ids
from tests.ingest.record_batches import (
    TimedRecord,
    aiokafka_partition,
    compiled_batches,
    reference_batches,
)

FEEDBACK = {"NPS Submitted": FeedbackKind.NPS_COMMENT}
KNOWN = {"u-known": "acct-known", "anonymous:a-known": "acct-anon", "old-id": "acct-old"}
WORKSPACE, SOURCE = "ws_1", "src_1"
# Partitions of the usage, user-traits and account-traits topics; the batches' size and time.
PARTITIONS, BATCH_SIZE, AT_MS = (6, 3, 1), 4_096, 1_740_830_405_000


def _reader() -> CompiledReader:
    reader = compiled_reader(limits=LIMITS, feedback_events=FEEDBACK)
    require_compiled_core(reader is not None)
    assert reader is not None
    return reader


@dataclass
class Outcome:
    records: list[Record]
    duplicates: list[Duplicate]
    changes: dict[str, str]
    lookups: set[str]
    write_key: str | None
    # The records in Kafka's format (`encode(partitions=...)`), checked against aiokafka's.
    sections: list[Any] = field(default_factory=list, compare=False)


def pure(body: bytes) -> tuple[Outcome, list[dict[str, object]]]:
    """What the service's pure path does with a `/v1/batch` body (without I/O)."""
    parsed = parse_batch(
        orjson.loads(body),
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(body),
        new_message_id=counter_ids(),
    )
    intents, late = classify(parsed.messages, feedback_events=FEEDBACK)
    unique, duplicates = split_repeats(intents)
    lookups = identities_to_look_up(unique)
    assignment = assign(unique, workspace_id=WORKSPACE, source_id=SOURCE, known_groups=KNOWN)
    writer = RecordWriter(workspace_id=WORKSPACE, source_id=SOURCE, correlation_id="corr-1")
    errors = [r.as_json() for r in (*parsed.rejections, *late, *assignment.rejections)]
    records = []
    for outgoing in assignment.records:
        try:
            records.append(writer.record(outgoing))
        except orjson.JSONEncodeError:  # the service refuses the event (nested too deeply)
            errors.append({"index": outgoing.index, "reason": "invalid_field"})
    return Outcome(records, duplicates, assignment.changes, lookups, parsed.write_key), errors


def compiled(reader: CompiledReader, body: bytes) -> Outcome | None:
    """The same through the compiled pass; None when it declines the body."""
    batch = reader.read(body, received_at=RECEIVED_AT)
    if batch is None:
        return None
    ids = batch.message_ids()
    positions: list[int] = []
    duplicates: list[Duplicate] = []
    seen: set[str] = set()
    for position, (index, message_id) in enumerate(ids):
        if message_id in seen:
            duplicates.append(Duplicate(index, message_id))
        else:
            seen.add(message_id)
            positions.append(position)
    arguments: dict[str, Any] = {
        "known_groups": KNOWN,
        "workspace_id": WORKSPACE,
        "source_id": SOURCE,
        "namespace": EVENT_ID_NAMESPACE.bytes,
        "shared_headers": shared_headers(
            workspace_id=WORKSPACE, correlation_id="corr-1", origin=None
        ),
        "event_types": ENCODED_EVENT_TYPES,
        "topics": tuple(TOPICS[route] for route in ROUTES),
    }
    encoded, changes, no_sections = batch.encode(positions, **arguments)
    assert no_sections == []
    records = [Record(*record[:4]) for record in encoded]
    # With partitions, the same records go to sections instead, and the rest is the same.
    sectioned, same_changes, sections = batch.encode(
        positions, **arguments, partitions=PARTITIONS, timestamp_ms=AT_MS
    )
    assert [r[4:] for r in sectioned] == [r[4:] for r in encoded]
    assert [r[0] for r in sectioned] == [r[0] for r in encoded]
    assert same_changes == changes
    lookups = batch.identities_to_look_up(positions)
    return Outcome(records, duplicates, changes, lookups, batch.write_key, sections)


def assert_batches_as_aiokafkas(records: list[Record], sections: list[Any]) -> None:
    """The pass's record batches are aiokafka's for the same records, each record in the partition
    aiokafka's default partitioner picks for its key, in request order."""
    core = importlib.import_module("banso_ingest_core")
    by_partition: dict[tuple[int, int], list[TimedRecord]] = {}
    for record in records:
        route = ROUTES.index(next(r for r in ROUTES if TOPICS[r] == record.topic))
        chosen = aiokafka_partition(record.key, PARTITIONS[route])
        by_partition.setdefault((route, chosen), []).append(
            (record.key, record.value, record.headers, AT_MS)
        )
    assert [(route, chosen) for route, chosen, _ in sections] == list(by_partition)
    for (route, chosen, section), expected in zip(sections, by_partition.values(), strict=True):
        assert compiled_batches(core, [section], batch_size=BATCH_SIZE) == reference_batches(
            expected, batch_size=BATCH_SIZE
        ), (route, chosen)


def same_or_declined(reader: CompiledReader, body: bytes) -> Outcome | None:
    """Assert the two paths agree on `body`; the compiled outcome (None: declined)."""
    reference, errors = pure(body)
    outcome = compiled(reader, body)
    if outcome is not None:
        assert errors == [], "the compiled pass took a body the pure path rejects events of"
        assert outcome == reference
        assert_batches_as_aiokafkas(reference.records, outcome.sections)
    return outcome


def body_of(*messages: Any, **envelope: Any) -> bytes:
    return orjson.dumps({"batch": list(messages), "sentAt": "2025-03-01T12:00:05Z", **envelope})


def track(**fields: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "messageId": "m-1",
        "userId": "u1",
        "event": "Report Exported",
        **fields,
    }


# Valid, plain messages: the compiled pass must take each (and agree byte for byte).
TAKEN: list[dict[str, Any]] = [
    track(),
    track(timestamp="2025-03-01T11:59:59.123Z", context={"groupId": "acct-1"}),
    track(timestamp="2025-03-01T11:59:59.123456+00:00", sentAt="2025-03-01T12:00:01Z"),
    track(timestamp="2025-03-01T11:59:59", properties={"plan": "pro", "seats": 25}),
    # RudderStack: the device time in originalTimestamp, its sentAt per message
    track(originalTimestamp="2025-02-28T23:00:00.500Z", sentAt="2025-02-28T23:00:01.000Z"),
    track(userId=None, anonymousId="a-1", context={"library": {"name": "analytics.js"}}),
    track(userId="u-known"),
    track(userId=None, anonymousId="a-known"),
    track(userId=12345678901234, groupId=42),
    track(integrations={"All": False, "Mixpanel": True}, writeKey="wk_1"),
    {"type": "page", "messageId": "p-1", "anonymousId": "a-2", "name": "Pricing"},
    {"type": "page", "messageId": "p-2", "userId": "u1", "properties": {"title": "Docs"}},
    {"type": "page", "messageId": "p-3", "userId": "u1", "properties": {"url": "https://x/y"}},
    {"type": "page", "messageId": "p-4", "userId": "u1", "category": "docs"},
    {"type": "screen", "messageId": "s-1", "userId": "u1", "name": "Home"},
    {"type": "identify", "messageId": "i-1", "userId": "u1", "traits": {"email": "a@b.c"}},
    {"type": "identify", "messageId": "i-2", "userId": "u-known", "anonymousId": "a-3"},
    {"type": "group", "messageId": "g-1", "userId": "u1", "groupId": "acct-2", "traits": {}},
    {"type": "group", "messageId": "g-2", "anonymousId": "a-4", "groupId": "acct-3"},
    {"type": "alias", "messageId": "al-1", "userId": "new-id", "previousId": "old-id"},
    # unicode and escapes
    track(event="レポートを書き出した", properties={"名前": "値 ✓ 😀", "q": 'a"b\\c\n\t\x01'}),
    track(userId="ユーザー-1", context={"locale": "ja-JP", "groupId": "アカウント"}),
    # numbers as orjson reads and writes them
    track(
        properties={
            "big": 2**63 - 1,
            "bigger": 2**64 - 1,
            "negative": -(2**63),
            "float": 1.5,
            "tiny": 1e-7,
            "small": 0.00001,
            "huge": 1e300,
            "exact": 1e16,
            "zero": -0.0,
            "nested": [1, [2, [3, {"deep": True}]], None, False],
        }
    ),
]

# Anything else: the compiled pass may decline; if it takes one, both must agree.
OTHERS: list[Any] = [
    {"type": "track", "event": "Signed Up", "messageId": "x"},
    {"type": "identify", "messageId": "x", "anonymousId": "a1", "traits": {}},
    {"type": "track", "messageId": "x", "userId": "u1"},
    {"type": "track", "messageId": "x", "userId": "u1", "event": "   "},
    {"type": "group", "messageId": "x", "userId": "u1", "traits": {}},
    {"type": "alias", "messageId": "x", "userId": "u1"},
    {"type": "alias", "messageId": "x", "previousId": "anon-1"},
    {"type": "purchase", "messageId": "x", "userId": "u1"},
    {"type": "TRACK", "messageId": "x", "userId": "u1", "event": "e"},
    {"type": 7, "userId": "u1"},
    {"userId": "u1", "event": "x"},
    track(timestamp="yesterday"),
    track(timestamp=1700000000),
    track(timestamp="2025-03-01T11:59:59.1Z"),
    track(timestamp="2025-03-01T11:59:59+09:00"),
    track(timestamp="9999-12-31T23:59:59Z", sentAt="2000-01-01T00:00:00Z"),
    track(sentAt="not a time"),
    track(properties=["a", "b"]),
    track(context="web"),
    track(integrations=[]),
    track(traits=1),
    track(userId=True),
    track(userId=1.5),
    track(userId={"id": 1}),
    track(userId="u" * 300),
    track(userId="  padded  "),
    track(userId="\u3000wide"),
    track(event=42),
    track(event="e" * 600),
    track(category=3),
    track(context={"groupId": ["a"]}),
    track(context={"groupId": " spaced"}),
    track(messageId=None),
    track(messageId=""),
    track(messageId=77),
    track(writeKey="wk_other"),
    track(event="NPS Submitted", properties={"text": "Great", "score": 9}),
    track(event="NPS Submitted"),
    "just a string",
    None,
    [],
]


def _nested(levels: int) -> bytes:
    """JSON `levels` deep, alternating arrays and objects (orjson writes at most 254 levels)."""
    text = b'"leaf"'
    for level in range(levels):
        text = b'{"k":' + text + b"}" if level % 2 else b"[" + text + b"]"
    return text


@pytest.mark.parametrize("message", TAKEN, ids=range(len(TAKEN)))
def test_plain_valid_messages_are_compiled_to_the_same_records(message: dict[str, Any]) -> None:
    reader = _reader()
    body = body_of(message, {**track(), "messageId": "neighbour"}, writeKey="wk_1")

    assert same_or_declined(reader, body) is not None


@pytest.mark.parametrize("message", OTHERS, ids=range(len(OTHERS)))
def test_anything_else_is_the_same_or_left_to_the_reference(message: Any) -> None:
    reader = _reader()
    same_or_declined(reader, body_of(message, track(messageId="neighbour"), writeKey="wk_1"))


@pytest.mark.parametrize("levels", [10, 120, 200, 300])
def test_deep_nesting_is_the_same_or_left_to_the_reference(levels: int) -> None:
    reader = _reader()
    body = body_of(track(properties={"v": "@"})).replace(b'"@"', _nested(levels))

    outcome = same_or_declined(reader, body)

    assert (outcome is not None) == (levels <= 120)


@pytest.mark.parametrize(
    "body",
    [
        # what SDKs other than orjson write: whitespace, escapes orjson would not write
        b'{ "batch" : [ {"type":"track", "messageId":"m\\u002d1", "userId":"u\\/1",'
        b' "event":"caf\\u00e9 \\ud83d\\ude00", "properties": {"a" : [ 1 , 2.50 , -0 ]} } ] }',
        b'{"sentAt":"2025-03-01T12:00:05Z","writeKey":"wk_1","batch":[{"type":"track",'
        b'"messageId":"m-1","userId":"u1","event":"e"}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"a","event":"b"}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e",'
        b'"properties":{"a":1,"a":2}}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"},'
        b'{"type":"track","messageId":"m-1","userId":"u1","event":"e"}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"}],"context":{}}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"}],'
        b'"context":{"groupId":"acct-9"},"integrations":{"All":true}}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e",'
        b'"properties":{"n":1e400}}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"\\ud800"}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"}]} x',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"}],"batch":[]}',
        b'{"batch":[]}',
        # integers beyond 64 bits: orjson reads them as floats
        b'{"batch":[{"type":"track","messageId":"m-1","userId":1180591620717411303424,"event":"e"}]}',
        b'{"batch":[{"type":"track","messageId":"m-1","userId":"u","event":"e",'
        b'"properties":{"n":1180591620717411303424,"m":-9223372036854775809}}]}',
        b'{"batch":{}}',
        b'{"writeKey":5,"batch":[{"type":"track","messageId":"m-1","userId":"u1","event":"e"}]}',
    ],
)
def test_hand_written_bodies_are_the_same_or_left_to_the_reference(body: bytes) -> None:
    reader = _reader()
    try:
        reference_reads_it = isinstance(orjson.loads(body), dict)
        pure(body)
    except (orjson.JSONDecodeError, InvalidRequest):
        reference_reads_it = False
    if not reference_reads_it:  # the pure path refuses the whole request: the pass must decline
        assert compiled(reader, body) is None
    else:
        same_or_declined(reader, body)


def test_a_large_request_measures_each_event_as_the_reference_does() -> None:
    reader = _reader()
    filler = [track(messageId=f"f-{n}", properties={"pad": "x" * 1000}) for n in range(40)]
    big = track(messageId="big", properties={"blob": "x" * (33 * 1024)})

    assert same_or_declined(reader, body_of(*filler)) is not None
    assert same_or_declined(reader, body_of(*filler, big)) is None


def test_a_group_call_applies_to_the_events_after_it_in_the_same_batch() -> None:
    reader = _reader()
    body = body_of(
        track(messageId="before", userId="u9"),
        {"type": "group", "messageId": "g", "userId": "u9", "groupId": "acct-9"},
        track(messageId="after", userId="u9"),
        {"type": "alias", "messageId": "al", "userId": "u10", "previousId": "u9"},
        track(messageId="aliased", userId="u10"),
    )

    outcome = same_or_declined(reader, body)

    assert outcome is not None
    assert [r.key for r in outcome.records] == [
        b"ws_1:user:u9",
        b"ws_1:acct-9",
        b"ws_1:acct-9",
        b"ws_1:u9",
        b"ws_1:acct-9",
    ]
    assert outcome.changes == {"u9": "acct-9", "u10": "acct-9"}


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
IDS = st.one_of(
    st.none(), st.text(max_size=12), st.integers(min_value=-(2**63), max_value=2**63 - 1)
)
TIMES = st.one_of(
    st.none(),
    st.datetimes().map(lambda t: t.isoformat()),
    st.datetimes().map(lambda t: t.isoformat(timespec="milliseconds") + "Z"),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    kind=st.sampled_from(["track", "page", "screen", "identify", "group", "alias"]),
    ids=st.tuples(IDS, IDS, IDS, IDS),
    name=st.one_of(st.none(), st.text(max_size=10)),
    times=st.tuples(TIMES, TIMES),
    objects=st.tuples(JSON, JSON, JSON),
)
def test_generated_messages_agree(
    kind: str,
    ids: tuple[Any, Any, Any, Any],
    name: str | None,
    times: tuple[str | None, str | None],
    objects: tuple[Any, Any, Any],
) -> None:
    reader = _reader()
    user, anonymous, group, previous = ids
    message = {
        "type": kind,
        "messageId": "m-gen",
        "userId": user,
        "anonymousId": anonymous,
        "groupId": group,
        "previousId": previous,
        "event": name,
        "name": name,
        "timestamp": times[0],
        "sentAt": times[1],
        "properties": objects[0],
        "context": objects[1],
        "traits": objects[2],
    }
    same_or_declined(reader, body_of(message))
    # As other writers spell it: spaces, newlines, every non-ASCII character as \uXXXX.
    spelled = json.dumps({"batch": [message]}, ensure_ascii=True, indent=1)
    same_or_declined(reader, spelled.encode())
