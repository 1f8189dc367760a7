""" "May be the same problem": the themes offered to a product manager to merge into a theme."""

from __future__ import annotations

from banso_bridge.domain.alike import MIN_LIKENESS, MIN_PROBLEM_SHARE, alike_themes
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.stream import ThemeStream

from .test_clustering_likeness import LOOP_EN, LOOP_JA, SLOW_JA, SPINNING_EN

# Praise naming the same dashboard the slow-dashboard reports name.
PRAISE_EN = [
    "Love the KPI dashboard, great work",
    "The KPI dashboard is great",
    "Great KPI dashboard, we love it",
]


def _world() -> tuple[ThemeStream, dict[str, int]]:
    """Each group's texts placed three times over and consolidated; the theme of each group's
    first item (a few of a group's items may form a small theme of their own: those are left
    out of what is offered below)."""
    groups = {
        "ja-slow": SLOW_JA,
        "en-slow": SPINNING_EN,
        "en-loop": LOOP_EN,
        "ja-loop": LOOP_JA,
        "praise": PRAISE_EN,
    }
    stream = ThemeStream(ClusteringConfig())
    for name, texts in groups.items():
        for n, text in enumerate(texts * 3):
            stream.place(f"{name}-{n}", text)
    stream.clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    return stream, {name: placed[f"{name}-0"] for name in groups}


def _suggested(stream: ThemeStream, theme_id: int, candidates: list[int]) -> list[int]:
    found = alike_themes(
        stream.clusterer,
        theme_id,
        candidates,
        {},
        accounts_reporting=100,
        limit=5,
    )
    return [suggestion.theme_id for suggestion in found]


def test_one_problems_japanese_and_english_themes_come_first_for_each_other() -> None:
    # 「ダッシュボードの表示が遅い」 and "The KPI dashboard keeps spinning": one word in common
    # through the lexicon, two glossary concepts (dashboard, performance).
    stream, theme = _world()
    assert len(set(theme.values())) == len(theme)
    ja, en = theme["ja-slow"], theme["en-slow"]
    assert _suggested(stream, ja, [*theme.values()])[0] == en
    assert _suggested(stream, en, [*theme.values()])[0] == ja
    assert _suggested(stream, theme["ja-loop"], [*theme.values()])[0] == theme["en-loop"]
    found = alike_themes(stream.clusterer, ja, [en], {}, accounts_reporting=100, limit=5)
    assert found[0].likeness >= stream.clusterer.config.cross_language_min_concept_likeness
    # The ranking is the one the ticket rule's links read: its first is `most_alike`'s answer.
    assert stream.clusterer.most_alike(ja, [en, theme["en-loop"]], minimum=0.3) == (
        en,
        found[0].likeness,
    )


def test_a_pair_a_product_manager_kept_apart_is_never_suggested() -> None:
    stream, theme = _world()
    clusterer = stream.clusterer
    ja, en = theme["ja-slow"], theme["en-slow"]
    clusterer.merge(ja, en)
    clusterer.unmerge(ja, [f"ja-slow-{n}" for n in range(9)])
    assert en not in _suggested(stream, ja, [*theme.values()])
    assert ja not in _suggested(stream, en, [*theme.values()])
    # Split off: the new theme is never offered back to the theme it came from either.
    child = clusterer.split_off(en, ["en-slow-0", "en-slow-3"])
    assert child not in _suggested(stream, en, [*theme.values(), child])
    assert en not in _suggested(stream, child, [*theme.values(), child])


def test_praise_is_not_suggested_for_a_problem_nor_a_problem_for_praise() -> None:
    stream, theme = _world()
    clusterer = stream.clusterer
    praise, slow = theme["praise"], theme["en-slow"]
    assert clusterer.is_praise(praise)
    # Their words are alike ("KPI dashboard") ...
    assert dict(clusterer.rank_alike(slow, [praise]))[praise] >= MIN_LIKENESS
    # ... yet one is never offered for the other.
    assert praise not in _suggested(stream, slow, [*theme.values()])
    assert slow not in _suggested(stream, praise, [*theme.values()])


def test_a_theme_of_few_problem_reports_is_not_offered_to_a_theme_of_problems() -> None:
    stream, theme = _world()
    ja, en = theme["ja-slow"], theme["en-slow"]
    everything = [*theme.values()]

    def offered(theme_id: int, shares: dict[int, float]) -> list[int]:
        found = alike_themes(
            stream.clusterer,
            theme_id,
            everything,
            {},
            accounts_reporting=100,
            limit=5,
            problem_shares=shares,
        )
        return [suggestion.theme_id for suggestion in found]

    assert en in offered(ja, {})  # no shares given: as before
    # The English theme is mostly check-ins (a tenth problem reports): not for the Japanese
    # theme of problems, while the check-ins' own page still offers the problem.
    shares = {ja: 0.9, en: 0.1}
    assert en not in offered(ja, shares)
    assert ja in offered(en, shares)
    # A fifth of problem reports is enough to be offered.
    assert en in offered(ja, {ja: 0.9, en: MIN_PROBLEM_SHARE})


def test_shared_accounts_order_the_suggestions_and_suggest_alone_only_when_asked() -> None:
    stream, theme = _world()
    clusterer = stream.clusterer
    loop, slow = theme["en-loop"], theme["ja-slow"]
    assert dict(clusterer.rank_alike(slow, [loop]))[loop] < MIN_LIKENESS

    def suggested(shared: set[str], reporting: int) -> list[tuple[int, int]]:
        accounts = {slow: {"a", "b", "c", "d"} | shared, loop: {"x", "y"} | shared}
        found = alike_themes(
            clusterer,
            slow,
            [loop],
            accounts,
            accounts_reporting=reporting,
            limit=5,
            min_shared_accounts=2,
        )
        return [(s.theme_id, s.shared_accounts) for s in found]

    assert suggested({"s1", "s2"}, reporting=40) == [(loop, 2)]
    assert suggested({"s1"}, reporting=40) == []  # one shared account is no evidence
    # Two shared of four reporting accounts is what chance gives.
    assert suggested({"s1", "s2"}, reporting=8) == []
    # By default the words decide: one customer reports several problems (bench/alike.py).
    accounts = {slow: {"s1", "s2", "s3"}, loop: {"s1", "s2", "s3"}}
    assert alike_themes(clusterer, slow, [loop], accounts, accounts_reporting=40, limit=5) == []


def test_a_merged_theme_and_the_limit() -> None:
    stream, theme = _world()
    clusterer = stream.clusterer
    clusterer.merge(theme["ja-loop"], theme["en-loop"])
    assert theme["ja-loop"] not in _suggested(stream, theme["en-slow"], [*theme.values()])
    assert _suggested(stream, theme["ja-loop"], [*theme.values()]) == []
    everyone = [t.id for t in clusterer.active_themes()]
    one = alike_themes(clusterer, theme["en-slow"], everyone, {}, accounts_reporting=9, limit=1)
    assert len(one) == 1


def test_a_suggestion_merged_by_hand_stays_merged_through_consolidation() -> None:
    """The product manager follows a suggestion: the English theme merged into the Japanese
    one. Their words differ, so consolidation would read the union as two problems; it keeps
    the product manager's merge as they made it (it is theirs to undo)."""
    stream, theme = _world()
    clusterer = stream.clusterer
    ja, en = theme["ja-slow"], theme["en-slow"]
    before = stream.final_assignments()
    merged_items = [item for item, t in before.items() if clusterer.resolve(t) in (ja, en)]
    assert any(item.startswith("en-") for item in merged_items)
    clusterer.merge(en, ja)
    for n, text in enumerate((SLOW_JA + SPINNING_EN) * 2):
        stream.place(f"later-{n}", text)
    clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    assert {clusterer.resolve(placed[item]) for item in merged_items} == {ja}
