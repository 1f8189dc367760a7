""" "May be the same problem": the themes a product manager may want to merge into a theme.

The ticket rule merges one problem's themes by itself only above strict bars (a shared-words link
from 0.3, twin tickets from 0.15, account overlaps with a lift over chance), to keep each ticket
to one problem. Below them the Japanese and the English themes of one problem often stay apart,
and a product manager would have to find the sibling by its title, which a Japanese title never
finds in English. The bridge's own judgement is offered instead, ranked: the same likeness the
links use (`ThemeClusterer.rank_alike`: words through the lexicon, and for two themes of different
main languages the glossary's concepts, the greater counting), then the accounts they share. It
only suggests; merging stays the product manager's click.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.tickets.policy import MIN_ACCOUNT_LIFT, account_lift, account_overlap

#: A suggestion's likeness is at least this: the highest floor at which, on bench/themes.py's five
#: worlds (bench/alike.py, both modes), every theme of 3 items or more whose main problem has a
#: ticket elsewhere still finds that ticket's theme among its first three suggestions; at 0.1
#: twice as many suggestions are of another problem, from 0.18 some tickets fall out of the first
#: three (services/bridge/README.md, "May be the same problem").
MIN_LIKENESS = 0.15
#: A theme fewer of whose reports than this are problem reports (support tickets, requests, churn
#: reasons, notes and comments that tell of trouble: tickets/policy.is_problem_report) is check-ins
#: and CSM notes, not a product problem: never offered to a theme of problems (a theme of check-ins
#: names a cancellation one Slack request names too; bench/alike.py, seed 7: offered first, at 1.0).
MIN_PROBLEM_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Suggestion:
    theme_id: int
    #: How alike the two themes' words (or concepts) are, 0-1 (likeness.py).
    likeness: float
    #: Accounts that reported in both themes.
    shared_accounts: int


def alike_themes(
    clusterer: ThemeClusterer,
    theme_id: int,
    candidates: Iterable[int],
    accounts: Mapping[int, Set[str]],
    *,
    accounts_reporting: int,
    limit: int,
    min_likeness: float = MIN_LIKENESS,
    min_shared_accounts: int | None = None,
    min_account_overlap: float = 0.0,
    problem_shares: Mapping[int, float] | None = None,
) -> list[Suggestion]:
    """Up to `limit` of `candidates` that may be `theme_id`'s problem, at least `min_likeness`
    alike; most alike first, then most shared accounts (`accounts`, keyed by theme), then the
    lowest id. With `min_shared_accounts`, also a theme sharing at least that many accounts
    (and `min_account_overlap` of them, Jaccard) `MIN_ACCOUNT_LIFT` times more than chance among
    the `accounts_reporting` accounts that report anything, whatever its words: measured and not
    kept by default, since on bench/themes.py's worlds it found no ticket the words missed and
    more than doubled the suggestions of another problem (one customer reports several).

    Left out: the theme itself, themes not active (merged into another), pairs a product manager
    kept apart (an unmerge or a split), themes of the other kind (praise for a problem theme,
    problems for a praise theme: they meet only by a product manager's hand), and, given each
    theme's share of problem reports (`problem_shares`), a theme of check-ins and notes (below
    `MIN_PROBLEM_SHARE`) for a theme of problems."""
    themes = clusterer.themes
    if theme_id not in themes or not themes[theme_id].is_active or limit <= 0:
        return []
    apart = clusterer.kept_apart
    praise = clusterer.is_praise(theme_id)
    shares = problem_shares or {}
    of_problems = shares.get(theme_id, 0.0) >= MIN_PROBLEM_SHARE
    others = [
        other
        for other in set(candidates)
        if other != theme_id
        and other in themes
        and themes[other].is_active
        and frozenset((theme_id, other)) not in apart
        and clusterer.is_praise(other) == praise
        and not (of_problems and shares.get(other, 1.0) < MIN_PROBLEM_SHARE)
    ]
    own = accounts.get(theme_id, set())
    found: list[Suggestion] = []
    for other, alike in clusterer.rank_alike(theme_id, others):
        theirs = accounts.get(other, set())
        shared = len(own & theirs)
        by_accounts = (
            min_shared_accounts is not None
            and shared >= min_shared_accounts
            and account_overlap(own, theirs) >= min_account_overlap
            and account_lift(own, theirs, accounts_reporting) >= MIN_ACCOUNT_LIFT
        )
        if alike >= min_likeness or by_accounts:
            found.append(Suggestion(other, round(alike, 4), shared))
    found.sort(key=lambda s: (-s.likeness, -s.shared_accounts, s.theme_id))
    return found[:limit]
