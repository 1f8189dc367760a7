"""Is a theme one problem? A check on the words its items share, before a ticket is filed for it.

The latent space themes are clustered in (LSA) is small while a stream is young: two requests that
share no word ("would love a dark mode", "a bulk invite would save us time") can sit close in it.
A ticket is what a product manager acts on, so before a theme gets one its items are checked on
the words themselves (sublinear TF-IDF over word features, each item unit length):

- an *intruder* is an item that shares (almost) no weighted word with the rest of its theme: the
  cosine of its words to the sum of the other items' words is below `min_item_overlap`;
- two *separated groups*: the theme's two halves (spherical 2-means on the items' words) whose
  word sums are almost orthogonal (cosine below `min_halves_overlap`): two problems side by side.
  The halves are found on the words, not in the latent space: in a young latent space the few
  items of a minority language sit close together whatever they are about, and halves cut there
  mix the problems, so each half's words overlap the other's.

One problem told in several ways still shares its key words across the wordings (the product or
feature named, the symptom), so neither test fires on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from banso_bridge.domain.clustering.consolidate import Matrix, bisect


@dataclass(frozen=True, slots=True)
class CohesionConfig:
    min_item_overlap: float = 0.2
    # Share of a theme's items that may be intruders. Above 0: a theme with one intruder in ten
    # is ticketed, and the intruder's neighbours follow it in.
    max_intruder_share: float = 0.0
    min_halves_overlap: float = 0.2


@dataclass(frozen=True, slots=True)
class Cohesion:
    intruders: int  # items sharing (almost) no word with the rest of the theme
    items: int
    halves_overlap: float | None  # word cosine of the two halves; None below 4 items

    def holds(self, config: CohesionConfig) -> bool:
        if self.items and self.intruders / self.items > config.max_intruder_share:
            return False
        return self.halves_overlap is None or self.halves_overlap >= config.min_halves_overlap


def _cosine(a: Matrix, b: Matrix) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm > 1e-12 else 0.0


def cohesion(words: Matrix, config: CohesionConfig) -> Cohesion:
    """Measure one theme: `words` are its items' word weights (one unit row each, zero for an
    item without words)."""
    n = words.shape[0]
    total = words.sum(axis=0)
    own = words @ total  # each item's words . the theme's words
    length = (words * words).sum(axis=1)  # 1, or 0 without words
    rest = np.sqrt(np.maximum(float(total @ total) - 2.0 * own + length, 0.0))
    overlap = np.divide(own - length, rest, out=np.zeros_like(rest), where=rest > 1e-9)
    intruders = int((overlap < config.min_item_overlap).sum()) if n > 1 else 0
    halves: float | None = None
    if n >= 4:
        side = bisect(words, -np.inf)
        if side is not None:
            halves = round(_cosine(words[~side].sum(axis=0), words[side].sum(axis=0)), 4)
    return Cohesion(intruders=intruders, items=n, halves_overlap=halves)
