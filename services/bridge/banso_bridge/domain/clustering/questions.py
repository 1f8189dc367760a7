"""What the ticket rule and a product manager ask of a theme, never changing it.

Is it praise; does it read as one problem, and if not, why (requests beside defects, or reports
in unlike words: one_problem.py, cohesion.py); are its reports requests or defects; which other
themes are most alike it across Japanese and English (likeness.py); which of its requests read
as another ticket's. `ThemeClusterer` (engine.py) holds the state these questions read and the
operations that change it; this base class keeps the questions apart from them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from banso_bridge.domain.clustering.cohesion import Cohesion
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.directions import ThemeDirections
from banso_bridge.domain.clustering.likeness import homes_of, most_alike, rank_alike
from banso_bridge.domain.clustering.one_problem import (
    NotOneProblem,
    nature_of,
    of_one_nature,
    theme_cohesion,
)
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.window import ItemWindow
from banso_bridge.domain.representation.model import VectorModel
from banso_bridge.domain.text.nature import Nature


class ThemeQuestions:
    """Read-only questions about the themes of a `ThemeClusterer`, its subclass, which sets
    these attributes."""

    config: ClusteringConfig
    _model: VectorModel
    _window: ItemWindow
    _directions: ThemeDirections
    # Pairs of themes a product manager separated again; items a product manager placed.
    _apart: set[frozenset[int]]
    _pinned: set[str]

    def is_praise(self, theme_id: int) -> bool:
        """The theme gathers praise ("Love the dashboards"; text/praise.py), not problems: most of
        its items are praise. Praise and problem reports never share a theme (only a product
        manager's merge can mix them), so compliments do not dilute a problem's ticket."""
        return self._directions.is_praise(theme_id)

    def cohesion(self, theme_id: int) -> Cohesion:
        """How much a theme's window items share in words (see cohesion.py)."""
        return self._cohesion_of(frozenset((theme_id,)))

    def fit_for_ticket(self, theme_id: int) -> bool:
        """The theme reads as one problem: not praise, no more intruders than a ticket's purity
        allows, and not two groups with no words in common. Before the first fit nothing is."""
        if self._model.fitted_on == 0 or self.is_praise(theme_id):
            return False
        return self._mixture(self._items_of(theme_id), theme_id) is None

    def nature(self, theme_id: int) -> Nature | None:
        """What most of the theme's reports that have a nature are: requests or defects
        (one_problem.nature_of; None on a tie or when none has one)."""
        return nature_of(self._items_of(theme_id))

    def not_one_problem(self, theme_id: int) -> NotOneProblem | None:
        """Why the theme does not read as one problem (praise and the first fit aside,
        `fit_for_ticket`), as a product manager reads it beside a theme held back from its
        ticket: `requests_and_defects`, requests for something new beside reports of something
        broken (text/nature.py), else `unlike_words`, more reports than a ticket may set aside
        that share no words with the rest, or two halves that share none. None when it reads as
        one problem, and also while some of its reports have no word the representation knows
        yet (words it was not fitted on): they share nothing with anything until the next refit,
        which is no sign of a second problem."""
        items = self._items_of(theme_id)
        reason = self._mixture(items, theme_id)
        if reason != "unlike_words":
            return reason
        words = self._model.word_weights([item.features for item in items])
        known = words.shape[1] > 0 and bool(np.all(np.abs(words).sum(axis=1) > 0))
        return reason if known else None

    def rank_alike(self, theme_id: int, others: Iterable[int]) -> list[tuple[int, float]]:
        """`others` by how alike their customers' words are to this theme's, across Japanese and
        English (see likeness.py), most alike first, with the likeness; pairs a product manager
        separated (as recorded, `kept_apart` resolves them to the themes that hold them now)
        are left out."""
        return rank_alike(
            self._window,
            theme_id,
            others,
            concept_minimum=self.config.cross_language_min_concept_likeness,
            glossary_extra=self.config.glossary_extra,
            apart=self._apart,
        )

    def most_alike(
        self, theme_id: int, others: Iterable[int], *, minimum: float
    ) -> tuple[int, float] | None:
        """The first of `rank_alike` and its likeness when it reaches `minimum` (0 = never);
        None otherwise."""
        return most_alike(
            self._window,
            theme_id,
            others,
            minimum=minimum,
            concept_minimum=self.config.cross_language_min_concept_likeness,
            glossary_extra=self.config.glossary_extra,
            apart=self._apart,
        )

    def strays_with_a_home(
        self, theme_id: int, homes: Iterable[int], *, minimum: float
    ) -> dict[int, list[str]]:
        """The requests among the theme's defects (text/nature.py) that read as the reports of
        one of `homes` whose reports are mostly requests, each alone at least `minimum` alike
        it (`likeness.homes_of`): home -> their item ids. Empty when the theme is of one nature
        (as a ticket allows) or not mostly defects, and for the reports a product manager placed.
        The ticket rule moves them to their ticket (`move`): "Please add Slack notifications
        for alerts and scheduled reports" held back the report time-zone theme it sat in, while
        the Slack ticket was theirs. Only requests leave, never defects: defects moved out of a
        theme that is mostly requests left requests beside reports of no nature ("Our weekly
        KPI report lands in the evening"), which then passed the one-nature check and joined the
        time-zone ticket by their accounts (`make demo`, 2026-12-07 19:21: that ticket 0.85
        pure)."""
        items = self._items_of(theme_id)
        if nature_of(items) != "defect" or of_one_nature(items, self.config.cohesion):
            return {}
        strays = [
            item
            for item in items
            if item.nature == "request" and item.id not in self._pinned  # a PM's stay
        ]
        if not strays:
            return {}
        of_their_nature = [
            home
            for home in homes
            if home != theme_id and nature_of(self._items_of(home)) == "request"
        ]
        found = homes_of(
            self._window,
            strays,
            of_their_nature,
            minimum=minimum,
            concept_minimum=self.config.cross_language_min_concept_likeness,
            glossary_extra=self.config.glossary_extra,
        )
        return {home: [item.id for item in moved] for home, moved in found.items()}

    def _items_of(self, theme_id: int) -> list[ClusterItem]:
        return [self._window.items[row] for row in self._window.rows_of(theme_id)]

    def _mixture(self, items: list[ClusterItem], theme_id: int) -> NotOneProblem | None:
        """What keeps the theme's `items` from reading as one problem, as measured."""
        if not of_one_nature(items, self.config.cohesion):
            return "requests_and_defects"
        if not self.cohesion(theme_id).holds(self.config.cohesion):
            return "unlike_words"
        return None

    def _cohesion_of(self, themes: frozenset[int]) -> Cohesion:
        return theme_cohesion(self._model, self._window, themes, self.config.cohesion)
