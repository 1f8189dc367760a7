"""Merges carry their reason, and a product manager can undo one for good."""

from __future__ import annotations

import json

import numpy as np
import pytest

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.consolidate import MERGE_REASONS, plan_merges
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.state import ClustererSnapshot
from banso_bridge.domain.clustering.stream import ThemeStream
from banso_bridge.domain.clustering.theme import ThemeStatus
from tests.bridge.domain.streams import topic_stream

SMALL = ClusteringConfig(consolidate_every=30)


def run(config: ClusteringConfig = SMALL) -> tuple[ThemeStream, list[tuple[str, str]]]:
    pairs = topic_stream()
    stream = ThemeStream(config)
    for index, (_, text) in enumerate(pairs):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    return stream, pairs


def test_automatic_merges_say_why_and_how_alike_the_themes_were() -> None:
    # A join threshold no item reaches opens one theme per item; consolidation merges them back.
    stream = ThemeStream(
        ClusteringConfig(consolidate_every=10_000, join_similarity=1.01, first_fit_at=8)
    )
    for index, (_, text) in enumerate(topic_stream()):
        stream.place(str(index), text)
    report = stream.clusterer.consolidate(refit=True)
    assert report.merges
    assert {merge.reason for merge in report.merges} <= set(MERGE_REASONS) - {"manual"}
    measured = [m for m in report.merges if m.reason != "absorbed"]
    assert measured
    assert all(m.similarity is not None and m.similarity > 0 for m in measured)


def test_plan_merges_never_joins_a_pair_kept_apart() -> None:
    sums = np.zeros((3, 2), dtype=np.float32)
    sums[1] = np.array([1.0, 0.0]) * 5
    sums[2] = np.array([1.0, 0.01]) * 5
    sizes = np.array([0, 5, 5])
    assert plan_merges(sums, sizes, np.array([1, 2]), price=0.5)
    apart = frozenset({frozenset({1, 2})})
    assert plan_merges(sums, sizes, np.array([1, 2]), price=0.5, apart=apart) == []


def test_unmerge_restores_the_theme_with_its_items_and_keeps_it_apart() -> None:
    stream, pairs = run()
    clusterer = stream.clusterer
    first, second = sorted(clusterer.active_themes(), key=lambda t: -t.size)[:2]
    second_id, first_id = second.id, first.id
    own = [item for item, theme in clusterer.assignments().items() if theme == second_id]
    clusterer.merge(second_id, first_id)
    assert clusterer.themes[second_id].status is ThemeStatus.MERGED

    assert clusterer.unmerge(second_id, own) == first_id
    assert clusterer.themes[second_id].is_active
    assert clusterer.themes[second_id].merged_into is None
    assignments = clusterer.assignments()
    assert sorted(item for item, theme in assignments.items() if theme == second_id) == sorted(own)
    assert frozenset({first_id, second_id}) in clusterer.kept_apart

    # However alike they are, consolidation does not merge them back.
    for index, (_, text) in enumerate(pairs, start=len(pairs)):
        stream.place(str(index), text)
    clusterer.consolidate(refit=True)
    assert clusterer.themes[second_id].is_active
    assert clusterer.resolve(second_id) == second_id


def test_only_a_merged_theme_can_be_unmerged() -> None:
    stream, _ = run()
    active = stream.clusterer.active_themes()[0]
    with pytest.raises(ValueError, match="not merged"):
        stream.clusterer.unmerge(active.id, [])


def test_pairs_kept_apart_survive_a_snapshot() -> None:
    stream, _ = run()
    clusterer = stream.clusterer
    first, second = sorted(clusterer.active_themes(), key=lambda t: -t.size)[:2]
    clusterer.merge(second.id, first.id)
    clusterer.unmerge(second.id, [])
    data = json.loads(json.dumps(clusterer.snapshot().to_dict()))
    restored = ThemeClusterer.restore(ClustererSnapshot.from_dict(data), SMALL)
    assert restored.kept_apart == clusterer.kept_apart
    # A manual merge overrides the separation.
    restored.merge(second.id, first.id)
    assert restored.kept_apart == frozenset()


def test_an_undone_automatic_merge_is_not_redone_by_the_next_consolidation() -> None:
    stream = ThemeStream(
        ClusteringConfig(consolidate_every=10_000, join_similarity=1.01, first_fit_at=8)
    )
    for index, (_, text) in enumerate(topic_stream()):
        stream.place(str(index), text)
    clusterer = stream.clusterer
    before = clusterer.assignments()
    report = clusterer.consolidate(refit=True)
    merge = next(m for m in report.merges if m.reason != "absorbed")
    own = [item for item, theme in before.items() if theme == merge.merged]
    assert own
    clusterer.unmerge(merge.merged, own)
    clusterer.consolidate()
    assert clusterer.themes[merge.merged].is_active
    assert set(own) <= {i for i, t in clusterer.assignments().items() if t == merge.merged}


def test_a_link_by_shared_accounts_never_merges_a_pair_kept_apart() -> None:
    stream, _ = run()
    clusterer = stream.clusterer
    first, second = sorted(clusterer.active_themes(), key=lambda t: -t.size)[:2]
    clusterer.merge(second.id, first.id, reason="shared_accounts")
    assert clusterer.resolve(second.id) == first.id
    clusterer.unmerge(second.id, [])
    clusterer.merge(second.id, first.id, reason="shared_accounts")
    assert clusterer.themes[second.id].is_active
    assert frozenset({first.id, second.id}) in clusterer.kept_apart
