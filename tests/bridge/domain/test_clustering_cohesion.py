"""Before a ticket: is a theme one problem? And once it has one, it keeps to its problem."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from banso_bridge.domain.clustering.cohesion import CohesionConfig, cohesion
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.consolidate import plan_merges, reassign
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.stream import ThemeStream

CONFIG = CohesionConfig()


def rows(*values: tuple[float, ...]) -> np.ndarray:
    matrix = np.array(values, dtype=np.float32)
    units: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return units


def test_items_sharing_their_key_words_read_as_one_problem() -> None:
    # Four wordings of one problem: each shares the key word (column 0) with the others.
    words = rows((1, 1, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1), (1, 1, 1, 0))
    measured = cohesion(words, CONFIG)
    assert measured.intruders == 0
    assert measured.holds(CONFIG)


def test_an_item_sharing_no_word_with_its_theme_keeps_it_from_a_ticket() -> None:
    words = rows((1, 1, 0, 0), (1, 0, 1, 0), (1, 1, 1, 0), (0, 0, 0, 1))
    measured = cohesion(words, CONFIG)
    assert measured.intruders == 1
    assert not measured.holds(CONFIG)


def test_two_groups_without_common_words_are_two_problems() -> None:
    # Each item shares words with its own group; the groups share none. The halves are found on
    # the words: in a young latent space the two groups can sit together (a minority language's
    # few items look alike there whatever they are about).
    words = rows(
        (1, 1, 0, 0, 0, 0),
        (1, 0, 1, 0, 0, 0),
        (1, 1, 1, 0, 0, 0),
        (0, 0, 0, 1, 1, 0),
        (0, 0, 0, 1, 0, 1),
        (0, 0, 0, 1, 1, 1),
    )
    measured = cohesion(words, CONFIG)
    assert measured.halves_overlap is not None
    assert measured.halves_overlap < 0.05
    assert not measured.holds(CONFIG)


def _group(key: int, count: int, width: int) -> list[tuple[float, ...]]:
    """`count` wordings of one problem: each has the key word `key` and one word of its own."""
    out = []
    for index in range(count):
        row = [0.0] * width
        row[key] = 1.0
        row[key + 1 + index % 3] = 1.0
        out.append(tuple(row))
    return out


def test_a_large_theme_with_a_few_reports_of_another_problem_reads_as_its_main_problem() -> None:
    # 28 reports of one problem and 2 of another (a tenth at most): the ticket shows the main
    # problem, the 2 are set aside as marginal.
    words = rows(*_group(0, 28, 8), *_group(4, 2, 8))
    measured = cohesion(words, CONFIG)
    assert measured.marginal == 2
    assert measured.holds(CONFIG)


def test_two_problems_of_similar_size_are_never_set_aside() -> None:
    words = rows(*_group(0, 15, 8), *_group(4, 15, 8))
    measured = cohesion(words, CONFIG)
    assert measured.halves_overlap is not None
    assert measured.halves_overlap < CONFIG.min_halves_overlap
    assert not measured.holds(CONFIG)


def test_another_problem_beyond_a_tenth_of_the_theme_keeps_it_from_a_ticket() -> None:
    words = rows(*_group(0, 24, 8), *_group(4, 6, 8))  # 6 of 30: a fifth
    assert not cohesion(words, CONFIG).holds(CONFIG)


def test_a_small_theme_sets_nothing_aside() -> None:
    # Below `min_items_for_marginal` the words are too few to tell a marginal item from a
    # second problem: one intruder in twelve keeps the theme from a ticket.
    words = rows(*_group(0, 11, 8), *_group(4, 1, 8))
    measured = cohesion(words, CONFIG)
    assert measured.intruders == 1
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


def test_an_anchored_theme_merges_only_into_a_union_that_reads_as_one_problem() -> None:
    sums = np.zeros((3, 2), dtype=np.float32)
    sums[1] = rows((1, 0.1))[0] * 3
    sums[2] = rows((1, 0.12))[0] * 3  # alike in the latent space: a coherent union
    sizes = np.array([0, 3, 3])
    candidates = np.array([1, 2])
    asked: list[frozenset[int]] = []

    def holds(answer: bool) -> Callable[[frozenset[int]], bool]:
        def check(themes: frozenset[int]) -> bool:
            asked.append(themes)
            return answer

        return check

    kept = plan_merges(
        sums,
        sizes,
        candidates,
        price=0.5,
        coherent_union=0.75,
        anchored=frozenset({1}),
        anchored_union_holds=holds(True),
    )
    assert [(m.survivor, m.merged) for m in kept] == [(1, 2)]
    assert asked == [frozenset({1, 2})]
    refused = plan_merges(
        sums,
        sizes,
        candidates,
        price=0.5,
        coherent_union=0.75,
        anchored=frozenset({1}),
        anchored_union_holds=holds(False),
    )
    assert refused == []
    # Themes without a ticket are the objective's alone: the check is not asked.
    asked.clear()
    assert plan_merges(sums, sizes, candidates, price=0.5, anchored_union_holds=holds(False))
    assert asked == []


def _anchored_stream(config: ClusteringConfig) -> tuple[ThemeStream, int]:
    stream = ThemeStream(config)
    texts = [
        "CSV export garbles Japanese characters",
        "The CSV export garbles the Japanese customer names",
        "Japanese characters garbled in the CSV export",
    ] * 4
    for index, text in enumerate(texts):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    (theme,) = {stream.clusterer.resolve(t) for t in stream.clusterer.assignments().values()}
    stream.clusterer.anchor(theme)
    return stream, theme


def test_an_item_sharing_no_word_with_a_ticketed_theme_does_not_join_it() -> None:
    # Every bar on the latent space lowered: only the words keep the ticket to its problem.
    config = ClusteringConfig(join_similarity=-1.0, anchored_join_similarity=-1.0)
    stream, theme = _anchored_stream(config)
    same = stream.place("same", "Japanese names in the CSV export are garbled again")
    other = stream.place("other", "Please add a dark mode")
    assert same.assignment.theme_id == theme
    assert other.assignment.theme_id != theme
    assert other.assignment.opened


@pytest.mark.parametrize(
    ("foreign", "same"),
    [
        # no word in common
        ("Please add a dark mode", "Japanese names in the CSV export are garbled again"),
        # only an incidental word ("CSV")
        ("Please add a CSV import", "Export of Japanese names is garbled"),
    ],
)
def test_consolidation_moves_into_a_ticketed_theme_only_items_sharing_its_words(
    foreign: str, same: str
) -> None:
    config = ClusteringConfig(join_similarity=-1.0, anchored_join_similarity=-1.0)
    stream, theme = _anchored_stream(config)
    stream.place("foreign", foreign)
    stream.place("same", same)
    stream.clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    assert placed["same"] == theme
    assert placed["foreign"] != theme


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


def test_an_item_sharing_only_an_incidental_word_does_not_join_a_ticketed_theme() -> None:
    # "CSV" alone: a request that names the same file format is not the ticket's problem. Its
    # words overlap the theme's (0.4) less than half as much as the theme's own reports do (0.9).
    config = ClusteringConfig(join_similarity=-1.0, anchored_join_similarity=-1.0)
    stream, theme = _anchored_stream(config)
    request = stream.place("request", "A bulk user invite from CSV would save us time")
    same = stream.place("same", "The CSV export is broken")
    assert request.assignment.theme_id != theme
    assert same.assignment.theme_id == theme


def test_without_the_relative_bar_an_incidental_word_is_enough_to_join() -> None:
    # The absolute bar alone (`min_item_overlap`, 0.2) lets the request in: what the relative
    # bar (`anchored_min_relative_overlap`) is for.
    config = ClusteringConfig(
        join_similarity=-1.0, anchored_join_similarity=-1.0, anchored_min_relative_overlap=0.0
    )
    stream, theme = _anchored_stream(config)
    request = stream.place("request", "A bulk user invite from CSV would save us time")
    assert request.assignment.theme_id == theme
