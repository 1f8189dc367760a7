"""The ticket rule's pure decisions (domain/tickets/decision.py), which the service and
bench/themes.py share: when a theme is due a ticket, and which ticketed theme it joins instead."""

from __future__ import annotations

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.stream import ThemeStream
from banso_bridge.domain.tickets.decision import due_for_ticket, ticketed_theme_to_join
from banso_bridge.domain.tickets.policy import TicketThreshold

TEXTS = {
    "pie-ja": ["円グラフのラベルが重なって読めません。", "円グラフのラベルが重なって読めません"],
    "invite-ja": ["ユーザーをCSVで一括招待できませんか？", "ユーザーをCSVで一括招待できませんか"],
    "loop-en": [
        "SSO login loops back to the sign-in page",
        "After SSO login the page reloads in a loop",
        "Our SSO login keeps looping, nobody can sign in",
    ],
    "loop-ja": [
        "SSOでログインするとページがループします",
        "SSOログイン後にページが何度もリロードされてループします",
        "SSOのログインがループして誰も入れません",
    ],
    "praise-en": ["Love the dashboards.", "Support is quick and helpful."],
}
THRESHOLD = TicketThreshold(min_accounts=3, min_arr=0.0, min_problem_share=0.5)
SAME_ACCOUNTS = {"a1", "a2", "a3", "a4"}


def _themes() -> tuple[ThemeStream, dict[str, int]]:
    stream = ThemeStream(ClusteringConfig())
    for name, texts in TEXTS.items():
        for n, text in enumerate(texts * 4):
            stream.place(f"{name}-{n}", text)
    stream.clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    return stream, {name: placed[f"{name}-0"] for name in TEXTS}


def _join(
    stream: ThemeStream, theme_id: int, accounts: set[str], ticketed: dict[int, set[str]]
) -> tuple[int, float, str] | None:
    return ticketed_theme_to_join(
        stream.clusterer,
        theme_id,
        accounts,
        ticketed,
        accounts_reporting=40,
        min_account_overlap=0.2,
        min_word_similarity=0.3,
    )


def test_two_requests_a_few_of_the_same_accounts_made_keep_their_own_tickets() -> None:
    stream, theme = _themes()
    assert theme["pie-ja"] != theme["invite-ja"]
    assert due_for_ticket(
        stream.clusterer, theme["pie-ja"], THRESHOLD, accounts=5, arr=0.0, problem_share=1.0
    )
    # Two of the eight accounts asked for both (overlap 0.25, above the minimum 0.2 but below
    # twice it), and the two themes share no word: thin evidence, the pie-chart request does
    # not join the bulk-invite ticket.
    pie = {"a1", "a2", "a3", "a4", "a5"}
    invite = {"a4", "a5", "a6", "a7", "a8"}
    assert _join(stream, theme["pie-ja"], pie, {theme["invite-ja"]: invite}) is None
    # The same thin overlap between one problem's Japanese and English themes, whose words
    # agree, is enough.
    join = _join(stream, theme["loop-ja"], pie, {theme["loop-en"]: invite})
    assert join is not None
    assert join[0] == theme["loop-en"]
    assert join[2] == "shared_accounts"
    # A strong overlap is evidence on its own.
    assert _join(stream, theme["pie-ja"], pie, {theme["invite-ja"]: pie}) == (
        theme["invite-ja"],
        1.0,
        "shared_accounts",
    )


def test_one_problem_in_two_languages_joins_the_ticket_its_accounts_share() -> None:
    stream, theme = _themes()
    assert theme["loop-ja"] != theme["loop-en"]
    join = _join(
        stream,
        theme["loop-ja"],
        SAME_ACCOUNTS,
        {theme["loop-en"]: SAME_ACCOUNTS, theme["invite-ja"]: {"a9", "a10", "a11"}},
    )
    assert join == (theme["loop-en"], 1.0, "shared_accounts")
    # Without shared accounts, the customers' words still bring it to the English ticket.
    join = _join(stream, theme["loop-ja"], {"a20", "a21", "a22"}, {theme["loop-en"]: SAME_ACCOUNTS})
    assert join is not None
    assert join[0] == theme["loop-en"]
    assert join[2] == "shared_words"


def test_a_theme_of_praise_is_never_due_a_ticket() -> None:
    stream, theme = _themes()
    clusterer = stream.clusterer
    praise = theme["praise-en"]
    assert clusterer.is_praise(praise)
    assert not due_for_ticket(clusterer, praise, THRESHOLD, accounts=30, arr=0.0, problem_share=1.0)
    # A problem theme with the same figures is due.
    assert due_for_ticket(
        clusterer, theme["loop-en"], THRESHOLD, accounts=30, arr=0.0, problem_share=1.0
    )
    # ... but not below the threshold's accounts or problem share.
    assert not due_for_ticket(
        clusterer, theme["loop-en"], THRESHOLD, accounts=2, arr=0.0, problem_share=1.0
    )
    assert not due_for_ticket(
        clusterer, theme["loop-en"], THRESHOLD, accounts=30, arr=0.0, problem_share=0.4
    )
