"""The ticket rule's decisions, pure: is a theme due a ticket, and should it rather join a ticketed one?

The service (`service/ticket_rule.py`, which reads the accounts from its store and acts on the
answer in a transaction) and `bench/themes.py` (which scores the tickets against the problems the
simulator planted) both decide with these functions, so the benchmark measures the rule the
service applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.one_problem import NotOneProblem
from banso_bridge.domain.tickets.policy import TicketThreshold, ticket_to_join

#: (ticketed theme to join, likeness, reason: `shared_accounts` or `shared_words`)
Join = tuple[int, float, str]
#: An account overlap below this many times the minimum is thin evidence on its own: two one-off
#: requests a few of the same customers made (pie-chart labels, a bulk invite from CSV) overlap
#: that much by chance ...
THIN_OVERLAP_FACTOR = 2.0
#: ... so the two themes' words must not be foreign to each other either: at least this alike
#: (`ThemeClusterer.most_alike`, Japanese and English through the lexicon). Two unrelated requests
#: share no word; on bench/themes.py a thin link of one problem's Japanese and English themes
#: scores less than the twin threshold (0.15), which would have given it a second ticket.
THIN_OVERLAP_MIN_LIKENESS = 0.05


def due_for_ticket(
    clusterer: ThemeClusterer,
    theme_id: int,
    threshold: TicketThreshold,
    *,
    accounts: int,
    arr: float,
    problem_share: float,
) -> bool:
    """The theme reached the threshold (accounts or ARR, share of problem reports) and reads as
    one problem (`ThemeClusterer.fit_for_ticket`: no praise, no second problem)."""
    return threshold.reached(
        accounts=accounts, arr=arr, problem_share=problem_share
    ) and clusterer.fit_for_ticket(theme_id)


def held_back(
    clusterer: ThemeClusterer,
    theme_id: int,
    threshold: TicketThreshold,
    *,
    accounts: int,
    arr: float,
    problem_share: float,
) -> NotOneProblem | None:
    """Why a theme that reached the threshold gets no ticket: it does not read as one problem
    (`ThemeClusterer.not_one_problem`). None when it is below the threshold, praise, before the
    first fit, or fit for its ticket. A product manager splits it (or merges its parts) to get
    the tickets it holds back."""
    if clusterer.model.fitted_on == 0 or clusterer.is_praise(theme_id):
        return None
    if not threshold.reached(accounts=accounts, arr=arr, problem_share=problem_share):
        return None
    return clusterer.not_one_problem(theme_id)


def join_candidates(clusterer: ThemeClusterer, theme_id: int, ticketed: Iterable[int]) -> list[int]:
    """The ticketed themes `theme_id` may join: active, itself excluded, and no pair a product
    manager kept apart."""
    apart = clusterer.kept_apart
    return sorted(
        other
        for other in set(ticketed)
        if other != theme_id
        and other in clusterer.themes
        and clusterer.themes[other].is_active
        and frozenset((theme_id, other)) not in apart
    )


def ticketed_theme_to_join(
    clusterer: ThemeClusterer,
    theme_id: int,
    accounts: Set[str],
    ticketed_accounts: Mapping[int, Set[str]],
    *,
    accounts_reporting: int,
    min_account_overlap: float,
    min_word_similarity: float,
) -> Join | None:
    """The ticketed theme (of `ticketed_accounts`, keyed by theme) a theme due a ticket should
    join instead: one problem told in other words or another language gets no second ticket.
    First one whose accounts overlap this theme's (`shared_accounts`, `ticket_to_join`; a thin
    overlap only when their words are not foreign to each other, `THIN_OVERLAP_MIN_LIKENESS`),
    else one whose customers' words are this theme's (`shared_words`,
    `ThemeClusterer.most_alike`); None when neither is close enough (0 turns a test off)."""
    candidates = join_candidates(clusterer, theme_id, ticketed_accounts)
    if not candidates:
        return None
    if min_account_overlap > 0:
        by_accounts = {other: ticketed_accounts[other] for other in candidates}
        while (
            link := ticket_to_join(
                accounts,
                by_accounts,
                min_overlap=min_account_overlap,
                accounts_reporting=accounts_reporting,
            )
        ) is not None:
            thin = link[1] < THIN_OVERLAP_FACTOR * min_account_overlap
            if (
                not thin
                or clusterer.most_alike(theme_id, [link[0]], minimum=THIN_OVERLAP_MIN_LIKENESS)
                is not None
            ):
                return (*link, "shared_accounts")
            del by_accounts[link[0]]  # thin and unalike: the next overlapping ticket, if any
    alike = clusterer.most_alike(theme_id, candidates, minimum=min_word_similarity)
    return None if alike is None else (*alike, "shared_words")


def strays_to_move(
    clusterer: ThemeClusterer,
    theme_id: int,
    ticketed: Iterable[int],
    *,
    held: NotOneProblem | None,
    min_word_similarity: float,
) -> dict[int, list[str]]:
    """What a theme held back for its requests beside its defects (`held_back`) sends to the
    request tickets: its requests that each read as a ticketed theme of requests
    (`ThemeClusterer.strays_with_a_home`, at the link's `min_word_similarity`, across Japanese
    and English), ticketed theme -> their item ids. They are that ticket's evidence,
    and what is left may read as one problem and get its own ticket (bench/themes.py: the report
    time-zone reports held back beside Slack requests while the Slack ticket was open)."""
    if held != "requests_and_defects" or min_word_similarity <= 0:
        return {}
    return clusterer.strays_with_a_home(
        theme_id, join_candidates(clusterer, theme_id, ticketed), minimum=min_word_similarity
    )
