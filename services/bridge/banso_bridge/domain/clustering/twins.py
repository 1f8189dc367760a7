"""Twin tickets: two themes that each have a ticket and have come to speak the same words.

One problem told in Japanese and in English can get two tickets when each theme was ticketed
before the other had grown its words. Once they are alike enough, the one ticketed later is
merged into the other (and its ticket closed as that one's duplicate). The service's ticket rule
and `bench/themes.py` both decide with `twin_to_merge`.
"""

from __future__ import annotations

from collections.abc import Mapping

from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.text.nature import Nature


def twin_to_merge(
    clusterer: ThemeClusterer,
    theme_id: int,
    ticketed: Mapping[int, tuple[float, int]],
    *,
    minimum: float,
) -> tuple[int, int, float] | None:
    """(merged, survivor, likeness) when the ticketed theme `theme_id` has a twin among the other
    active `ticketed` themes (keyed by theme, valued by when their tickets were opened: the
    earlier survives) whose words are at least `minimum` alike; None otherwise. A ticket of
    requests and a ticket of defects are never twins (one nature per ticket, text/nature.py):
    the requests the ticket rule moved to their ticket (`decision.strays_to_move`) may share
    the defects' words ("Slack notifications for the scheduled reports in our time zone")."""
    if theme_id not in ticketed or not clusterer.themes[theme_id].is_active:
        return None
    nature = clusterer.nature(theme_id)
    others = [
        t
        for t in ticketed
        if t != theme_id
        and clusterer.themes[t].is_active
        and _same_nature(nature, clusterer.nature(t))
    ]
    twin = clusterer.most_alike(theme_id, others, minimum=minimum)
    if twin is None:
        return None
    survivor, merged = sorted((theme_id, twin[0]), key=ticketed.__getitem__)
    return merged, survivor, twin[1]


def _same_nature(a: Nature | None, b: Nature | None) -> bool:
    return a is None or b is None or a == b
