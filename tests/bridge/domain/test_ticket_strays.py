"""A theme held back for its requests beside its defects sends the requests that read as an open
request ticket's to it (domain/tickets/decision.strays_to_move, `ThemeClusterer.move`): they are
that ticket's evidence, and the defects left behind read as one problem and get their own."""

from __future__ import annotations

import pytest

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.one_problem import NotOneProblem
from banso_bridge.domain.clustering.stream import ThemeStream
from banso_bridge.domain.clustering.twins import twin_to_merge
from banso_bridge.domain.tickets.decision import due_for_ticket, held_back, strays_to_move
from banso_bridge.domain.tickets.policy import TicketThreshold

DEFECTS = [
    "Scheduled reports arrive hours late, the time zone is wrong",
    "Our scheduled reports arrive late: the time zone setting is ignored",
    "The scheduled reports ignore our time zone and arrive late",
]
# A request that shares "scheduled reports" and "time zone" with the defects ...
REQUEST = "Please add Slack notifications for the scheduled reports in our time zone"
# ... and the requests of an open ticket it belongs to.
SLACK = [
    "Please add a Slack integration for our alerts",
    "We need Slack notifications for alerts in a channel",
    "Slack integration please: post alerts to our channel",
]
INVOICE = ("The invoice PDF download fails", "Downloading the invoice PDF fails with an error")
THRESHOLD = TicketThreshold(min_accounts=3, min_arr=0.0, min_problem_share=0.5)
MINIMUM = 0.3  # the link's bar (BridgeSettings.ticket_link_min_word_similarity)


def _world(*, extra: tuple[str, ...] = ()) -> tuple[ThemeStream, int, int, list[str]]:
    """The Slack requests' theme (its ticket open), and a theme of the defects with three
    requests among them; returns (stream, slack theme, mixed theme, the requests' ids)."""
    stream = ThemeStream(ClusteringConfig())
    for n, text in enumerate(SLACK * 3):
        stream.place(f"slack-{n}", text)
    for n, text in enumerate(DEFECTS * 3):
        stream.place(f"defect-{n}", text)
    requests = [f"request-{n}" for n in range(3)]
    for item_id in requests:
        stream.place(item_id, REQUEST)
    for n, text in enumerate(extra):
        stream.place(f"extra-{n}", text)
    clusterer = stream.clusterer
    clusterer.consolidate(refit=True)
    placed = {item: clusterer.resolve(theme) for item, theme in clusterer.assignments().items()}
    slack, mixed = placed["slack-0"], placed["defect-0"]
    # (the lexical representation groups them so; what this test is about starts here)
    assert {placed[f"slack-{n}"] for n in range(9)} == {slack}
    assert {placed[f"defect-{n}"] for n in range(9)} | {placed[i] for i in requests} == {mixed}
    clusterer.anchor(slack)  # its ticket is open
    return stream, slack, mixed, requests


def _held(stream: ThemeStream, theme: int) -> NotOneProblem | None:
    return held_back(stream.clusterer, theme, THRESHOLD, accounts=6, arr=0.0, problem_share=1.0)


def test_requests_held_beside_defects_go_to_the_open_ticket_of_their_requests() -> None:
    stream, slack, mixed, requests = _world()
    clusterer = stream.clusterer
    assert _held(stream, mixed) == "requests_and_defects"

    strays = strays_to_move(
        clusterer, mixed, [slack], held=_held(stream, mixed), min_word_similarity=MINIMUM
    )
    assert strays == {slack: requests}  # the defects stay

    for home, item_ids in strays.items():
        clusterer.move(item_ids, home)
    placed = {item: clusterer.resolve(theme) for item, theme in clusterer.assignments().items()}
    assert {placed[i] for i in requests} == {slack}
    assert clusterer.themes[slack].size == 12
    assert clusterer.themes[mixed].size == 9
    # What is left reads as one problem: due its own ticket.
    assert _held(stream, mixed) is None
    assert due_for_ticket(clusterer, mixed, THRESHOLD, accounts=3, arr=0.0, problem_share=1.0)
    assert clusterer.fit_for_ticket(slack)  # and the Slack ticket is still one problem
    assert clusterer.pinned == frozenset()  # the bridge's move, no product manager's: not pinned


def test_nothing_moves_without_an_open_ticket_their_reports_read_as() -> None:
    stream, slack, mixed, _ = _world(extra=INVOICE * 3)
    clusterer = stream.clusterer
    held = _held(stream, mixed)
    invoice = clusterer.resolve(stream.final_assignments()["extra-0"])
    clusterer.anchor(invoice)

    def strays(ticketed: list[int], **overrides: object) -> dict[int, list[str]]:
        arguments: dict[str, object] = {"held": held, "min_word_similarity": MINIMUM}
        arguments.update(overrides)
        return strays_to_move(clusterer, mixed, ticketed, **arguments)  # type: ignore[arg-type]

    assert strays([]) == {}  # no ticket open
    assert strays([invoice]) == {}  # a ticket of defects, and of other words
    assert strays([slack], held="unlike_words") == {}  # held back for another reason
    assert strays([slack], held=None) == {}
    assert strays([slack], min_word_similarity=0.0) == {}  # links by words turned off
    assert strays([slack], min_word_similarity=0.95) == {}  # not alike enough
    assert strays([slack]) != {}


def test_requests_a_product_manager_placed_beside_the_defects_stay_there() -> None:
    stream, slack, mixed, requests = _world()
    clusterer = stream.clusterer
    # The product manager split the requests off, then merged them back: their call.
    apart = clusterer.split_off(mixed, requests)
    clusterer.merge(apart, mixed, reason="manual")
    assert _held(stream, mixed) == "requests_and_defects"
    assert (
        strays_to_move(
            clusterer, mixed, [slack], held="requests_and_defects", min_word_similarity=MINIMUM
        )
        == {}
    )


def test_a_move_into_a_theme_that_is_no_longer_open_is_refused() -> None:
    stream, slack, mixed, requests = _world()
    clusterer = stream.clusterer
    clusterer.merge(slack, mixed, reason="shared_words")
    with pytest.raises(ValueError, match="not active"):
        clusterer.move(requests, slack)


def test_the_request_ticket_and_the_defect_ticket_are_never_twins() -> None:
    """Once moved, the requests bring the defects' words ("scheduled reports", "time zone") to
    the Slack ticket: alike enough for twins by words, but a request and a defect are two
    tickets to a product manager."""
    stream, slack, mixed, requests = _world()
    clusterer = stream.clusterer
    clusterer.move(requests, slack)
    clusterer.anchor(mixed)  # the defects got their ticket
    twin_minimum = 0.15  # BridgeSettings.ticket_twin_min_word_similarity
    assert clusterer.most_alike(mixed, [slack], minimum=twin_minimum) is not None
    opened = {slack: (1.0, slack), mixed: (2.0, mixed)}
    assert twin_to_merge(clusterer, mixed, opened, minimum=twin_minimum) is None
    assert twin_to_merge(clusterer, slack, opened, minimum=twin_minimum) is None
