"""Twin tickets: two themes that each have a ticket and have come to speak the same words.

One problem told in Japanese and in English can get two tickets when each theme was ticketed
before the other had grown its words. Once they are alike enough, the one ticketed later is
merged into the other (and its ticket closed as that one's duplicate). The service's ticket rule
and `bench/themes.py` both decide with `twin_to_merge`.
"""

from __future__ import annotations

from collections.abc import Mapping

from banso_bridge.domain.clustering.engine import ThemeClusterer


def twin_to_merge(
    clusterer: ThemeClusterer,
    theme_id: int,
    ticketed: Mapping[int, tuple[float, int]],
    *,
    minimum: float,
) -> tuple[int, int, float] | None:
    """(merged, survivor, likeness) when the ticketed theme `theme_id` has a twin among the other
    active `ticketed` themes (keyed by theme, valued by when their tickets were opened: the
    earlier survives) whose words are at least `minimum` alike; None otherwise."""
    if theme_id not in ticketed or not clusterer.themes[theme_id].is_active:
        return None
    others = [t for t in ticketed if t != theme_id and clusterer.themes[t].is_active]
    twin = clusterer.most_alike(theme_id, others, minimum=minimum)
    if twin is None:
        return None
    survivor, merged = sorted((theme_id, twin[0]), key=ticketed.__getitem__)
    return merged, survivor, twin[1]
