"""Does a theme read as one problem? The word checks the ticket rule and ticketed themes apply.

The latent space can hold together items that share no word; a theme a ticket is filed for must
not. Both checks look at the words themselves (the model's TF-IDF word weights, cohesion.py):
`theme_cohesion` whether a group of themes' window items reads as one problem, `shares_words`
whether new items share a ticketed theme's words (as much as its own items do, nearly) before
they may join it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.cohesion import (
    Cohesion,
    CohesionConfig,
    cohesion,
    member_overlaps,
)
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.window import ItemWindow
from banso_bridge.domain.representation.model import VectorModel
from banso_bridge.domain.text.nature import Nature

#: Why a theme does not read as one problem (`ThemeClusterer.not_one_problem`).
NotOneProblem = Literal["requests_and_defects", "unlike_words"]


def theme_cohesion(
    model: VectorModel, window: ItemWindow, themes: frozenset[int], config: CohesionConfig
) -> Cohesion:
    """How much the window items of `themes`, together, share in words (see cohesion.py)."""
    rows = np.flatnonzero(np.isin(window.labels, np.fromiter(themes, dtype=np.int64)))
    features = [window.items[row].features for row in rows]
    return cohesion(model.word_weights(features), config)


def shares_words(
    model: VectorModel,
    window: ItemWindow,
    theme_id: int,
    items: Sequence[ClusterItem],
    *,
    min_overlap: float,
    min_relative: float = 0.0,
) -> npt.NDArray[np.bool_]:
    """Which of `items` share words with the theme's window items: the cosine of an item's
    TF-IDF words to the sum of the theme's is at least `min_overlap` (the cohesion check's
    `min_item_overlap`) and at least `min_relative` times the median of the theme's own items'
    overlaps with the others (`cohesion.member_overlaps`): a word or two in common is enough
    for the first bar, not for a theme whose reports share most of theirs. In a young latent
    space the few items of a minority language sit close together whatever they are about;
    their words still tell the problems apart."""
    rows = window.rows_of(theme_id)
    if rows.size == 0 or model.fitted_on == 0:
        return np.ones(len(items), dtype=np.bool_)
    features = [window.items[row].features for row in rows]
    words = model.word_weights(features + [item.features for item in items])
    members = words[: rows.size]
    bar = min_overlap
    if min_relative > 0 and rows.size > 1:
        bar = max(bar, min_relative * float(np.median(member_overlaps(members))))
    total = members.sum(axis=0)
    candidates = words[rows.size :]
    norm = float(np.linalg.norm(total))
    overlap = candidates @ total / max(norm, 1e-9)
    shares: npt.NDArray[np.bool_] = overlap >= bar
    return shares


def of_one_nature(items: Sequence[ClusterItem], config: CohesionConfig) -> bool:
    """The items are requests or defects, not both (text/nature.py): the reports of the minority
    nature fit in what a ticket may set aside (`max_marginal_share` of a theme of at least
    `min_items_for_marginal` items, none in a smaller one). "Please add Slack notifications for
    alerts and scheduled reports" beside "Scheduled reports arrive hours late" shares the words
    "scheduled reports", so the word checks pass them as one problem; a product manager files a
    request and a defect apart."""
    natures = Counter(item.nature for item in items if item.nature is not None)
    minority = min(natures["request"], natures["defect"])
    allowed = config.max_marginal_share * len(items)
    if len(items) < config.min_items_for_marginal:
        allowed = 0.0
    return minority <= allowed


def nature_of(items: Iterable[ClusterItem]) -> Nature | None:
    """The nature most of the items that have one are of (text/nature.py); None on a tie or
    when none has one."""
    natures = Counter(item.nature for item in items if item.nature is not None)
    if natures["request"] == natures["defect"]:
        return None
    return "request" if natures["request"] > natures["defect"] else "defect"
