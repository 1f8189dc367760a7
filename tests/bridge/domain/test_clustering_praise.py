"""Praise and problem reports never share a theme: compliments neither dilute a problem's ticket
nor get one, even when they speak of the same feature."""

from __future__ import annotations

import itertools
import json
import random

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.state import ClustererSnapshot
from banso_bridge.domain.clustering.stream import ThemeStream

SMALL = ClusteringConfig(consolidate_every=30)
# Same feature, same words ("dashboards", ダッシュボード): one side praises it, the other reports
# it slow. A lexical representation alone puts them close together.
_PRAISE = [
    "Love the {adj} dashboards.",
    "We love the {adj} dashboards, great work.",
    "The {adj} dashboards are great and easy to read.",
    "{adj} dashboards: love them.",
    "{adj}ダッシュボードがとても使いやすいです。",
]
_SLOW = [
    "The {adj} dashboards are slow to load.",
    "Loading the {adj} dashboards is slow.",
    "The {adj} dashboards load slowly and time out.",
    "{adj} dashboards are very slow to open.",
    "{adj}ダッシュボードの表示がとても遅いです。",
]
_ADJECTIVES = ["sales", "new", "KPI", "team", "regional", "weekly"]


def _stream(seed: int = 3) -> list[tuple[str, str]]:
    pairs = [
        (topic, template.format(adj=adj))
        for topic, templates in (("praise", _PRAISE), ("slow", _SLOW))
        for template, adj in itertools.product(templates, _ADJECTIVES)
    ]
    random.Random(seed).shuffle(pairs)
    return pairs


def _run(pairs: list[tuple[str, str]]) -> ThemeStream:
    stream = ThemeStream(SMALL)
    for index, (_, text) in enumerate(pairs):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    return stream


def test_praise_and_problem_reports_about_one_feature_never_share_a_theme() -> None:
    pairs = _stream()
    stream = _run(pairs)
    final = stream.final_assignments()
    clusterer = stream.clusterer
    praise_themes = {final[str(i)] for i, (topic, _) in enumerate(pairs) if topic == "praise"}
    slow_themes = {final[str(i)] for i, (topic, _) in enumerate(pairs) if topic == "slow"}
    assert not praise_themes & slow_themes
    assert all(clusterer.is_praise(theme) for theme in praise_themes)
    assert not any(clusterer.is_praise(theme) for theme in slow_themes)
    # A praise theme is listed but never reads as a problem fit for a ticket.
    assert not any(clusterer.fit_for_ticket(theme) for theme in praise_themes)
    assert any(clusterer.fit_for_ticket(theme) for theme in slow_themes)


def test_the_ticket_rule_never_links_a_praise_theme_into_a_problem() -> None:
    pairs = _stream()
    stream = _run(pairs)
    final = stream.final_assignments()
    clusterer = stream.clusterer
    praise_theme = final[str(next(i for i, (t, _) in enumerate(pairs) if t == "praise"))]
    slow_theme = final[str(next(i for i, (t, _) in enumerate(pairs) if t == "slow"))]
    clusterer.merge(praise_theme, slow_theme, reason="shared_words")
    assert clusterer.themes[praise_theme].is_active
    # A product manager still can.
    clusterer.merge(praise_theme, slow_theme)
    assert clusterer.resolve(praise_theme) == slow_theme
    assert not clusterer.is_praise(slow_theme)


def test_a_restored_clusterer_knows_its_praise_themes() -> None:
    stream = _run(_stream())
    snapshot = ClustererSnapshot.from_dict(
        json.loads(json.dumps(stream.clusterer.snapshot().to_dict()))
    )
    restored = ThemeClusterer.restore(snapshot, SMALL)
    for theme in stream.clusterer.active_themes():
        assert restored.is_praise(theme.id) == stream.clusterer.is_praise(theme.id)
    assert any(restored.is_praise(theme.id) for theme in restored.active_themes())
