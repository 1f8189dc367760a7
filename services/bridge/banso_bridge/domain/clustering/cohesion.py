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

A large theme may still hold a few reports of another problem beside its main one (a request
that names the same feature): the smaller half, when the halves share no words, is set aside as
*marginal* and the rest is measured again, as long as all that is set aside (with the intruders
of what remains) stays within `max_marginal_share` of the theme; the ticket shows the main
problem. Two problems of similar size never fit in that share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.consolidate import Matrix, bisect


@dataclass(frozen=True, slots=True)
class CohesionConfig:
    min_item_overlap: float = 0.2
    # Share of a theme's items that may be set aside as marginal (intruders, and small groups of
    # their own, see `cohesion`) while the rest still reads as one problem. A ticket shows its
    # theme's main problem; the purity a product manager can trust is 0.9, so a tenth.
    max_marginal_share: float = 0.1
    # ... in a theme of at least this many items: in a smaller one the words are too few to
    # tell a marginal item from a second problem, and nothing is set aside.
    min_items_for_marginal: int = 20
    min_halves_overlap: float = 0.2


@dataclass(frozen=True, slots=True)
class Cohesion:
    intruders: int  # items sharing (almost) no word with the rest of the theme
    items: int
    halves_overlap: float | None  # word cosine of the two halves of its core; None below 4 items
    # Items set aside: small groups that share no word with the rest (peeled off one by one
    # while they fit in `max_marginal_share`), then the intruders of what remains (its core).
    marginal: int = 0

    def holds(self, config: CohesionConfig) -> bool:
        allowed = config.max_marginal_share * self.items
        if self.items < config.min_items_for_marginal:
            allowed = 0.0
        if self.marginal > allowed:
            return False
        return self.halves_overlap is None or self.halves_overlap >= config.min_halves_overlap


def _cosine(a: Matrix, b: Matrix) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm > 1e-12 else 0.0


def member_overlaps(words: Matrix) -> npt.NDArray[np.float32]:
    """Each item's words' cosine to the sum of the other items' words (0 alone)."""
    if words.shape[0] < 2:
        return np.zeros(words.shape[0], dtype=np.float32)
    total = words.sum(axis=0)
    own = words @ total  # each item's words . the theme's words
    length = (words * words).sum(axis=1)  # 1, or 0 without words
    rest = np.sqrt(np.maximum(float(total @ total) - 2.0 * own + length, 0.0))
    overlap: npt.NDArray[np.float32] = np.divide(
        own - length, rest, out=np.zeros_like(rest), where=rest > 1e-9
    )
    return overlap


def _intruders(words: Matrix, config: CohesionConfig) -> npt.NDArray[np.bool_]:
    """Items whose words' cosine to the sum of the other items' words is below the bar."""
    if words.shape[0] < 2:
        return np.zeros(words.shape[0], dtype=np.bool_)
    found: npt.NDArray[np.bool_] = member_overlaps(words) < config.min_item_overlap
    return found


def _halves(words: Matrix) -> tuple[npt.NDArray[np.bool_] | None, float | None]:
    """The two halves (spherical 2-means on the words) and the cosine of their word sums."""
    if words.shape[0] < 4:
        return None, None
    side = bisect(words, -np.inf)
    if side is None:
        return None, None
    return side, round(_cosine(words[~side].sum(axis=0), words[side].sum(axis=0)), 4)


def cohesion(words: Matrix, config: CohesionConfig) -> Cohesion:
    """Measure one theme: `words` are its items' word weights (one unit row each, zero for an
    item without words).

    While the theme's halves share (almost) no word and the smaller half fits in what may still
    be set aside, that half is marginal (a few reports of another problem beside the main one)
    and the rest is measured again; a theme of two problems of similar size keeps its halves.
    The intruders of the core left are marginal too."""
    n = words.shape[0]
    budget = config.max_marginal_share * n if n >= config.min_items_for_marginal else 0.0
    core = np.arange(n)
    peeled = 0
    side, halves = _halves(words)
    while side is not None and halves is not None and halves < config.min_halves_overlap:
        minor = side if side.sum() <= (~side).sum() else ~side
        if peeled + int(minor.sum()) > budget:
            break
        peeled += int(minor.sum())
        core = core[~minor]
        side, halves = _halves(words[core])
    intruders = int(_intruders(words, config).sum()) if n > 1 else 0
    left = int(_intruders(words[core], config).sum()) if core.size > 1 else 0
    return Cohesion(intruders=intruders, items=n, halves_overlap=halves, marginal=peeled + left)
