"""The consumer keeps the last published health as its JSON document and three fields
(``Published``): every evaluation decides, explains and ranks drivers exactly as it does with
the full ``Health`` object."""

from __future__ import annotations

from banso_scoring.domain.evaluation import evaluate, glance
from banso_scoring.domain.health import Health
from banso_scoring.domain.published import Published

from .builders import account, daily, moment, policy_of, scorecard
from .test_changes_and_overrides import override

CARD = scorecard()


def test_compact_published_health_gives_the_same_evaluations() -> None:
    agg = account(seats=20, created_day=-60, renewal_day=70)
    policy = policy_of(CARD)
    published: Health | None = None
    compact: Published | None = None
    publications = 0
    for day in range(0, 60):
        daily(agg, policy, range(day, day + 1), users=16 if day < 25 else (9 if day < 40 else 2))
        now = moment(day, 18.0)
        held = override(band="yellow", expires_at=moment(47)) if 44 <= day < 47 else None
        full = evaluate(agg, CARD, now=now, published=published, override=held)
        again = evaluate(
            agg,
            CARD,
            now=now,
            published=None if compact is None else compact.health(),
            override=held,
        )
        assert again == full
        # What the consumer reads: only the published fields an evaluation compares with.
        light = evaluate(
            agg,
            CARD,
            now=now,
            published=None if compact is None else compact.prior(),
            override=held,
        )
        assert light == full
        quick = glance(agg, CARD, now=now, published=compact, override=held)
        assert quick == glance(agg, CARD, now=now, published=published, override=held)
        if full.publish is not None:
            publications += 1
            published = full.health
            compact = Published.of(full.health)
            assert (compact.score, compact.band, compact.override) == (
                published.score,
                published.band,
                published.override,
            )
            assert Published.from_document(compact.document) == compact
    assert publications >= 3
