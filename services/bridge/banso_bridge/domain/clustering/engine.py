"""Streaming theme clustering: each item joins the nearest theme or opens one; consolidation tidies up.

`ThemeClusterer` keeps a window of recent items (window.py; plus a few per theme, so old themes stay
matchable) with their vectors, and the themes' directions (directions.py). `add` is cheap and
immediate (arrival.py). `consolidate` (every `consolidate_every` items, and whenever the
representation is refitted) recomputes the vectors if the model was refitted, moves items to their
nearest theme, merges near-duplicate themes (consolidate.py) and splits incoherent ones
(splitting.py; hubs.py for the many-way split). Whether a theme reads as one problem is checked on
its words (one_problem.py, cohesion.py); how alike two themes' words are across Japanese and
English, in likeness.py; what the ticket rule asks of a theme, in questions.py (the base class).
Theme ids never change: a merged theme keeps its id and points to its survivor, a split opens a
new id.

Everything is deterministic for a given seed and input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.arrival import nearest_theme
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.consolidate import (
    Matrix,
    Merge,
    absorbed,
    plan_merges,
    reassign,
    theme_sums,
)
from banso_bridge.domain.clustering.directions import ThemeDirections
from banso_bridge.domain.clustering.labels import ThemeLabel, label_theme
from banso_bridge.domain.clustering.one_problem import (
    nature_of,
    shares_words,
)
from banso_bridge.domain.clustering.outcomes import Assignment, ConsolidationReport, Split
from banso_bridge.domain.clustering.questions import ThemeQuestions
from banso_bridge.domain.clustering.splitting import split_parts
from banso_bridge.domain.clustering.state import ClustererSnapshot, ItemRecord, ThemeRecord
from banso_bridge.domain.clustering.theme import ClusterItem, Theme, ThemeStatus
from banso_bridge.domain.clustering.window import ItemWindow
from banso_bridge.domain.representation.model import VectorModel, fit_model


class ThemeClusterer(ThemeQuestions):
    """Online clustering of feedback items into themes (see module docstring)."""

    def __init__(self, config: ClusteringConfig | None = None) -> None:
        self.config = config or ClusteringConfig()
        self._model = VectorModel.empty()
        self._window = ItemWindow()
        self._themes: dict[int, Theme] = {}
        self._directions = ThemeDirections()
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
        sims = self._window.vectors[rows] @ self._directions.units[theme_id]
        order = np.argsort(-sims, kind="stable")
        return [(self._window.items[rows[i]], float(sims[i])) for i in order]

    def window_vectors(self) -> tuple[list[str], Matrix]:
        """Ids and current vectors of the window items (what a batch method would cluster)."""
        return [item.id for item in self._window.items], self._window.vectors.copy()

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
        self._directions.add(theme_id, vector)
        self._since_consolidation += 1
        return Assignment(item_id=item.id, theme_id=theme_id, opened=opened, similarity=similarity)

    def consolidate(self, *, refit: bool | None = None) -> ConsolidationReport:
        """Refit the representation if due (or asked), then reassign, merge and split.

        A scheduled pass (`refit` None) refits when the doubling schedule says so, and also when
        the window outgrew the last fit by a tenth (`representation_stale`): a stream read in
        bursts (the service reads a consumer batch at a time) may never pause long enough for
        the idle pass, and words the fit has not seen leave new items' vectors thin, so themes
        of one problem drift apart and mixtures pass for one (bench/themes.py, service-like
        worlds: 24 of 30 planted problems with one ticket and 10 impure tickets without it,
        28 and 4 with it)."""
        report = ConsolidationReport()
        self._since_consolidation = 0
        if not len(self._window):
            return report
        if refit is None:
            refit = len(self._window) >= self._next_fit or self.representation_stale
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
        undo, and it sticks: the two themes' items are pinned (as a split's are), so no later
        consolidation moves them or splits them apart again, though their words may differ
        (one problem told in Japanese and in English); undoing the merge is the product
        manager's too. An automatic merge never merges a pair kept apart."""
        merged, survivor = self.resolve(merged), self.resolve(survivor)
        pair = frozenset((merged, survivor))
        if merged == survivor or (reason != "manual" and pair in self.kept_apart):
            return
        if reason != "manual" and self.is_praise(merged) != self.is_praise(survivor):
            return  # praise and problem reports meet only by a product manager's hand
        if reason == "manual":
            self._pinned |= {item.id for item in self._items_of(merged) + self._items_of(survivor)}
        self._apart.discard(pair)
        self._retire(merged, survivor, ConsolidationReport(), reason=reason)
        self._rebuild_sums()

    def move(self, item_ids: Iterable[str], into: int) -> None:
        """Move those of `item_ids` in the window into the active theme `into` (the ticket
        rule's decision, `strays_with_a_home`). Nothing is pinned or kept apart: the items stay
        the clusterer's to place, as after a link."""
        if not self._themes[into].is_active:
            raise ValueError(f"theme {into} is not active")
        wanted = set(item_ids)
        labels = self._window.labels
        for row, item in enumerate(self._window.items):
            if item.id in wanted and labels[row] != into:
                self._themes[int(labels[row])].size -= 1
                self._themes[into].size += 1
                labels[row] = into
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
        self._directions.active[merged] = True
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
        it and share its words nearly as much as its own items do (`_shares_words`,
        `anchored_min_relative_overlap`), and it merges with another theme only into a
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
            clusterer._directions.active[theme_id] = record.status == ThemeStatus.ACTIVE
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
        return nearest_theme(
            vector,
            self._directions.units,
            self._directions.active,
            self._directions.praise,
            praise=praise,
            anchored=self._anchored,
            anchored_join_similarity=self.config.anchored_join_similarity,
            excluded=excluded,
        )

    def _open_theme(self, *, praise: bool = False) -> int:
        theme_id = len(self._themes) + 1
        self._themes[theme_id] = Theme(id=theme_id)
        self._directions.open(theme_id, self._window.dimensions, praise=praise)
        return theme_id

    def _rebuild_sums(self) -> None:
        window = self._window
        self._directions.rebuild(window.vectors, window.labels, self._window.praise_rows())

    def _refit(self) -> None:
        rows = [item.features for item in self._window.items]
        self._model = fit_model(rows, self.config.model, seed=self.config.seed)
        self._window.set_vectors(self._model.transform(rows))
        n = len(rows)
        self._next_fit = min(2 * n, n + self.config.refit_every)
        self._rebuild_sums()

    def _reassign(self, report: ConsolidationReport) -> None:
        before = self._window.labels.copy()
        anchored = np.zeros(self._directions.capacity, dtype=np.bool_)
        anchored[list(self._anchored)] = True
        after = reassign(
            self._window.vectors,
            before,
            self._directions.active,
            self.config.reassign_rounds,
            anchored,
            self.config.anchored_join_similarity,
            self._window.rows_among(self._pinned) if self._pinned else None,
            (self._window.praise_rows(), self._directions.praise),
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
        for theme_id, target in absorbed(before, after, self._directions.active, self.kept_apart):
            self._retire(theme_id, target, report, reason="absorbed")

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
        self._directions.active[merged] = False
        if merged in self._anchored:
            self._anchored.discard(merged)
            self._anchored.add(survivor)
        labels = self._window.labels
        labels[labels == merged] = survivor
        report.merges.append(Merge(survivor, merged, reason=reason, similarity=similarity))

    def _merge(self, report: ConsolidationReport) -> None:
        sums = theme_sums(self._window.vectors, self._window.labels, self._directions.capacity)
        sizes = np.zeros(self._directions.capacity, dtype=np.int64)
        for theme_id, theme in self._themes.items():
            sizes[theme_id] = theme.size
        candidates = np.flatnonzero(self._directions.active & (np.linalg.norm(sums, axis=1) > 1e-9))
        members = np.bincount(self._window.labels, minlength=self._directions.capacity).astype(
            np.int64
        )
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
            self._directions.praise,
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
        """Which of `items` a ticket's theme takes in: of its nature (a request does not join a
        ticket filed for a defect, nor the reverse; one_problem.nature_of) and sharing its words
        (one_problem.shares_words)."""
        members = self._items_of(theme_id)
        nature = nature_of(members)
        alike = np.fromiter(
            (nature is None or item.nature in (None, nature) for item in items),
            dtype=np.bool_,
            count=len(items),
        )
        return alike & shares_words(
            self._model,
            self._window,
            theme_id,
            items,
            min_overlap=self.config.cohesion.min_item_overlap,
            min_relative=self.config.anchored_min_relative_overlap,
        )

    def _union_holds(self, themes: frozenset[int]) -> bool:
        """The themes' window items together still read as one problem (see cohesion.py): what a
        theme with a ticket must keep to when it merges. Strictly: nothing set aside as
        marginal (the ticket check allows a few marginal items in a large theme, cohesion.py;
        a merge must not bring a ticket a second problem's few items on top of them)."""
        strict = replace(self.config.cohesion, max_marginal_share=0.0)
        return self._cohesion_of(themes).holds(strict)

    def _split(self, report: ConsolidationReport) -> None:
        """Bisect incoherent themes, then their halves, until every part is coherent or too small."""
        vectors = self._window.vectors
        pinned = self._window.rows_among(self._pinned)
        pending = [int(theme_id) for theme_id in np.flatnonzero(self._directions.active)]
        while pending:
            parent = pending.pop(0)
            rows = self._window.rows_of(parent)
            parts = split_parts(rows, vectors, self._window.items, pinned, self.config)
            if parts is None:
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
