"""Every feedback item the simulator plans carries what it is about, and that never leaves it."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from banso_sim.feedback.problems import ONE_OFF_KEYS, ONE_OFFS, PROBLEMS
from banso_sim.stream.feedback_plan import world_feedback
from banso_sim.stream.generate import generate
from banso_sim.stream.messages import FEEDBACK_TOPIC
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig

NOW = datetime(2025, 6, 30, 5, 0, tzinfo=UTC)
CONFIG = WorldConfig(now=NOW, seed=3, accounts=40, users=400, days=60)


def test_every_item_with_words_is_labeled_with_a_planted_problem_or_a_known_topic() -> None:
    feedback = world_feedback(CONFIG, build_world(CONFIG))
    keys = {problem.key for problem in PROBLEMS}
    others = {"praise", "check_in", "churn"}
    requests = {f"request:{key}" for keys_ in ONE_OFF_KEYS.values() for key in keys_}
    assert feedback
    for labeled in feedback:
        item = labeled.item
        assert item.text
        assert item.about in keys | others or item.about in requests
        if item.problem is not None:
            assert item.about == item.problem
    abouts = {labeled.item.about for labeled in feedback}
    assert abouts & keys
    assert abouts & others
    assert [labeled.item.day for labeled in feedback] == sorted(
        labeled.item.day for labeled in feedback
    )


def test_a_churn_reason_told_as_a_problem_is_labeled_with_that_problem() -> None:
    config = WorldConfig(now=NOW, seed=5, accounts=120, users=1200, days=60)
    reasons = [
        labeled.item
        for labeled in world_feedback(config, build_world(config))
        if labeled.item.kind == "churn_reason"
    ]
    told = [item for item in reasons if item.problem is not None]
    generic = [item for item in reasons if item.problem is None]
    assert told
    assert generic
    for item in told:
        phrasing = next(p for p in PROBLEMS if p.key == item.problem).phrasing(item.language)
        stems = {body.split("{")[0][:6] for body in phrasing.bodies}
        assert any(stem in (item.text or "") for stem in stems)
    assert all(item.about == "churn" for item in generic)


def test_labels_are_kept_out_of_what_the_simulator_sends() -> None:
    world = build_world(CONFIG)
    keys = [problem.key for problem in PROBLEMS]
    sent = [m for m in generate(world) if m.topic == FEEDBACK_TOPIC]
    assert sent
    for message in sent:
        body = orjson.dumps(message.payload).decode()
        assert not any(key in body for key in keys)
        assert "request:" not in body
        assert "check_in" not in body


def test_every_one_off_request_has_a_key_and_one_request_has_one_key_in_both_languages() -> None:
    # A ticket gathering "I can't find any docs on API rate limits." and its Japanese wording is
    # about one request: the benchmark must not score it as a mixture.
    for language, texts in ONE_OFFS.items():
        assert len(ONE_OFF_KEYS[language]) == len(texts) == len(set(ONE_OFF_KEYS[language]))
    ja = dict(zip(ONE_OFF_KEYS["ja"], ONE_OFFS["ja"], strict=True))
    en = dict(zip(ONE_OFF_KEYS["en"], ONE_OFFS["en"], strict=True))
    for key, word in (("api_rate_limit_docs", "API"), ("bulk_invite_csv", "CSV")):
        assert word in ja[key]
        assert word in en[key]
