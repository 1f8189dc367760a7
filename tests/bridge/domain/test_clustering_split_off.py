"""A product manager splits items off a theme: they stay in the new theme, whatever clustering
does next, and the two themes are never merged automatically again."""

from __future__ import annotations

import json

import pytest

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.state import ClustererSnapshot
from banso_bridge.domain.clustering.stream import ThemeStream
from tests.bridge.domain.streams import topic_stream

SMALL = ClusteringConfig(consolidate_every=30)


def run() -> tuple[ThemeStream, list[tuple[str, str]]]:
    pairs = topic_stream()
    stream = ThemeStream(SMALL)
    for index, (_, text) in enumerate(pairs):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    return stream, pairs


def split_largest(stream: ThemeStream) -> tuple[int, int, list[str]]:
    clusterer = stream.clusterer
    largest = max(clusterer.active_themes(), key=lambda theme: theme.size).id
    own = [item for item, theme in clusterer.assignments().items() if theme == largest]
    # Items alike the rest of their theme: only the pin keeps them apart from it.
    chosen = own[: len(own) // 3]
    child = clusterer.split_off(largest, chosen)
    return largest, child, chosen


def members(clusterer: ThemeClusterer, theme_id: int) -> set[str]:
    return {item for item, theme in clusterer.assignments().items() if theme == theme_id}


def test_split_items_stay_in_the_new_theme_through_later_passes() -> None:
    stream, pairs = run()
    clusterer = stream.clusterer
    parent, child, chosen = split_largest(stream)
    assert members(clusterer, child) == set(chosen)
    assert clusterer.themes[child].split_from == parent
    assert frozenset({parent, child}) in clusterer.kept_apart

    # The same problems again, then a refit and a consolidation: nothing pulls them back.
    for index, (_, text) in enumerate(pairs, start=len(pairs)):
        stream.place(str(index), text)
    report = clusterer.consolidate(refit=True)
    assert report.refitted
    assert set(chosen) <= members(clusterer, child)
    assert clusterer.themes[child].is_active
    assert clusterer.themes[parent].is_active
    assert clusterer.resolve(child) != clusterer.resolve(parent)


def test_a_split_never_comes_back_together_through_a_third_theme() -> None:
    stream, _ = run()
    clusterer = stream.clusterer
    parent, child, _ = split_largest(stream)
    third = next(t.id for t in clusterer.active_themes() if t.id not in {parent, child})
    clusterer.merge(child, third)  # a product manager's merge of the new theme elsewhere
    survivor = clusterer.resolve(child)
    assert frozenset({parent, survivor}) in clusterer.kept_apart
    clusterer.merge(parent, survivor, reason="shared_accounts")
    assert clusterer.resolve(parent) == parent


def test_pins_and_separation_survive_a_snapshot() -> None:
    stream, pairs = run()
    parent, child, chosen = split_largest(stream)
    data = json.loads(json.dumps(stream.clusterer.snapshot().to_dict()))
    restored = ThemeClusterer.restore(ClustererSnapshot.from_dict(data), SMALL)
    assert restored.pinned == frozenset(chosen)
    assert frozenset({parent, child}) in restored.kept_apart
    restored.consolidate(refit=True)
    assert set(chosen) <= members(restored, child)


def test_only_an_active_theme_can_be_split() -> None:
    stream, _ = run()
    clusterer = stream.clusterer
    first, second = sorted(clusterer.active_themes(), key=lambda t: -t.size)[:2]
    clusterer.merge(second.id, first.id)
    with pytest.raises(ValueError, match="not active"):
        clusterer.split_off(second.id, [])
