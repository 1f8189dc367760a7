"""A theme's title in words: the clause customers wrote that says most of what the theme is about.

Keywords name a theme for a machine ("ログイン · 無限 · ループ"); a product manager wants a line
they can put in a roadmap ("SSOでログインすると無限ループになります"). The title is taken from
what customers wrote, in the theme's main language and of the nature most of its reports are
(requests or defects, text/nature.py): every clause of its most typical items is
scored by the keywords it contains (their c-TF-IDF weights), shorter clauses preferred, clauses
with redaction placeholders ([EMAIL], [PERSON], …) last. Texts are already redacted, so a title
never carries PII.

Hysteresis: a theme keeps its title while that clause still scores at least `KEEP_SHARE` of the
best one, so a title changes only when the theme's meaning has, never back and forth as items
arrive.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from banso_bridge.domain.clustering.one_problem import nature_of
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.text.boilerplate import is_boilerplate, strip_boilerplate

MAX_TITLE_CHARS = 80
KEEP_SHARE = 0.75  # the previous title stays while it scores this share of the best clause
_IDEAL_CHARS = {"ja": 30, "en": 60}  # longer clauses pay for their length beyond this
_CLAUSE_END = re.compile(r"(?<=[。！？!?])|(?<=[.;])\s+|\n+|[「」『』\"“”]")
# A lead-in such as "QBR note:", "解約理由:", "Quick question:" names where the words came from.
_LEAD_IN = re.compile(r"^[^:：。.!?]{1,24}[:：]\s*")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_EDGES = ' \t\u3000、,。.!！?？:：;「」『』"“”()（）'


def clauses(text: str) -> list[str]:
    """The clauses of a text, without lead-ins, greetings or sign-offs."""
    out = []
    for piece in _CLAUSE_END.split(text):
        piece = _LEAD_IN.sub("", piece.strip())
        if is_boilerplate(piece):
            continue
        piece = strip_boilerplate(piece).strip(_EDGES)
        if sum(char.isalnum() for char in piece) >= 4:
            out.append(piece)
    return out


def _shorten(clause: str) -> str:
    if len(clause) <= MAX_TITLE_CHARS:
        return clause
    cut = clause[: MAX_TITLE_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_EDGES) + "…"


def _score(clause: str, weights: Sequence[tuple[str, float]], language: str) -> float:
    folded = clause.casefold()
    found = sum(weight for word, weight in weights if word.casefold() in folded)
    ideal = _IDEAL_CHARS.get(language, 60)
    length_penalty = 1.0 + max(0, len(clause) - ideal) / ideal
    placeholder_penalty = 0.5 if _PLACEHOLDER.search(clause) else 1.0
    return found * placeholder_penalty / length_penalty


def choose_title(
    typical_first: Sequence[ClusterItem],
    weights: Sequence[tuple[str, float]],
    *,
    previous: str | None = None,
    candidates: int = 20,
) -> str:
    """The title of a theme from its members (most typical first) and its keyword weights
    (readable form, weight); `previous` is kept unless a clause now says clearly more."""
    if not typical_first:
        return previous or ""
    main = Counter(str(item.language) for item in typical_first).most_common(1)[0][0]
    # Of the nature most reports are: a theme held back for mixing requests and defects is
    # named by what most of its customers wrote, not by the few asking for something else.
    nature = nature_of(typical_first)
    scored: dict[str, float] = {}
    for item in typical_first[:candidates]:
        if str(item.language) != main or (nature and item.nature not in (None, nature)):
            continue
        for clause in clauses(item.text):
            # Scored on what the reader sees: keywords in the cut-off tail of a long clause
            # say nothing to a product manager.
            title = _shorten(clause)
            scored[title] = max(scored.get(title, 0.0), _score(title, weights, main))
    if not scored:
        return previous or _shorten(typical_first[0].text)
    # Best score; on ties the shorter, then the alphabetically first (deterministic).
    best = min(scored, key=lambda title: (-scored[title], len(title), title))
    if previous:
        kept = scored.get(previous, _score(previous, weights, main))
        if kept > 0 and kept >= KEEP_SHARE * scored[best]:
            return previous
    return best
