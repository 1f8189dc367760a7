"""Consolidation steps on a snapshot of the window: reassign, merge near-duplicates, split incoherent.

All steps minimise one objective, the spherical DP-means cost

    J = sum over themes of (n_k - |S_k|)  +  lambda * (number of themes)

where S_k is the sum of the unit vectors in theme k (n_k - |S_k| is the summed cosine distance to the
theme's mean direction) and lambda is the price of one more theme. Because merges and splits use the
same price, a split is never undone by the next merge and the number of themes follows the data, not
a k given in advance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

Matrix = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]


def theme_sums(vectors: Matrix, labels: Labels, n_themes: int) -> Matrix:
    """Sum of the item vectors per theme id (rows 0..n_themes-1)."""
    indicator = sp.csr_matrix(
        (np.ones(labels.size, dtype=np.float32), (labels, np.arange(labels.size))),
        shape=(n_themes, labels.size),
    )
    sums: Matrix = np.asarray(indicator @ vectors, dtype=np.float32)
    return sums


def _unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    units: Matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-9)
    return units


def reassign(
    vectors: Matrix,
    labels: Labels,
    active: npt.NDArray[np.bool_],
    rounds: int,
    anchored: npt.NDArray[np.bool_] | None = None,
    anchored_join: float = -1.0,
    pinned: npt.NDArray[np.bool_] | None = None,
    kinds: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None = None,
) -> Labels:
    """Lloyd steps of spherical k-means over the active themes; items with no vector stay put,
    and so do `pinned` items (a product manager placed them).

    `kinds` (each item's kind, each theme's, by theme id: praise or problem) keeps items to
    themes of their own kind; an item with no theme of its kind stays put.

    An item moves into an `anchored` theme (one a ticket was filed for) only when it is at least
    `anchored_join` alike its direction: a ticket's theme takes in what is clearly its problem,
    not whatever is nearer to it than to anything else.
    """
    labels = labels.copy()
    has_vector = np.linalg.norm(vectors, axis=1) > 1e-6
    if pinned is not None:
        has_vector &= ~pinned
    for _ in range(rounds):
        centroids = _unit_rows(theme_sums(vectors, labels, active.size))
        live = active & (np.bincount(labels, minlength=active.size) > 0)
        if not live.any():
            break
        live_ids = np.flatnonzero(live)
        sims = vectors @ centroids[live_ids].T
        if kinds is not None:
            item_kinds, theme_kinds = kinds
            sims[item_kinds[:, None] != theme_kinds[live_ids][None, :]] = -np.inf
        if anchored is not None and anchored[live_ids].any():
            current = labels[:, None] == live_ids[None, :]
            guarded = anchored[live_ids][None, :] & (sims < anchored_join) & ~current
            sims = np.where(guarded, -np.inf, sims)
        best = live_ids[np.argmax(sims, axis=1)]
        moved = has_vector & np.isfinite(sims).any(axis=1) & (best != labels)
        if not moved.any():
            break
        labels[moved] = best[moved]
    return labels


def absorbed(
    before: Labels,
    after: Labels,
    active: npt.NDArray[np.bool_],
    apart: Collection[frozenset[int]],
) -> list[tuple[int, int]]:
    """(theme, absorber) for every active theme that lost all its items when they moved from
    `before` to `after`: the theme that took most of them, of those not kept `apart` from it."""
    present = np.bincount(after, minlength=active.size) > 0
    found: list[tuple[int, int]] = []
    for theme_id in np.flatnonzero(active & ~present):
        former = before == theme_id
        targets = [
            int(target)
            for target, _ in Counter(after[former].tolist()).most_common()
            if frozenset((int(theme_id), int(target))) not in apart
        ]
        if targets:
            found.append((int(theme_id), targets[0]))
    return found


def merge_cost(sums: Matrix) -> Matrix:
    """Objective increase of merging each pair of themes: |S_a| + |S_b| - |S_a + S_b| (>= 0)."""
    gram = sums @ sums.T
    norms = np.sqrt(np.maximum(np.diag(gram), 0.0))
    joined = np.sqrt(np.maximum(norms[:, None] ** 2 + norms[None, :] ** 2 + 2.0 * gram, 0.0))
    cost: Matrix = (norms[:, None] + norms[None, :] - joined).astype(np.float32)
    return cost


UNION_MIN_MEMBERS = 3


#: why two themes became one (recorded with the merge, shown to product managers)
MERGE_REASONS = (
    "closer_together",
    "coherent_union",
    "absorbed",
    "shared_accounts",
    "shared_words",
    "manual",
)


@dataclass(frozen=True, slots=True)
class Merge:
    survivor: int
    merged: int
    # closer_together: one theme costs more than the items gain from being apart (the objective);
    # coherent_union: together they stay as coherent as a theme should be; absorbed: every item
    # of `merged` moved to `survivor`; shared_accounts: about to get its own ticket, `merged`
    # turned out to come from the accounts of `survivor`'s ticket (the ticket rule's link);
    # shared_words: likewise, its customers' words are those of `survivor`'s (likeness.py);
    # manual: a product manager merged them.
    reason: str = "manual"
    # cosine of the two themes' directions, when measured; for shared_accounts, the accounts'
    # overlap (Jaccard); for shared_words, the likeness of their words
    similarity: float | None = None


def plan_merges(
    sums: Matrix,
    sizes: npt.NDArray[np.int64],
    candidates: npt.NDArray[np.int64],
    price: float,
    min_similarity: float = -1.0,
    coherent_union: float = 2.0,
    members: npt.NDArray[np.int64] | None = None,
    apart: frozenset[frozenset[int]] = frozenset(),
    anchored: frozenset[int] = frozenset(),
    anchored_union_holds: Callable[[frozenset[int]], bool] | None = None,
    kinds: npt.NDArray[np.bool_] | None = None,
) -> list[Merge]:
    """Greedy agglomeration: cheapest pairs first, until merging costs more than a theme is worth.

    Two small themes are cheap to merge even when they point in different directions (each item
    moves only half-way), so a merge also needs the themes' directions to be at least
    `min_similarity` alike. The survivor is the larger theme (the older one on ties), so the id
    people already know lives on. Pairs in `apart` (a product manager undid their merge or split
    one off the other) never merge again, nor through a third theme. A theme in `anchored` (it has a ticket) merges only into a coherent union: a
    ticket's theme never swallows a neighbour merely because one theme fewer is cheaper.

    `anchored_union_holds`, given the themes (ids) a merge with an anchored theme would bring
    together, says whether they still read as one problem (the check a ticket was filed on);
    when it does not, the pair is not merged. Themes of different `kinds` (by theme id: praise
    or problem) never merge.
    """
    merges: list[Merge] = []
    sums = sums.copy()
    sizes = sizes.copy()
    # Items behind `sums` (the window); `sizes` (all-time) only picks survivors.
    members = (sizes if members is None else members).copy()
    alive = {int(theme) for theme in candidates}
    anchored = frozenset(anchored)
    # The original themes behind each survivor of this plan.
    groups = {theme: frozenset((theme,)) for theme in alive}
    while len(alive) > 1:
        ids = np.array(sorted(alive))
        cost = merge_cost(sums[ids])
        norms = np.maximum(np.linalg.norm(sums[ids], axis=1, keepdims=True), 1e-9)
        units = sums[ids] / norms
        alike = units @ units.T
        joined = norms + norms.T - cost  # |S_a + S_b|
        counts = members[ids]
        union_coherence = joined / np.maximum(counts[:, None] + counts[None, :], 1)
        # Small themes are the objective's to judge (their directions are still noisy).
        established = np.minimum(counts[:, None], counts[None, :]) >= UNION_MIN_MEMBERS
        coherent = established & (union_coherence >= coherent_union)
        cost = np.where(coherent, np.minimum(cost, 0.0), cost)
        cost[alike < min_similarity] = np.inf
        if kinds is not None:
            cost[kinds[ids][:, None] != kinds[ids][None, :]] = np.inf
        if anchored:
            held = np.isin(ids, np.fromiter(anchored, dtype=np.int64))
            cost[(held[:, None] | held[None, :]) & ~coherent] = np.inf
        for pair in apart:
            if pair <= alive:
                a, b = sorted(pair)
                ia, ib = int(np.searchsorted(ids, a)), int(np.searchsorted(ids, b))
                cost[ia, ib] = cost[ib, ia] = np.inf
        np.fill_diagonal(cost, np.inf)
        order = np.argsort(cost, axis=None, kind="stable")
        used: set[int] = set()
        round_merges = 0
        for flat in order:
            row, col = divmod(int(flat), ids.size)
            if cost[row, col] >= price:
                break
            a, b = int(ids[row]), int(ids[col])
            if a in used or b in used:
                continue
            if (
                anchored_union_holds is not None
                and (a in anchored or b in anchored)
                and not anchored_union_holds(groups[a] | groups[b])
            ):
                continue
            survivor, merged = (a, b) if (sizes[a], -a) >= (sizes[b], -b) else (b, a)
            sums[survivor] += sums[merged]
            sizes[survivor] += sizes[merged]
            members[survivor] += members[merged]
            alive.discard(merged)
            groups[survivor] = groups[survivor] | groups.pop(merged)
            if merged in anchored:
                anchored = anchored | {survivor}
            used.update((a, b))
            # The survivor inherits the merged theme's separations: kept apart stays apart.
            apart = frozenset(
                pair
                for pair in (
                    frozenset(survivor if theme == merged else theme for theme in pair)
                    for pair in apart
                )
                if len(pair) == 2
            )
            reason = "coherent_union" if coherent[row, col] else "closer_together"
            similarity = round(float(alike[row, col]), 4)
            merges.append(Merge(survivor, merged, reason=reason, similarity=similarity))
            round_merges += 1
        if round_merges == 0:
            break
    return merges


def bisect(vectors: Matrix, price: float, rounds: int = 10) -> npt.NDArray[np.bool_] | None:
    """Split one theme's items in two (spherical 2-means) if that lowers the objective by > price.

    Deterministic seeding: the item least like the theme starts one side, the item least like that
    one starts the other.
    """
    if vectors.shape[0] < 4:
        return None
    mean = vectors.sum(axis=0)
    first = vectors[int(np.argmin(vectors @ mean))]
    second = vectors[int(np.argmin(vectors @ first))]
    centers = np.stack([first, second])
    side = np.zeros(vectors.shape[0], dtype=np.bool_)
    for _ in range(rounds):
        scores = vectors @ centers.T
        new_side = scores[:, 1] > scores[:, 0]
        if new_side.all() or not new_side.any():
            return None
        if (new_side == side).all():
            break
        side = new_side
        centers = _unit_rows(np.stack([vectors[~side].sum(axis=0), vectors[side].sum(axis=0)]))
    gain = (
        float(np.linalg.norm(vectors[~side].sum(axis=0)))
        + float(np.linalg.norm(vectors[side].sum(axis=0)))
        - float(np.linalg.norm(mean))
    )
    return side if gain > price else None


def partition(vectors: Matrix, price: float, rounds: int = 10) -> Labels | None:
    """Re-cluster one theme's items into as many parts as the objective asks for (spherical
    DP-means inside the theme): an item opens a part of its own when it is less than
    1 - `price` alike every part's direction, i.e. when joining costs more than a theme.

    What a two-way split cannot undo: a "hub" theme grown around one shared word holds k
    problems that share nothing else, and any bisection leaves both halves hubs (it gains at most
    about 0.41 / sqrt(k) per item). Deterministic: parts are seeded in row order, starting from
    the item least like the theme. Returns a part number per item (0 .. k-1, k >= 2), or None
    when the items form one part.
    """
    n = vectors.shape[0]
    if n < 4:
        return None
    open_below = 1.0 - price
    first = int(np.argmin(vectors @ vectors.sum(axis=0)))
    centers = vectors[[first]]
    for row in range(n):
        if float(np.max(centers @ vectors[row])) < open_below:
            centers = np.vstack([centers, vectors[row]])
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(rounds):
        sims = vectors @ centers.T
        new_labels = np.argmax(sims, axis=1).astype(np.int64)
        lonely = np.flatnonzero(sims[np.arange(n), new_labels] < open_below)
        for far in lonely:  # DP-means: too far from every part, it starts its own
            centers = np.vstack([centers, vectors[far]])
            new_labels[far] = centers.shape[0] - 1
        used, new_labels = np.unique(new_labels, return_inverse=True)
        new_labels = new_labels.astype(np.int64)
        if used.size == labels.max() + 1 and (new_labels == labels).all():
            break
        labels = new_labels
        centers = _unit_rows(theme_sums(vectors, labels, int(used.size)))
    return labels if labels.max() >= 1 else None


def partition_gain(vectors: Matrix, labels: Labels) -> float:
    """How much closer the items get to their part's direction than to the theme's, summed
    (the objective's drop before the price of the extra themes)."""
    parts = theme_sums(vectors, labels, int(labels.max()) + 1)
    return float(np.linalg.norm(parts, axis=1).sum() - np.linalg.norm(vectors.sum(axis=0)))
