"""Microbenchmark of the per-account work at a slot's end: CPU µs per ``glance``, per first
publication and per later publication, over generated accounts (no Kafka, no database).

A first publication is what the engine does for an account with nothing published: the full
evaluation (as plain fields), the ``HealthChanged`` event's JSON and its outbox record (key,
envelope, headers), and the published health's JSON. A later publication is the same against a published health (its measures decoded
from the stored document to rank the drivers). ``glance`` is the number-only decision every other evaluation takes.

    .venv/bin/python bench/scoring_evaluation.py [--accounts 2000] [--repeat 3]

Prints one JSON object: µs of process CPU time per operation (the best of ``--repeat``
passes), and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from banso_contracts.codec import encode_json
from banso_contracts.events import HealthChanged
from banso_scoring.adapters.health_events import health_changed_json
from banso_scoring.domain.aggregates import AccountAggregate, ApplyPolicy
from banso_scoring.domain.evaluation import evaluate_plain, glance
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, TraitsUpdate, Usage
from banso_scoring.domain.published import Published
from banso_scoring.domain.scorecard_yaml import default_scorecard

DAY = 86_400.0
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
NAMES = ["Page Viewed", "Report Built", "Dashboard Shared", "Export", "Invite Sent"]


def _accounts(count: int, seed: int = 18) -> list[AccountAggregate]:
    """Accounts of 50 users with 30 days of usage; some with seats, a renewal, feedback and
    surveys, so every measure of the shipped scorecard reads something."""
    rng = random.Random(seed)
    policy = ApplyPolicy.from_scorecard(default_scorecard())
    now = NOW.timestamp()
    accounts = []
    for number in range(count):
        aggregate = AccountAggregate(workspace_id="ws_bench", account_id=f"account-{number}")
        if rng.random() < 0.7:
            aggregate.apply_traits(
                TraitsUpdate(
                    at=now - 90 * DAY,
                    seats=rng.choice([10, 40, 80]),
                    plan="pro",
                    created_at=now - rng.uniform(20, 200) * DAY,
                    renewal_at=now + rng.uniform(-10, 200) * DAY,
                )
            )
        for _ in range(rng.randint(30, 400)):
            at = now - rng.uniform(0, 30) * DAY
            aggregate.apply_usage(
                Usage(
                    name=rng.choice(NAMES),
                    at=at,
                    received_at=at,
                    user_id=f"user-{rng.randrange(50)}",
                    properties={"rows": 7},
                ),
                policy,
            )
        if rng.random() < 0.3:
            at = now - rng.uniform(0, 30) * DAY
            item = FeedbackItem(at=at, kind=rng.choice(["support_ticket", "churn_reason"]))
            aggregate.apply_feedback(item, rng.random() < 0.5, policy)
        if rng.random() < 0.3:
            at = now - rng.uniform(0, 60) * DAY
            aggregate.apply_survey(
                SurveyAnswer(at=at, kind="nps", score=rng.randint(0, 10)), policy
            )
        accounts.append(aggregate)
    return accounts


def _best_us(run: Callable[[], int], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        operations = run()
        best = min(best, (time.process_time() - started) / operations * 1e6)
    return round(best, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    card = default_scorecard()
    accounts = _accounts(options.accounts)
    later = NOW.replace(day=3)

    def publish(
        aggregate: AccountAggregate, now: datetime, published: Published | None
    ) -> Published:
        result = evaluate_plain(
            aggregate,
            card,
            now=now,
            published=None if published is None else published.prior(),
            week_ago_score=50.0,
        )
        written = health_changed_json(
            result.fields,
            workspace_id="ws_bench",
            account_id=aggregate.account_id,
            cause="events",
            scorecard_version=1,
            event_id="00000000-0000-0000-0000-000000000000",
        )
        encode_json(
            HealthChanged,
            written.value,
            workspace_id=written.workspace_id,
            subject=written.account_id,
            time=written.computed_at,
            source="/banso/scoring",
            event_id=written.event_id,
        )
        return Published.of_fields(result.fields)

    firsts = [publish(aggregate, NOW, None) for aggregate in accounts]

    def first_publications() -> int:
        for aggregate in accounts:
            publish(aggregate, NOW, None)
        return len(accounts)

    def later_publications() -> int:
        for aggregate, published in zip(accounts, firsts, strict=True):
            publish(aggregate, later, published)
        return len(accounts)

    def glances() -> int:
        for aggregate, published in zip(accounts, firsts, strict=True):
            glance(aggregate, card, now=later, published=published)
        return len(accounts)

    result = {
        "accounts": options.accounts,
        "glance_us": _best_us(glances, options.repeat),
        "first_publication_us": _best_us(first_publications, options.repeat),
        "later_publication_us": _best_us(later_publications, options.repeat),
        "load": [round(value, 2) for value in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
