"""What the clustering engine reports back: where an item went, and what a consolidation changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from banso_bridge.domain.clustering.consolidate import Merge


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
