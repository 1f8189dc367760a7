"""Settings of the scoring service (environment prefix `SCORING_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from banso_kit.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_", extra="ignore", populate_by_name=True)

    service_name: str = "scoring"
    port: int = 8002
    # Kafka consumer group (behind BANSO_TOPIC_PREFIX, like the topics).
    group_id: str = "scoring"
    # Seconds of stream time per evaluation slot: accounts touched in a slot are evaluated (and
    # HealthChanged published when due) at its end. Reads through the API are always current;
    # the slot bounds how late a HealthChanged is, and what catching up costs (each slot of a
    # backlog evaluates every account it touched).
    slot_seconds: float = Field(default=5.0, gt=0)
    # Seconds of stream time between inactivity ticks, which re-evaluate every account.
    tick_seconds: float = Field(default=300.0, gt=0)
    # When every partition is caught up, stream time follows the clock, this many seconds
    # behind, so records still in flight from ingest land in their own slot.
    idle_grace_s: float = Field(default=2.0, ge=0)
    # Seconds of stream (arrival) time during which events of an account are never late to
    # one another: lateness is judged against the newest event time the account had reached
    # at least this long before, so a backfill sent in any order within it counts in full.
    late_grace_s: float = Field(default=3_600.0, ge=0)
    # Records waiting in Kafka beyond which the consumer is catching up and fetches more before
    # it commits (bigger rounds, fewer writes); below it, a round is committed as soon as fetched.
    catch_up_backlog: int = Field(default=5_000, ge=0)
    # Most records applied in one database transaction while catching up.
    max_round_records: int = Field(default=50_000, gt=0)
    # While a round is written, what the consumer fetched meanwhile is taken this often (ms), so
    # that the next round holds it: left in the client until the write ends, it would wait one
    # round more, as aiokafka fetches a partition again only once its records are taken.
    drain_ms: int = Field(default=10, gt=0)
    # Most health assessments (evaluations and event-time days' closes, ~0.1 ms each) one
    # partition runs in a round: with many accounts a backlog's slot ends would otherwise hold
    # the event loop, and the consumer's heartbeat, for seconds. An evaluation due is never
    # split; the records after it wait for the next round.
    max_round_assessments: int = Field(default=2_000, gt=0)
    # Records buffered per partition while waiting for a slower co-partition, before pausing it.
    max_buffered_records: int = Field(default=20_000, gt=0)
    # Seconds an applied event's id is remembered (in memory and in the database) to drop a
    # repeat of it. Repeats come from producer retries within minutes; ingest itself drops a
    # client's repeated messageId for 24 hours.
    processed_ids_keep_s: float = Field(default=900.0, gt=0)
    # CPython garbage collector thresholds for the consumer's process (see consumers/loop.py).
    # Records buffered for a round survive young collections, so every collection of the
    # middle generation walks them all again: measured while catching up, a young threshold of
    # 100,000 cost 15 % of the throughput against 1,000,000. Per-event objects are freed by
    # reference counting; only cycles wait for a collection.
    gc_thresholds: tuple[int, int, int] = (1_000_000, 20, 10)
    # Seconds between checks for scorecard, goal, milestone and override changes.
    requests_poll_s: float = Field(default=0.5, gt=0)
    # Seconds a scorecard preview (POST /v1/scorecard/preview) may spend evaluating accounts;
    # past it the preview answers with the accounts evaluated so far, marked incomplete.
    scorecard_preview_budget_s: float = Field(default=20.0, gt=0)
