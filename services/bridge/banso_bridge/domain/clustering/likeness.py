"""How alike two themes are in the words their customers used, across Japanese and English.

A ticket is filed for a theme once; the same problem told in other words, or in the other language,
often forms a theme of its own (the latent space is lexical). Before such a theme gets a second
ticket, its words are compared with those of the themes that have one: each theme is a bag of its
items' content words (lemmas, stems) weighted by inverse document frequency over the window, with
Japanese product vocabulary mapped to English through a small bilingual lexicon (`lexicon_ja_en.tsv`:
login/ログイン, invoice/請求書, export/エクスポート, ... generic SaaS support words shipped as data),
so a Japanese and an English report of one problem share "login", "loop", "csv", "sso". The cosine
of two bags is their likeness, provided they share at least `MIN_SHARED_WORDS` words: one word in
common is no evidence of one problem ("time" in "dashboards take time to load" and in "the report
ignores our time zone"; on bench/themes.py such a theme of slow-dashboard reports joined the report
time-zone ticket at 0.31, all of it from "time"), while the two themes of one problem share the
feature and the symptom ("slack", "notification", "integration"; "csv", 文字, 化ける).

Two themes of different main languages (the language most of their items are in) are compared
by the concepts their words name instead (`concepts_named`, through the bilingual glossary of
domain/text/glossary.py: about 145 concepts of SaaS support, each with English and Japanese words):
only words a glossary concept covers count, so the words of one language that the other can never
share do not dilute it. 「ダッシュボードの表示が遅い」 and "The KPI dashboard keeps spinning"
share two concepts, dashboard and slow, where their words shared one (bench/themes.py, seed 2:
likeness 0.10 in words). Their likeness in concepts is not a cosine but how much of one theme's
concepts the other's reports name as often (`concept_likeness`): a theme whose customers say more
(the English Slack requests name alerts, channels and e-mail; the Japanese ones only Slack and
its integration) still contains the other.

Only the ticket rule uses it: features and clustering never see the lexicon or the glossary.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import snowballstemmer  # type: ignore[import-untyped]

from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.window import ItemWindow
from banso_bridge.domain.text.glossary import glossary
from banso_bridge.domain.text.language import Language

LEXICON_FILE = "lexicon_ja_en.tsv"
#: Two bags that share fewer words than this are not alike at all (see above).
MIN_SHARED_WORDS = 2
#: Two themes of different main languages are alike by their concepts from this likeness on
#: (the default; `ClusteringConfig.cross_language_min_concept_likeness`). bench/themes.py, five
#: worlds, themes of 5 items or more of one problem each, Japanese beside English: one problem's
#: two themes 0.44-0.98 in `concept_likeness` (but for a few that share one concept), two
#: problems' at most 0.36. The cosine of the concept bags it replaced gave 0.21-0.60 and up to
#: 0.51: the English Slack requests ("alerts posted to a channel", "nobody reads the emails")
#: name notifications and e-mail the Japanese ones (「連携機能がないので…」) never do, and the cosine
#: held that against them (0.49, two tickets for one problem).
CROSS_LANGUAGE_MIN_CONCEPT_LIKENESS = 0.4


@cache
def lexicon() -> Mapping[str, str]:
    """Japanese word key -> English stem (the key the tokenizer gives the English word)."""
    stemmer = snowballstemmer.stemmer("english")
    text = files("banso_bridge.domain.clustering").joinpath(LEXICON_FILE).read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        japanese, english = line.split("\t")
        out[japanese.strip()] = stemmer.stemWord(english.strip().lower())
    return out


def word_bag(
    items: Iterable[ClusterItem],
    document_frequency: Mapping[str, int],
    n_documents: int,
    translate: Mapping[str, str],
) -> dict[str, float]:
    """The theme's words: for each item's distinct keys (translated), smoothed IDF."""
    bag: dict[str, float] = {}
    for item in items:
        for key in set(item.keys):
            idf = math.log((1 + n_documents) / (1 + document_frequency.get(key, 0))) + 1.0
            word = translate.get(key, key)
            bag[word] = bag.get(word, 0.0) + idf
    return bag


def concepts_named(
    items: Iterable[ClusterItem],
    document_frequency: Mapping[str, int],
    n_documents: int,
    concepts: Mapping[str, str],
) -> tuple[dict[str, float], dict[str, float]]:
    """The items' concepts and how often they name them: for each item's distinct glossary
    concepts, the smoothed IDF of the rarest word naming it in the item, summed over the items
    (words the glossary does not cover are left out); and each concept with the share of the
    items that name it."""
    bag: dict[str, float] = {}
    counts: dict[str, int] = {}
    n_items = 0
    for item in items:
        n_items += 1
        named: dict[str, float] = {}
        for key in set(item.keys):
            concept = concepts.get(key)
            if concept is None:
                continue
            idf = math.log((1 + n_documents) / (1 + document_frequency.get(key, 0))) + 1.0
            named[concept] = max(named.get(concept, 0.0), idf)
        for concept, idf in named.items():
            bag[concept] = bag.get(concept, 0.0) + idf
            counts[concept] = counts.get(concept, 0) + 1
    return bag, {concept: count / n_items for concept, count in counts.items()}


def concept_likeness(a: Bags, b: Bags) -> float:
    """How much of one group's concepts the other's reports name as often: each concept of `a`
    weighs its `concepts_named` weight, counted only up to the share of `b`'s items that name it
    (all of it when `b` names it at least as often as `a`), over all of `a`'s weight; or the
    same of `b` in `a`, the greater. 0 when they share fewer than `MIN_SHARED_WORDS` concepts."""
    shared = [concept for concept in a.concepts if concept in b.concepts]
    if len(shared) < MIN_SHARED_WORDS:
        return 0.0
    best = 0.0
    for one, other in ((a, b), (b, a)):
        total = sum(one.concepts.values())
        if total <= 0:
            continue
        found = sum(
            one.concepts[c] * min(1.0, other.concept_shares[c] / one.concept_shares[c])
            for c in shared
        )
        best = max(best, found / total)
    return best


def main_language(items: Iterable[ClusterItem]) -> Language:
    """The language most of the items are in (the first counted on a tie; undetermined when
    there are none)."""
    counts: dict[Language, int] = {}
    for item in items:
        counts[item.language] = counts.get(item.language, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else Language.UNDETERMINED


def likeness(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two word bags (0 when either is empty or they share fewer than
    `MIN_SHARED_WORDS` words)."""
    if sum(1 for word in a if word in b) < MIN_SHARED_WORDS:
        return 0.0
    dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm > 0 else 0.0


@dataclass(frozen=True)
class Bags:
    """What likeness compares of a group of items: its words, its concepts, its main language."""

    words: dict[str, float]
    concepts: dict[str, float]
    language: Language
    #: Each concept's share of the group's items that name it.
    concept_shares: dict[str, float]


class BagMaker:
    """Bags of items in the window's current document frequencies (the shipped lexicon and
    glossary, with `glossary_extra` lines)."""

    def __init__(self, window: ItemWindow, glossary_extra: str = "") -> None:
        self._translate = lexicon()
        self._concepts = glossary(glossary_extra)
        self._frequency, self._n_documents = window.document_frequency, len(window)

    def of(self, items: Sequence[ClusterItem]) -> Bags:
        concepts, shares = concepts_named(items, self._frequency, self._n_documents, self._concepts)
        return Bags(
            word_bag(items, self._frequency, self._n_documents, self._translate),
            concepts,
            main_language(items),
            shares,
        )


def bags_likeness(a: Bags, b: Bags, concept_minimum: float) -> float:
    """How alike two groups' words are (`likeness`); of different main languages also by their
    concepts when those reach `concept_minimum` (the greater counts)."""
    alike = likeness(a.words, b.words)
    if a.language != b.language:
        in_concepts = concept_likeness(a, b)
        if in_concepts >= concept_minimum:
            alike = max(alike, in_concepts)
    return alike


def rank_alike(
    window: ItemWindow,
    theme_id: int,
    others: Iterable[int],
    *,
    concept_minimum: float = CROSS_LANGUAGE_MIN_CONCEPT_LIKENESS,
    glossary_extra: str = "",
    apart: Collection[frozenset[int]] = (),
) -> list[tuple[int, float]]:
    """Every theme of `others` (`theme_id` itself and pairs in `apart` left out) with how alike
    its window items' words are to `theme_id`'s, most alike first (the lowest id on ties). Two
    themes of different main languages are also alike by their glossary concepts (`concepts_named`,
    the shipped glossary and `glossary_extra` lines) when those reach `concept_minimum`; the
    greater counts. Themes that share fewer than `MIN_SHARED_WORDS` words (or concepts) are
    listed at 0."""
    make = BagMaker(window, glossary_extra)

    def bags(theme: int) -> Bags:
        return make.of([window.items[row] for row in window.rows_of(theme)])

    own = bags(theme_id)
    ranked: list[tuple[int, float]] = []
    for other in sorted(set(others)):
        if other == theme_id or frozenset((theme_id, other)) in apart:
            continue
        ranked.append((other, bags_likeness(own, bags(other), concept_minimum)))
    ranked.sort(key=lambda pair: -pair[1])  # stable: ids stay ascending on ties
    return ranked


def homes_of(
    window: ItemWindow,
    items: Sequence[ClusterItem],
    homes: Iterable[int],
    *,
    minimum: float,
    concept_minimum: float = CROSS_LANGUAGE_MIN_CONCEPT_LIKENESS,
    glossary_extra: str = "",
) -> dict[int, list[ClusterItem]]:
    """The theme of `homes` each of `items`, alone, is most alike (as `rank_alike` compares two
    themes), when that reaches `minimum`: home -> its items; an item alike none is left out.
    A single report shares fewer words than a theme, so this is a stricter test than a theme's
    link at the same `minimum`."""
    if minimum <= 0:
        return {}
    make = BagMaker(window, glossary_extra)
    home_bags = [
        (home, make.of([window.items[row] for row in window.rows_of(home)]))
        for home in sorted(set(homes))
    ]
    found: dict[int, list[ClusterItem]] = {}
    for item in items:
        own = make.of([item])
        best: tuple[int, float] | None = None
        for home, bags in home_bags:
            alike = bags_likeness(own, bags, concept_minimum)
            if alike >= minimum and (best is None or alike > best[1]):
                best = (home, alike)
        if best is not None:
            found.setdefault(best[0], []).append(item)
    return found


def most_alike(
    window: ItemWindow,
    theme_id: int,
    others: Iterable[int],
    *,
    minimum: float,
    concept_minimum: float = CROSS_LANGUAGE_MIN_CONCEPT_LIKENESS,
    glossary_extra: str = "",
    apart: Collection[frozenset[int]] = (),
) -> tuple[int, float] | None:
    """The first of `rank_alike` when it reaches `minimum` (0 = never), with its likeness
    (rounded to 4 places); None otherwise. (Concepts below `minimum` never decide: the first
    is then below it either way.)"""
    if minimum <= 0:
        return None
    ranked = rank_alike(
        window,
        theme_id,
        others,
        concept_minimum=concept_minimum,
        glossary_extra=glossary_extra,
        apart=apart,
    )
    if not ranked or ranked[0][1] < minimum:
        return None
    return ranked[0][0], round(ranked[0][1], 4)
