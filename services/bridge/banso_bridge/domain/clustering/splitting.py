"""When consolidation splits a theme, and into which parts.

A theme is split only when it is large enough (`min_split_size`) and less coherent than a merge
would allow (`merge_coherent_union`: otherwise its halves would merge straight back). It is
bisected when a two-way split pays; when none does and it is a hub (hubs.py), it is re-clustered
into as many parts as pay. Items a product manager placed (pinned) stay with the parent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.consolidate import Matrix, bisect
from banso_bridge.domain.clustering.hubs import held_by_one_word, many_way_split
from banso_bridge.domain.clustering.theme import ClusterItem


def split_parts(
    rows: npt.NDArray[np.intp],
    vectors: Matrix,
    items: Sequence[ClusterItem],
    pinned: npt.NDArray[np.bool_],
    config: ClusteringConfig,
) -> npt.NDArray[np.int64] | None:
    """The part (0 = stays with the parent, 1... = a new theme each) of each of a theme's
    `rows` of the window (`vectors`, `items`, `pinned`), or None when the theme stays whole."""
    size = int(rows.size)
    if size < config.min_split_size:
        return None
    vectors, pinned = vectors[rows], pinned[rows]
    coherence = float(np.linalg.norm(vectors.sum(axis=0))) / size
    if coherence >= config.merge_coherent_union:
        return None  # coherent enough that its halves would merge straight back
    price = max(config.theme_price, config.split_gain_per_item * size)
    side = bisect(vectors, price)
    if side is not None:
        side &= ~pinned  # items a product manager placed stay where they are
    if side is not None and side.any():
        return side.astype(np.int64)
    if config.split_many_ways and held_by_one_word([items[int(row)] for row in rows]):
        return many_way_split(
            vectors,
            pinned,
            theme_price=config.theme_price,
            split_gain_per_item=config.split_gain_per_item,
        )
    return None
