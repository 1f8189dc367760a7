"""A bilingual glossary of product vocabulary: Japanese and English words mapped to shared concepts.

Themes are lexical, so one problem told in Japanese and in English forms two themes whose words
rarely meet ("The KPI dashboard keeps spinning" / 「ダッシュボードの表示が遅い」). The glossary
(`glossary_ja_en.tsv`, shipped as data) names about 145 concepts of B2B SaaS support — sign-in,
billing, export, dashboards, slowness, notifications, integrations... — each with its English
words and its Japanese words, so both reports above read as {dashboard, slow}. It is general
product vocabulary, not the phrases of any data set; an operator may add concepts or words for
the deployment (a file named by `BRIDGE_GLOSSARY_PATH`, same format).

Only the ticket rule uses it, and only to compare two themes of different main languages
(clustering/likeness.py); features and clustering never see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import snowballstemmer  # type: ignore[import-untyped]

GLOSSARY_FILE = "glossary_ja_en.tsv"


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def parse_glossary(text: str) -> dict[str, str]:
    """Word key -> concept id, from lines `concept<TAB>english words<TAB>japanese words` (words
    comma-separated; English words, and Latin words in the Japanese column, stemmed as the
    tokenizer keys them; Japanese words kept as written: their SudachiPy normalised form). Blank lines and `#` comments are skipped; a word
    listed twice keeps its first concept. Raises ValueError on a line without three columns."""
    stem = _stemmer().stemWord
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 3 or not columns[0].strip():
            raise ValueError(f"glossary line {number}: expected concept<TAB>english<TAB>japanese")
        concept, english, japanese = (column.strip() for column in columns)
        for word in english.split(","):
            if word.strip():
                out.setdefault(stem(word.strip().lower()), concept)
        for word in japanese.split(","):
            word = word.strip().lower()
            if word:
                # Latin words in Japanese text (csv, slack) are keyed as English words are.
                out.setdefault(stem(word) if word.isascii() else word, concept)
    return out


@cache
def shipped_glossary() -> Mapping[str, str]:
    """The glossary shipped with the bridge."""
    text = files("banso_bridge.domain.text").joinpath(GLOSSARY_FILE).read_text("utf-8")
    return parse_glossary(text)


@cache
def glossary(extra: str = "") -> Mapping[str, str]:
    """The shipped glossary, with an operator's `extra` lines (same format) added: a word the
    shipped glossary already maps keeps its concept."""
    if not extra.strip():
        return shipped_glossary()
    return {**parse_glossary(extra), **shipped_glossary()}
