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

Only the ticket rule uses it: features and clustering never see the lexicon.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from importlib.resources import files

import snowballstemmer  # type: ignore[import-untyped]

from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.window import ItemWindow

LEXICON_FILE = "lexicon_ja_en.tsv"
#: Two bags that share fewer words than this are not alike at all (see above).
MIN_SHARED_WORDS = 2


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


def likeness(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two word bags (0 when either is empty or they share fewer than
    `MIN_SHARED_WORDS` words)."""
    if sum(1 for word in a if word in b) < MIN_SHARED_WORDS:
        return 0.0
    dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm > 0 else 0.0


def most_alike(
    window: ItemWindow,
    theme_id: int,
    others: Iterable[int],
    *,
    minimum: float,
    apart: Collection[frozenset[int]] = (),
) -> tuple[int, float] | None:
    """Of `others`, the theme whose window items' words are most like `theme_id`'s, and the
    likeness; None when none reaches `minimum` (0 = never). Pairs in `apart` are skipped."""
    if minimum <= 0:
        return None
    translate = lexicon()

    def bag(theme: int) -> dict[str, float]:
        items = (window.items[row] for row in window.rows_of(theme))
        return word_bag(items, window.document_frequency, len(window), translate)

    own = bag(theme_id)
    best: tuple[int, float] | None = None
    for other in sorted(set(others)):
        if other == theme_id or frozenset((theme_id, other)) in apart:
            continue
        alike = likeness(own, bag(other))
        if alike >= minimum and (best is None or alike > best[1]):
            best = (other, round(alike, 4))
    return best
