"""The online pipeline the service and the quality benchmark share: text in, theme out."""

from __future__ import annotations

from dataclasses import dataclass

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.outcomes import Assignment, ConsolidationReport
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.representation.features import FeatureHasher
from banso_bridge.domain.text.nature import report_nature
from banso_bridge.domain.text.pipeline import ProcessedText, TextPipeline
from banso_bridge.domain.text.praise import is_praise


@dataclass(frozen=True, slots=True)
class Placement:
    processed: ProcessedText
    assignment: Assignment
    consolidation: ConsolidationReport | None  # set when this item triggered a consolidation pass


def to_cluster_item(
    item_id: str, processed: ProcessedText, hasher: FeatureHasher | None = None
) -> ClusterItem:
    keys = tuple(token.key for token in processed.tokens)
    parts = tuple(part for token in processed.tokens for part in token.parts)
    return ClusterItem(
        id=item_id,
        text=processed.text,
        language=processed.language,
        keys=keys,
        surfaces=tuple(token.surface for token in processed.tokens),
        parts=parts,
        features=(hasher or FeatureHasher()).extract(processed.content, keys + parts),
        praise=is_praise(processed.content),
        nature=report_nature(processed.content),
    )


class ThemeStream:
    """Normalise, redact, tokenise and place feedback items one by one, consolidating when due."""

    def __init__(
        self, config: ClusteringConfig | None = None, *, clusterer: ThemeClusterer | None = None
    ) -> None:
        self.text = TextPipeline()
        self.hasher = FeatureHasher()
        self.clusterer = clusterer or ThemeClusterer(config)

    def place(self, item_id: str, raw_text: str) -> Placement:
        processed = self.text.process(raw_text)
        assignment = self.clusterer.add(to_cluster_item(item_id, processed, self.hasher))
        report = self.clusterer.consolidate() if self.clusterer.consolidation_due else None
        return Placement(processed=processed, assignment=assignment, consolidation=report)

    def final_assignments(self) -> dict[str, int]:
        """Theme of every item in the window (after merges, so always an active theme)."""
        return {
            item: self.clusterer.resolve(theme)
            for item, theme in self.clusterer.assignments().items()
        }
