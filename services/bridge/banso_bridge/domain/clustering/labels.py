"""Labels a product manager can read: keywords, a short title, typical quotes and the language mix."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.titles import choose_title

MAX_QUOTE_CHARS = 280


@dataclass(frozen=True, slots=True)
class ThemeLabel:
    title: str  # a clause customers wrote (see titles.py)
    keywords: tuple[str, ...]
    quotes: tuple[str, ...]  # redacted, most typical first
    languages: dict[str, float] = field(default_factory=dict)  # language code -> share of items


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1].rstrip() + "…"


def keyword_scores(
    members: Sequence[ClusterItem], document_frequency: Mapping[str, int], n_documents: int
) -> list[tuple[str, float]]:
    """Class-based TF-IDF: words frequent in the theme and rare elsewhere score highest."""
    in_theme: Counter[str] = Counter()
    for item in members:
        in_theme.update(set(item.keys))
    scores: list[tuple[str, float]] = []
    for key, count in in_theme.items():
        if count < 2 and len(members) > 2:
            continue  # a word one item uses does not describe a theme
        rarity = math.log((1 + n_documents) / (1 + document_frequency.get(key, count))) + 1.0
        scores.append((key, (count / len(members)) * rarity))
    scores.sort(key=lambda pair: (-pair[1], pair[0]))
    return scores


def _surface_forms(members: Sequence[ClusterItem]) -> dict[str, str]:
    forms: dict[str, Counter[str]] = {}
    for item in members:
        for key, surface in zip(item.keys, item.surfaces, strict=True):
            forms.setdefault(key, Counter())[surface] += 1
    # Most common spelling; alphabetical on ties for determinism.
    return {
        key: min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for key, counter in forms.items()
    }


def label_theme(
    typical_first: Sequence[ClusterItem],
    document_frequency: Mapping[str, int],
    n_documents: int,
    *,
    n_keywords: int = 8,
    n_quotes: int = 3,
    previous_title: str | None = None,
) -> ThemeLabel:
    """Label a theme from its members, ordered most typical first (`previous_title`: the title it
    has now, kept unless its meaning changed)."""
    if not typical_first:
        return ThemeLabel(title="", keywords=(), quotes=())
    scored = keyword_scores(typical_first, document_frequency, n_documents)[:n_keywords]
    forms = _surface_forms(typical_first)
    keywords = tuple(forms[key] for key, _ in scored)
    weights = [(forms[key], score) for key, score in scored]
    quotes: list[str] = []
    seen: set[str] = set()
    for item in typical_first:
        folded = item.text.casefold()
        if folded in seen or not item.text:
            continue
        seen.add(folded)
        quotes.append(_quote(item.text))
        if len(quotes) == n_quotes:
            break
    languages = Counter(str(item.language) for item in typical_first)
    total = sum(languages.values())
    return ThemeLabel(
        title=choose_title(typical_first, weights, previous=previous_title),
        keywords=keywords,
        quotes=tuple(quotes),
        languages={
            language: round(count / total, 3) for language, count in sorted(languages.items())
        },
    )
