"""The consolidation steps on hand-made vectors."""

from __future__ import annotations

import numpy as np

from banso_bridge.domain.clustering.consolidate import bisect, merge_cost, plan_merges, reassign


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_merge_cost_is_zero_for_identical_directions_and_grows_with_the_angle() -> None:
    sums = np.stack([unit(1, 0, 0) * 5, unit(1, 0, 0) * 3, unit(1, 1, 0) * 3, unit(0, 0, 1) * 3])
    cost = merge_cost(sums)
    assert abs(cost[0, 1]) < 1e-5
    assert cost[0, 2] < cost[0, 3]


def test_plan_merges_keeps_the_larger_theme_as_survivor() -> None:
    sums = np.zeros((4, 3), dtype=np.float32)
    sums[1] = unit(1, 0.05, 0) * 2  # two items
    sums[2] = unit(1, 0, 0) * 9  # nine items, same direction
    sums[3] = unit(0, 0, 1) * 4  # unrelated
    sizes = np.array([0, 2, 9, 4])
    merges = plan_merges(sums, sizes, np.array([1, 2, 3]), price=0.5)
    assert [(m.survivor, m.merged) for m in merges] == [(2, 1)]


def test_bisect_splits_two_groups_and_leaves_a_coherent_one() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal([5, 0, 0, 0], 0.3, size=(10, 4))
    b = rng.normal([0, 0, 5, 0], 0.3, size=(10, 4))
    mixed = np.vstack([a, b]).astype(np.float32)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    side = bisect(mixed, price=0.5)
    assert side is not None
    assert len(set(side[:10].tolist())) == 1
    assert len(set(side[10:].tolist())) == 1
    assert side[0] != side[10]
    assert bisect(mixed[:10], price=0.5) is None


def test_reassign_moves_items_to_the_nearest_theme() -> None:
    vectors = np.stack([unit(1, 0), unit(1, 0.1), unit(0, 1), unit(0.1, 1)]).astype(np.float32)
    labels = np.array([1, 1, 1, 2])  # item 2 sits in the wrong theme
    active = np.array([False, True, True])
    assert reassign(vectors, labels, active, rounds=5).tolist() == [1, 1, 2, 2]
