"""Sparse features of one text: hashed word tokens and character n-grams.

Hashing (the trick behind scikit-learn's HashingVectorizer) gives every feature a fixed column without a
vocabulary, so a service that starts empty can turn its first item into features, store them, and later
fit the weighting on whatever it has seen. MurmurHash3 with a fixed seed keeps the columns identical
across processes and restarts.

Two blocks share one index space: character n-grams (robust to spelling, inflection and the missing
spaces of Japanese) and content words (lemmas and stems from the tokenizer, which carry the topic).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.utils.murmurhash import murmurhash3_32  # type: ignore[import-untyped]

CHAR_BITS = 20
WORD_BITS = 18
CHAR_COLUMNS = 1 << CHAR_BITS
WORD_COLUMNS = 1 << WORD_BITS
N_COLUMNS = CHAR_COLUMNS + WORD_COLUMNS
CHAR_NGRAMS = (2, 4)


@dataclass(frozen=True, slots=True)
class FeatureCounts:
    """Sorted hashed columns and their raw counts for one text."""

    columns: npt.NDArray[np.int32]
    counts: npt.NDArray[np.float32]

    @property
    def is_empty(self) -> bool:
        return self.columns.size == 0


def char_ngrams(text: str) -> list[str]:
    """Character n-grams inside space-padded words (scikit-learn's `char_wb`), lower-cased.

    Japanese has no spaces, so a sentence is one long "word" and its n-grams run across it;
    English n-grams stay inside words, which keeps them from matching across word boundaries.
    """
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for size in range(low, high + 1):
            if size > length:
                break
            grams.extend(padded[start : start + size] for start in range(length - size + 1))
    return grams


class FeatureHasher:
    """Hashes features to columns, remembering the columns of features it has seen.

    Most n-grams recur across texts (a few tens of thousands cover a language), so a dictionary
    lookup replaces most hash computations on the streaming path. The memory is bounded.
    """

    def __init__(self, max_remembered: int = 1 << 20) -> None:
        self._columns: dict[str, int] = {}
        self._max = max_remembered

    def _new_column(self, feature: str, mask: int, offset: int) -> int:
        column = offset + (int(murmurhash3_32(feature, seed=0, positive=True)) & mask)
        if len(self._columns) >= self._max:
            self._columns.clear()
        self._columns[feature] = column
        return column

    def extract(self, text: str, word_keys: Iterable[str]) -> FeatureCounts:
        """Hash the character n-grams of `text` and the word keys into one sparse row."""
        remembered = self._columns
        counts: dict[int, int] = {}
        for gram in char_ngrams(text):
            column = remembered.get(gram)
            if column is None:
                column = self._new_column(gram, CHAR_COLUMNS - 1, 0)
            counts[column] = counts.get(column, 0) + 1
        for key in word_keys:
            # A prefix keeps a word and an identical n-gram apart in the memory.
            feature = "\x00" + key
            column = remembered.get(feature)
            if column is None:
                column = self._new_column(feature, WORD_COLUMNS - 1, CHAR_COLUMNS)
            counts[column] = counts.get(column, 0) + 1
        columns = sorted(counts)
        return FeatureCounts(
            columns=np.fromiter(columns, dtype=np.int32, count=len(columns)),
            counts=np.fromiter((counts[c] for c in columns), dtype=np.float32, count=len(columns)),
        )


def extract_features(text: str, word_keys: Iterable[str]) -> FeatureCounts:
    """Hash the character n-grams of `text` and the word keys (lemmas, stems) into one sparse row."""
    return FeatureHasher().extract(text, word_keys)


def is_word_column(columns: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    return columns >= CHAR_COLUMNS
