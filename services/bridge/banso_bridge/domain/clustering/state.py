"""Serialisable snapshots of the clusterer, for the service to persist and restore.

Vectors are not stored: they are recomputed from the items' texts and word keys with a model refitted
on exactly the items the live model was fitted on (the first `fitted_on` window items), so a restored
clusterer carries on as the original would have.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from banso_bridge.domain.clustering.theme import ClusterItem, Theme, ThemeStatus
from banso_bridge.domain.representation.features import extract_features
from banso_bridge.domain.text.boilerplate import strip_boilerplate
from banso_bridge.domain.text.language import Language
from banso_bridge.domain.text.nature import report_nature
from banso_bridge.domain.text.praise import is_praise


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: str
    theme_id: int
    text: str
    language: str
    keys: tuple[str, ...]
    surfaces: tuple[str, ...]
    parts: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: ClusterItem, theme_id: int) -> ItemRecord:
        return cls(
            id=item.id,
            theme_id=theme_id,
            text=item.text,
            language=str(item.language),
            keys=item.keys,
            surfaces=item.surfaces,
            parts=item.parts,
        )

    def to_item(self) -> ClusterItem:
        keys, parts = tuple(self.keys), tuple(self.parts)
        content = strip_boilerplate(self.text)
        return ClusterItem(
            id=self.id,
            text=self.text,
            language=Language(self.language),
            keys=keys,
            surfaces=tuple(self.surfaces),
            parts=parts,
            features=extract_features(content, keys + parts),
            praise=is_praise(content),
            nature=report_nature(content),
        )


@dataclass(frozen=True, slots=True)
class ThemeRecord:
    id: int
    size: int
    status: str
    merged_into: int | None
    split_from: int | None

    @classmethod
    def of(cls, theme: Theme) -> ThemeRecord:
        return cls(
            id=theme.id,
            size=theme.size,
            status=str(theme.status),
            merged_into=theme.merged_into,
            split_from=theme.split_from,
        )

    def to_theme(self) -> Theme:
        return Theme(
            id=self.id,
            size=self.size,
            status=ThemeStatus(self.status),
            merged_into=self.merged_into,
            split_from=self.split_from,
        )


@dataclass(frozen=True, slots=True)
class ClustererSnapshot:
    themes: tuple[ThemeRecord, ...]
    items: tuple[ItemRecord, ...]  # window order, oldest first
    fitted_on: int
    since_consolidation: int
    next_fit: int
    apart: tuple[tuple[int, int], ...] = ()  # pairs a product manager separated again
    anchored: tuple[int, ...] = ()  # themes a ticket was filed for
    pinned: tuple[str, ...] = ()  # items a product manager split off: never moved again

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClustererSnapshot:
        return cls(
            themes=tuple(ThemeRecord(**theme) for theme in data["themes"]),
            items=tuple(
                ItemRecord(
                    **{
                        **item,
                        "keys": tuple(item["keys"]),
                        "surfaces": tuple(item["surfaces"]),
                        "parts": tuple(item.get("parts", ())),
                    }
                )
                for item in data["items"]
            ),
            fitted_on=int(data["fitted_on"]),
            since_consolidation=int(data["since_consolidation"]),
            next_fit=int(data["next_fit"]),
            apart=tuple((int(a), int(b)) for a, b in data.get("apart", ())),
            anchored=tuple(int(theme) for theme in data.get("anchored", ())),
            pinned=tuple(str(item) for item in data.get("pinned", ())),
        )
