"""Hubs: many distinct problems that share one word ("the invoice ... ") must not stay one theme.

Each planned problem is four words (area, object, symptom, where) and any two problems share at
most one, as in bench/console.py: a theme grown around one shared word is about as alike every
item with that word as the join rule asks, and no two-way split of it pays. Consolidation then
re-clusters it into as many parts as the objective asks for.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict

import numpy as np

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.consolidate import Matrix, bisect, partition, partition_gain
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.stream import ThemeStream

Q = 17  # a prime: problem (a, s) takes word (a + j*s) mod Q of list j; two share at most one
# Four lists of Q words (area, object, symptom, where), one per slot of a problem.
_WORDS = [
    "billing payroll inventory calendar warehouse timesheet roster invoices contracts campaigns "
    "pipeline forecasts surveys tickets onboarding expenses procurement".split(),
    "widget folder badge preview shortcut template ledger avatar tooltip sidebar banner checkbox "
    "dropdown thumbnail footer toolbar carousel".split(),
    "blank frozen garbled duplicated missing truncated shifted blurry flickering misaligned "
    "oversized unreadable stale reversed hidden jumbled corrupted".split(),
    "mondays tablets offline overnight weekends kiosks exports printouts webinars holidays "
    "mornings firefox safari projectors handhelds intranet vpn".split(),
]
_PHRASINGS = [
    "the {o} in {a} is {s} on {w}",
    "{a}: {o} {s} ({w})",
    "{w} - {a} {o} {s}",
    "{o} {s} in {a} with {w}",
]
# Enough problems for the latent space (one dimension per 16 items) to have room for every word.
PROBLEMS = Q * Q


def planned(problems: int) -> list[tuple[int, str]]:
    """(problem, text) pairs, four phrasings per problem, shuffled."""
    pairs = []
    for problem in range(problems):
        a, s = divmod(problem, Q)
        words = [_WORDS[j][(a + j * s) % Q] for j in range(4)]
        for phrasing in _PHRASINGS:
            pairs.append((problem, phrasing.format(a=words[0], o=words[1], s=words[2], w=words[3])))
    random.Random(5).shuffle(pairs)
    return pairs


def themes_of(pairs: list[tuple[int, str]], config: ClusteringConfig) -> dict[int, Counter[int]]:
    stream = ThemeStream(config)
    for index, (_, text) in enumerate(pairs):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    content: dict[int, Counter[int]] = defaultdict(Counter)
    for item, theme in stream.final_assignments().items():
        content[theme][pairs[int(item)][0]] += 1
    return content


def test_distinct_problems_sharing_one_word_each_get_a_theme() -> None:
    content = themes_of(planned(PROBLEMS), ClusteringConfig())
    held = [len(problems) for problems in content.values()]
    # No hub: a theme holds one problem, or two that share a word (together they cost the
    # objective less than a theme), and every problem's reports stay in one theme.
    assert max(held) <= 2, sorted(held, reverse=True)
    assert len(content) >= PROBLEMS // 2
    for problem in range(PROBLEMS):
        assert max(problems[problem] for problems in content.values()) == len(_PHRASINGS)


def test_with_two_way_splits_only_hubs_remain() -> None:
    """The same stream without the many-way split: hubs of many problems."""
    content = themes_of(planned(PROBLEMS), ClusteringConfig(split_many_ways=False))
    assert max(len(problems) for problems in content.values()) >= 8
    assert len(content) < PROBLEMS // 2


def _hub(groups: int, per_group: int = 4) -> Matrix:
    """Vectors of `groups` problems that share one dimension (the hub word) and nothing else."""
    rng = np.random.default_rng(0)
    rows = []
    for group, _ in itertools.product(range(groups), range(per_group)):
        vector = np.zeros(1 + 3 * groups, dtype=np.float32)
        vector[0] = 1.0
        vector[1 + 3 * group : 4 + 3 * group] = 1.0
        rows.append(vector + rng.normal(0, 0.05, vector.size).astype(np.float32))
    matrix = np.stack(rows)
    units: Matrix = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
    return units


def test_a_hub_is_partitioned_into_its_problems_where_bisection_does_not_pay() -> None:
    vectors = _hub(groups=12)
    n = vectors.shape[0]
    assert bisect(vectors, price=max(0.5, 0.1 * n)) is None
    parts = partition(vectors, price=0.5)
    assert parts is not None
    by_group = parts.reshape(12, 4)
    assert all(len(set(row.tolist())) == 1 for row in by_group)  # a problem stays whole
    assert len(set(by_group[:, 0].tolist())) == 12  # each problem its own part
    assert partition_gain(vectors, parts) > max(0.5 * 11, 0.1 * n)


def test_one_problem_is_not_partitioned() -> None:
    assert partition(_hub(groups=1, per_group=12), price=0.5) is None


def test_items_a_product_manager_placed_are_never_split_off_by_a_many_way_split() -> None:
    """Themes formed with two-way splits only; a product manager splits a hub's items off into
    a theme of their own; a clusterer restored with many-way splits leaves that theme whole (its
    items are pinned) while it breaks the other hubs up."""
    pairs = planned(PROBLEMS)
    stream = ThemeStream(ClusteringConfig(split_many_ways=False))
    for index, (_, text) in enumerate(pairs):
        stream.place(str(index), text)
    clusterer = stream.clusterer
    by_theme: dict[int, list[str]] = defaultdict(list)
    for item, theme in stream.final_assignments().items():
        by_theme[theme].append(item)
    hubs = sorted(by_theme, key=lambda theme: len(by_theme[theme]), reverse=True)
    placed = clusterer.split_off(hubs[0], by_theme[hubs[0]][1:])
    before = len(clusterer.active_themes())

    restored = ThemeClusterer.restore(clusterer.snapshot(), ClusteringConfig())
    report = restored.consolidate(refit=False)
    after = restored.assignments()
    assert {after[item] for item in by_theme[hubs[0]][1:]} == {placed}
    assert placed not in {split.parent for split in report.splits}
    assert len(restored.active_themes()) > before
