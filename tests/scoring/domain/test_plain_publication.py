"""The consumer publishes from a health's plain fields (``evaluate_plain``), writing the
published health's JSON and the ``HealthChanged`` record without building the models: over the
generated evaluations of ``test_publication_bytes`` the bytes must be the ones the models write
(the same digest), the record's key and headers those ``encode`` gives, and every record an event
the contract accepts."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from banso_contracts.codec import decode, encode, encode_json
from banso_contracts.events import HealthChanged
from banso_scoring.adapters.health_events import health_changed, health_changed_json
from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.evaluation import PlainEvaluation, evaluate, evaluate_plain
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Health
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.published import Prior, Published, health_document
from banso_scoring.domain.scorecard import MilestoneSpec, Scorecard

from .builders import account, daily, moment, policy_of, scorecard, ts
from .test_day_scores import CARD, DEFAULT, _generated, _goals, _milestones
from .test_publication_bytes import DIGEST, _override

SOURCE = "/banso/scoring"


class Case(NamedTuple):
    aggregate: AccountAggregate
    scorecard: Scorecard
    now: datetime
    published: Prior | None = None
    goals: Sequence[Goal] = ()
    milestones: Sequence[MilestoneSpec] = ()
    override: Override | None = None
    week_ago_score: float | None = None


def _both_ways(
    number: int, step: int, case: Case
) -> tuple[list[bytes], list[bytes], PlainEvaluation, Published]:
    """(documents the models write, documents the plain fields write, the plain evaluation
    and its ``Published``)."""
    model = evaluate(**case._asdict())
    plain = evaluate_plain(**case._asdict())
    assert plain.publish == model.publish
    assert Health.model_validate(plain.fields) == model.health
    event_id = f"e-{number}-{step}"
    event = health_changed(
        model.health,
        workspace_id="ws_1",
        account_id=f"acme-{number}",
        cause="events",
        scorecard_version=3,
    )
    encoded = encode(event, source=SOURCE, event_id=event_id)
    written = health_changed_json(
        plain.fields,
        workspace_id="ws_1",
        account_id=f"acme-{number}",
        cause="events",
        scorecard_version=3,
        event_id=event_id,
    )
    record = encode_json(
        HealthChanged,
        written.value,
        workspace_id=written.workspace_id,
        subject=written.account_id,
        time=written.computed_at,
        source=SOURCE,
        event_id=written.event_id,
    )
    assert (record.key, record.headers, record.topic) == (
        encoded.key,
        encoded.headers,
        encoded.topic,
    )
    assert decode(record.headers, record.value, expected=HealthChanged) == (encoded.envelope, event)
    stored, light = Published.of(model.health), Published.of_fields(plain.fields)
    assert health_document(plain.fields) == light.document
    publish = repr(model.publish).encode()
    assert (light.score, light.band, light.override) == (
        stored.score,
        stored.band,
        stored.override,
    )
    return (
        [stored.document, encoded.value, publish],
        [light.document, record.value, publish],
        plain,
        light,
    )


def test_plain_fields_write_the_bytes_the_models_write() -> None:
    rng = random.Random(2026)
    by_fields: list[bytes] = []
    for number in range(150):
        card = CARD if number % 2 else DEFAULT
        aggregate = _generated(rng, card)
        goals = _goals(rng)
        milestones = _milestones(rng)
        published: Prior | None = None
        for step in range(4):
            now = datetime.fromtimestamp(ts(rng.uniform(-3, 50)), tz=UTC)
            override = _override(rng, now) if step == 2 else None
            week_ago = rng.choice([None, 41.3, 77.0]) if step == 3 else None
            case = Case(aggregate, card, now, published, goals, milestones, override, week_ago)
            models, fields, plain, light = _both_ways(number, step, case)
            assert fields == models
            by_fields += fields
            if plain.publish is not None:
                published = light.prior()
    assert hashlib.sha256(b"\x00".join(by_fields)).hexdigest() == DIGEST


def test_integer_scores_and_an_override_set_in_another_time_zone_are_written_as_models_write_them() -> (
    None
):
    # A thresholds function's ``otherwise`` defaults to the integer 0 and a step's score may be
    # an integer: the model writes them as floats (0.0), and so must the plain fields. An
    # override's expiry keeps its offset in the health and is UTC in the event.
    card = scorecard(
        {
            "measure": "licence_utilisation",
            "weight": 60,
            "scoring": {"kind": "thresholds", "steps": [{"min": 0.9, "score": 100}]},
        },
        {"measure": "usage_trend", "weight": 40},
    )
    agg = account(seats=20, created_day=-60, renewal_day=70)
    daily(agg, policy_of(card), range(0, 40), users=5)
    tokyo = timezone(timedelta(hours=9))
    held = Override(
        band="green",
        score=None,
        reason="signed an expansion",
        set_by="csm@example.com",
        set_at=moment(35).astimezone(tokyo),
        expires_at=moment(50).astimezone(tokyo),
    )
    for override in (None, held):
        models, fields, _, _ = _both_ways(1, 0, Case(agg, card, moment(40), override=override))
        assert fields == models
    assert b'"score":0.0' in models[0]
    assert b'"expires_at":"2025-04-22T12:00:00Z"' in models[1]
    assert b"+09:00" in models[0]
