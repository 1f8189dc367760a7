"""The many-way split: a theme held together by one shared word ("hub") falls apart into its problems.

Many distinct problems that share one word ("the invoice ...") can grow into one theme: each item
is about as alike the theme's direction as the join rule asks, and no two-way split of it pays.
When bisection does not pay, consolidation asks whether the theme is such a hub (`held_by_one_word`)
and, if so, re-clusters it into as many parts as the objective asks for (`many_way_split`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.consolidate import Matrix, partition, partition_gain
from banso_bridge.domain.clustering.theme import ClusterItem

#: a theme is a hub (see `held_by_one_word`) when one word is in this share of its items and no
#: other word in `HUB_OTHER_WORD_SHARE`
HUB_WORD_SHARE = 0.8
HUB_OTHER_WORD_SHARE = 0.5


def held_by_one_word(items: Sequence[ClusterItem]) -> bool:
    """A "hub": one word is in (nearly) all of the theme's items and no other word in half
    of them — items that share that word and nothing else. A theme of one problem told in
    varied words shares several (csv and 文字 in every report of garbled CSV exports)."""
    counts = Counter(key for item in items for key in set(item.keys))
    shares = [count / len(items) for _, count in counts.most_common(2)]
    if not shares or shares[0] < HUB_WORD_SHARE:
        return False
    return len(shares) < 2 or shares[1] < HUB_OTHER_WORD_SHARE


def many_way_split(
    vectors: Matrix,
    pinned: npt.NDArray[np.bool_],
    *,
    theme_price: float,
    split_gain_per_item: float,
) -> npt.NDArray[np.int64] | None:
    """A many-way split of a theme's items (`vectors`, consolidate.partition) if it pays: each
    extra part must be worth its price and the items must gain `split_gain_per_item` on
    average, as for a bisection. Part 0 (the parent's, which keeps its id) is the largest,
    and holds the items a product manager placed (`pinned`). None when it does not pay."""
    parts = partition(vectors, theme_price)
    if parts is None:
        return None
    k = int(parts.max()) + 1
    needed = max(theme_price * (k - 1), split_gain_per_item * len(vectors))
    if partition_gain(vectors, parts) <= needed:
        return None
    sizes = np.bincount(parts, minlength=k)
    order = np.argsort(-sizes, kind="stable")  # largest first
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    parts = renumber[parts]
    parts[pinned] = 0
    return parts if parts.max() >= 1 else None
