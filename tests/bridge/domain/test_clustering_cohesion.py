"""Before a ticket: is a theme one problem? And once it has one, it keeps to its problem."""

from __future__ import annotations

import numpy as np

from banso_bridge.domain.clustering.cohesion import CohesionConfig, cohesion
from banso_bridge.domain.clustering.consolidate import plan_merges, reassign
from banso_bridge.domain.clustering.engine import ClusteringConfig, ThemeClusterer
from banso_bridge.domain.clustering.stream import ThemeStream

CONFIG = CohesionConfig()


def rows(*values: tuple[float, ...]) -> np.ndarray:
    matrix = np.array(values, dtype=np.float32)
    units: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return units


def test_items_sharing_their_key_words_read_as_one_problem() -> None:
    # Four wordings of one problem: each shares the key word (column 0) with the others.
    words = rows((1, 1, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1), (1, 1, 1, 0))
    vectors = rows((1, 0.2), (1, 0.1), (1, -0.1), (1, 0.3))
    measured = cohesion(words, vectors, CONFIG)
    assert measured.intruders == 0
    assert measured.holds(CONFIG)


def test_an_item_sharing_no_word_with_its_theme_keeps_it_from_a_ticket() -> None:
    words = rows((1, 1, 0, 0), (1, 0, 1, 0), (1, 1, 1, 0), (0, 0, 0, 1))
    vectors = rows((1, 0.2), (1, 0.1), (1, 0.3), (1, 0.0))  # close in the latent space
    measured = cohesion(words, vectors, CONFIG)
    assert measured.intruders == 1
    assert not measured.holds(CONFIG)


def test_two_groups_without_common_words_are_two_problems() -> None:
    # Each item shares words with its own group; the groups share none.
    words = rows(
        (1, 1, 0, 0, 0, 0),
        (1, 0, 1, 0, 0, 0),
        (1, 1, 1, 0, 0, 0),
        (0, 0, 0, 1, 1, 0),
        (0, 0, 0, 1, 0, 1),
        (0, 0, 0, 1, 1, 1),
    )
    vectors = rows((1, 0.1), (1, 0.2), (1, 0.15), (0.6, 1), (0.7, 1), (0.65, 1))
    measured = cohesion(words, vectors, CONFIG)
    assert measured.halves_overlap is not None
    assert measured.halves_overlap < 0.05
    assert not measured.holds(CONFIG)


def test_reassign_moves_into_an_anchored_theme_only_what_is_clearly_its_problem() -> None:
    # Theme 1 has a ticket; item 2 is nearer to it than to theme 2, but not alike enough.
    vectors = rows((1, 0), (1, 0.05), (0.9, 0.44), (0, 1), (0.2, 1))
    labels = np.array([1, 1, 2, 2, 2])
    active = np.array([False, True, True])
    anchored = np.array([False, True, False])
    assert reassign(vectors, labels, active, 5).tolist()[2] == 1
    kept = reassign(vectors, labels, active, 5, anchored, anchored_join=0.95)
    assert kept.tolist() == [1, 1, 2, 2, 2]


def test_an_anchored_theme_merges_only_into_a_coherent_union() -> None:
    sums = np.zeros((3, 2), dtype=np.float32)
    sums[1] = rows((1, 0.2))[0] * 2  # two items
    sums[2] = rows((1, -0.3))[0] * 2  # two items: cheap to merge, not one problem
    sizes = np.array([0, 2, 2])
    candidates = np.array([1, 2])
    assert plan_merges(sums, sizes, candidates, price=0.5)
    assert plan_merges(sums, sizes, candidates, price=0.5, anchored=frozenset({1})) == []


def test_the_anchor_follows_a_merge_and_survives_a_restart() -> None:
    stream = ThemeStream(ClusteringConfig())
    for index, text in enumerate(
        ["CSV export garbles Japanese characters"] * 6 + ["SSO login loops back to sign-in"] * 6
    ):
        stream.place(str(index), text)
    clusterer = stream.clusterer
    clusterer.consolidate(refit=True)
    first, second = sorted({clusterer.resolve(t) for t in clusterer.assignments().values()})
    clusterer.anchor(first)
    clusterer.merge(first, second)
    assert clusterer.anchored == frozenset({second})
    restored = ThemeClusterer.restore(clusterer.snapshot(), ClusteringConfig())
    assert restored.anchored == frozenset({second})
