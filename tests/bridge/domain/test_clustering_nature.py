"""A ticket's reports are of one nature: a request for something new and a defect in what exists
are two problems to a product manager, even when they share their words ("scheduled reports")."""

from __future__ import annotations

from banso_bridge.domain.clustering.cohesion import CohesionConfig
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.one_problem import nature_of, of_one_nature
from banso_bridge.domain.clustering.stream import ThemeStream, to_cluster_item
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.text import TextPipeline
from banso_bridge.domain.tickets.decision import due_for_ticket, held_back
from banso_bridge.domain.tickets.policy import TicketThreshold

PIPELINE = TextPipeline()
DEFECTS = [
    "Scheduled reports arrive hours late, the time zone is wrong",
    "Our scheduled reports arrive late: the time zone setting is ignored",
    "The scheduled reports ignore our time zone and arrive late",
]
REQUEST = "Please add Slack notifications for the scheduled reports in our time zone"


def items(*texts: str) -> list[ClusterItem]:
    return [to_cluster_item(str(i), PIPELINE.process(text)) for i, text in enumerate(texts)]


def test_a_few_reports_of_the_other_nature_fit_in_what_a_large_ticket_sets_aside() -> None:
    config = CohesionConfig()
    assert of_one_nature(items(*DEFECTS * 6, REQUEST, REQUEST), config)  # 2 of 20
    assert not of_one_nature(items(*DEFECTS * 6, REQUEST, REQUEST, REQUEST), config)  # 3 of 21
    # A small theme sets nothing aside; texts of no nature count for neither.
    assert not of_one_nature(items(*DEFECTS, REQUEST), config)
    assert of_one_nature(items(*DEFECTS, "Monthly check-in done"), config)
    assert nature_of(items(*DEFECTS, REQUEST)) == "defect"
    assert nature_of(items("Monthly check-in done")) is None


def _one_theme(texts: list[str]) -> tuple[ThemeStream, int]:
    # Every bar on the latent space lowered: the texts share one theme whatever they say.
    stream = ThemeStream(ClusteringConfig(join_similarity=-1.0, anchored_join_similarity=-1.0))
    for index, text in enumerate(texts):
        stream.place(str(index), text)
    clusterer = stream.clusterer
    clusterer.consolidate(refit=True)
    first, *others = sorted({clusterer.resolve(t) for t in clusterer.assignments().values()})
    for other in others:  # as the ticket rule's link would (a product manager's merge sticks)
        clusterer.merge(other, first, reason="shared_words")
    return stream, first


def test_requests_beside_defects_that_share_their_words_get_no_ticket() -> None:
    stream, theme = _one_theme(DEFECTS * 2 + [REQUEST] * 2)
    clusterer = stream.clusterer
    # The words alone read as one problem ("scheduled reports" in every item) ...
    assert clusterer.cohesion(theme).holds(clusterer.config.cohesion)
    # ... the natures do not.
    assert not clusterer.fit_for_ticket(theme)
    defects_only, alone = _one_theme(DEFECTS * 2)
    assert defects_only.clusterer.fit_for_ticket(alone)


def test_a_request_does_not_join_a_ticket_filed_for_a_defect() -> None:
    stream, theme = _one_theme(DEFECTS * 3)
    stream.clusterer.anchor(theme)
    defect = stream.place("defect", "Scheduled reports arrive late again")
    request = stream.place("request", REQUEST)
    assert request.assignment.theme_id != theme
    assert defect.assignment.theme_id == theme


INVOICE = [
    "The invoice PDF download fails with an error",
    "Downloading the invoice PDF fails with an error",
]
THRESHOLD = TicketThreshold(min_accounts=3, min_arr=0.0, min_problem_share=0.5)


def test_a_theme_over_the_threshold_that_is_not_one_problem_says_why_it_has_no_ticket() -> None:
    mixed, theme = _one_theme(DEFECTS * 2 + [REQUEST] * 2)

    def held(stream: ThemeStream, theme_id: int, accounts: int) -> str | None:
        return held_back(
            stream.clusterer, theme_id, THRESHOLD, accounts=accounts, arr=0.0, problem_share=1.0
        )

    assert held(mixed, theme, 4) == "requests_and_defects"
    assert held(mixed, theme, 2) is None  # below the threshold nothing is held back
    two, both = _one_theme(DEFECTS * 2 + INVOICE * 3)  # two defects that share no words
    assert two.clusterer.fit_for_ticket(both) is False
    assert held(two, both, 5) == "unlike_words"
    one, alone = _one_theme(DEFECTS * 2)
    assert held(one, alone, 6) is None  # one problem: due its ticket, nothing to say
    assert due_for_ticket(one.clusterer, alone, THRESHOLD, accounts=6, arr=0.0, problem_share=1.0)


def test_reports_in_words_the_representation_has_not_seen_are_no_sign_of_two_problems() -> None:
    stream, theme = _one_theme(DEFECTS * 2)
    clusterer = stream.clusterer
    # Reports in words the fit never saw (no refit since): they share nothing with anything yet.
    for index, text in enumerate(["Zorblat quuxes frobnicate", "Zorblat quuxes frobnicate"] * 2):
        item = stream.place(f"new-{index}", text)
        # as the ticket rule's link would (a product manager's merge would stick)
        clusterer.merge(item.assignment.theme_id, theme, reason="shared_words")
    assert not clusterer.fit_for_ticket(theme)  # no ticket while they are strangers ...
    assert clusterer.not_one_problem(theme) is None  # ... and no claim of two problems either
    # Once the representation knows their words, consolidation sorts them out of the theme.
    clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    defects = {clusterer.resolve(placed[str(n)]) for n in range(len(DEFECTS) * 2)}
    strangers = {clusterer.resolve(placed[f"new-{n}"]) for n in range(4)}
    assert len(defects) == 1
    assert not defects & strangers
    assert clusterer.not_one_problem(defects.pop()) is None
