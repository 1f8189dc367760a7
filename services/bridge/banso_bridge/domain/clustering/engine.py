"""Streaming theme clustering: each item joins the nearest theme or opens one; consolidation tidies up.

`ThemeClusterer` keeps a window of recent items (plus a few per theme, so old themes stay matchable)
with their vectors. `add` is cheap and immediate. `consolidate` (every `consolidate_every` items, and
whenever the representation is refitted) recomputes the vectors if the model was refitted, moves items
to their nearest theme, merges near-duplicate themes and splits incoherent ones. Theme ids never
change: a merged theme keeps its id and points to its survivor, a split opens a new id.

Everything is deterministic for a given seed and input order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.cohesion import Cohesion, CohesionConfig, cohesion
from banso_bridge.domain.clustering.consolidate import (
    Matrix,
    Merge,
    bisect,
    partition,
    partition_gain,
    plan_merges,
    reassign,
    theme_sums,
)
from banso_bridge.domain.clustering.labels import ThemeLabel, label_theme
from banso_bridge.domain.clustering.likeness import lexicon, likeness, word_bag
from banso_bridge.domain.clustering.state import ClustererSnapshot, ItemRecord, ThemeRecord
from banso_bridge.domain.clustering.theme import ClusterItem, Theme, ThemeStatus
from banso_bridge.domain.clustering.window import ItemWindow
from banso_bridge.domain.representation.model import ModelConfig, VectorModel, fit_model

#: a theme is a hub (see `ThemeClusterer._held_by_one_word`) when one word is in this share of
#: its items and no other word in `HUB_OTHER_WORD_SHARE`
HUB_WORD_SHARE = 0.8
HUB_OTHER_WORD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class ClusteringConfig:
    # Cosine similarity to a theme's mean direction needed to join it on arrival.
    join_similarity: float = 0.5
    # Price of one more theme in the objective (see consolidate.py); 1 - join_similarity keeps the
    # arrival rule and the consolidation consistent for large themes.
    theme_price: float = 0.5
    # Directions of two themes must be at least this similar for consolidation to merge them.
    merge_min_similarity: float = 0.3
    # Two themes also merge when their union stays this coherent (mean cosine of its items to
    # its direction), however large they are (see consolidate.plan_merges).
    merge_coherent_union: float = 0.75
    # Cosine to the direction of a theme that has a ticket needed to join it (on arrival or when
    # consolidation moves items): stricter than `join_similarity`, so a ticket's theme does not
    # drift towards its neighbours' problems.
    anchored_join_similarity: float = 0.6
    consolidate_every: int = 250  # items between consolidation passes
    reassign_rounds: int = 10  # Lloyd steps per pass (it stops early once nothing moves)
    min_split_size: int = 8  # themes smaller than this are never split
    # A split must bring each item, on average, this much closer (in cosine) to its theme's direction.
    # The objective alone would split any large theme a little; this keeps coherent themes whole.
    split_gain_per_item: float = 0.1
    # When no two-way split pays, an incoherent theme is re-clustered into as many parts as the
    # objective asks for (consolidate.partition): a theme held together by one shared word ("hub")
    # falls apart into its problems. Off: only two-way splits.
    split_many_ways: bool = True
    first_fit_at: int = 8  # items before the first representation fit
    refit_every: int = 5_000  # refit at least this often once doubling gets sparse (items)
    max_window: int = 20_000  # items kept for consolidation
    retained_per_theme: int = 20  # items every theme keeps in the window, however old
    seed: int = 0
    model: ModelConfig = field(default_factory=ModelConfig)
    # When a theme counts as one problem, fit for a ticket (see cohesion.py).
    cohesion: CohesionConfig = field(default_factory=CohesionConfig)


@dataclass(frozen=True, slots=True)
class Assignment:
    item_id: str
    theme_id: int
    opened: bool  # the item opened a new theme
    similarity: float  # cosine to the theme's direction before joining (0 for a new theme)


@dataclass(frozen=True, slots=True)
class Split:
    parent: int
    child: int


@dataclass(slots=True)
class ConsolidationReport:
    refitted: bool = False
    moved: int = 0
    merges: list[Merge] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)

    @property
    def changed_themes(self) -> set[int]:
        changed = {m.survivor for m in self.merges} | {m.merged for m in self.merges}
        return changed | {s.parent for s in self.splits} | {s.child for s in self.splits}


class ThemeClusterer:
    """Online clustering of feedback items into themes (see module docstring)."""

    def __init__(self, config: ClusteringConfig | None = None) -> None:
        self.config = config or ClusteringConfig()
        self._model = VectorModel.empty()
        self._window = ItemWindow()
        self._themes: dict[int, Theme] = {}
        # Indexed by theme id (row 0 unused): running sums and unit directions of the themes.
        self._sums: Matrix = np.zeros((1, 1), dtype=np.float32)
        self._units: Matrix = np.zeros((1, 1), dtype=np.float32)
        self._active: npt.NDArray[np.bool_] = np.zeros(1, dtype=np.bool_)
        # Indexed by theme id: the theme gathers praise (see `is_praise`), not problem reports.
        self._praise: npt.NDArray[np.bool_] = np.zeros(1, dtype=np.bool_)
        self._since_consolidation = 0
        self._next_fit = self.config.first_fit_at
        # Pairs of themes a product manager separated again: consolidation never merges them.
        self._apart: set[frozenset[int]] = set()
        # Themes a ticket was filed for (see `anchor`).
        self._anchored: set[int] = set()
        # Items a product manager placed (split off into their own theme): never moved again.
        self._pinned: set[str] = set()

    # -- reading -------------------------------------------------------------------------------

    @property
    def themes(self) -> dict[int, Theme]:
        return self._themes

    def active_themes(self) -> list[Theme]:
        return [theme for theme in self._themes.values() if theme.is_active]

    @property
    def model(self) -> VectorModel:
        return self._model

    @property
    def window_size(self) -> int:
        return len(self._window)

    @property
    def representation_stale(self) -> bool:
        """The window outgrew the last fit by a tenth: worth a refit when the stream pauses."""
        fitted = self._model.fitted_on
        return len(self._window) > fitted + max(1, fitted // 10)

    @property
    def consolidation_due(self) -> bool:
        return (
            self._since_consolidation >= self.config.consolidate_every
            or len(self._window) >= self._next_fit
        )

    def resolve(self, theme_id: int) -> int:
        """Follow merge pointers to the theme that now holds `theme_id`'s items."""
        seen = {theme_id}
        while (target := self._themes[theme_id].merged_into) is not None and target not in seen:
            seen.add(target)
            theme_id = target
        return theme_id

    def assignments(self) -> dict[str, int]:
        """Theme id of every item in the window."""
        labels = self._window.labels
        return {item.id: int(label) for item, label in zip(self._window.items, labels, strict=True)}

    def members(self, theme_id: int) -> list[tuple[ClusterItem, float]]:
        """Window members of a theme with their cosine to its direction, most typical first."""
        rows = self._window.rows_of(theme_id)
        if rows.size == 0:
            return []
        sims = self._window.vectors[rows] @ self._units[theme_id]
        order = np.argsort(-sims, kind="stable")
        return [(self._window.items[rows[i]], float(sims[i])) for i in order]

    def window_vectors(self) -> tuple[list[str], Matrix]:
        """Ids and current vectors of the window items (what a batch method would cluster)."""
        return [item.id for item in self._window.items], self._window.vectors.copy()

    def cohesion(self, theme_id: int) -> Cohesion:
        """How much a theme's window items share in words (see cohesion.py)."""
        return self._cohesion_of(frozenset((theme_id,)))

    def is_praise(self, theme_id: int) -> bool:
        """The theme gathers praise ("Love the dashboards"; text/praise.py), not problems: most of
        its items are praise. Praise and problem reports never share a theme (only a product
        manager's merge can mix them), so compliments do not dilute a problem's ticket."""
        return bool(self._praise[theme_id]) if theme_id < self._praise.size else False

    def fit_for_ticket(self, theme_id: int) -> bool:
        """The theme reads as one problem: not praise, no more intruders than a ticket's purity
        allows, and not two groups with no words in common. Before the first fit nothing is."""
        if self._model.fitted_on == 0 or self.is_praise(theme_id):
            return False
        return self.cohesion(theme_id).holds(self.config.cohesion)

    def most_alike(
        self, theme_id: int, others: Iterable[int], *, minimum: float
    ) -> tuple[int, float] | None:
        """Of `others`, the theme whose customers' words are most like this theme's, across
        Japanese and English (see likeness.py), and the likeness; None when none reaches
        `minimum` (0 = never). Pairs a product manager kept apart are skipped."""
        if minimum <= 0:
            return None
        window = self._window
        translate = lexicon()

        def bag(theme: int) -> dict[str, float]:
            items = (window.items[row] for row in window.rows_of(theme))
            return word_bag(items, window.document_frequency, len(window), translate)

        own = bag(theme_id)
        best: tuple[int, float] | None = None
        for other in sorted(set(others)):
            if other == theme_id or frozenset((theme_id, other)) in self._apart:
                continue
            alike = likeness(own, bag(other))
            if alike >= minimum and (best is None or alike > best[1]):
                best = (other, round(alike, 4))
        return best

    def label(self, theme_id: int, *, previous_title: str | None = None) -> ThemeLabel:
        typical_first = [item for item, _ in self.members(theme_id)]
        return label_theme(
            typical_first,
            self._window.document_frequency,
            len(self._window),
            previous_title=previous_title,
        )

    # -- writing -------------------------------------------------------------------------------

    def add(self, item: ClusterItem) -> Assignment:
        """Place one item: join the most similar active theme or open a new one."""
        vector = self._model.transform([item.features])[0]
        theme_id, similarity = self._nearest(vector, praise=item.praise)
        if theme_id in self._anchored and not self._shares_words(theme_id, [item])[0]:
            # A ticket's theme takes in only what shares its words: the next nearest, if any.
            theme_id, similarity = self._nearest(vector, praise=item.praise, excluded=theme_id)
        needed = self.config.join_similarity
        if theme_id in self._anchored:
            needed = max(needed, self.config.anchored_join_similarity)
        opened = theme_id is None or similarity < needed
        if opened or theme_id is None:
            theme_id = self._open_theme(praise=item.praise)
            similarity = 0.0
        self._window.append(item, theme_id, vector)
        self._themes[theme_id].size += 1
        self._sums[theme_id] += vector
        norm = float(np.linalg.norm(self._sums[theme_id]))
        self._units[theme_id] = self._sums[theme_id] / norm if norm > 1e-9 else 0.0
        self._since_consolidation += 1
        return Assignment(item_id=item.id, theme_id=theme_id, opened=opened, similarity=similarity)

    def consolidate(self, *, refit: bool | None = None) -> ConsolidationReport:
        """Refit the representation if due (or asked), then reassign, merge and split."""
        report = ConsolidationReport()
        self._since_consolidation = 0
        if not len(self._window):
            return report
        if refit is None:
            refit = len(self._window) >= self._next_fit
        if refit:
            self._window.evict(self.config.max_window, self.config.retained_per_theme)
            self._refit()
            report.refitted = True
        self._reassign(report)
        self._merge(report)
        self._split(report)
        if report.splits:
            self._reassign(report)  # let items settle between the new halves and their neighbours
        self._rebuild_sums()
        return report

    def merge(self, merged: int, survivor: int, *, reason: str = "manual") -> None:
        """Merge two themes outside consolidation (a product manager's decision, or the ticket
        rule's link, `shared_accounts`); ids stay stable. A manual merge overrides an earlier
        undo; an automatic one never merges a pair kept apart."""
        merged, survivor = self.resolve(merged), self.resolve(survivor)
        pair = frozenset((merged, survivor))
        if merged == survivor or (reason != "manual" and pair in self.kept_apart):
            return
        if reason != "manual" and self.is_praise(merged) != self.is_praise(survivor):
            return  # praise and problem reports meet only by a product manager's hand
        self._apart.discard(pair)
        self._retire(merged, survivor, ConsolidationReport(), reason=reason)
        self._rebuild_sums()

    def unmerge(self, merged: int, item_ids: Iterable[str]) -> int:
        """Undo a merge (a product manager's decision): `merged` is active again with those of
        `item_ids` that are still in its survivor, and the two are never merged automatically
        again. Returns the survivor."""
        theme = self._themes[merged]
        if theme.is_active or theme.merged_into is None:
            raise ValueError(f"theme {merged} is not merged")
        survivor = self.resolve(merged)
        theme.status = ThemeStatus.ACTIVE
        theme.merged_into = None
        self._active[merged] = True
        wanted = set(item_ids)
        labels = self._window.labels
        rows = [
            row
            for row, item in enumerate(self._window.items)
            if item.id in wanted and labels[row] == survivor
        ]
        labels[rows] = merged
        theme.size = len(rows)
        self._themes[survivor].size = max(0, self._themes[survivor].size - len(rows))
        self._apart.add(frozenset((merged, survivor)))
        self._rebuild_sums()
        return survivor

    def split_off(self, theme_id: int, item_ids: Iterable[str]) -> int:
        """Move those of `item_ids` in the window of `theme_id` into a new theme (a product
        manager's decision): they stay there, and the two themes are never merged automatically
        again. Returns the new theme's id; the caller sets the all-time sizes (`set_sizes`)."""
        theme = self._themes[theme_id]
        if not theme.is_active:
            raise ValueError(f"theme {theme_id} is not active")
        wanted = set(item_ids)
        child = self._open_theme(praise=self.is_praise(theme_id))
        self._themes[child].split_from = theme_id
        labels = self._window.labels
        rows = [
            row
            for row, item in enumerate(self._window.items)
            if item.id in wanted and labels[row] == theme_id
        ]
        labels[rows] = child
        self._pinned |= wanted
        self._apart.add(frozenset((theme_id, child)))
        self._rebuild_sums()
        return child

    @property
    def pinned(self) -> frozenset[str]:
        return frozenset(self._pinned)

    def anchor(self, theme_id: int) -> None:
        """A ticket was filed for this theme: from now on items join it (on arrival or when
        consolidation moves them) only when they are at least `anchored_join_similarity` alike
        it and share its words (`_shares_words`), and it merges with another theme only into a
        coherent union that still reads as one problem (cohesion.py). The anchor follows the
        theme into its survivor when it is merged."""
        self._anchored.add(self.resolve(theme_id))

    @property
    def anchored(self) -> frozenset[int]:
        return frozenset(self._anchored)

    def set_sizes(self, sizes: Mapping[int, int]) -> None:
        """All-time item counts of themes, as the caller counted them (after an unmerge)."""
        for theme_id, size in sizes.items():
            self._themes[theme_id].size = size

    @property
    def kept_apart(self) -> frozenset[frozenset[int]]:
        """Pairs a product manager separated, as the themes that now hold them (a theme merged
        into a third one passes its separations on)."""
        pairs = (frozenset(self.resolve(theme) for theme in pair) for pair in self._apart)
        return frozenset(pair for pair in pairs if len(pair) == 2)

    # -- persistence ---------------------------------------------------------------------------

    def snapshot(self) -> ClustererSnapshot:
        labels = self._window.labels
        return ClustererSnapshot(
            themes=tuple(ThemeRecord.of(theme) for theme in self._themes.values()),
            items=tuple(
                ItemRecord.of(item, int(label))
                for item, label in zip(self._window.items, labels, strict=True)
            ),
            fitted_on=self._model.fitted_on,
            since_consolidation=self._since_consolidation,
            next_fit=self._next_fit,
            apart=tuple(sorted((min(pair), max(pair)) for pair in self._apart)),
            anchored=tuple(sorted(self._anchored)),
            pinned=tuple(sorted(self._pinned)),
        )

    @classmethod
    def restore(
        cls, snapshot: ClustererSnapshot, config: ClusteringConfig | None = None
    ) -> ThemeClusterer:
        clusterer = cls(config)
        for record in sorted(snapshot.themes, key=lambda theme: theme.id):
            while len(clusterer._themes) + 1 < record.id:
                clusterer._open_theme()  # ids are dense; fill any gap (never expected)
            theme_id = clusterer._open_theme()
            clusterer._themes[theme_id] = record.to_theme()
            clusterer._active[theme_id] = record.status == ThemeStatus.ACTIVE
        items = [record.to_item() for record in snapshot.items]
        rows = [item.features for item in items]
        if snapshot.fitted_on:
            clusterer._model = fit_model(
                rows[: snapshot.fitted_on], clusterer.config.model, clusterer.config.seed
            )
        vectors = clusterer._model.transform(rows)
        for item, item_record, vector in zip(items, snapshot.items, vectors, strict=True):
            clusterer._window.append(item, item_record.theme_id, vector)
        clusterer._since_consolidation = snapshot.since_consolidation
        clusterer._next_fit = snapshot.next_fit
        clusterer._apart = {frozenset(pair) for pair in snapshot.apart}
        clusterer._anchored = {
            clusterer.resolve(theme) for theme in snapshot.anchored if theme in clusterer._themes
        }
        clusterer._pinned = set(snapshot.pinned)
        clusterer._rebuild_sums()
        return clusterer

    # -- internals -----------------------------------------------------------------------------

    def _nearest(
        self, vector: Matrix, *, praise: bool = False, excluded: int | None = None
    ) -> tuple[int | None, float]:
        if not self._active.any() or float(np.linalg.norm(vector)) < 1e-6:
            return None, 0.0
        sims = self._units @ vector
        sims[~self._active | (self._praise != praise)] = -np.inf
        if excluded is not None:
            sims[excluded] = -np.inf
        if not np.isfinite(sims).any():
            return None, 0.0
        if self._anchored:
            # A ticket's theme is the nearest only when the item clears its stricter bar.
            held = np.fromiter(self._anchored, dtype=np.int64)
            low = held[sims[held] < self.config.anchored_join_similarity]
            if low.size and np.isfinite(np.delete(sims, low)).any():
                sims[low] = -np.inf
        best = int(np.argmax(sims))
        return best, float(sims[best])

    def _open_theme(self, *, praise: bool = False) -> int:
        theme_id = len(self._themes) + 1
        self._themes[theme_id] = Theme(id=theme_id)
        if theme_id >= self._active.size:
            capacity = 2 * theme_id
            dims = self._window.dimensions
            sums = np.zeros((capacity, dims), dtype=np.float32)
            units = np.zeros((capacity, dims), dtype=np.float32)
            if self._sums.shape[1] == dims:
                sums[: self._sums.shape[0]] = self._sums
                units[: self._units.shape[0]] = self._units
            active = np.zeros(capacity, dtype=np.bool_)
            active[: self._active.size] = self._active
            kinds = np.zeros(capacity, dtype=np.bool_)
            kinds[: self._praise.size] = self._praise
            self._sums, self._units, self._active, self._praise = sums, units, active, kinds
        self._active[theme_id] = True
        self._praise[theme_id] = praise
        return theme_id

    def _item_praise(self) -> npt.NDArray[np.bool_]:
        return np.fromiter(
            (item.praise for item in self._window.items), dtype=np.bool_, count=len(self._window)
        )

    def _rebuild_sums(self) -> None:
        # A theme is praise when most of its window items are (they all are, unless a product
        # manager merged or split by hand); a theme with no window items keeps what it was.
        labels = self._window.labels
        members = np.bincount(labels, minlength=self._active.size)
        praised = np.bincount(labels, weights=self._item_praise(), minlength=self._active.size)
        present = members > 0
        self._praise[present] = 2 * praised[present] > members[present]
        sums = theme_sums(self._window.vectors, self._window.labels, self._active.size)
        sums[~self._active] = 0.0
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        self._sums = sums
        self._units = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 1e-9)

    def _refit(self) -> None:
        rows = [item.features for item in self._window.items]
        self._model = fit_model(rows, self.config.model, seed=self.config.seed)
        self._window.set_vectors(self._model.transform(rows))
        n = len(rows)
        self._next_fit = min(2 * n, n + self.config.refit_every)
        self._rebuild_sums()

    def _pinned_rows(self) -> npt.NDArray[np.bool_]:
        pinned = self._pinned
        return np.fromiter(
            (item.id in pinned for item in self._window.items),
            dtype=np.bool_,
            count=len(self._window),
        )

    def _reassign(self, report: ConsolidationReport) -> None:
        before = self._window.labels.copy()
        anchored = np.zeros(self._active.size, dtype=np.bool_)
        anchored[list(self._anchored)] = True
        after = reassign(
            self._window.vectors,
            before,
            self._active,
            self.config.reassign_rounds,
            anchored,
            self.config.anchored_join_similarity,
            self._pinned_rows() if self._pinned else None,
            (self._item_praise(), self._praise),
        )
        # A ticket's theme takes in only items that share its words (see `_shares_words`).
        for held in sorted(self._anchored):
            entering = np.flatnonzero((after == held) & (before != held))
            if entering.size:
                items = [self._window.items[row] for row in entering]
                refused = entering[~self._shares_words(held, items)]
                after[refused] = before[refused]
        moved = np.flatnonzero(after != before)
        report.moved += int(moved.size)
        for row in moved:
            self._themes[int(before[row])].size -= 1
            self._themes[int(after[row])].size += 1
        self._window.set_labels(after)
        # A theme that lost every window member to others has been absorbed by them.
        present = np.bincount(after, minlength=self._active.size) > 0
        apart = self.kept_apart
        for theme_id in np.flatnonzero(self._active & ~present):
            former = before == theme_id
            targets = [
                int(target)
                for target, _ in Counter(after[former].tolist()).most_common()
                if frozenset((int(theme_id), int(target))) not in apart
            ]
            if targets:
                self._retire(int(theme_id), targets[0], report, reason="absorbed")

    def _retire(
        self,
        merged: int,
        survivor: int,
        report: ConsolidationReport,
        *,
        reason: str,
        similarity: float | None = None,
    ) -> None:
        theme = self._themes[merged]
        self._themes[survivor].size += theme.size
        theme.size = 0
        theme.status = ThemeStatus.MERGED
        theme.merged_into = survivor
        self._active[merged] = False
        if merged in self._anchored:
            self._anchored.discard(merged)
            self._anchored.add(survivor)
        labels = self._window.labels
        labels[labels == merged] = survivor
        report.merges.append(Merge(survivor, merged, reason=reason, similarity=similarity))

    def _merge(self, report: ConsolidationReport) -> None:
        sums = theme_sums(self._window.vectors, self._window.labels, self._active.size)
        sizes = np.zeros(self._active.size, dtype=np.int64)
        for theme_id, theme in self._themes.items():
            sizes[theme_id] = theme.size
        candidates = np.flatnonzero(self._active & (np.linalg.norm(sums, axis=1) > 1e-9))
        members = np.bincount(self._window.labels, minlength=self._active.size).astype(np.int64)
        merges = plan_merges(
            sums,
            sizes,
            candidates,
            self.config.theme_price,
            self.config.merge_min_similarity,
            self.config.merge_coherent_union,
            members,
            self.kept_apart,
            frozenset(self._anchored),
            self._union_holds,
            self._praise,
        )
        for merge in merges:
            self._retire(
                merge.merged,
                merge.survivor,
                report,
                reason=merge.reason,
                similarity=merge.similarity,
            )

    def _shares_words(self, theme_id: int, items: list[ClusterItem]) -> npt.NDArray[np.bool_]:
        """Which of `items` share words with the theme's window items: the cosine of an item's
        TF-IDF words to the sum of the theme's is at least the cohesion check's
        `min_item_overlap`. In a young latent space the few items of a minority language sit
        close together whatever they are about; their words still tell the problems apart."""
        rows = self._window.rows_of(theme_id)
        if rows.size == 0 or self._model.fitted_on == 0:
            return np.ones(len(items), dtype=np.bool_)
        features = [self._window.items[row].features for row in rows]
        words = self._model.word_weights(features + [item.features for item in items])
        total = words[: rows.size].sum(axis=0)
        candidates = words[rows.size :]
        norm = float(np.linalg.norm(total))
        overlap = candidates @ total / max(norm, 1e-9)
        shares: npt.NDArray[np.bool_] = overlap >= self.config.cohesion.min_item_overlap
        return shares

    def _cohesion_of(self, themes: frozenset[int]) -> Cohesion:
        rows = np.flatnonzero(np.isin(self._window.labels, np.fromiter(themes, dtype=np.int64)))
        features = [self._window.items[row].features for row in rows]
        return cohesion(self._model.word_weights(features), self.config.cohesion)

    def _union_holds(self, themes: frozenset[int]) -> bool:
        """The themes' window items together still read as one problem (see cohesion.py): what a
        theme with a ticket must keep to when it merges."""
        return self._cohesion_of(themes).holds(self.config.cohesion)

    def _split(self, report: ConsolidationReport) -> None:
        """Bisect incoherent themes, then their halves, until every part is coherent or too small."""
        vectors = self._window.vectors
        pinned = self._pinned_rows()
        pending = [int(theme_id) for theme_id in np.flatnonzero(self._active)]
        while pending:
            parent = pending.pop(0)
            rows = self._window.rows_of(parent)
            if rows.size < self.config.min_split_size:
                continue
            coherence = float(np.linalg.norm(vectors[rows].sum(axis=0))) / rows.size
            if coherence >= self.config.merge_coherent_union:
                continue  # coherent enough that its halves would merge straight back
            price = max(self.config.theme_price, self.config.split_gain_per_item * rows.size)
            side = bisect(vectors[rows], price)
            if side is not None:
                side &= ~pinned[rows]  # items a product manager placed stay where they are
            if side is not None and side.any():
                parts = side.astype(np.int64)
            elif self.config.split_many_ways and self._held_by_one_word(rows):
                found = self._partition(rows, pinned[rows])
                if found is None:
                    continue
                parts = found
            else:
                continue
            for part in range(1, int(parts.max()) + 1):
                child = self._open_theme(praise=self.is_praise(parent))
                chosen = rows[parts == part]
                self._window.labels[chosen] = child
                self._themes[child].size = int(chosen.size)
                self._themes[child].split_from = parent
                self._themes[parent].size -= int(chosen.size)
                report.splits.append(Split(parent=parent, child=child))
                pending.append(child)
            pending.append(parent)

    def _held_by_one_word(self, rows: npt.NDArray[np.intp]) -> bool:
        """A "hub": one word is in (nearly) all of the theme's items and no other word in half
        of them — items that share that word and nothing else. A theme of one problem told in
        varied words shares several (csv and 文字 in every report of garbled CSV exports)."""
        counts = Counter(key for row in rows for key in set(self._window.items[int(row)].keys))
        shares = [count / rows.size for _, count in counts.most_common(2)]
        if not shares or shares[0] < HUB_WORD_SHARE:
            return False
        return len(shares) < 2 or shares[1] < HUB_OTHER_WORD_SHARE

    def _partition(
        self, rows: npt.NDArray[np.intp], pinned: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.int64] | None:
        """A many-way split of the theme's `rows` (consolidate.partition) if it pays: each
        extra part must be worth its price and the items must gain `split_gain_per_item` on
        average, as for a bisection. Part 0 (the parent's, which keeps its id) is the largest,
        and holds the items a product manager placed. None when it does not pay."""
        vectors = self._window.vectors[rows]
        parts = partition(vectors, self.config.theme_price)
        if parts is None:
            return None
        k = int(parts.max()) + 1
        needed = max(self.config.theme_price * (k - 1), self.config.split_gain_per_item * rows.size)
        if partition_gain(vectors, parts) <= needed:
            return None
        sizes = np.bincount(parts, minlength=k)
        order = np.argsort(-sizes, kind="stable")  # largest first
        renumber = np.empty(k, dtype=np.int64)
        renumber[order] = np.arange(k)
        parts = renumber[parts]
        parts[pinned] = 0
        return parts if parts.max() >= 1 else None
