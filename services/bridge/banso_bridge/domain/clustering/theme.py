"""Themes and the items they group: plain, serialisable dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from banso_bridge.domain.representation.features import FeatureCounts
from banso_bridge.domain.text.language import Language
from banso_bridge.domain.text.nature import Nature


class ThemeStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # folded into `merged_into`; kept so links and tickets still resolve


@dataclass(slots=True)
class Theme:
    """A group of feedback items about one problem.

    `id` never changes. `size` counts every item the theme ever received (items that left the
    clustering window included); `members` are the item ids currently in the window.
    """

    id: int
    size: int = 0
    status: ThemeStatus = ThemeStatus.ACTIVE
    merged_into: int | None = None
    split_from: int | None = None

    @property
    def is_active(self) -> bool:
        return self.status is ThemeStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """What the clusterer keeps of a feedback item: redacted text, language, words, features."""

    id: str
    text: str
    language: Language
    keys: tuple[str, ...]  # token keys (lemmas, stems) used for features and keywords
    surfaces: tuple[str, ...]  # readable forms, aligned with `keys`
    parts: tuple[str, ...]  # short units inside compounds (features only)
    features: FeatureCounts = field(repr=False)
    # Clearly positive ("Love the dashboards"; domain/text/praise.py): it joins praise themes only.
    praise: bool = False
    # A request for something the product lacks, or a defect (domain/text/nature.py); None when
    # the words say both or neither. A ticket's reports are of one nature (one_problem.py).
    nature: Nature | None = None
