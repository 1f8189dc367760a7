"""What a publication writes — the published health's JSON (stored and served), the
HealthChanged event's JSON (the outbox row) and the history's numbers — must not change when
the way they are built changes (one validation pass instead of an object per part).

Over generated accounts (fixed seed) and every kind of evaluation (a first one, one against a
published health that ranks change drivers, one under an override, one with a trend), the
bytes are hashed and compared with the digest of the documents as the code wrote them before
(2026-12-07, ``compute_health`` building a pydantic object per measure, driver and signal and
``health_changed`` one per part of the event, and the published health parsed whole to rank
the next drivers)."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

from banso_contracts.codec import encode
from banso_scoring.adapters.health_events import health_changed
from banso_scoring.domain.evaluation import evaluate
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.published import Prior, Published

from .builders import ts
from .test_day_scores import CARD, DEFAULT, _generated, _goals, _milestones

# sha256 of every document below, in order, as written before the change.
DIGEST = "a707a3bd396ea2debe66d808fff1461bea229a7fbe6e5ed74022744e6ad1bb56"


def _override(rng: random.Random, now: datetime) -> Override:
    return Override(
        band=rng.choice(["green", "yellow", "red"]),
        score=rng.choice([None, 12.5, 88.0]),
        reason="champion left",
        set_by="csm@example.com",
        set_at=now - timedelta(days=5),
        expires_at=now + timedelta(days=rng.choice([-2, 3])),
    )


def _documents() -> tuple[list[bytes], dict[str, int]]:
    rng = random.Random(2026)
    documents: list[bytes] = []
    seen = {"drivers": 0, "change_drivers": 0, "signals": 0, "overrides": 0, "published": 0}
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
            result = evaluate(
                aggregate,
                card,
                now=now,
                published=published,
                goals=goals,
                milestones=milestones,
                override=override,
                week_ago_score=week_ago,
            )
            health = result.health
            event = health_changed(
                health,
                workspace_id="ws_1",
                account_id=f"acme-{number}",
                cause="events",
                scorecard_version=3,
            )
            encoded = encode(event, source="/banso/scoring", event_id=f"e-{number}-{step}")
            stored = Published.of(health)
            documents += [stored.document, encoded.value, repr(result.publish).encode()]
            seen["drivers"] += len(health.drivers)
            seen["change_drivers"] += sum(1 for d in health.drivers if d.basis == "change")
            seen["signals"] += len(health.signals)
            seen["overrides"] += health.override is not None
            if result.publish is not None:
                seen["published"] += 1
                # What the consumer ranks the next drivers against.
                published = stored.prior()
    return documents, seen


def test_published_documents_are_byte_for_byte_those_written_before() -> None:
    documents, seen = _documents()
    digest = hashlib.sha256(b"\x00".join(documents)).hexdigest()
    # The generated evaluations reach every part of a document.
    assert min(seen.values()) > 20, seen
    assert digest == DIGEST
