"""The clustering engine's settings (`ClusteringConfig`): when items join, merge and split."""

from __future__ import annotations

from dataclasses import dataclass, field

from banso_bridge.domain.clustering.cohesion import CohesionConfig
from banso_bridge.domain.representation.model import ModelConfig


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
    # An item joins a theme that has a ticket (on arrival or when consolidation moves it) only
    # when its words overlap the theme's (cosine of its TF-IDF words to the sum of the theme's) at
    # least this share of what the theme's typical member's do (the median of each member's
    # overlap with the others), besides the absolute `cohesion.min_item_overlap`. A report of
    # another problem that shares a word or two ("save us *time*", "scheduled reports") clears
    # the absolute bar; against a theme whose reports share most of their words it does not.
    # 0 = off. bench/themes.py: 0.4 and 0.6 leave the same failures as 0 or add some (see README).
    anchored_min_relative_overlap: float = 0.5
    # Two themes of different main languages are alike (for the ticket rule's links and twin
    # merges) also when at least this much of one's glossary concepts the other names as often
    # (likeness.concept_likeness, domain/text/glossary.py): the same problem told in Japanese and
    # in English shares few words even through the lexicon. Above 1 = never (words only).
    # Set by BRIDGE_TICKET_CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY.
    cross_language_min_concept_likeness: float = 0.4
    # An operator's glossary lines added to the shipped glossary (BRIDGE_GLOSSARY_PATH's text).
    glossary_extra: str = ""
    consolidate_every: int = 250  # items between consolidation passes
    reassign_rounds: int = 10  # Lloyd steps per pass (it stops early once nothing moves)
    min_split_size: int = 8  # themes smaller than this are never split
    # A split must bring each item, on average, this much closer (in cosine) to its theme's direction.
    # The objective alone would split any large theme a little; this keeps coherent themes whole.
    split_gain_per_item: float = 0.1
    # When no two-way split pays, an incoherent theme is re-clustered into as many parts as the
    # objective asks for (hubs.py): a theme held together by one shared word ("hub") falls apart
    # into its problems. Off: only two-way splits.
    split_many_ways: bool = True
    first_fit_at: int = 8  # items before the first representation fit
    refit_every: int = 5_000  # refit at least this often once doubling gets sparse (items)
    max_window: int = 20_000  # items kept for consolidation
    retained_per_theme: int = 20  # items every theme keeps in the window, however old
    seed: int = 0
    model: ModelConfig = field(default_factory=ModelConfig)
    # When a theme counts as one problem, fit for a ticket (see cohesion.py).
    cohesion: CohesionConfig = field(default_factory=CohesionConfig)
